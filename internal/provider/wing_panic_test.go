package provider

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
	"github.com/guance-finops/terraform-provider-guance/internal/tfstate"
)

// A panic on the fast wing's read path reaches Terraform as an error that asks for a bug
// report, not as a plugin crash; the stack is in the TRACE log and not on the terminal. The
// reader here panics on its first read only, so the next plan reads as ever.
func TestAPanicReadingBillingDetailsIsAnErrorAskingForABugReport(t *testing.T) {
	logs := traceLogs(t)
	sim := newSim(t, guancesim.Options{})
	var reads atomic.Int32
	p := &guanceProvider{version: "test", tuneClient: fastRetries}
	panicking := func(ctx context.Context, config tftypes.Value) (tfstate.Value, diag.Diagnostics) {
		if reads.Add(1) == 1 {
			var records []int
			_ = records[len(config.String())] // an index out of range, as a bug would make
		}
		return p.readBillingDetails(ctx, config)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"guance": func() (tfprotov6.ProviderServer, error) {
				return tfstate.Serve(providerserver.NewProtocol6(p)(), map[string]tfstate.Reader{billingDetailsTypeName: panicking}), nil
			},
		},
		Steps: []resource.TestStep{
			{Config: billingConfig(simProvider(sim), "2024-03-01", "2024-03-01"), ExpectError: errorLike(
				"The guance provider failed unexpectedly",
				"Reading guance_billing_details met an internal error (a panic), which the provider caught",
				"This is a bug in the provider; please report it, with the log of a run with TF_LOG=trace")},
			{Config: billingConfig(simProvider(sim), "2024-03-01", "2024-03-01"), ConfigStateChecks: []statecheck.StateCheck{
				expect(at("total_billing_result"), knownvalue.NumberExact(num("3291.58"))),
			}},
		},
	})
	log := logs()
	if !strings.Contains(log, "The guance provider recovered from a panic") || !strings.Contains(log, "runtime/debug.Stack") ||
		!strings.Contains(log, "index out of range") {
		t.Error("the TRACE log lacks the panic and its stack")
	}
	if strings.Contains(log, "plugin crashed") {
		t.Error("Terraform reports a plugin crash")
	}
}

// The diagnostic of a recovered panic holds no stack: that is for the TRACE log.
func TestARecoveredPanicsDiagnosticHoldsNoStack(t *testing.T) {
	t.Parallel()
	s := tfstate.Serve(providerserver.NewProtocol6(&guanceProvider{version: "test"})(), map[string]tfstate.Reader{
		billingDetailsTypeName: func(context.Context, tftypes.Value) (tfstate.Value, diag.Diagnostics) { panic("deliberately") },
	})
	config, err := tfprotov6.NewDynamicValue(billingDetailsSchema().Type().TerraformType(context.Background()),
		configValue(t, detailsConfig{StartDate: types.StringValue("2024-03-01"), EndDate: types.StringValue("2024-03-01"),
			IncludeRecords: types.BoolNull(), ProductDetails: set(), Measurements: set(), WorkspaceUUIDs: set()}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: billingDetailsTypeName, Config: &config})
	if err != nil || resp == nil || len(resp.Diagnostics) != 1 || resp.State != nil {
		t.Fatalf("response %+v, error %v: want one diagnostic and no state", resp, err)
	}
	d := resp.Diagnostics[0]
	if d.Severity != tfprotov6.DiagnosticSeverityError || d.Summary != "The guance provider failed unexpectedly" {
		t.Errorf("diagnostic %+v", d)
	}
	for _, stack := range []string{"goroutine", ".go:", "deliberately"} {
		if strings.Contains(d.Detail, stack) {
			t.Errorf("the diagnostic holds %q of the panic:\n%s", stack, d.Detail)
		}
	}
}
