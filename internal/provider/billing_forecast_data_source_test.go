package provider

import (
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

const forecastAddr = "data.guance_billing_forecast.test"

// planClock is the injected clock of these tests: 01:00 on 2024-03-16 in UTC+8, which is
// still 2024-03-15 in UTC.
var planClock = time.Date(2024, time.March, 15, 17, 0, 0, 0, time.UTC)

// factoriesAt serves the provider with its clock stopped at now.
func factoriesAt(now time.Time) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"guance": func() (tfprotov6.ProviderServer, error) {
			return newServer(&guanceProvider{version: "test", tuneClient: fastRetries, clock: func() time.Time { return now }}), nil
		},
	}
}

func expectForecast(path string, v knownvalue.Check, steps ...any) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(forecastAddr, at(path, steps...), v)
}

// forecastReadsAs plans config with the provider's clock at planClock and checks the state.
func forecastReadsAs(t *testing.T, config string, checks ...statecheck.StateCheck) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesAt(planClock),
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func forecastConfig(sim *guancesim.Server, args string) string {
	return simProvider(sim) + "\ndata \"guance_billing_forecast\" \"test\" {\n" + args + "\n}\n"
}

// sum adds the amounts of the days from first to last (March 2024 days).
func sumDays(days map[string]*big.Rat, first, last int) *big.Rat {
	total := new(big.Rat)
	for d := first; d <= last; d++ {
		if v := days[fmt.Sprintf("2024-03-%02d", d)]; v != nil {
			total.Add(total, v)
		}
	}
	return total
}

// round6 rounds a non-negative quotient to 6 places, half up: the provider's documented rule.
func round6(r *big.Rat) *big.Rat {
	scaled := new(big.Rat).Mul(r, big.NewRat(1_000_000, 1))
	q, rem := new(big.Int).QuoRem(scaled.Num(), scaled.Denom(), new(big.Int))
	if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(scaled.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return new(big.Rat).SetFrac(q, big.NewInt(1_000_000))
}

func exactly(r *big.Rat) knownvalue.Check { return knownvalue.NumberExact(num(decimalText(r))) }

// March 2024 as of the 15th: the 15 days read, the last 7 averaged and carried over the 16
// days left, and the 15th against the 7 days before it.
func TestBillingForecastCarriesTheRunRateToThePeriodsEnd(t *testing.T) {
	t.Parallel()
	bill := simSpend(t, "2024-03-01", "2024-03-15")
	actual := sumDays(bill.byDay, 1, 15)
	rate := round6(new(big.Rat).Quo(sumDays(bill.byDay, 9, 15), big.NewRat(7, 1)))
	forecast := new(big.Rat).Add(actual, new(big.Rat).Mul(rate, big.NewRat(16, 1)))
	latest := bill.byDay["2024-03-15"]
	ratio := round6(new(big.Rat).Quo(new(big.Rat).Mul(latest, big.NewRat(7, 1)), sumDays(bill.byDay, 8, 14)))
	byProduct := map[string]knownvalue.Check{}
	for product, days := range bill.byProductDay {
		productRate := round6(new(big.Rat).Quo(sumDays(days, 9, 15), big.NewRat(7, 1)))
		byProduct[product] = exactly(new(big.Rat).Add(sumDays(days, 1, 15), new(big.Rat).Mul(productRate, big.NewRat(16, 1))))
	}
	byDate := map[string]knownvalue.Check{}
	for day, v := range bill.byDay {
		byDate[day] = exactly(v)
	}
	sim := newSim(t, guancesim.Options{})
	forecastReadsAs(t, forecastConfig(sim, `
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"`),
		// The guide's figure for the first half of March.
		expectForecast("actual_billing_result", knownvalue.NumberExact(num("37956.09"))),
		expectForecast("actual_billing_result", exactly(actual)),
		expectForecast("days_elapsed", knownvalue.Int64Exact(15)),
		expectForecast("days_remaining", knownvalue.Int64Exact(16)),
		expectForecast("daily_run_rate", exactly(rate)),
		expectForecast("forecast_billing_result", exactly(forecast)),
		expectForecast("forecast_by_product", knownvalue.MapExact(byProduct)),
		expectForecast("latest_day_billing_result", exactly(latest)),
		expectForecast("latest_day_ratio", exactly(ratio)),
		expectForecast("totals_by_date", knownvalue.MapExact(byDate)),
		expectForecast("as_of", knownvalue.StringExact("2024-03-15")),
		expectForecast("lookback_days", knownvalue.Null()),
		expectForecast("time_zone", knownvalue.Null()),
	)
}

// The spike signal, pinned as figures: 2024-03-10 cost 1.24 times its week's mean, and over
// a 3-day lookback 2024-03-05 cost 1.73 times the mean of the 2nd to the 4th.
func TestBillingForecastLatestDayRatioIsTheSpikeSignal(t *testing.T) {
	t.Parallel()
	bill := simSpend(t, "2024-03-01", "2024-03-10")
	want := round6(new(big.Rat).Quo(new(big.Rat).Mul(bill.byDay["2024-03-05"], big.NewRat(3, 1)), sumDays(bill.byDay, 2, 4)))
	sim := newSim(t, guancesim.Options{})
	forecastReadsAs(t, forecastConfig(sim, `
  start_date    = "2024-03-01"
  end_date      = "2024-03-31"
  as_of         = "20240305"
  lookback_days = 3`),
		expectForecast("latest_day_ratio", exactly(want)),
		expectForecast("latest_day_billing_result", exactly(bill.byDay["2024-03-05"])),
		expectForecast("as_of", knownvalue.StringExact("20240305")),
		expectForecast("lookback_days", knownvalue.Int64Exact(3)),
	)
	t.Logf("ratio on 2024-03-05 over 3 days: %s", decimalText(want))
}

// Without as_of, the last complete day is the day before today's billing day by the
// provider's clock: 2024-03-16 in UTC+8 (the default), 2024-03-15 in UTC.
func TestBillingForecastDefaultAsOfIsYesterdayByTheInjectedClock(t *testing.T) {
	t.Parallel()
	for zone, asOf := range map[string]string{"": "2024-03-15", `time_zone = "UTC"`: "2024-03-14", `time_zone = "-10:00"`: "2024-03-14"} {
		t.Run(asOf+zone, func(t *testing.T) {
			t.Parallel()
			sim := newSim(t, guancesim.Options{})
			elapsed, _ := time.Parse(time.DateOnly, asOf)
			forecastReadsAs(t, forecastConfig(sim, `
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  `+zone),
				expectForecast("as_of", knownvalue.StringExact(asOf)),
				expectForecast("days_elapsed", knownvalue.Int64Exact(int64(elapsed.Day()))),
				expectForecast("days_remaining", knownvalue.Int64Exact(int64(31-elapsed.Day()))),
				expectForecast("actual_billing_result", knownvalue.NumberExact(num(simSpend(t, "2024-03-01", asOf).totalText()))),
			)
		})
	}
}

// A period that is over is forecast at what it cost.
func TestBillingForecastOfAPastPeriodIsWhatItCost(t *testing.T) {
	t.Parallel()
	feb := simSpend(t, "2024-02-01", "2024-02-29")
	sim := newSim(t, guancesim.Options{})
	forecastReadsAs(t, forecastConfig(sim, `
  start_date = "2024-02-01"
  end_date   = "2024-02-29"`),
		expectForecast("as_of", knownvalue.StringExact("2024-03-15")),
		expectForecast("days_elapsed", knownvalue.Int64Exact(29)),
		expectForecast("days_remaining", knownvalue.Int64Exact(0)),
		expectForecast("actual_billing_result", knownvalue.NumberExact(num(feb.totalText()))),
		expectForecast("forecast_billing_result", knownvalue.NumberExact(num(feb.totalText()))),
		expectForecast("forecast_by_product", knownvalue.MapSizeExact(8)),
		expectForecast("forecast_by_product", knownvalue.MapPartial(map[string]knownvalue.Check{
			"Log": knownvalue.NumberExact(num(feb.productText("Log"))),
		})),
	)
}

// Before the period starts (on the 1st of a month, as_of defaults to the last day of the
// month before), nothing is read and every figure that needs a rate is null.
func TestBillingForecastBeforeThePeriodStartsReadsNothingAndHasNoRate(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	forecastReadsAs(t, forecastConfig(sim, `
  start_date = "2024-03-16"
  end_date   = "2024-04-15"`),
		expectForecast("as_of", knownvalue.StringExact("2024-03-15")),
		expectForecast("actual_billing_result", knownvalue.NumberExact(num("0"))),
		expectForecast("days_elapsed", knownvalue.Int64Exact(0)),
		expectForecast("days_remaining", knownvalue.Int64Exact(31)),
		expectForecast("daily_run_rate", knownvalue.Null()),
		expectForecast("forecast_billing_result", knownvalue.Null()),
		expectForecast("forecast_by_product", knownvalue.Null()),
		expectForecast("latest_day_billing_result", knownvalue.Null()),
		expectForecast("latest_day_ratio", knownvalue.Null()),
		expectForecast("totals_by_date", knownvalue.MapSizeExact(0)),
	)
	if n := sim.Requests(); n != 0 {
		t.Errorf("%d requests for a period none of which has elapsed", n)
	}
}

// Three days into a month with a 7-day lookback, the run rate is the mean of those three,
// and the latest day is compared with the two before it.
func TestBillingForecastWithFewerElapsedDaysThanTheLookbackAveragesThoseDays(t *testing.T) {
	t.Parallel()
	bill := simSpend(t, "2024-03-01", "2024-03-03")
	rate := round6(new(big.Rat).Quo(sumDays(bill.byDay, 1, 3), big.NewRat(3, 1)))
	ratio := round6(new(big.Rat).Quo(new(big.Rat).Mul(bill.byDay["2024-03-03"], big.NewRat(2, 1)), sumDays(bill.byDay, 1, 2)))
	sim := newSim(t, guancesim.Options{})
	forecastReadsAs(t, forecastConfig(sim, `
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-03"`),
		expectForecast("daily_run_rate", exactly(rate)),
		expectForecast("forecast_billing_result", exactly(new(big.Rat).Add(sumDays(bill.byDay, 1, 3), new(big.Rat).Mul(rate, big.NewRat(28, 1))))),
		expectForecast("latest_day_ratio", exactly(ratio)),
	)
}

// A period without records forecasts 0, and has no ratio: a mean of 0 compares with nothing.
func TestBillingForecastOfAnEmptyPeriodIsZeroWithANullRatio(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	forecastReadsAs(t, forecastConfig(sim, `
  start_date = "2022-05-01"
  end_date   = "2022-05-31"
  as_of      = "2022-05-10"`),
		expectForecast("actual_billing_result", knownvalue.NumberExact(num("0"))),
		expectForecast("daily_run_rate", knownvalue.NumberExact(num("0"))),
		expectForecast("forecast_billing_result", knownvalue.NumberExact(num("0"))),
		expectForecast("forecast_by_product", knownvalue.MapSizeExact(0)),
		expectForecast("latest_day_billing_result", knownvalue.NumberExact(num("0"))),
		expectForecast("latest_day_ratio", knownvalue.Null()),
		expectForecast("days_remaining", knownvalue.Int64Exact(21)),
	)
}

func TestBillingForecastRefusesBadArguments(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ args, want string }{
		"lookback 0":       {`lookback_days = 0`, "lookback_days is 0; it must be a whole number from 1 to 2147483647."},
		"lookback 2.5":     {`lookback_days = 2.5`, "lookback_days is 2.5; it must be a whole number from 1 to 2147483647."},
		"lookback 1e30":    {`lookback_days = 1e30`, "lookback_days is 1e+30; it must be a whole number"},
		"unknown zone":     {`time_zone = "Mars/Olympus"`, `Invalid time zone`},
		"as_of not a date": {`as_of = "2024-02-30"`, `as_of: "2024-02-30" is not a real calendar date`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sim := newSim(t, guancesim.Options{})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesAt(planClock),
				Steps: []resource.TestStep{{
					Config:      forecastConfig(sim, "start_date = \"2024-03-01\"\nend_date = \"2024-03-31\"\n"+c.args),
					ExpectError: errorLike(c.want),
				}},
			})
			if n := sim.Requests(); n != 0 {
				t.Errorf("%d requests", n)
			}
		})
	}
}

// A forecast and a details read of the days the forecast reads share one request per run.
func TestAForecastAndADetailsReadOfTheSameDaysShareOneRequest(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	commands := &perCommand{sim: sim, tune: fastRetries}
	clocked := commands.factories()["guance"]
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){"guance": clocked},
		Steps: []resource.TestStep{{
			Config: forecastConfig(sim, `
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"`) + `
data "guance_billing_details" "test" {
  start_date      = "2024-03-01"
  end_date        = "2024-03-15"
  include_records = false
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectForecast("actual_billing_result", knownvalue.NumberExact(num("37956.09"))),
				expect(at("total_billing_result"), knownvalue.NumberExact(num("37956.09"))),
			},
		}},
	})
	sent := commands.requests()
	if len(sent) == 0 {
		t.Fatal("no command read billing")
	}
	for i, n := range sent {
		if n != 1 {
			t.Errorf("command %d sent %d requests for a forecast and a details read of the same days", i+1, n)
		}
	}
}

// An as_of of today's billing day or later is read as asked, with a warning that its days are
// still being billed; yesterday is not warned of, nor an as_of past a period that ended before
// today, nor one before a period that has not started: no day read is incomplete.
func TestBillingForecastWarnsOnlyWhenADayReadIsNotYetComplete(t *testing.T) {
	t.Parallel()
	d := &providerData{now: func() time.Time { return planClock }}
	const stillBilled = ", but today's billing day (in UTC+08:00) is 2024-03-16: the days from today on are still " +
		"being billed, so what is read of them is incomplete and the forecast runs low. Leave as_of out to read up to yesterday."
	for _, c := range []struct{ start, end, asOf, warning string }{
		{"2024-03-01", "2024-03-31", "2024-03-15", ""},
		{"2024-03-01", "2024-03-31", "2024-03-16", "as_of is 2024-03-16" + stillBilled},
		{"2024-03-01", "2024-03-31", "20240401", "as_of is 20240401, after end_date, so the days read run to 2024-03-31" + stillBilled},
		{"2024-03-01", "2024-03-16", "2024-03-20", "as_of is 2024-03-20, after end_date, so the days read run to 2024-03-16" + stillBilled},
		{"2024-02-01", "2024-02-29", "2024-03-20", ""},
		{"2024-02-01", "2024-03-15", "2024-12-31", ""},
		{"2024-04-01", "2024-04-30", "2024-03-20", ""},
	} {
		m := forecastPeriodModel{
			StartDate: types.StringValue(c.start), EndDate: types.StringValue(c.end), AsOf: types.StringValue(c.asOf),
			LookbackDays: types.NumberNull(), TimeZone: types.StringNull(),
		}
		var diags diag.Diagnostics
		if _, ok := d.forecastSpec(&m, &diags); !ok {
			t.Fatalf("%+v: %v", c, diags)
		}
		warned := len(diags) == 1 && diags[0].Severity() == diag.SeverityWarning && diags[0].Detail() == c.warning
		if c.warning == "" && len(diags) != 0 || c.warning != "" && !warned {
			t.Errorf("%s to %s as of %s: diagnostics %v; want %q", c.start, c.end, c.asOf, diags, c.warning)
		}
	}
}
