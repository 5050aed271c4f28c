package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// The examples are tested as users run them, so they live outside the package.
const (
	examplesDir  = "../../examples"
	costGuardDir = examplesDir + "/cost-guard"
	// costGuardRootDir calls the module as a root configuration of a user's would.
	costGuardRootDir = examplesDir + "/cost-guard-root"
	costGuardWarn    = "check.budget_threshold"
	costGuardRead    = "data.guance_billing_details.month"
)

// billingZone is the cost guard's default billing_time_zone: the China sites' UTC+8.
var billingZone = time.FixedZone("+08:00", 8*60*60)

// spend is what the simulator bills over a period, summed exactly from guancesim.Records so
// that the expectations do not go through the client under test.
type spend struct {
	start, end string
	total      *big.Rat
	byProduct  map[string]*big.Rat
}

func simSpend(t *testing.T, start, end string) spend {
	t.Helper()
	from, errFrom := time.Parse(time.DateOnly, start)
	to, errTo := time.Parse(time.DateOnly, end)
	if errFrom != nil || errTo != nil {
		t.Fatalf("bad period %s to %s", start, end)
	}
	s := spend{start: start, end: end, total: new(big.Rat), byProduct: map[string]*big.Rat{}}
	for _, r := range guancesim.Records(guancesim.Options{}, from, to) {
		amount, ok := new(big.Rat).SetString(r.Text("billingResult"))
		if !ok {
			t.Fatalf("billingResult %q is not a decimal", r.Text("billingResult"))
		}
		product := r.Text("productDetail")
		if s.byProduct[product] == nil {
			s.byProduct[product] = new(big.Rat)
		}
		s.byProduct[product].Add(s.byProduct[product], amount)
		s.total.Add(s.total, amount)
	}
	return s
}

// decimalText writes an exact decimal the way Terraform prints it: no trailing zeros.
func decimalText(r *big.Rat) string {
	s := strings.TrimRight(r.FloatString(10), "0")
	return strings.TrimSuffix(s, ".")
}

// simBalanceText is the simulator's default balance total, summed exactly from
// guancesim.DefaultBalance.
func simBalanceText(t *testing.T) string {
	t.Helper()
	total := new(big.Rat)
	for _, text := range []string{guancesim.DefaultBalance.Cash, guancesim.DefaultBalance.Coupon, guancesim.DefaultBalance.StoredCard} {
		amount, ok := new(big.Rat).SetString(text)
		if !ok {
			t.Fatalf("balance %q is not a decimal", text)
		}
		total.Add(total, amount)
	}
	return decimalText(total)
}

func (s spend) totalText() string              { return decimalText(s.total) }
func (s spend) productText(name string) string { return decimalText(s.byProduct[name]) }

// usedPercent is the cost guard's share of a budget: percent rounded down to a tenth.
func usedPercent(amount *big.Rat, budget int64) string {
	tenths := new(big.Rat).Quo(new(big.Rat).Mul(amount, big.NewRat(1000, 1)), big.NewRat(budget, 1))
	floor := new(big.Int).Quo(tenths.Num(), tenths.Denom())
	return decimalText(new(big.Rat).SetFrac(floor, big.NewInt(10)))
}

// The cost guard's messages, as the module words them, for the tests and the guide's quotes.
// The guide quotes the module planned with currency = "CNY", the simulator's Hangzhou site's.
const guideCurrency = "CNY"

// priced is an amount as the module prints it: followed by its currency, or bare without one.
func priced(amount any, currency string) string {
	if currency == "" {
		return fmt.Sprint(amount)
	}
	return fmt.Sprintf("%v %s", amount, currency)
}

func overMonthlyBudget(s spend, budget int64, currency string) string {
	return fmt.Sprintf("Guance spending from %s to %s is %s, over the monthly budget of %s.",
		s.start, s.end, priced(s.totalText(), currency), priced(budget, currency))
}

func nearMonthlyBudget(s spend, budget int64, threshold, currency string) string {
	return fmt.Sprintf("Guance spending from %s to %s is %s, %s%% of the monthly budget of %s (the warning threshold is %s%%).",
		s.start, s.end, priced(s.totalText(), currency), usedPercent(s.total, budget), priced(budget, currency), threshold)
}

func belowBalanceFloor(t *testing.T, floor int64, currency string) string {
	t.Helper()
	return fmt.Sprintf("The Guance account balance is %s, below the floor of %s: top up the account, or lower balance_floor.",
		priced(simBalanceText(t), currency), priced(floor, currency))
}

// costGuardCase runs examples/cost-guard as a user would: the provider block is empty, so
// the endpoint and the token come from the environment, and the module's source address
// guance-finops/guance must be the one the test harness serves. The module declares its
// providers, so the harness takes the factories on the step rather than the case.
func costGuardCase(t *testing.T, steps ...resource.TestStep) resource.TestCase {
	t.Helper()
	sim := newSim(t, guancesim.Options{})
	t.Setenv(EnvEndpoint, sim.URL())
	t.Setenv(EnvAccessToken, guancesim.DefaultToken)
	t.Setenv(resource.EnvTfAccProviderNamespace, "guance-finops")
	for i := range steps {
		steps[i].ConfigDirectory = config.StaticDirectory(costGuardDir)
		steps[i].ProtoV6ProviderFactories = protoV6ProviderFactories
	}
	return resource.TestCase{Steps: steps}
}

func output(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownOutputValue(name, v)
}

func TestCostGuardWithinBudgetPlansWithExactTotals(t *testing.T) {
	march := simSpend(t, "2024-03-01", "2024-03-15")
	byProduct := make(map[string]knownvalue.Check, len(march.byProduct))
	for product := range march.byProduct {
		byProduct[product] = knownvalue.NumberExact(num(march.productText(product)))
	}
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{"as_of": config.StringVariable("2024-03-15")},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{expectCheck{address: costGuardWarn, status: tfjson.CheckStatusPass}},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			output("period", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"start_date": knownvalue.StringExact("2024-03-01"),
				"end_date":   knownvalue.StringExact("2024-03-15"),
			})),
			output("total_billing_result", knownvalue.NumberExact(num(march.totalText()))),
			output("totals_by_product", knownvalue.MapExact(byProduct)),
			output("monthly_budget_used_percent", knownvalue.NumberExact(num(usedPercent(march.total, 100000)))),
			output("product_budgets_used_percent", knownvalue.MapExact(map[string]knownvalue.Check{
				"Log":            knownvalue.NumberExact(num(usedPercent(march.byProduct["Log"], 50000))),
				"Session Replay": knownvalue.NumberExact(num(usedPercent(march.byProduct["Session Replay"], 10000))),
			})),
			output("total_balance", knownvalue.NumberExact(num(simBalanceText(t)))),
			// The module uses only totals, so it keeps the records out of state.
			statecheck.ExpectKnownValue(costGuardRead, at("records"), knownvalue.Null()),
		},
	}))
}

// Without as_of the period is the month so far on the billing day of plantimestamp(), in
// UTC+8 by default or in billing_time_zone.
func TestCostGuardDefaultPeriodIsMonthToDateAtPlanTime(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{expectMonthToDateAtPlanTime{t: t, zone: billingZone}},
		},
	}))
}

func TestCostGuardDefaultPeriodFollowsBillingTimeZone(t *testing.T) {
	// Ten hours behind UTC, eighteen behind the default: most hours of a day, the billing
	// day differs from UTC+8's.
	zone := time.FixedZone("-10:00", -10*60*60)
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{"billing_time_zone": config.StringVariable("-10:00")},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{expectMonthToDateAtPlanTime{t: t, zone: zone}},
		},
	}))
}

// A failed check block is a warning: the plan succeeds, and the check reports the spend,
// its share of the budget and the threshold.
func TestCostGuardWarnsAtThresholdWithoutBlocking(t *testing.T) {
	march := simSpend(t, "2024-03-01", "2024-03-31")
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":         config.StringVariable("2024-03-31"),
			"currency":      config.StringVariable(guideCurrency),
			"warn_at_ratio": config.FloatVariable(0.5),
			"product_budgets": config.MapVariable(map[string]config.Variable{
				"Log": config.IntegerVariable(50000), "Metric": config.IntegerVariable(5000),
			}),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{expectCheck{address: costGuardWarn, status: tfjson.CheckStatusFail, problems: []string{
				nearMonthlyBudget(march, 100000, "50", guideCurrency),
				fmt.Sprintf("Guance products near their budgets: Log has cost %s CNY, %s%% of its budget of 50000 CNY; Metric has cost %s CNY, %s%% of its budget of 5000 CNY.",
					march.productText("Log"), usedPercent(march.byProduct["Log"], 50000),
					march.productText("Metric"), usedPercent(march.byProduct["Metric"], 5000)),
			}}},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			output("total_billing_result", knownvalue.NumberExact(num(march.totalText()))),
		},
	}))
}

// A threshold such as 0.3, which binary arithmetic cannot hold, still reads as 30% in the
// message; without a currency, the amounts print bare.
func TestCostGuardWarningNamesTheThresholdAsTheUserWroteIt(t *testing.T) {
	march := simSpend(t, "2024-03-01", "2024-03-15")
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":         config.StringVariable("2024-03-15"),
			"warn_at_ratio": config.FloatVariable(0.3),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{expectCheck{address: costGuardWarn, status: tfjson.CheckStatusFail, problems: []string{
				nearMonthlyBudget(march, 100000, "30", ""),
				fmt.Sprintf("Guance products near their budgets: Session Replay has cost %s, %s%% of its budget of 10000.",
					march.productText("Session Replay"), usedPercent(march.byProduct["Session Replay"], 10000)),
			}}},
		},
	}))
}

// forecastOverBudget is the cost guard's forecast warning for March 2024 as of the 15th with
// the default 7-day lookback, its figures from the simulator's records by the documented rule.
func forecastOverBudget(t *testing.T, budget int64, currency string) string {
	t.Helper()
	bill := simBill(t, "2024-03-01", "2024-03-15")
	actual := sumDays(bill.byDay, 1, 15)
	rate := round6(new(big.Rat).Quo(sumDays(bill.byDay, 9, 15), big.NewRat(7, 1)))
	forecast := new(big.Rat).Add(actual, new(big.Rat).Mul(rate, big.NewRat(16, 1)))
	return fmt.Sprintf("At the run rate of the last 7 days (%s a day), Guance spending from 2024-03-01 to 2024-03-31 is "+
		"forecast at %s, over the monthly budget of %s: %s up to 2024-03-15, 16 days to go.",
		priced(decimalText(rate), currency), priced(decimalText(forecast), currency), priced(budget, currency), priced(decimalText(actual), currency))
}

// Half way through March the spending is well within a budget of 60000, but the run rate
// carries the month past it: the forecast check warns, the threshold check does not.
func TestCostGuardWarnsWhenTheMonthIsForecastOverBudget(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":          config.StringVariable("2024-03-15"),
			"currency":       config.StringVariable(guideCurrency),
			"monthly_budget": config.IntegerVariable(60000),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				expectCheck{address: "check.forecast", status: tfjson.CheckStatusFail, problems: []string{forecastOverBudget(t, 60000, guideCurrency)}},
				expectCheck{address: costGuardWarn, status: tfjson.CheckStatusPass},
				expectCheck{address: "check.budget_keys", status: tfjson.CheckStatusPass},
			},
		},
	}))
}

// A day that cost more than spike_ratio times the days before it warns, and so does a budget
// key that nothing was billed under, such as "Logs" for "Log". Without a currency, the
// amounts print bare.
func TestCostGuardWarnsOfASpikeAndOfABudgetKeyNeverBilled(t *testing.T) {
	bill := simBill(t, "2024-03-01", "2024-03-15")
	ratio := round6(new(big.Rat).Quo(new(big.Rat).Mul(bill.byDay["2024-03-15"], big.NewRat(7, 1)), sumDays(bill.byDay, 8, 14)))
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":       config.StringVariable("2024-03-15"),
			"spike_ratio": config.FloatVariable(1.2),
			"product_budgets": config.MapVariable(map[string]config.Variable{
				"Log": config.IntegerVariable(50000), "Logs": config.IntegerVariable(1000), "Kubernetes": config.IntegerVariable(1000),
			}),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				expectCheck{address: "check.forecast", status: tfjson.CheckStatusFail, problems: []string{fmt.Sprintf(
					"Guance spending on 2024-03-15 was %s, %s times the daily mean of the 7 days before it (the spike threshold is 1.2).",
					decimalText(bill.byDay["2024-03-15"]), decimalText(ratio))}},
				expectCheck{address: "check.budget_keys", status: tfjson.CheckStatusFail, problems: []string{
					`product_budgets names items with no bill from 2024-03-01 to 2024-03-15: "Kubernetes", "Logs". A misspelt key never ` +
						"trips its budget; the items billed are APM Trace, Data Forward, Log, Metric, RUM PV, Security Check, Session Replay, Synthetic Test.",
				}},
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			output("latest_day_ratio", exactly(ratio)),
		},
	}))
}

// On the first day of a month there is no day before the latest to compare it with: the ratio
// is null, and the checks pass.
func TestCostGuardOnAMonthsFirstDayHasNoRatioAndPasses(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of": config.StringVariable("2024-03-01"),
			// One day carried over the month is 102,038.98, over the default budget.
			"monthly_budget": config.IntegerVariable(200000),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				expectCheck{address: "check.forecast", status: tfjson.CheckStatusPass},
				expectCheck{address: "check.budget_keys", status: tfjson.CheckStatusPass},
			},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.guance_billing_forecast.month", at("latest_day_ratio"), knownvalue.Null()),
		},
	}))
}

func TestCostGuardBlocksPlanOverMonthlyBudget(t *testing.T) {
	march := simSpend(t, "2024-03-01", "2024-03-15")
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":          config.StringVariable("2024-03-15"),
			"currency":       config.StringVariable(guideCurrency),
			"monthly_budget": config.IntegerVariable(1000),
		},
		ExpectError: errorLike("Resource postcondition failed",
			overMonthlyBudget(march, 1000, guideCurrency)),
	}))
}

// Only the products over their budgets are named, each with its spend and its budget, bare
// without a currency.
func TestCostGuardBlocksPlanOverProductBudgetNamingTheProduct(t *testing.T) {
	march := simSpend(t, "2024-03-01", "2024-03-31")
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of": config.StringVariable("2024-03-31"),
			"product_budgets": config.MapVariable(map[string]config.Variable{
				"Log":            config.IntegerVariable(20000),
				"Metric":         config.IntegerVariable(100),
				"Session Replay": config.IntegerVariable(10000),
			}),
		},
		ExpectError: regexp.MustCompile(errorLike(
			"Guance spending from 2024-03-01 to 2024-03-31 is over a product budget:",
			"Log has cost "+march.productText("Log")+", over its budget of 20000;",
			"Metric has cost "+march.productText("Metric")+", over its budget of 100.",
		).String() + `\s*$`),
	}))
}

// The balance guard names the balance and the floor, so the reader knows how far to top up.
func TestCostGuardBlocksPlanBelowBalanceFloor(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":         config.StringVariable("2024-03-15"),
			"currency":      config.StringVariable(guideCurrency),
			"balance_floor": config.IntegerVariable(20000),
		},
		ExpectError: errorLike("Resource postcondition failed", belowBalanceFloor(t, 20000, guideCurrency)),
	}))
}

// A currency is a code printed after amounts as fact, so a symbol or a lower-case code is
// refused rather than printed.
func TestCostGuardRefusesACurrencyThatIsNotAnISOCode(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{"currency": config.StringVariable("¥")},
		ExpectError:     errorLike(`currency must be an ISO 4217 code of three capital letters, such as "CNY" or "USD", or "" to print amounts bare; got "¥".`),
	}))
}

func TestCostGuardRefusesMalformedAsOf(t *testing.T) {
	for _, asOf := range []string{"15/03/2024", "2024-02-30"} {
		t.Run(strings.ReplaceAll(asOf, "/", "-"), func(t *testing.T) {
			resource.UnitTest(t, costGuardCase(t, resource.TestStep{
				ConfigVariables: config.Variables{"as_of": config.StringVariable(asOf)},
				ExpectError:     errorLike("as_of must be a date as YYYY-MM-DD, such as 2024-03-15, and a real calendar day."),
			}))
		})
	}
}

// The guide quotes Terraform's output for the cost guard: each quoted line of main.tf must be
// that line of the module, and each message the one the module gives for the quoted run.
func TestCostGuardGuideQuotesTheModuleAsItIs(t *testing.T) {
	guide := readFile(t, "../../templates/guides/cost-guard.md.tmpl")
	module := strings.Split(readFile(t, costGuardDir+"/main.tf"), "\n")
	quotes := regexp.MustCompile(`(?m)^  on main\.tf line (\d+), in .*:\n +(\d+): (.*)$`).FindAllStringSubmatch(guide, -1)
	if len(quotes) == 0 {
		t.Fatal("the guide quotes no line of main.tf; update this test with the guide")
	}
	for _, q := range quotes {
		line, err := strconv.Atoi(q[1])
		if err != nil || q[2] != q[1] || line < 1 || line > len(module) || module[line-1] != q[3] {
			t.Errorf("the guide quotes main.tf line %s as %q, but the module has a different line there: "+
				"plan the module again and update templates/guides/cost-guard.md.tmpl", q[1], q[3])
		}
	}
	for _, message := range []string{
		overMonthlyBudget(simSpend(t, "2024-03-01", "2024-03-15"), 1000, guideCurrency),
		nearMonthlyBudget(simSpend(t, "2024-03-01", "2024-03-31"), 100000, "50", guideCurrency),
		belowBalanceFloor(t, 20000, guideCurrency),
		forecastOverBudget(t, 60000, guideCurrency),
	} {
		if !errorLike(message).MatchString(guide) {
			t.Errorf("the guide does not quote the cost guard's message %q", message)
		}
	}
}

// costGuardRootCopy copies examples/cost-guard-root into a directory of the test's, with the
// module's relative source made absolute: the harness runs Terraform in a working directory
// of its own, where ../cost-guard is nothing. The harness's terraform init then installs the
// local module, with no registry involved. (It inits a step's ConfigDirectory, not its Config.)
func costGuardRootCopy(t *testing.T) string {
	t.Helper()
	module, err := filepath.Abs(costGuardDir)
	if err != nil {
		t.Fatal(err)
	}
	const source = `source = "../cost-guard"`
	dir := t.TempDir()
	calls := 0
	for _, file := range []string{"main.tf", "variables.tf", "outputs.tf"} {
		text := readFile(t, costGuardRootDir+"/"+file)
		calls += strings.Count(text, source)
		text = strings.ReplaceAll(text, source, fmt.Sprintf("source = %q", module))
		if err := os.WriteFile(filepath.Join(dir, file), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 2 {
		t.Fatalf("examples/cost-guard-root calls ../cost-guard %d times, not twice; update this test with the example", calls)
	}
	return dir
}

// The root example calls the module twice, for the month so far and for the whole of last
// month, through the provider it configures once; the currency it states reaches every
// message of both calls.
func TestCostGuardRootExampleGuardsThisMonthAndLastMonth(t *testing.T) {
	march := simSpend(t, "2024-03-01", "2024-03-15")
	february := simSpend(t, "2024-02-01", "2024-02-29")
	period := func(s spend) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"start_date": knownvalue.StringExact(s.start), "end_date": knownvalue.StringExact(s.end),
		})
	}
	sim := newSim(t, guancesim.Options{})
	t.Setenv(EnvEndpoint, sim.URL())
	t.Setenv(EnvAccessToken, guancesim.DefaultToken)
	t.Setenv(resource.EnvTfAccProviderNamespace, "guance-finops")
	resource.UnitTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		ConfigDirectory:          config.StaticDirectory(costGuardRootCopy(t)),
		// A budget that February passes the warning threshold of and March does not.
		ConfigVariables: config.Variables{
			"as_of":          config.StringVariable("2024-03-15"),
			"monthly_budget": config.IntegerVariable(80000),
		},
		// The harness cannot read a state with child modules, so the step plans only.
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPreRefresh: []plancheck.PlanCheck{
				expectCheck{address: "module.this_month." + costGuardWarn, status: tfjson.CheckStatusPass},
				expectCheck{address: "module.last_month." + costGuardWarn, status: tfjson.CheckStatusFail, problems: []string{
					nearMonthlyBudget(february, 80000, "80", "CNY"),
					fmt.Sprintf("Guance products near their budgets: Session Replay has cost %s CNY, %s%% of its budget of 10000 CNY.",
						february.productText("Session Replay"), usedPercent(february.byProduct["Session Replay"], 10000)),
				}},
				plancheck.ExpectKnownOutputValue("this_month", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"period": period(march), "total_billing_result": knownvalue.NumberExact(num(march.totalText())),
				})),
				plancheck.ExpectKnownOutputValue("last_month", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"period": period(february), "total_billing_result": knownvalue.NumberExact(num(february.totalText())),
				})),
			},
		},
	}}})
}

// checkScopedRead finds a data source inside a check block: Terraform reads it again at
// every apply, so the plan after an apply is never empty.
var checkScopedRead = regexp.MustCompile(`check\s+"[^"]+"\s*\{\s*data\s+"`)

// Every example of a data source or a function plans and applies against the simulator.
func TestExamplesRunAgainstTheSimulator(t *testing.T) {
	var files []string
	for _, pattern := range []string{"/data-sources/*/*.tf", "/functions/*/*.tf"} {
		found, err := filepath.Glob(examplesDir + pattern)
		if err != nil || len(found) == 0 {
			t.Fatalf("no examples match %s: %v", pattern, err)
		}
		files = append(files, found...)
	}
	for _, file := range files {
		t.Run(strings.TrimPrefix(file, examplesDir+"/"), func(t *testing.T) {
			sim := newSim(t, guancesim.Options{})
			example := readFile(t, file)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:             simProvider(sim) + example,
					ExpectNonEmptyPlan: checkScopedRead.MatchString(example),
				}},
			})
		})
	}
}

// The filter example's totals are those of the kept products alone, and its records hold
// nothing else.
func TestFiltersExampleTotalsCoverOnlyTheKeptRecords(t *testing.T) {
	march := simSpend(t, "2024-03-01", "2024-03-31")
	kept := new(big.Rat)
	for _, product := range []string{"Log", "Metric", "APM Trace"} {
		kept.Add(kept, march.byProduct[product])
	}
	sim := newSim(t, guancesim.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: exampleConfig(t, sim, "data-sources/guance_billing_details/data-source-filters.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				output("observability_total", knownvalue.NumberExact(num(decimalText(kept)))),
				output("observability_products_billed", knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("Log"), knownvalue.StringExact("Metric"), knownvalue.StringExact("APM Trace"),
				})),
				// measurement "logging" is Log's billing key.
				output("logging_total", knownvalue.NumberExact(num(march.productText("Log")))),
			},
		}},
	})
}

// deferredRead needs the provider configured while planning, but its dates are unknown until
// apply (timestamp()), so the plan reads nothing: no request leaves for the example's site.
const deferredRead = `
data "guance_billing_details" "deferred" {
  start_date = formatdate("YYYY-MM-DD", timestamp())
  end_date   = formatdate("YYYY-MM-DD", timestamp())
}
`

// The provider examples configure sites that tests must not reach, so they are planned but
// never applied: the plan validates and configures the provider (schema validators, site
// resolution), and defers the only read.
func TestProviderExamplesConfigureTheProvider(t *testing.T) {
	files, err := filepath.Glob(examplesDir + "/provider/*.tf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no provider examples found: %v", err)
	}
	t.Setenv(EnvAccessToken, "example-token")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:             readFile(t, file) + deferredRead,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
				}},
			})
		})
	}
}

// The region table of docs/index.md is written in templates/index.md.tmpl; it must list
// exactly guance.Sites, in order, with their codes and base URLs.
func TestProviderDocsListEverySite(t *testing.T) {
	row := regexp.MustCompile("(?m)^\\| `([a-z]+)` \\| `([a-z0-9]+)` \\| [^|]+ \\| <?(https://[^ >|]+)>? \\|.*$")
	var got []string
	for _, m := range row.FindAllStringSubmatch(readFile(t, "../../docs/index.md"), -1) {
		got = append(got, m[1]+" "+m[2]+" "+m[3])
	}
	want := make([]string, len(guance.Sites))
	for i, s := range guance.Sites {
		want[i] = s.Name + " " + s.Code + " " + s.BaseURL
	}
	if !slices.Equal(got, want) {
		t.Errorf("docs/index.md lists the sites\n%s\nbut guance.Sites is\n%s\nUpdate templates/index.md.tmpl and run make docs.",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// expectCheck asserts a check block's status in the plan and the messages of its failed
// assertions, in any order (Terraform does not keep the assertions' order).
type expectCheck struct {
	address  string
	status   tfjson.CheckStatus
	problems []string
}

func (e expectCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, c := range req.Plan.Checks {
		if c.Address.ToDisplay != e.address {
			continue
		}
		var problems []string
		for _, inst := range c.Instances {
			for _, p := range inst.Problems {
				problems = append(problems, p.Message)
			}
		}
		want := slices.Sorted(slices.Values(e.problems))
		if slices.Sort(problems); c.Status != e.status || !slices.Equal(problems, want) {
			resp.Error = fmt.Errorf("%s: status %s with problems %q; want status %s with problems %q",
				e.address, c.Status, problems, e.status, e.problems)
		}
		return
	}
	resp.Error = fmt.Errorf("the plan has no result for %s", e.address)
}

// expectMonthToDateAtPlanTime asserts that the cost guard planned the month so far as of
// the plan's own timestamp (plantimestamp()) on the billing day of zone, with that period's
// exact total.
type expectMonthToDateAtPlanTime struct {
	t    *testing.T
	zone *time.Location
}

func (e expectMonthToDateAtPlanTime) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	planned, err := time.Parse(time.RFC3339, req.Plan.Timestamp)
	if err != nil {
		resp.Error = fmt.Errorf("plan timestamp %q: %w", req.Plan.Timestamp, err)
		return
	}
	today := planned.In(e.zone)
	want := simSpend(e.t, today.Format("2006-01-02")[:8]+"01", today.Format(time.DateOnly))
	period, total := plannedOutput(req.Plan, "period"), plannedOutput(req.Plan, "total_billing_result")
	wantPeriod := map[string]any{"start_date": want.start, "end_date": want.end}
	gotTotal, ok := total.(json.Number)
	if !ok || fmt.Sprint(period) != fmt.Sprint(wantPeriod) || num(gotTotal.String()).Cmp(num(want.totalText())) != 0 {
		resp.Error = fmt.Errorf("planned period %v with total %v at plan time %s; want %v with total %s",
			period, total, req.Plan.Timestamp, wantPeriod, want.totalText())
	}
}

func plannedOutput(plan *tfjson.Plan, name string) any {
	if c, ok := plan.OutputChanges[name]; ok && c != nil {
		return c.After
	}
	return nil
}
