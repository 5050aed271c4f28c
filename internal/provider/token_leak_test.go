package provider

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// leakToken is distinctive so that finding it anywhere means it leaked.
const leakToken = "tok-LEAKCHECK-5f1d9c3a7b2e"

// traceLogs runs t in a child process with TRACE logging on (inChildProcess: the harness and
// terraform-plugin-log read TF_LOG from the process environment). In the child it returns a
// function that reads what was logged, and the test goes on; in the parent, whose child ran
// the test, it returns nil and the test returns. TF_LOG_PATH_MASK sends both the Terraform
// CLI's log and, through terraform-plugin-log's test sink, the in-process provider's log to
// one file per test.
func traceLogs(t *testing.T) func() string {
	t.Helper()
	const mask = "TF_LOG_PATH_MASK"
	if !inChildProcess(t, map[string]string{"TF_LOG": "TRACE", mask: filepath.Join(t.TempDir(), "%s.log")}) {
		return nil
	}
	dir := filepath.Dir(os.Getenv(mask))
	return func() string {
		t.Helper()
		var all strings.Builder
		files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
		return all.String()
	}
}

// withoutHarnessConfig drops the test harness's dump of the configuration it writes for each
// step (sdk.helper_resource's multi-line field test_terraform_configuration, its lines indented
// "  | "): that configuration is the test's own text, token included when the token is
// configured there. Every other line is kept.
func withoutHarnessConfig(log string) string {
	var kept []string
	inDump := false
	for _, line := range strings.Split(log, "\n") {
		switch {
		case line == "  test_terraform_configuration=":
			inDump = true
		case inDump && strings.HasPrefix(line, "  | "):
		default:
			inDump = false
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}

// noTokenInState fails when the token is anywhere in the state, values and metadata alike.
type noTokenInState struct{}

func (noTokenInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	state, err := json.Marshal(req.State)
	switch {
	case err != nil:
		resp.Error = err
	case strings.Contains(string(state), leakToken):
		resp.Error = errors.New("the access token is in the state")
	}
}

// The token reaches the simulator on every request, yet appears in no log line at TRACE, no
// diagnostic and no state: on a good read, on a rejected token and on a read that fails,
// whether the token comes from the configuration or from GUANCE_ACCESS_TOKEN.
func TestTheTokenAppearsInNoLogDiagnosticOrState(t *testing.T) {
	t.Parallel()
	sources := map[string]struct {
		provider testProvider
		block    func(sim *guancesim.Server) string
	}{
		"configuration": {block: func(sim *guancesim.Server) string {
			return "provider \"guance\" {\n  endpoint     = \"" + sim.URL() + "\"\n  access_token = \"" + leakToken + "\"\n}\n"
		}},
		"environment": {provider: testProvider{env: map[string]string{EnvAccessToken: leakToken}}, block: func(sim *guancesim.Server) string {
			return "provider \"guance\" {\n  endpoint = \"" + sim.URL() + "\"\n}\n"
		}},
	}
	for source, tc := range sources {
		t.Run(source, func(t *testing.T) {
			t.Parallel()
			logs := traceLogs(t)
			if logs == nil {
				return
			}
			sim := newSim(t, guancesim.Options{Token: leakToken})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: tc.provider.factories(),
				Steps: []resource.TestStep{{
					Config: billingConfig(tc.block(sim), "2024-03-01", "2024-03-01"),
					ConfigStateChecks: []statecheck.StateCheck{
						expect(at("total_billing_result"), knownvalue.NumberExact(num("3291.58"))),
						noTokenInState{},
					},
				}},
			})
			if sim.Requests() == 0 {
				t.Fatal("no request carried the token to the simulator")
			}
			rejecting := newSim(t, guancesim.Options{Token: "another-workspace-key"})
			failing := newSim(t, guancesim.Options{Token: leakToken})
			failing.InjectFault(guancesim.FaultInvalidJSON, 1)
			for sim, want := range map[*guancesim.Server][]string{
				rejecting: {"Guance rejected the access token", "HTTP 403", "ft.InvalidAPIKey"},
				failing:   {"unusable answer", "invalid JSON"},
			} {
				diagnostics := tc.provider.failedPlanDiagnostics(t, billingConfig(tc.block(sim), "2024-03-01", "2024-03-01"))
				if !errorLike(want...).MatchString(diagnostics) {
					t.Errorf("diagnostics lack %q:\n%s", want, diagnostics)
				}
				if strings.Contains(diagnostics, leakToken) {
					t.Errorf("the access token is in the diagnostics:\n%s", diagnostics)
				}
			}

			log := withoutHarnessConfig(logs())
			// The log must hold the provider's own TRACE lines and its diagnostics, or its
			// silence about the token would prove nothing.
			for _, want := range []string{
				"Guance API request headers", "DF-API-KEY: ***", "Guance API answer",
				"Response contains error diagnostic", "Guance rejected the access token",
			} {
				if !strings.Contains(log, want) {
					t.Errorf("the TRACE log lacks %q", want)
				}
			}
			for _, line := range strings.Split(log, "\n") {
				if strings.Contains(line, leakToken) {
					t.Errorf("the access token is in the log: %.300s", line)
				}
			}
		})
	}
}

// failedPlanDiagnostics runs config, which must fail, and returns the diagnostics Terraform
// printed.
func failedPlanDiagnostics(t *testing.T, config string) string {
	t.Helper()
	return testProvider{}.failedPlanDiagnostics(t, config)
}

// failedPlanDiagnostics is failedPlanDiagnostics with tp's provider.
func (tp testProvider) failedPlanDiagnostics(t *testing.T, config string) string {
	t.Helper()
	var diagnostics string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: tp.factories(),
		// ErrorCheck sees the step's error, the diagnostics as Terraform printed them, which
		// ExpectError could only match, not hand over.
		ErrorCheck: func(err error) error {
			diagnostics = err.Error()
			return nil
		},
		Steps: []resource.TestStep{{Config: config}},
	})
	if diagnostics == "" {
		t.Fatal("the configuration did not fail")
	}
	return diagnostics
}

// noTokenInPlan fails when a piece of the token is anywhere in the plan's JSON.
type noTokenInPlan struct{}

func (noTokenInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	plan, err := json.Marshal(req.Plan)
	switch {
	case err != nil:
		resp.Error = err
	case tokenPiece(string(plan)) != "":
		resp.Error = errors.New("a piece of the access token is in the plan JSON: " + tokenPiece(string(plan)))
	}
}

// tokenPiece is the first piece of leakToken of 8 characters or more in text, or "".
func tokenPiece(text string) string {
	for i := 0; i+8 <= len(leakToken); i++ {
		if strings.Contains(text, leakToken[i:i+8]) {
			return leakToken[i : i+8]
		}
	}
	return ""
}

// A server that echoes the key into everything it says (errorCode, message, traceId, an HTML
// title, a text body, a quoted amount, workspace names) gets no piece of it printed: not in the
// plan's diagnostics, not at any level of the TRACE log, not in the state, not in the plan JSON.
func TestATokenEchoedByTheServerAppearsNowhere(t *testing.T) {
	t.Parallel()
	logs := traceLogs(t)
	if logs == nil {
		return
	}
	// From the environment: a token written in the configuration is the test's own text, and
	// the plan JSON quotes the configuration.
	fromEnv := testProvider{env: map[string]string{EnvAccessToken: leakToken}}
	providerBlock := func(sim *guancesim.Server) string {
		return "provider \"guance\" {\n  endpoint     = \"" + sim.URL() + "\"\n  max_attempts = 1\n}\n"
	}
	echoing := newSim(t, guancesim.Options{Token: leakToken})
	echoing.InjectFault(guancesim.FaultEchoTokenInRecords, 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: fromEnv.factories(),
		Steps: []resource.TestStep{{
			Config:           billingConfig(providerBlock(echoing), "2024-03-01", "2024-03-01"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{noTokenInPlan{}}},
			ConfigStateChecks: []statecheck.StateCheck{
				expect(at("records", 0, "workspace_name"), knownvalue.StringRegexp(regexp.MustCompile(`^\*\*\* `))),
				noTokenInState{},
			},
		}},
	})
	// Each of FaultEchoToken's six answers in turn, and the gateway's page.
	failing := newSim(t, guancesim.Options{Token: leakToken})
	failing.InjectFault(guancesim.FaultEchoToken, 6)
	failing.InjectFault(guancesim.FaultEchoTokenGateway, 1)
	for range 7 {
		diagnostics := fromEnv.failedPlanDiagnostics(t, billingConfig(providerBlock(failing), "2024-03-01", "2024-03-01"))
		if piece := tokenPiece(diagnostics); piece != "" || !strings.Contains(diagnostics, "***") {
			t.Errorf("the diagnostics hold %q of the token, or do not show where it was:\n%s", piece, diagnostics)
		}
	}
	if served := failing.FaultsServed(); served[guancesim.FaultEchoToken] != 6 || served[guancesim.FaultEchoTokenGateway] != 1 {
		t.Fatalf("faults served: %v", served)
	}
	log := withoutHarnessConfig(logs())
	for _, want := range []string{"Response contains error diagnostic", "Guance API answer", "***"} {
		if !strings.Contains(log, want) {
			t.Errorf("the TRACE log lacks %q", want)
		}
	}
	for _, line := range strings.Split(log, "\n") {
		if piece := tokenPiece(line); piece != "" {
			t.Errorf("the log holds %q of the token: %.300s", piece, line)
		}
	}
}
