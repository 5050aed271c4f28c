package provider

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"os/exec"
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

// The tests share the helpers of this file. Every test calls t.Parallel(): a test builds its
// provider with testProvider, which injects the clock and the environment the provider reads,
// and the few that need the process environment of terraform-plugin-testing itself
// (TF_ACC_PROVIDER_NAMESPACE, TF_LOG) run in a child process with it (inChildProcess).

// liveEnv keeps the real API's settings from the environment for the live test, whose
// provider alone is given them; every other test's provider has an environment of its own, so
// that none reaches the real API by accident.
var liveEnv = map[string]string{}

func TestMain(m *testing.M) {
	// The machine's Terraform is used as it is: no download, no telemetry, no stray CLI config.
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	for _, v := range []string{EnvAccessToken, EnvRegion, EnvEndpoint, EnvEndpointLegacy, EnvSharedPacing, EnvSharedReadTTL, EnvCurrency} {
		if value, ok := os.LookupEnv(v); ok {
			liveEnv[v] = value
		}
		_ = os.Unsetenv(v)
	}
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

// testProvider is the provider as every test builds it, in the manner of
// terraform-provider-time's NewTestProvider: the test injects the clock, the environment the
// provider reads (its GUANCE_* variables, the endpoint among them) and the client's tuning.
// The process environment never reaches it, so no test sets it and every test runs in parallel.
type testProvider struct {
	// clock is the provider's clock; nil is the system clock.
	clock func() time.Time
	// env is the provider's whole environment: a variable not in it is unset, but for
	// GUANCE_SHARED_READ_TTL, which is 0 unless env says otherwise.
	env map[string]string
	// tune adjusts the client's configuration; nil is fastRetries.
	tune func(*guance.Config)
}

// provider is the provider that tp describes, as Configure gets it.
func (tp testProvider) provider() *guanceProvider {
	tune := tp.tune
	if tune == nil {
		tune = fastRetries
	}
	return &guanceProvider{
		version: "test", clock: tp.clock, tuneClient: tune,
		lookupEnv: func(name string) (string, bool) {
			if v, ok := tp.env[name]; ok {
				return v, true
			}
			if name == EnvSharedReadTTL {
				// Each test reads its own simulator afresh: answers shared between the tests'
				// providers would hide the requests they count. The tests of the shared read
				// cache set it in env.
				return "0", true
			}
			return "", false
		},
	}
}

// factories serves the provider in-process as Terraform gets it, protocol server included.
func (tp testProvider) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"guance": func() (tfprotov6.ProviderServer, error) { return newServer(tp.provider()), nil },
	}
}

// protoV6ProviderFactories serves the provider with no environment and retries shortened for
// tests only.
var protoV6ProviderFactories = testProvider{}.factories()

// simEnv is an environment that points the provider at sim with its token.
func simEnv(sim *guancesim.Server) map[string]string {
	return map[string]string{EnvEndpoint: sim.URL(), EnvAccessToken: guancesim.DefaultToken}
}

// childTestVar names the test that a child process was started to run (inChildProcess).
const childTestVar = "GUANCE_PROVIDER_TEST_CHILD"

// inChildProcess runs t again, alone, in a child process whose environment adds env. It is for
// the settings that terraform-plugin-testing and terraform-plugin-log read from the process
// environment (TF_ACC_PROVIDER_NAMESPACE, TF_LOG): set here, they would reach every test
// running in parallel. In the child it returns true and the test goes on; in the parent it
// fails t unless the child ran t and passed, and returns false.
func inChildProcess(t *testing.T, env map[string]string) bool {
	t.Helper()
	if os.Getenv(childTestVar) == t.Name() {
		return true
	}
	levels := strings.Split(t.Name(), "/")
	for i, level := range levels {
		levels[i] = "^" + regexp.QuoteMeta(level) + "$"
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run="+strings.Join(levels, "/"), "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childTestVar+"="+t.Name())
	for name, value := range env {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	out, err := cmd.CombinedOutput()
	switch {
	case err != nil:
		t.Fatalf("%s in a child process with %v: %v\n%s", t.Name(), env, err, out)
	case !strings.Contains(string(out), "--- PASS: "+t.Name()+" "):
		// A child that ran no test would exit 0: it must have run this one, and passed.
		t.Fatalf("the child process did not run %s:\n%s", t.Name(), out)
	}
	return false
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
	testProvider{}.readsAs(t, config, checks...)
}

// failsWith plans config and expects it to fail with an error holding every phrase, in order.
func failsWith(t *testing.T, config string, phrases ...string) {
	t.Helper()
	testProvider{}.failsWith(t, config, phrases...)
}

// readsAs plans config once against tp's provider and checks the state it reads.
func (tp testProvider) readsAs(t *testing.T, config string, checks ...statecheck.StateCheck) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: tp.factories(),
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// failsWith plans config against tp's provider and expects it to fail with an error holding
// every phrase, in order.
func (tp testProvider) failsWith(t *testing.T, config string, phrases ...string) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: tp.factories(),
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
