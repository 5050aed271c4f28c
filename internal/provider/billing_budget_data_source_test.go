package provider

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

const budgetAddr = "data.guance_billing_budget.test"

// budgetConfig is a provider block stating CNY, reading from sim, and a budget of args.
func budgetConfig(sim *guancesim.Server, args string) string {
	return fmt.Sprintf(`
provider "guance" {
  endpoint     = %q
  access_token = %q
  currency     = "CNY"
}

data "guance_billing_budget" "test" {
%s
}
`, sim.URL(), guancesim.DefaultToken, args)
}

func expectBudget(path string, v knownvalue.Check, steps ...any) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(budgetAddr, at(path, steps...), v)
}

// percentOfRat is 100 × a / b rounded to 6 places, the provider's rule.
func percentOfRat(a, b *big.Rat) *big.Rat {
	return round6(new(big.Rat).Quo(new(big.Rat).Mul(a, big.NewRat(100, 1)), b))
}

// March 2024 as of the 15th against the simulator: the actual bill, the forecast (the same
// as guance_billing_forecast's), February's first 15 days and the change from them, each
// product's figures, March's days (and none of February's, read in the same request), and the
// default threshold (block at 100% of the actual) not reached.
func TestBillingBudgetDecidesTheMonthFromTheSimulatorsBill(t *testing.T) {
	t.Parallel()
	march, february := simSpend(t, "2024-03-01", "2024-03-15"), simSpend(t, "2024-02-01", "2024-02-15")
	change := percentOfRat(new(big.Rat).Sub(march.total, february.total), february.total)
	marchDays := make(map[string]knownvalue.Check, len(march.byDay))
	for day, v := range march.byDay {
		marchDays[day] = exactly(v)
	}
	sim := newSim(t, guancesim.Options{})
	readsAs(t, budgetConfig(sim, `
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  as_of           = "2024-03-15"
  amount          = 100000
  product_amounts = { "Log" = 50000 }`)+`
data "guance_billing_forecast" "test" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"
}
`,
		expectBudget("actual_billing_result", knownvalue.NumberExact(num(march.totalText()))),
		expectBudget("actual_percent", exactly(percentOfRat(march.total, big.NewRat(100000, 1)))),
		expectBudget("previous_billing_result", knownvalue.NumberExact(num(february.totalText()))),
		expectBudget("change_percent", exactly(change)),
		expectBudget("totals_by_date", knownvalue.MapExact(marchDays)),
		expectBudget("by_product", knownvalue.MapPartial(map[string]knownvalue.Check{
			"Log": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"actual":           knownvalue.NumberExact(num(march.productText("Log"))),
				"forecast":         knownvalue.NotNull(),
				"amount":           knownvalue.NumberExact(num("50000")),
				"actual_percent":   exactly(percentOfRat(march.byProduct["Log"], big.NewRat(50000, 1))),
				"forecast_percent": knownvalue.NotNull(),
				"previous":         knownvalue.NumberExact(num(february.productText("Log"))),
				"status":           knownvalue.StringExact("ok"),
			}),
		})),
		expectBudget("thresholds", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
			"percent": knownvalue.NumberExact(num("100")), "basis": knownvalue.StringExact("actual"), "action": knownvalue.StringExact("block"),
		})})),
		expectBudget("status", knownvalue.StringExact("ok")),
		expectBudget("findings", knownvalue.ListExact(nil)),
		expectBudget("block_message", knownvalue.Null()),
		expectBudget("warn_message", knownvalue.Null()),
		expectBudget("balance", knownvalue.Null()),
		statecheck.CompareValuePairs(budgetAddr, tfjsonpath.New("forecast_billing_result"), forecastAddr, tfjsonpath.New("forecast_billing_result"), compare.ValuesSame()),
		statecheck.CompareValuePairs(budgetAddr, tfjsonpath.New("daily_run_rate"), forecastAddr, tfjsonpath.New("daily_run_rate"), compare.ValuesSame()),
		statecheck.CompareValuePairs(budgetAddr, at("by_product", "Log", "forecast"), forecastAddr, at("forecast_by_product", "Log"), compare.ValuesSame()),
	)
}

// blockedMarch is the block message of a budget of 30000 CNY for March 2024 as of the 15th:
// 37956.09 spent.
const blockedMarch = `Guance budget "march": spending from 2024-03-01 to 2024-03-15 is 37,956.09 CNY, 126.5% of the budget of ` +
	`30,000.00 CNY for 2024-03-01 to 2024-03-31: it reaches the block threshold of 100.0% of the actual.`

// A postcondition on self.status blocks the plan with self.block_message; the same
// configuration with a budget the month is within then plans.
func TestAPlanOverBudgetIsBlockedBySelfStatusWithTheBlockMessage(t *testing.T) {
	t.Parallel()
	if got := simSpend(t, "2024-03-01", "2024-03-15").totalText(); got != "37956.09" {
		t.Fatalf("the simulator's March 1st to 15th cost %s, not what blockedMarch says", got)
	}
	sim := newSim(t, guancesim.Options{})
	guarded := func(amount int) string {
		return budgetConfig(sim, fmt.Sprintf(`
  name       = "march"
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"
  amount     = %d

  lifecycle {
    postcondition {
      condition     = self.status != "block"
      error_message = coalesce(self.block_message, "blocked")
    }
  }`, amount))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: guarded(30000), ExpectError: errorLike("Resource postcondition failed", blockedMarch)},
			{Config: guarded(40000), ConfigStateChecks: []statecheck.StateCheck{
				expectBudget("status", knownvalue.StringExact("ok")),
				expectBudget("actual_percent", knownvalue.NumberExact(num("94.890225"))),
			}},
		},
	})
}

// A warn finding fails a check block: the plan goes on, with warn_message as the warning.
func TestAWarnFindingFailsACheckWithoutBlockingThePlan(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	const warned = `Guance budget "march": spending from 2024-03-01 to 2024-03-15 is 37,956.09 CNY, 38.0% of the budget of ` +
		`100,000.00 CNY for 2024-03-01 to 2024-03-31: it reaches the warn threshold of 30.0% of the actual.`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: budgetConfig(sim, `
  name       = "march"
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"
  amount     = 100000
  thresholds = [
    { percent = 30, basis = "actual", action = "warn" },
    { percent = 100, basis = "actual", action = "block" },
  ]`) + `
check "budget" {
  assert {
    condition     = data.guance_billing_budget.test.status != "warn"
    error_message = coalesce(data.guance_billing_budget.test.warn_message, "warned")
  }
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				expectCheck{address: "check.budget", status: tfjson.CheckStatusFail, problems: []string{warned}},
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectBudget("status", knownvalue.StringExact("warn")),
				expectBudget("findings", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"action": knownvalue.StringExact("warn"), "basis": knownvalue.StringExact("actual"), "scope": knownvalue.StringExact("total"),
					"value": knownvalue.NumberExact(num("37956.09")), "limit": knownvalue.NumberExact(num("30000")),
					"percent": knownvalue.NumberExact(num("37.95609")), "message": knownvalue.StringExact(warned),
				})})),
				expectBudget("block_message", knownvalue.Null()),
			},
		}},
	})
}

// A budget reads the days it compares and the days elapsed as one range, in one request per
// run, shared with a details read of the same days; the runway adds one balance request.
func TestABudgetReadSendsOneBillingRequestAndOneBalanceRequestForItsRunway(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	commands := &perCommand{sim: sim, tune: fastRetries}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: commands.factories(),
		Steps: []resource.TestStep{{
			Config: budgetConfig(sim, `
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  as_of           = "2024-03-15"
  amount          = 100000
  min_runway_days = 30
  daily_limits    = { "Log" = 5000 }`) + `
data "guance_billing_details" "test" {
  start_date      = "2024-02-01"
  end_date        = "2024-03-15"
  include_records = false
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectBudget("balance", knownvalue.NumberExact(num(simBalanceText(t)))),
				expectBudget("runway_days", knownvalue.NotNull()),
				// The balance lasts under 30 days at March's run rate: a block finding.
				expectBudget("status", knownvalue.StringExact("block")),
				expectBudget("findings", knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"basis": knownvalue.StringExact("runway"), "limit": knownvalue.NumberExact(num("30")),
				})})),
			},
		}},
	})
	billing, balance := commands.requestsTo(guancesim.PathDetailList), commands.requestsTo(guancesim.PathBalance)
	reads := 0
	for i := range billing {
		if billing[i] == 0 && balance[i] == 0 {
			continue
		}
		reads++
		if billing[i] != 1 || balance[i] != 1 {
			t.Errorf("command %d sent %d billing and %d balance requests for a budget and a details read of the same days; want 1 and 1",
				i+1, billing[i], balance[i])
		}
	}
	if reads == 0 {
		t.Fatal("no command read billing")
	}
	t.Logf("requests per command that read: billing %v, balance %v", billing, balance)
}

// On the 1st, with the default as_of, nothing of the month has elapsed: nothing is read, the
// decision is ok and every figure that needs a day is null.
func TestABudgetOnTheFirstOfTheMonthReadsNothingAndIsOK(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	resource.UnitTest(t, resource.TestCase{
		// 2024-03-01T01:00+08:00: yesterday is February's last day.
		ProtoV6ProviderFactories: factoriesAt(time.Date(2024, time.February, 29, 17, 0, 0, 0, time.UTC)),
		Steps: []resource.TestStep{{
			Config: budgetConfig(sim, `
  start_date   = "2024-03-01"
  end_date     = "2024-03-31"
  amount       = 1
  daily_limits = { "Log" = 0 }
  thresholds   = [{ percent = 1, basis = "forecast", action = "block" }]`),
			ConfigStateChecks: []statecheck.StateCheck{
				expectBudget("as_of", knownvalue.StringExact("2024-02-29")),
				expectBudget("status", knownvalue.StringExact("ok")),
				expectBudget("actual_billing_result", knownvalue.NumberExact(num("0"))),
				expectBudget("forecast_billing_result", knownvalue.Null()),
				expectBudget("previous_billing_result", knownvalue.Null()),
				expectBudget("change_percent", knownvalue.Null()),
				expectBudget("totals_by_date", knownvalue.MapExact(map[string]knownvalue.Check{})),
				expectBudget("findings", knownvalue.ListExact(nil)),
			},
		}},
	})
	if n := sim.Requests(); n != 0 {
		t.Errorf("a budget with nothing elapsed sent %d billing requests", n)
	}
}

// Bad input fails the plan before any request, naming the attribute and the value.
func TestBillingBudgetRefusesBadInputNamingTheAttribute(t *testing.T) {
	t.Parallel()
	const period = `
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"
`
	cases := map[string]struct {
		args string
		want []string
	}{
		"negative amount": {`amount = -5`, []string{"Invalid budget amount", "amount is -5, but it must be more than 0"}},
		"negative product amount": {`product_amounts = { "Log" = -0.5 }`,
			[]string{"Invalid budget amount", `product_amounts["Log"] is -0.5, but it must be more than 0`}},
		"negative percent": {`
  amount     = 100
  thresholds = [{ percent = -80, basis = "actual", action = "warn" }]`, []string{"Invalid threshold percent", "thresholds[0].percent is -80, but it must be more than 0"}},
		"unknown basis": {`
  amount     = 100
  thresholds = [{ percent = 80, basis = "actuals", action = "warn" }]`, []string{"thresholds[0].basis", `value must be one of`, `"actuals"`}},
		"unknown action": {`
  amount     = 100
  thresholds = [{ percent = 80, basis = "actual", action = "stop" }]`, []string{"thresholds[0].action", `value must be one of`, `"stop"`}},
		"unknown daily limit action": {`
  daily_limits       = { "Log" = 10 }
  daily_limit_action = "page"`, []string{"daily_limit_action", `value must be one of`, `"page"`}},
		"negative daily limit": {`daily_limits = { "Log" = -1 }`, []string{"Invalid daily limit", `daily_limits["Log"] is -1, but it must be 0 or more`}},
		"nothing to judge":     {``, []string{"amount", "product_amounts", "daily_limits", "min_runway_days"}},
		"runway of a fraction of a day": {`min_runway_days = 2.5`,
			[]string{"Invalid number", "min_runway_days is 2.5; it must be a whole number from 1 to 2147483647."}},
		"lookback of a fraction of a day": {`
  amount        = 100
  lookback_days = 0.5`, []string{"Invalid number", "lookback_days is 0.5; it must be a whole number from 1 to 2147483647."}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sim := newSim(t, guancesim.Options{})
			failsWith(t, budgetConfig(sim, period+tc.args), tc.want...)
			if n := sim.Requests(); n != 0 {
				t.Errorf("bad input sent %d requests", n)
			}
		})
	}
}

// A product key that names no billed product is a warning with the nearest billed names: a
// misspelt budget would never fire.
func TestBudgetKeysThatNameNoBilledProductWarnWithTheNearest(t *testing.T) {
	t.Parallel()
	logs := traceLogs(t)
	if logs == nil {
		return
	}
	sim := newSim(t, guancesim.Options{})
	readsAs(t, budgetConfig(sim, `
  start_date      = "2024-03-01"
  end_date        = "2024-03-31"
  as_of           = "2024-03-15"
  product_amounts = { "Logs" = 100 }
  daily_limits    = { "session replay" = 1 }`),
		expectBudget("by_product", knownvalue.MapPartial(map[string]knownvalue.Check{
			"Logs": knownvalue.ObjectPartial(map[string]knownvalue.Check{"actual": knownvalue.NumberExact(num("0"))}),
		})),
	)
	log := logs()
	for _, want := range []string{
		"Budget key matches no billed product",
		`product_amounts holds "Logs", but no product billed from 2024-02-01 to 2024-03-15 is named so: its budget never fires. Did you mean "Log"?`,
		`daily_limits holds "session replay"`, `Did you mean "Session Replay"?`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %s", want)
		}
	}
}

// A threshold exactly at the bill's share reaches it through Terraform's numbers too: 37.95609%
// of 100000 is 37956.09, what March's first 15 days cost; a millionth of a percent more is not
// reached.
func TestABillOfExactlyTheThresholdsShareReachesItThroughTerraform(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	budget := func(percent string) string {
		return budgetConfig(sim, `
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"
  amount     = 100000
  thresholds = [{ percent = `+percent+`, basis = "actual", action = "warn" }]`)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: budget("37.95609"), ConfigStateChecks: []statecheck.StateCheck{
				expectBudget("status", knownvalue.StringExact("warn")),
				expectBudget("findings", knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"value": knownvalue.NumberExact(num("37956.09")), "limit": knownvalue.NumberExact(num("37956.09")),
				})})),
			}},
			{Config: budget("37.956091"), ConfigStateChecks: []statecheck.StateCheck{
				expectBudget("status", knownvalue.StringExact("ok")),
			}},
		},
	})
}
