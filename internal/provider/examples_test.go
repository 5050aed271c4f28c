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
	costGuardCheck   = "check.budget"
)

// billingZone is the cost guard's default billing_time_zone: the China sites' UTC+8.
var billingZone = time.FixedZone("+08:00", 8*60*60)

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

// The guide quotes the module planned with GUANCE_CURRENCY=CNY, the simulator's Hangzhou
// site's currency.
const guideCurrency = "CNY"

// money and percent write an exact figure as the provider's messages do; their rounding has
// tests of its own (internal/guance/money_test.go).
func money(r *big.Rat) string {
	d, err := guance.ParseDecimal(decimalText(r))
	if err != nil {
		panic(err)
	}
	return guance.Currency(guideCurrency).Money(d)
}

func percent(r *big.Rat) string {
	d, err := guance.ParseDecimal(decimalText(r))
	if err != nil {
		panic(err)
	}
	return guance.Percent(d)
}

// marchForecast is the month's forecast as of the 15th with the default 7-day lookback, by
// the documented rule from the simulator's records.
func marchForecast(t *testing.T) *big.Rat {
	t.Helper()
	bill := simSpend(t, "2024-03-01", "2024-03-15")
	rate := round6(new(big.Rat).Quo(sumDays(bill.byDay, 9, 15), big.NewRat(7, 1)))
	return new(big.Rat).Add(sumDays(bill.byDay, 1, 15), new(big.Rat).Mul(rate, big.NewRat(16, 1)))
}

// The cost guard's messages, as the provider words them for the module's budget (no name).
func overMonthlyBudget(s spend, budget int64) string {
	b := big.NewRat(budget, 1)
	return fmt.Sprintf("Guance budget: spending from %s to %s is %s, %s of the budget of %s for 2024-03-01 to 2024-03-31: "+
		"it reaches the block threshold of 100.0%% of the actual.", s.start, s.end, money(s.total), percent(percentOfRat(s.total, b)), money(b))
}

func forecastOverBudget(t *testing.T, budget int64) string {
	t.Helper()
	forecast, b := marchForecast(t), big.NewRat(budget, 1)
	return fmt.Sprintf("Guance budget: spending from 2024-03-01 to 2024-03-31 is forecast at %s, %s of the budget of %s for "+
		"2024-03-01 to 2024-03-31: it reaches the warn threshold of 100.0%% of the forecast.", money(forecast), percent(percentOfRat(forecast, b)), money(b))
}

func overDailyLimit(t *testing.T, product string, limit int64) string {
	t.Helper()
	day, l := simSpend(t, "2024-03-15", "2024-03-15").byProduct[product], big.NewRat(limit, 1)
	return fmt.Sprintf("Guance budget: %q cost %s on 2024-03-15, over its daily limit of %s (%s of it).",
		product, money(day), money(l), percent(percentOfRat(day, l)))
}

// costGuardCase runs examples/cost-guard as a user would: the provider block is empty, so
// the endpoint, the token and the currency come from the environment, and the module's
// source address guance-finops/guance must be the one the test harness serves. The module
// declares its providers, so the harness takes the factories on the step rather than the case.
func costGuardCase(t *testing.T, steps ...resource.TestStep) resource.TestCase {
	t.Helper()
	sim := newSim(t, guancesim.Options{})
	t.Setenv(EnvEndpoint, sim.URL())
	t.Setenv(EnvAccessToken, guancesim.DefaultToken)
	t.Setenv(EnvCurrency, guideCurrency)
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

func asOf(day string) config.Variables { return config.Variables{"as_of": config.StringVariable(day)} }

// Within its budgets the month's decision is ok, its check passes, and the outputs carry the
// exact figures.
func TestCostGuardWithinBudgetIsOKWithExactFigures(t *testing.T) {
	march := simSpend(t, "2024-03-01", "2024-03-15")
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: asOf("2024-03-15"),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{expectCheck{address: costGuardCheck, status: tfjson.CheckStatusPass}},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			output("period", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"start_date": knownvalue.StringExact("2024-03-01"),
				"end_date":   knownvalue.StringExact("2024-03-31"),
			})),
			output("status", knownvalue.StringExact("ok")),
			output("findings", knownvalue.ListExact(nil)),
			output("actual_billing_result", knownvalue.NumberExact(num(march.totalText()))),
			output("actual_percent", exactly(percentOfRat(march.total, big.NewRat(100000, 1)))),
			output("forecast_billing_result", exactly(marchForecast(t))),
			output("by_product", knownvalue.MapPartial(map[string]knownvalue.Check{
				"Log": knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"actual": knownvalue.NumberExact(num(march.productText("Log"))), "amount": knownvalue.NumberExact(num("50000")),
					"status": knownvalue.StringExact("ok"),
				}),
			})),
		},
	}))
}

// Without as_of the period is the whole month of plantimestamp()'s billing day, in UTC+8 by
// default or in billing_time_zone, read up to the day before.
func TestCostGuardDefaultPeriodIsTheMonthAtPlanTime(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{expectMonthAtPlanTime{t: t, zone: billingZone}},
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
			PreApply: []plancheck.PlanCheck{expectMonthAtPlanTime{t: t, zone: zone}},
		},
	}))
}

// Half way through March the spending is well within a budget of 60000, but the run rate
// carries the month past it: a warn finding, which the check block reports without blocking.
func TestCostGuardWarnsWhenTheMonthIsForecastOverBudget(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":          config.StringVariable("2024-03-15"),
			"monthly_budget": config.IntegerVariable(60000),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{expectCheck{address: costGuardCheck, status: tfjson.CheckStatusFail,
				problems: []string{forecastOverBudget(t, 60000)}}},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			output("status", knownvalue.StringExact("warn")),
			output("warn_message", knownvalue.StringExact(forecastOverBudget(t, 60000))),
		},
	}))
}

// A product whose latest complete day cost more than its daily limit warns, as the Guance
// console's alert would; the product's own status says so.
func TestCostGuardWarnsOfAProductOverItsDailyLimit(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":        config.StringVariable("2024-03-15"),
			"daily_limits": config.MapVariable(map[string]config.Variable{"Log": config.IntegerVariable(800), "Metric": config.IntegerVariable(5000)}),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{expectCheck{address: costGuardCheck, status: tfjson.CheckStatusFail,
				problems: []string{overDailyLimit(t, "Log", 800)}}},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			output("by_product", knownvalue.MapPartial(map[string]knownvalue.Check{
				"Log":    knownvalue.ObjectPartial(map[string]knownvalue.Check{"status": knownvalue.StringExact("warn")}),
				"Metric": knownvalue.ObjectPartial(map[string]knownvalue.Check{"status": knownvalue.StringExact("ok")}),
			})),
		},
	}))
}

// The month so far over the budget is a block finding: the postcondition fails the plan with
// the budget's own message.
func TestCostGuardBlocksPlanOverMonthlyBudget(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":          config.StringVariable("2024-03-15"),
			"monthly_budget": config.IntegerVariable(30000),
		},
		ExpectError: errorLike("Resource postcondition failed", overMonthlyBudget(simSpend(t, "2024-03-01", "2024-03-15"), 30000)),
	}, resource.TestStep{ConfigVariables: asOf("2024-03-15")}))
}

// A balance that lasts fewer days than min_runway_days at the run rate blocks the plan.
func TestCostGuardBlocksPlanWhenTheBalanceRunsOutTooSoon(t *testing.T) {
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: config.Variables{
			"as_of":           config.StringVariable("2024-03-15"),
			"min_runway_days": config.IntegerVariable(30),
		},
		ExpectError: errorLike("Resource postcondition failed", "Guance budget: the balance of "+money(mustRat(t, simBalanceText(t))),
			"a day, fewer than the 30 days asked for: top up the account."),
	}, resource.TestStep{ConfigVariables: asOf("2024-03-15")}))
}

func mustRat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("%q is not a decimal", s)
	}
	return r
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
		overMonthlyBudget(simSpend(t, "2024-03-01", "2024-03-15"), 30000),
		forecastOverBudget(t, 60000),
		overDailyLimit(t, "Log", 800),
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
// message of both calls, and each call's name labels its messages.
func TestCostGuardRootExampleGuardsThisMonthAndLastMonth(t *testing.T) {
	march := simSpend(t, "2024-03-01", "2024-03-15")
	february := simSpend(t, "2024-02-01", "2024-02-29")
	period := func(start, end string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"start_date": knownvalue.StringExact(start), "end_date": knownvalue.StringExact(end),
		})
	}
	budget := big.NewRat(80000, 1)
	replay, replayBudget := february.byProduct["Session Replay"], big.NewRat(10000, 1)
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
				expectCheck{address: "module.this_month." + costGuardCheck, status: tfjson.CheckStatusPass},
				expectCheck{address: "module.last_month." + costGuardCheck, status: tfjson.CheckStatusFail, problems: []string{
					fmt.Sprintf(`Guance budget "last month": spending from 2024-02-01 to 2024-02-29 is %s, %s of the budget of %s for `+
						"2024-02-01 to 2024-02-29: it reaches the warn threshold of 80.0%% of the actual.\n"+
						`Guance budget "last month": "Session Replay" spending from 2024-02-01 to 2024-02-29 is %s, %s of its budget of %s `+
						"for 2024-02-01 to 2024-02-29: it reaches the warn threshold of 80.0%% of the actual.",
						money(february.total), percent(percentOfRat(february.total, budget)), money(budget),
						money(replay), percent(percentOfRat(replay, replayBudget)), money(replayBudget)),
				}},
				plancheck.ExpectKnownOutputValue("this_month", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"period": period("2024-03-01", "2024-03-31"), "actual_billing_result": knownvalue.NumberExact(num(march.totalText())),
					"status": knownvalue.StringExact("ok"),
				})),
				plancheck.ExpectKnownOutputValue("last_month", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"period": period("2024-02-01", "2024-02-29"), "actual_billing_result": knownvalue.NumberExact(num(february.totalText())),
					"status": knownvalue.StringExact("warn"),
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

// expectMonthAtPlanTime asserts that the cost guard planned the whole month of the plan's own
// timestamp (plantimestamp()) on the billing day of zone, read up to the day before: that
// stretch's exact total, or 0 on the month's first day.
type expectMonthAtPlanTime struct {
	t    *testing.T
	zone *time.Location
}

func (e expectMonthAtPlanTime) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	planned, err := time.Parse(time.RFC3339, req.Plan.Timestamp)
	if err != nil {
		resp.Error = fmt.Errorf("plan timestamp %q: %w", req.Plan.Timestamp, err)
		return
	}
	today := planned.In(e.zone)
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	wantTotal := "0"
	if yesterday := today.AddDate(0, 0, -1); yesterday.Month() == today.Month() {
		wantTotal = simSpend(e.t, first.Format(time.DateOnly), yesterday.Format(time.DateOnly)).totalText()
	}
	period, total := plannedOutput(req.Plan, "period"), plannedOutput(req.Plan, "actual_billing_result")
	wantPeriod := map[string]any{"start_date": first.Format(time.DateOnly), "end_date": last.Format(time.DateOnly)}
	gotTotal, ok := total.(json.Number)
	if !ok || fmt.Sprint(period) != fmt.Sprint(wantPeriod) || num(gotTotal.String()).Cmp(num(wantTotal)) != 0 {
		resp.Error = fmt.Errorf("planned period %v with total %v at plan time %s; want %v with total %s",
			period, total, req.Plan.Timestamp, wantPeriod, wantTotal)
	}
}

func plannedOutput(plan *tfjson.Plan, name string) any {
	if c, ok := plan.OutputChanges[name]; ok && c != nil {
		return c.After
	}
	return nil
}

// budgetFixture is the plan the module, the OPA recipe (scripts/policy-test.sh) and the cost
// summary are tested to agree on; scripts/budget-fixture.sh regenerates it.
const budgetFixture = examplesDir + "/ci/testdata/budget-plan.json"

// The module, planned now with the fixture's variables, decides as the fixture records: the
// provider's status, its block message as the postcondition's, and its warnings as the check's.
func TestTheModuleDecidesAsTheBudgetFixtureRecords(t *testing.T) {
	var plan tfjson.Plan
	if err := json.Unmarshal([]byte(readFile(t, budgetFixture)), &plan); err != nil {
		t.Fatal(err)
	}
	var decision map[string]any
	for _, r := range plan.PriorState.Values.RootModule.Resources {
		if r.Address == "data.guance_billing_budget.month" {
			decision = r.AttributeValues
		}
	}
	if decision == nil || decision["status"] != "block" {
		t.Fatalf("the fixture holds no blocked budget read (status %v): run scripts/budget-fixture.sh", decision["status"])
	}
	var recorded []string
	for _, c := range plan.Checks {
		if c.Address.ToDisplay == "data.guance_billing_budget.month" && c.Status == tfjson.CheckStatusFail {
			for _, inst := range c.Instances {
				for _, p := range inst.Problems {
					recorded = append(recorded, p.Message)
				}
			}
		}
	}
	blockMessage, _ := decision["block_message"].(string)
	if !slices.Equal(recorded, []string{blockMessage}) {
		t.Fatalf("the fixture's postcondition failed with %q, not its budget's block_message %q", recorded, blockMessage)
	}
	variables := config.Variables{}
	for name, v := range plan.Variables {
		switch value := v.Value.(type) {
		case string:
			variables[name] = config.StringVariable(value)
		case json.Number:
			variables[name] = config.StringVariable(value.String())
		case float64:
			variables[name] = config.StringVariable(strconv.FormatFloat(value, 'f', -1, 64))
		case nil, map[string]any, []any: // defaults, and daily_limits below
		default:
			t.Fatalf("the fixture's variable %s is a %T, which this test does not pass on", name, value)
		}
	}
	limits, _ := plan.Variables["daily_limits"].Value.(map[string]any)
	daily := map[string]config.Variable{}
	for product, limit := range limits {
		daily[product] = config.StringVariable(fmt.Sprint(limit))
	}
	variables["daily_limits"] = config.MapVariable(daily)
	resource.UnitTest(t, costGuardCase(t, resource.TestStep{
		ConfigVariables: variables,
		ExpectError:     errorLike("Resource postcondition failed", blockMessage),
	}, resource.TestStep{
		// The same day within budget: the check alone reports the warnings, as the module
		// does when nothing blocks.
		ConfigVariables: config.Variables{"as_of": variables["as_of"], "daily_limits": variables["daily_limits"]},
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			expectCheck{address: costGuardCheck, status: tfjson.CheckStatusFail, problems: []string{
				overDailyLimit(t, "Log", 800),
			}},
		}},
	}))
	for _, f := range decision["findings"].([]any) {
		finding, _ := f.(map[string]any)
		if finding["action"] == "warn" && !strings.Contains(fmt.Sprint(decision["warn_message"]), fmt.Sprint(finding["message"])) {
			t.Errorf("the fixture's warn_message lacks the finding %q", finding["message"])
		}
	}
}
