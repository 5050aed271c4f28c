package provider

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// Terraform starts a fresh provider, with a fresh client, for each command it runs: plan,
// apply, refresh. perCommand serves the provider that way and notes how many billing requests
// each command sent, so that a test can speak of one run at a time as a user sees it.
type perCommand struct {
	sim  *guancesim.Server
	tune func(*guance.Config)
	// gap is waited before a command when the one before it sent requests, so that a
	// simulator's rate window judges each command alone.
	gap time.Duration
	// starts holds the simulator's request counts per path when each command started.
	starts []map[string]int
}

func (c *perCommand) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"guance": func() (tfprotov6.ProviderServer, error) {
			if n := len(c.starts); n > 0 && c.sim.Requests() > c.starts[n-1][guancesim.PathDetailList] {
				time.Sleep(c.gap)
			}
			c.starts = append(c.starts, map[string]int{
				guancesim.PathDetailList: c.sim.Requests(), guancesim.PathBalance: c.sim.RequestsTo(guancesim.PathBalance),
			})
			return newServer(&guanceProvider{version: "test", tuneClient: c.tune}), nil
		},
	}
}

// requests is how many billing requests each command that sent any sent.
func (c *perCommand) requests() []int {
	var out []int
	for _, n := range c.requestsTo(guancesim.PathDetailList) {
		if n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// requestsTo is how many requests to path each command sent, in the order of the commands.
func (c *perCommand) requestsTo(path string) []int {
	out := make([]int, len(c.starts))
	for i, start := range c.starts {
		end := c.sim.RequestsTo(path)
		if i+1 < len(c.starts) {
			end = c.starts[i+1][path]
		}
		out[i] = end - start[path]
	}
	return out
}

// manyPeriods is a configuration of n billing data sources, each on a day of its own.
func manyPeriods(sim *guancesim.Server, n int) string {
	var b strings.Builder
	b.WriteString(simProvider(sim))
	for i := range n {
		day := guance.Date{Year: 2024, Month: time.March, Day: 1}.AddDays(i)
		fmt.Fprintf(&b, "\ndata \"guance_billing_details\" \"day%d\" {\n  start_date = %q\n  end_date   = %q\n}\n", i, day, day)
	}
	return b.String()
}

// A scaled-down version of the API's 20 requests a minute: 5 in any 500 ms.
const scaledLimit, scaledWindow = 5, 500 * time.Millisecond

// scaledSources is how many data sources, each on a day of its own, the pacing tests plan.
const scaledSources = 12

// planUnderTheScaledLimit plans scaledSources data sources against a simulator enforcing the
// scaled-down limit, with the client tuned by tune, and returns the billing requests each
// Terraform command sent.
func planUnderTheScaledLimit(t *testing.T, tune func(*guance.Config)) []int {
	t.Helper()
	sim := newSim(t, guancesim.Options{RateLimit: scaledLimit, RateWindow: scaledWindow})
	commands := &perCommand{sim: sim, gap: scaledWindow, tune: tune}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: commands.factories(),
		Steps: []resource.TestStep{{
			Config: manyPeriods(sim, scaledSources),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.guance_billing_details.day0", at("total_billing_result"), knownvalue.NumberExact(num("3291.58"))),
				statecheck.ExpectKnownValue(fmt.Sprintf("data.guance_billing_details.day%d", scaledSources-1), at("records"), knownvalue.ListSizeExact(8)),
			},
		}},
	})
	sent := commands.requests()
	t.Logf("billing requests per Terraform command: %v", sent)
	if len(sent) == 0 {
		t.Fatal("no command read billing")
	}
	return sent
}

// With the client paced at the simulator's limit, a dozen data sources plan without one rate
// limit answer: each command sends exactly one request per data source, none retried.
func TestManyDataSourcesPlanUnderTheRateLimitWithoutTrippingIt(t *testing.T) {
	t.Parallel()
	sent := planUnderTheScaledLimit(t, func(c *guance.Config) {
		fastRetries(c)
		c.RateLimit, c.RateWindow = scaledLimit, scaledWindow
	})
	for i, n := range sent {
		if n != scaledSources {
			t.Errorf("command %d sent %d requests for %d data sources: the limit was hit and retried", i+1, n, scaledSources)
		}
	}
}

// The control for the test above: a client that does not pace at the simulator's limit is
// refused and has to retry, so the simulator does enforce the limit the test relies on.
func TestAClientPacedAboveTheLimitIsRefusedAndRetries(t *testing.T) {
	sent := planUnderTheScaledLimit(t, func(c *guance.Config) {
		// Backoffs long enough to outwait the window; pacing well above the limit.
		c.BaseDelay, c.MaxDelay = 100*time.Millisecond, scaledWindow
		c.RateLimit, c.RateWindow = 10*scaledLimit, scaledWindow
	})
	if sent[0] <= scaledSources {
		t.Errorf("the first command sent %d requests; the limit should have refused some of %d", sent[0], scaledSources)
	}
}

// Data sources that read the same period share one request per run, whatever Terraform's
// parallel reads do.
func TestIdenticalReadsInOneRunShareOneRequest(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	commands := &perCommand{sim: sim, tune: fastRetries}
	var config strings.Builder
	config.WriteString(simProvider(sim))
	for i := range 6 {
		fmt.Fprintf(&config, "\ndata \"guance_billing_details\" \"same%d\" {\n  start_date = \"2024-03-01\"\n  end_date   = \"20240301\"\n}\n", i)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: commands.factories(),
		Steps: []resource.TestStep{{
			Config: config.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.guance_billing_details.same5", at("total_billing_result"), knownvalue.NumberExact(num("3291.58"))),
			},
		}},
	})
	sent := commands.requests()
	t.Logf("billing requests per Terraform command: %v", sent)
	if len(sent) == 0 {
		t.Fatal("no command read billing")
	}
	for i, n := range sent {
		if n != 1 {
			t.Errorf("command %d sent %d requests for six reads of one period", i+1, n)
		}
	}
}

// A smaller soak through Terraform: with 30% of the answers transient faults of every kind, a
// plan of sixteen periods still gives each one its exact total.
func TestPlansRideOutTransientFaultsWithExactTotals(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	sim.SetFaultRate(0.3, 7, guancesim.TransientFaults()...)
	const sources = 16
	var checks []statecheck.StateCheck
	for i := range sources {
		day := guance.Date{Year: 2024, Month: time.March, Day: 1}.AddDays(i)
		total := new(big.Rat)
		for _, r := range guancesim.Records(guancesim.Options{}, day.Time(), day.Time()) {
			amount, ok := new(big.Rat).SetString(r.Text("billingResult"))
			if !ok {
				t.Fatalf("the simulator billed %q", r.Text("billingResult"))
			}
			total.Add(total, amount)
		}
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.guance_billing_details.day%d", i),
			at("total_billing_result"), knownvalue.NumberExact(num(decimalText(total)))))
	}
	// Retries take the run past the API's 20 requests a minute, which the client would wait
	// out; this simulator enforces no limit, so the client need not pace.
	unpaced := &perCommand{sim: sim, tune: func(c *guance.Config) {
		fastRetries(c)
		c.RateLimit = 1000
	}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: unpaced.factories(),
		Steps:                    []resource.TestStep{{Config: manyPeriods(sim, sources), ConfigStateChecks: checks}},
	})
	served := sim.FaultsServed()
	t.Logf("%d billing requests, faults served: %v", sim.Requests(), served)
	if len(served) == 0 {
		t.Error("no fault was served: the test proves nothing")
	}
}

// A record dated outside the requested period is kept, as the API sent it, and Terraform
// shows a warning that names it.
func TestARecordOutsideThePeriodComesWithAWarningNamingIt(t *testing.T) {
	logs := traceLogs(t)
	sim := newSim(t, guancesim.Options{})
	sim.InjectFault(guancesim.FaultRecordOutsidePeriod, 1)
	readsAs(t, billingConfig(simProvider(sim), "2024-03-01", "2024-03-01"),
		expect(at("records"), knownvalue.ListSizeExact(9)),
		expect(at("records", 8, "date"), knownvalue.StringExact("2024-03-02")),
	)
	log := logs()
	for _, want := range []string{
		"Response contains warning diagnostic",
		"Guance billing record outside the period",
		`billing record 9 (productDetail \"Log\") is dated 2024-03-02, outside the requested period 2024-03-01 to 2024-03-01`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
}
