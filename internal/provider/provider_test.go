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
		return newFastReadServer(&guanceProvider{version: "test", tuneClient: fastRetries}), nil
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

// frameworkModel is the data source's state as an idiomatic framework model: the reference the
// state writer is checked against.
type frameworkModel struct {
	StartDate           types.String `tfsdk:"start_date"`
	EndDate             types.String `tfsdk:"end_date"`
	IncludeRecords      types.Bool   `tfsdk:"include_records"`
	ProductDetails      types.Set    `tfsdk:"product_details"`
	Measurements        types.Set    `tfsdk:"measurements"`
	WorkspaceUUIDs      types.Set    `tfsdk:"workspace_uuids"`
	Records             types.List   `tfsdk:"records"`
	TotalBillingResult  types.Number `tfsdk:"total_billing_result"`
	TotalOriginAmount   types.Number `tfsdk:"total_origin_amount"`
	TotalsByProduct     types.Map    `tfsdk:"totals_by_product"`
	TotalsByDate        types.Map    `tfsdk:"totals_by_date"`
	TotalsByMeasurement types.Map    `tfsdk:"totals_by_measurement"`
	TotalsByMonth       types.Map    `tfsdk:"totals_by_month"`
	ProductTotals       types.Map    `tfsdk:"product_totals"`
	BilledProducts      types.List   `tfsdk:"billed_product_details"`
	BilledMeasurements  types.List   `tfsdk:"billed_measurements"`
}

// productTotalsType is the element type of product_totals.
var productTotalsType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"billing_result": types.NumberType, "origin_amount": types.NumberType, "deduction_amount": types.NumberType, "count": types.NumberType,
}}

// configValue is a data source configuration as Terraform sends it.
func configValue(t testing.TB, cfg frameworkModel) tftypes.Value {
	t.Helper()
	schema := billingDetailsSchema()
	records, _ := schema.Attributes["records"].GetType().(types.ListType)
	cfg.Records = types.ListNull(records.ElemType)
	cfg.TotalBillingResult, cfg.TotalOriginAmount = types.NumberNull(), types.NumberNull()
	cfg.TotalsByProduct, cfg.TotalsByDate, cfg.TotalsByMeasurement = types.MapNull(types.NumberType), types.MapNull(types.NumberType), types.MapNull(types.NumberType)
	cfg.TotalsByMonth, cfg.ProductTotals = types.MapNull(types.NumberType), types.MapNull(productTotalsType)
	cfg.BilledProducts, cfg.BilledMeasurements = types.ListNull(types.StringType), types.ListNull(types.StringType)
	state := tfsdk.State{Schema: schema}
	if diags := state.Set(context.Background(), &cfg); diags.HasError() {
		t.Fatal(diags)
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
