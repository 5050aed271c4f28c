package guance

import (
	"os"
	"strings"
	"testing"
)

// bill is records given as YYYY-MM-DD → product → amount.
type bill map[string]map[string]string

func (b bill) records(t *testing.T) []*BillingRecord {
	t.Helper()
	var out []*BillingRecord
	for day, products := range b {
		for product, amount := range products {
			out = append(out, &BillingRecord{Date: mustDate(t, day), ProductDetail: TextOf(product), BillingResult: mustDecimal(t, amount)})
		}
	}
	return out
}

// everyDay bills the same products each day from first to last, inclusive.
func everyDay(t *testing.T, b bill, first, last string, products map[string]string) bill {
	t.Helper()
	for d := mustDate(t, first); !mustDate(t, last).Before(d); d = d.AddDays(1) {
		b[d.String()] = products
	}
	return b
}

// marchBudget is March 2024 as of asOf with a 7-day lookback and the thresholds given.
func marchBudget(t *testing.T, asOf, amount string, thresholds ...Threshold) BudgetSpec {
	t.Helper()
	spec := BudgetSpec{
		Forecast:         ForecastSpec{Period: Period{marchDay(1), marchDay(31)}, AsOf: mustDate(t, asOf), LookbackDays: 7},
		Thresholds:       thresholds,
		DailyLimitAction: ActionWarn,
		Currency:         "CNY",
	}
	if amount != "" {
		spec.Amount = mustDecimal(t, amount)
	}
	return spec
}

func threshold(t *testing.T, percent, basis, action string) Threshold {
	t.Helper()
	return Threshold{Percent: mustDecimal(t, percent), Basis: basis, Action: action}
}

// tenDays bills 100 a day from 1 to 10 March: 1000 so far, a run rate of 100, a forecast of
// 3100 for the month.
func tenDays(t *testing.T) []*BillingRecord {
	t.Helper()
	return everyDay(t, bill{}, "2024-03-01", "2024-03-10", map[string]string{"Log": "60", "Metric": "40"}).records(t)
}

func TestEachThresholdFiresOnItsBasisFromItsPercent(t *testing.T) {
	cases := []struct {
		name          string
		threshold     Threshold
		status        string
		value, limit  string
		percent, says string
	}{
		{"actual warn reached", threshold(t, "50", BasisActual, ActionWarn), ActionWarn, "1000", "1000", "50",
			`Guance budget: spending from 2024-03-01 to 2024-03-10 is 1,000.00 CNY, 50.0% of the budget of 2,000.00 CNY for 2024-03-01 to 2024-03-31: it reaches the warn threshold of 50.0% of the actual.`},
		{"actual block reached", threshold(t, "40", BasisActual, ActionBlock), ActionBlock, "1000", "800", "50", "reaches the block threshold of 40.0% of the actual."},
		{"actual not reached", threshold(t, "50.1", BasisActual, ActionBlock), StatusOK, "", "", "", ""},
		{"forecast warn reached", threshold(t, "150", BasisForecast, ActionWarn), ActionWarn, "3100", "3000", "155",
			`Guance budget: spending from 2024-03-01 to 2024-03-31 is forecast at 3,100.00 CNY, 155.0% of the budget of 2,000.00 CNY for 2024-03-01 to 2024-03-31: it reaches the warn threshold of 150.0% of the forecast.`},
		{"forecast block reached", threshold(t, "100", BasisForecast, ActionBlock), ActionBlock, "3100", "2000", "155", "the block threshold of 100.0% of the forecast."},
		{"forecast not reached", threshold(t, "155.01", BasisForecast, ActionWarn), StatusOK, "", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := DecideBudget(marchBudget(t, "2024-03-10", "2000", tc.threshold), tenDays(t), nil)
			if d.Status != tc.status {
				t.Fatalf("status %s, want %s; findings %+v", d.Status, tc.status, d.Findings)
			}
			if tc.status == StatusOK {
				if len(d.Findings) != 0 || d.Messages(ActionWarn) != "" || d.Messages(ActionBlock) != "" {
					t.Errorf("findings %+v", d.Findings)
				}
				return
			}
			f := d.Findings[0]
			if len(d.Findings) != 1 || f.Action != tc.status || f.Basis != tc.threshold.Basis || f.Scope != ScopeTotal ||
				text(f.Value) != tc.value || text(f.Limit) != tc.limit || text(f.Percent) != tc.percent {
				t.Errorf("findings %+v", d.Findings)
			}
			if !strings.Contains(f.Message, tc.says) || d.Messages(tc.status) != f.Message {
				t.Errorf("message %q, want it to hold %q", f.Message, tc.says)
			}
		})
	}
}

// A bill of exactly the threshold reaches it: the comparison is exact, never rounded.
func TestABillOfExactlyTheThresholdReachesIt(t *testing.T) {
	records := bill{"2024-03-01": {"Log": "0.1"}, "2024-03-02": {"Log": "0.2"}}.records(t)
	d := DecideBudget(marchBudget(t, "2024-03-02", "0.3", threshold(t, "100", BasisActual, ActionBlock)), records, nil)
	if d.Status != ActionBlock || text(d.ActualPercent) != "100" {
		t.Fatalf("0.1 + 0.2 against a budget of 0.3: status %s, %s%%", d.Status, d.ActualPercent)
	}
	// One ten-thousandth of a cent under is under.
	records = bill{"2024-03-01": {"Log": "0.1"}, "2024-03-02": {"Log": "0.199999"}}.records(t)
	if d := DecideBudget(marchBudget(t, "2024-03-02", "0.3", threshold(t, "100", BasisActual, ActionBlock)), records, nil); d.Status != StatusOK {
		t.Errorf("0.299999 against 0.3: status %s", d.Status)
	}
}

func TestProductBudgetsTakeTheSameThresholds(t *testing.T) {
	spec := marchBudget(t, "2024-03-10", "", threshold(t, "80", BasisActual, ActionWarn), threshold(t, "100", BasisForecast, ActionBlock))
	spec.ProductAmounts = map[string]Decimal{"Log": mustDecimal(t, "700"), "Metric": mustDecimal(t, "2000"), "Tracing": mustDecimal(t, "5")}
	d := DecideBudget(spec, tenDays(t), nil)
	// Log: 600 of 700 (85.7%) warns, its forecast of 1860 blocks; Metric: 400 of 2000, forecast
	// 1240, neither; Tracing: nothing billed, nothing reached.
	if d.Status != ActionBlock || len(d.Findings) != 2 {
		t.Fatalf("status %s findings %+v", d.Status, d.Findings)
	}
	if f := d.Findings[0]; f.Scope != "Log" || f.Action != ActionWarn || text(f.Percent) != "85.714286" || text(f.Limit) != "560" ||
		!strings.Contains(f.Message, `"Log" spending from 2024-03-01 to 2024-03-10 is 600.00 CNY, 85.7% of its budget of 700.00 CNY`) {
		t.Errorf("first finding %+v", f)
	}
	if f := d.Findings[1]; f.Scope != "Log" || f.Action != ActionBlock || f.Basis != BasisForecast || text(f.Value) != "1860" {
		t.Errorf("second finding %+v", f)
	}
	log, metric, tracing := d.ByProduct["Log"], d.ByProduct["Metric"], d.ByProduct["Tracing"]
	if log.Status != ActionBlock || text(log.Actual) != "600" || text(log.Forecast) != "1860" || text(log.Amount) != "700" ||
		text(log.ForecastPercent) != "265.714286" || text(log.Previous) != "0" {
		t.Errorf("Log %+v", log)
	}
	if metric.Status != StatusOK || text(metric.ActualPercent) != "20" || text(metric.ForecastPercent) != "62" {
		t.Errorf("Metric %+v", metric)
	}
	if tracing.Status != StatusOK || text(tracing.Actual) != "0" || text(tracing.Forecast) != "0" || text(tracing.ActualPercent) != "0" {
		t.Errorf("Tracing %+v", tracing)
	}
	// No total amount: no total percent, no total finding.
	if !d.ActualPercent.IsNull() || !d.ForecastPercent.IsNull() {
		t.Errorf("total percents %s %s without an amount", d.ActualPercent, d.ForecastPercent)
	}
}

func TestDailyLimitsJudgeEachProductsLatestCompleteDay(t *testing.T) {
	records := append(tenDays(t), bill{"2024-03-10": {"Log": "0.01"}, "2024-03-09": {"Metric": "500"}}.records(t)...)
	spec := marchBudget(t, "2024-03-10", "")
	spec.DailyLimits = map[string]Decimal{"Log": mustDecimal(t, "60"), "Metric": mustDecimal(t, "40")}
	d := DecideBudget(spec, records, nil)
	// Log cost 60.01 on the 10th, over 60; Metric cost 40, not over 40 (its 540 on the 9th is
	// not the latest day).
	if d.Status != ActionWarn || len(d.Findings) != 1 {
		t.Fatalf("status %s findings %+v", d.Status, d.Findings)
	}
	want := `Guance budget: "Log" cost 60.01 CNY on 2024-03-10, over its daily limit of 60.00 CNY (100.0% of it).`
	if f := d.Findings[0]; f.Basis != BasisDaily || f.Scope != "Log" || text(f.Value) != "60.01" || text(f.Limit) != "60" || f.Message != want {
		t.Errorf("finding %+v", f)
	}
	if d.ByProduct["Log"].Status != ActionWarn || d.ByProduct["Metric"].Status != StatusOK {
		t.Errorf("product statuses %+v", d.ByProduct)
	}
	spec.DailyLimitAction = ActionBlock
	if d := DecideBudget(spec, records, nil); d.Status != ActionBlock || d.Findings[0].Action != ActionBlock {
		t.Errorf("daily_limit_action block: status %s", d.Status)
	}
}

func TestARunwayShorterThanAskedForBlocks(t *testing.T) {
	spec := marchBudget(t, "2024-03-10", "")
	spec.MinRunwayDays = mustDecimal(t, "30")
	balance := &Balance{Cash: mustDecimal(t, "2000"), Coupon: mustDecimal(t, "999.99")}
	d := DecideBudget(spec, tenDays(t), balance)
	// 2999.99 at 100 a day lasts 29.9999 days.
	if d.Status != ActionBlock || text(d.Balance) != "2999.99" || text(d.RunwayDays) != "29.9999" || len(d.Findings) != 1 {
		t.Fatalf("status %s balance %s runway %s findings %+v", d.Status, d.Balance, d.RunwayDays, d.Findings)
	}
	want := `Guance budget: the balance of 2,999.99 CNY lasts 30.0 days at 100.00 CNY a day, fewer than the 30 days asked for: top up the account.`
	if f := d.Findings[0]; f.Basis != BasisRunway || f.Scope != ScopeTotal || f.Message != want {
		t.Errorf("finding %+v", f)
	}
	balance.Coupon = mustDecimal(t, "1000")
	if d := DecideBudget(spec, tenDays(t), balance); d.Status != StatusOK || text(d.RunwayDays) != "30" {
		t.Errorf("30 days of runway against 30 asked for: status %s runway %s", d.Status, d.RunwayDays)
	}
	// Nothing spent lately: the balance lasts for ever, and no runway is given.
	quiet := bill{"2024-03-01": {"Log": "5"}}.records(t)
	if d := DecideBudget(spec, quiet, balance); d.Status != StatusOK || !d.RunwayDays.IsNull() {
		t.Errorf("no run rate: status %s runway %s", d.Status, d.RunwayDays)
	}
}

// On the 1st, yesterday is last month: nothing of the period has elapsed. The decision is ok
// and every figure that needs a day is null, never an error.
func TestOnTheFirstOfTheMonthNothingHasElapsedAndTheBudgetIsOK(t *testing.T) {
	spec := marchBudget(t, "2024-02-29", "10", threshold(t, "1", BasisActual, ActionBlock), threshold(t, "1", BasisForecast, ActionBlock))
	spec.ProductAmounts = map[string]Decimal{"Log": mustDecimal(t, "1")}
	spec.DailyLimits = map[string]Decimal{"Log": mustDecimal(t, "0")}
	spec.MinRunwayDays = mustDecimal(t, "30")
	if _, ok := spec.Read(); ok {
		t.Fatal("a budget with nothing elapsed reads a period")
	}
	d := DecideBudget(spec, nil, &Balance{Cash: mustDecimal(t, "1")})
	if d.Status != StatusOK || len(d.Findings) != 0 || text(d.Forecast.Actual) != "0" || text(d.ActualPercent) != "0" {
		t.Fatalf("status %s findings %+v actual %s", d.Status, d.Findings, d.Forecast.Actual)
	}
	for name, v := range map[string]Decimal{"forecast": d.Forecast.Forecast, "rate": d.Forecast.DailyRunRate, "forecast percent": d.ForecastPercent,
		"previous": d.Previous, "change": d.ChangePercent, "runway": d.RunwayDays, "Log forecast": d.ByProduct["Log"].Forecast, "Log previous": d.ByProduct["Log"].Previous} {
		if !v.IsNull() {
			t.Errorf("%s is %s, want null", name, v)
		}
	}
}

// A period that is over: its forecast is what it cost, and forecast thresholds judge that.
func TestABudgetOfAPeriodInThePastForecastsWhatWasBilled(t *testing.T) {
	records := everyDay(t, bill{}, "2024-03-01", "2024-03-31", map[string]string{"Log": "10"}).records(t)
	d := DecideBudget(marchBudget(t, "2024-05-20", "310", threshold(t, "100", BasisForecast, ActionWarn)), records, nil)
	if text(d.Forecast.Actual) != "310" || text(d.Forecast.Forecast) != "310" || d.Forecast.DaysRemaining != 0 || d.Status != ActionWarn {
		t.Errorf("actual %s forecast %s remaining %d status %s", d.Forecast.Actual, d.Forecast.Forecast, d.Forecast.DaysRemaining, d.Status)
	}
	if p, _ := marchBudget(t, "2024-05-20", "").Previous(); p.String() != "2024-02-01 to 2024-02-29" {
		t.Errorf("the whole of March compares with the whole of February, got %s", p)
	}
}

func TestAPreviousPeriodWithoutABillHasNoChangePercent(t *testing.T) {
	d := DecideBudget(marchBudget(t, "2024-03-10", "2000"), tenDays(t), nil)
	if text(d.Previous) != "0" || !d.ChangePercent.IsNull() {
		t.Errorf("previous %s change %s", d.Previous, d.ChangePercent)
	}
}

func TestTheChangeComparesWithTheSameDaysOfThePeriodBefore(t *testing.T) {
	// February's 1st to 10th cost 80 a day; its 11th and later are not compared.
	records := append(tenDays(t), everyDay(t, bill{}, "2024-02-01", "2024-02-29", map[string]string{"Log": "80"}).records(t)...)
	d := DecideBudget(marchBudget(t, "2024-03-10", "2000"), records, nil)
	if text(d.Previous) != "800" || text(d.ChangePercent) != "25" || text(d.ByProduct["Log"].Previous) != "800" || text(d.ByProduct["Metric"].Previous) != "0" {
		t.Errorf("previous %s change %s by product %+v", d.Previous, d.ChangePercent, d.ByProduct)
	}
}

func TestThePeriodBeforeIsTheCalendarPeriodBeforeOrOneOfTheSameLength(t *testing.T) {
	cases := []struct{ start, end, asOf, previous, read string }{
		// A month: the previous month's first days, cut at its end.
		{"2024-03-01", "2024-03-31", "2024-03-10", "2024-02-01 to 2024-02-10", "2024-02-01 to 2024-03-10"},
		{"2024-03-01", "2024-03-31", "2024-03-31", "2024-02-01 to 2024-02-29", "2024-02-01 to 2024-03-31"},
		{"2024-01-01", "2024-01-31", "2024-01-05", "2023-12-01 to 2023-12-05", "2023-12-01 to 2024-01-05"},
		// A quarter and a year: as many days from the start of the calendar quarter and year before.
		{"2024-04-01", "2024-06-30", "2024-05-01", "2024-01-01 to 2024-01-31", "2024-01-01 to 2024-05-01"},
		{"2024-01-01", "2024-12-31", "2024-01-31", "2023-01-01 to 2023-01-31", "2023-01-01 to 2024-01-31"},
		// Any other period: the same number of days just before.
		{"2024-03-11", "2024-03-20", "2024-03-12", "2024-03-01 to 2024-03-02", "2024-03-01 to 2024-03-12"},
	}
	for _, tc := range cases {
		spec := BudgetSpec{Forecast: ForecastSpec{Period: Period{mustDate(t, tc.start), mustDate(t, tc.end)}, AsOf: mustDate(t, tc.asOf)}}
		previous, _ := spec.Previous()
		read, _ := spec.Read()
		if previous.String() != tc.previous || read.String() != tc.read {
			t.Errorf("%s to %s as of %s: previous %s, read %s; want %s, %s", tc.start, tc.end, tc.asOf, previous, read, tc.previous, tc.read)
		}
	}
}

// The worked example of docs/data-sources/billing_budget.md, figure for figure.
func TestTheWorkedExampleOfTheDocumentation(t *testing.T) {
	b := everyDay(t, bill{}, "2024-02-01", "2024-02-10", map[string]string{"Log": "50", "Metric": "30"})
	b = everyDay(t, b, "2024-03-01", "2024-03-09", map[string]string{"Log": "60", "Metric": "40"})
	b["2024-03-10"] = map[string]string{"Log": "150", "Metric": "40"}
	spec := marchBudget(t, "2024-03-10", "3000",
		threshold(t, "80", BasisActual, ActionWarn), threshold(t, "100", BasisForecast, ActionWarn), threshold(t, "100", BasisActual, ActionBlock))
	spec.Name = "march"
	spec.ProductAmounts = map[string]Decimal{"Log": mustDecimal(t, "1500")}
	spec.DailyLimits = map[string]Decimal{"Log": mustDecimal(t, "120")}
	spec.MinRunwayDays = mustDecimal(t, "30")
	d := DecideBudget(spec, b.records(t), &Balance{Cash: mustDecimal(t, "2500")})
	got := map[string]Decimal{
		"actual": d.Forecast.Actual, "rate": d.Forecast.DailyRunRate, "forecast": d.Forecast.Forecast,
		"actual_percent": d.ActualPercent, "forecast_percent": d.ForecastPercent, "previous": d.Previous, "change": d.ChangePercent,
		"log_forecast": d.ByProduct["Log"].Forecast, "log_forecast_percent": d.ByProduct["Log"].ForecastPercent, "runway": d.RunwayDays,
	}
	want := map[string]string{
		"actual": "1090", "rate": "112.857143", "forecast": "3460.000003", "actual_percent": "36.333333",
		"forecast_percent": "115.333333", "previous": "800", "change": "36.25",
		"log_forecast": "2220.000003", "log_forecast_percent": "148", "runway": "22.151899",
	}
	for name, w := range want {
		if text(got[name]) != w {
			t.Errorf("%s = %s, want %s", name, got[name], w)
		}
	}
	var found []string
	for _, f := range d.Findings {
		found = append(found, f.Action+" "+f.Basis+" "+f.Scope)
	}
	if d.Status != ActionBlock || strings.Join(found, ", ") != "warn forecast total, warn forecast Log, warn daily Log, block runway total" {
		t.Errorf("status %s findings %s", d.Status, found)
	}
	// The page shows the figures and the messages as they are.
	page, err := os.ReadFile("../../templates/data-sources/billing_budget.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	shown := string(page)
	for name, w := range want {
		if !strings.Contains(shown, "| "+w+" |") {
			t.Errorf("the page does not show %s = %s in its table", name, w)
		}
	}
	for _, message := range []string{d.Messages(ActionBlock), d.Messages(ActionWarn)} {
		if !strings.Contains(shown, message) {
			t.Errorf("the page does not quote the messages:\n%s", message)
		}
	}
}

func TestWholeMonthsCountsCalendarMonthsOnly(t *testing.T) {
	for _, tc := range []struct {
		start, end string
		n          int
		whole      bool
	}{
		{"2024-02-01", "2024-02-29", 1, true}, {"2023-12-01", "2024-02-29", 3, true}, {"2024-02-01", "2024-02-28", 0, false},
		{"2024-02-02", "2024-02-29", 0, false},
	} {
		if n, whole := wholeMonths(Period{mustDate(t, tc.start), mustDate(t, tc.end)}); n != tc.n || whole != tc.whole {
			t.Errorf("%s to %s: %d %t", tc.start, tc.end, n, whole)
		}
	}
}
