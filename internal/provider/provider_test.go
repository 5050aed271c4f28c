package provider

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// The tests share the helpers of this file. A test calls t.Parallel() unless it sets the
// process environment (t.Setenv), which a parallel test cannot; the helpers run their case
// with resource.UnitTest so that both kinds can use them.

// liveEnv keeps the real API's settings from the environment for the live test; every other
// test runs with them unset so that none reaches the real API by accident.
var liveEnv = map[string]string{}

func TestMain(m *testing.M) {
	// The machine's Terraform is used as it is: no download, no telemetry, no stray CLI config.
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	for _, v := range []string{EnvAccessToken, EnvRegion, EnvEndpoint, EnvEndpointLegacy, EnvSharedPacing, EnvSharedReadTTL, EnvCurrency} {
		liveEnv[v] = os.Getenv(v)
		_ = os.Unsetenv(v)
	}
	// Each test reads its own simulator afresh: answers shared between the tests' provider
	// instances would hide the requests they count. The tests of the shared read cache set it.
	_ = os.Setenv(EnvSharedReadTTL, "0")
	dir, err := os.MkdirTemp("", "guance-cli-config")
	if err != nil {
		panic(err)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		panic(err)
	}
	_ = os.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	// Shared pacing files go to a cache directory of the tests' own (os.UserCacheDir reads it).
	_ = os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// errorLike matches Terraform's output when it holds every phrase in order, however
// Terraform wrapped the lines.
func errorLike(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// protoV6ProviderFactories serves the provider in-process as Terraform gets it, protocol
// server included, with retries shortened for tests only.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"guance": func() (tfprotov6.ProviderServer, error) {
		return newServer(&guanceProvider{version: "test", tuneClient: fastRetries}), nil
	},
}

func fastRetries(c *guance.Config) {
	c.BaseDelay, c.MaxDelay = time.Millisecond, 10*time.Millisecond
}

// newSim starts a simulator for one test.
func newSim(t *testing.T, opts guancesim.Options) *guancesim.Server {
	t.Helper()
	sim := guancesim.NewServer(opts)
	t.Cleanup(sim.Close)
	return sim
}

// simProvider is a provider block that reads from the simulator.
func simProvider(sim *guancesim.Server) string {
	return fmt.Sprintf(`
provider "guance" {
  endpoint     = %q
  access_token = %q
}
`, sim.URL(), guancesim.DefaultToken)
}

// billingConfig reads one period through the provider block given.
func billingConfig(providerBlock, start, end string) string {
	return providerBlock + fmt.Sprintf(`
data "guance_billing_details" "test" {
  start_date = %q
  end_date   = %q
}
`, start, end)
}

// num is an exact decimal for knownvalue.NumberExact.
func num(text string) *big.Float { return exactNumber(text) }

// readsAs plans config once against the provider and checks the state it reads.
func readsAs(t *testing.T, config string, checks ...statecheck.StateCheck) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// failsWith plans config and expects it to fail with an error holding every phrase, in order.
func failsWith(t *testing.T, config string, phrases ...string) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ExpectError: errorLike(phrases...)}},
	})
}

// billingAddr is the details data source the tests' configurations declare.
const billingAddr = "data.guance_billing_details.test"

// at is a path into a state value: attribute, then a list index for each int step and a map
// key for each string step.
func at(attribute string, steps ...any) tfjsonpath.Path {
	p := tfjsonpath.New(attribute)
	for _, step := range steps {
		switch s := step.(type) {
		case int:
			p = p.AtSliceIndex(s)
		case string:
			p = p.AtMapKey(s)
		}
	}
	return p
}

// expect checks the value at path in billingAddr's state.
func expect(path tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(billingAddr, path, v)
}

// exampleConfig is a documentation example, file under examples/, reading from the simulator.
func exampleConfig(t *testing.T, sim *guancesim.Server, file string) string {
	t.Helper()
	example, err := os.ReadFile("../../examples/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return simProvider(sim) + string(example)
}

// detailsConfig is a configuration of guance_billing_details: its configurable attributes.
type detailsConfig struct {
	StartDate      types.String
	EndDate        types.String
	IncludeRecords types.Bool
	ProductDetails types.Set
	Measurements   types.Set
	WorkspaceUUIDs types.Set
}

// configValue is a data source configuration as Terraform sends it: every computed attribute
// null.
func configValue(t testing.TB, cfg detailsConfig) tftypes.Value {
	t.Helper()
	ctx := context.Background()
	schema := billingDetailsSchema()
	state := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(schema.Type().TerraformType(ctx), nil)}
	for name, v := range map[string]attr.Value{
		"start_date": cfg.StartDate, "end_date": cfg.EndDate, "include_records": cfg.IncludeRecords,
		"product_details": cfg.ProductDetails, "measurements": cfg.Measurements, "workspace_uuids": cfg.WorkspaceUUIDs,
	} {
		if diags := state.SetAttribute(ctx, path.Root(name), v); diags.HasError() {
			t.Fatal(diags)
		}
	}
	return state.Raw
}

// simData is a configured provider's data, its client reading from a simulator of its own.
func simData(t *testing.T) *providerData {
	t.Helper()
	sim := newSim(t, guancesim.Options{})
	client, err := guance.New(guance.Config{BaseURL: sim.URL(), Token: guancesim.DefaultToken})
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{client: client}
}

// set is a set of strings for a configuration; none is a null set, as an omitted attribute.
func set(values ...string) types.Set {
	if len(values) == 0 {
		return types.SetNull(types.StringType)
	}
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// spend is what the simulator bills over a period, summed exactly from guancesim.Records so
// that the expectations do not go through the client under test: the oracle of the tests.
type spend struct {
	start, end   string
	total        *big.Rat
	byProduct    map[string]*big.Rat
	byDay        map[string]*big.Rat
	byProductDay map[string]map[string]*big.Rat
	byWorkspace  map[string]*big.Rat
}

// simSpend is what the default simulator bills from start to end.
func simSpend(t *testing.T, start, end string) spend {
	t.Helper()
	return simSpendOf(t, guancesim.Options{}, start, end)
}

// simSpendOf is what a simulator with opts bills from start to end.
func simSpendOf(t *testing.T, opts guancesim.Options, start, end string) spend {
	t.Helper()
	from, errFrom := time.Parse(time.DateOnly, start)
	to, errTo := time.Parse(time.DateOnly, end)
	if errFrom != nil || errTo != nil {
		t.Fatalf("bad period %s to %s", start, end)
	}
	s := spend{start: start, end: end, total: new(big.Rat), byProduct: map[string]*big.Rat{}, byDay: map[string]*big.Rat{},
		byProductDay: map[string]map[string]*big.Rat{}, byWorkspace: map[string]*big.Rat{}}
	add := func(sums map[string]*big.Rat, key string, amount *big.Rat) {
		if sums[key] == nil {
			sums[key] = new(big.Rat)
		}
		sums[key].Add(sums[key], amount)
	}
	for _, r := range guancesim.Records(opts, from, to) {
		amount, ok := new(big.Rat).SetString(r.Text("billingResult"))
		if !ok {
			t.Fatalf("billingResult %q is not a decimal", r.Text("billingResult"))
		}
		day, product := r.Text("consumeTimeOfDay"), r.Text("productDetail")
		s.total.Add(s.total, amount)
		add(s.byProduct, product, amount)
		add(s.byDay, day, amount)
		add(s.byWorkspace, r.Text("workspaceUuid"), amount)
		if s.byProductDay[product] == nil {
			s.byProductDay[product] = map[string]*big.Rat{}
		}
		add(s.byProductDay[product], day, amount)
	}
	return s
}
