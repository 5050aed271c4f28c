package guance

import (
	"testing"
	"time"
)

func marchDay(day int) Date { return Date{2024, time.March, day} }

// forecastOf forecasts March 2024 as of asOf from records given as day → product → amount.
func forecastOf(t *testing.T, asOf Date, lookback int, bill map[int]map[string]string) Forecast {
	t.Helper()
	var records []*BillingRecord
	for day, products := range bill {
		for product, amount := range products {
			r := testRecord(day, product, "", "w", amount)
			records = append(records, &r)
		}
	}
	return NewForecast(ForecastSpec{Period: Period{marchDay(1), marchDay(31)}, AsOf: asOf, LookbackDays: lookback}, records)
}

func text(d interface{ String() string }) string { return d.String() }

func TestForecastAddsTheRunRateOfTheLastDaysToWhatIsBilled(t *testing.T) {
	f := forecastOf(t, marchDay(10), 3, map[int]map[string]string{
		1: {"Log": "100"}, 7: {"Log": "5"}, 8: {"Log": "10", "Metric": "0.01"}, 10: {"Log": "20"},
	})
	// The window is days 8 to 10 (day 9 billed nothing): 30.01 / 3 = 10.003333… → 10.003333.
	if f.DaysElapsed != 10 || f.DaysRemaining != 21 || text(f.Actual) != "135.01" || text(f.DailyRunRate) != "10.003333" {
		t.Fatalf("elapsed %d remaining %d actual %s rate %s", f.DaysElapsed, f.DaysRemaining, f.Actual, f.DailyRunRate)
	}
	// 135.01 + 10.003333 × 21
	if text(f.Forecast) != "345.079993" {
		t.Errorf("forecast %s", f.Forecast)
	}
	// Log: 135 + 30/3 × 21; Metric: 0.01 + round(0.01/3 = 0.0033333…) × 21.
	if text(f.ByProduct["Log"]) != "345" || text(f.ByProduct["Metric"]) != "0.079993" || len(f.ByProduct) != 2 {
		t.Errorf("by product %v", f.ByProduct)
	}
	// Day 10 against days 7 to 9: 20 / (15.01 / 3) = 60 / 15.01 = 3.9973351…
	if text(f.LatestDay) != "20" || text(f.LatestDayRatio) != "3.997335" {
		t.Errorf("latest %s ratio %s", f.LatestDay, f.LatestDayRatio)
	}
}

func TestForecastRoundsEachDivisionOnceHalfAwayFromZero(t *testing.T) {
	// 2/3 = 0.6666666… → 0.666667; 0.0000005/1 stays, 0.0000015/3 = 0.0000005 → 0.000001.
	if f := forecastOf(t, marchDay(3), 3, map[int]map[string]string{3: {"Log": "2"}}); text(f.DailyRunRate) != "0.666667" {
		t.Errorf("rate %s", f.DailyRunRate)
	}
	if f := forecastOf(t, marchDay(3), 3, map[int]map[string]string{3: {"Log": "0.0000015"}}); text(f.DailyRunRate) != "0.000001" {
		t.Errorf("rate %s", f.DailyRunRate)
	}
}

// The spike ratio is one division, rounded like the run rate: half away from zero, so a
// negative latest day (a refund) rounds down where half up would round towards zero, and a
// truncation would drop the half.
func TestForecastRoundsTheSpikeRatioHalfAwayFromZero(t *testing.T) {
	for latest, want := range map[string]string{
		// latest / (2 / 1) = ±0.0000005, exactly half of the sixth place.
		"0.000001":  "0.000001",
		"-0.000001": "-0.000001",
		// ±0.0000015 / 2 = ±0.00000075: beyond the half, away from zero whatever the rule,
		// but a truncation drops it.
		"0.0000015":  "0.000001",
		"-0.0000015": "-0.000001",
		// ±0.0000008 / 2 = ±0.0000004: under the half, towards zero.
		"0.0000008":  "0",
		"-0.0000008": "0",
	} {
		f := forecastOf(t, marchDay(2), 1, map[int]map[string]string{1: {"Log": "2"}, 2: {"Log": latest}})
		if text(f.LatestDayRatio) != want {
			t.Errorf("latest day %s against 2: ratio %s, want %s", latest, f.LatestDayRatio, want)
		}
	}
	// -2 / (3 / 1) = -0.666666…
	if f := forecastOf(t, marchDay(2), 1, map[int]map[string]string{1: {"Log": "3"}, 2: {"Log": "-2"}}); text(f.LatestDayRatio) != "-0.666667" {
		t.Errorf("-2 against 3: ratio %s, want -0.666667", f.LatestDayRatio)
	}
}

func TestForecastOfAPeriodThatIsOverIsWhatWasBilled(t *testing.T) {
	f := forecastOf(t, Date{2024, time.May, 2}, 7, map[int]map[string]string{30: {"Log": "1"}, 31: {"Log": "3"}})
	if f.DaysElapsed != 31 || f.DaysRemaining != 0 || text(f.Forecast) != "4" || text(f.Actual) != "4" || text(f.ByProduct["Log"]) != "4" {
		t.Errorf("elapsed %d remaining %d forecast %s actual %s", f.DaysElapsed, f.DaysRemaining, f.Forecast, f.Actual)
	}
	// The latest day is the period's last: 3 against the mean of days 24 to 30, 1/7.
	if text(f.LatestDay) != "3" || text(f.LatestDayRatio) != "21" {
		t.Errorf("latest %s ratio %s", f.LatestDay, f.LatestDayRatio)
	}
}

func TestForecastBeforeThePeriodStartsHasNoRate(t *testing.T) {
	f := forecastOf(t, Date{2024, time.February, 29}, 7, nil)
	if f.DaysElapsed != 0 || f.DaysRemaining != 31 || text(f.Actual) != "0" || len(f.ByDate) != 0 || f.ByDate == nil {
		t.Errorf("elapsed %d remaining %d actual %s by date %v", f.DaysElapsed, f.DaysRemaining, f.Actual, f.ByDate)
	}
	if !f.DailyRunRate.IsNull() || !f.Forecast.IsNull() || f.ByProduct != nil || !f.LatestDay.IsNull() || !f.LatestDayRatio.IsNull() {
		t.Errorf("a forecast without an elapsed day: %+v", f)
	}
}

func TestForecastWithFewerDaysThanTheLookbackUsesTheDaysThereAre(t *testing.T) {
	f := forecastOf(t, marchDay(2), 7, map[int]map[string]string{1: {"Log": "10"}, 2: {"Log": "30"}})
	// rate 40 / 2; ratio 30 against day 1 alone.
	if text(f.DailyRunRate) != "20" || text(f.Forecast) != "620" || text(f.LatestDayRatio) != "3" {
		t.Errorf("rate %s forecast %s ratio %s", f.DailyRunRate, f.Forecast, f.LatestDayRatio)
	}
	// On the first day there is nothing to compare the latest day with.
	if f := forecastOf(t, marchDay(1), 7, map[int]map[string]string{1: {"Log": "10"}}); !f.LatestDayRatio.IsNull() || text(f.Forecast) != "310" {
		t.Errorf("first day: ratio %v forecast %s", f.LatestDayRatio, f.Forecast)
	}
}

func TestForecastOfAnEmptyPeriodIsZeroWithoutARatio(t *testing.T) {
	f := forecastOf(t, marchDay(15), 7, nil)
	if text(f.Actual) != "0" || text(f.DailyRunRate) != "0" || text(f.Forecast) != "0" || text(f.LatestDay) != "0" ||
		!f.LatestDayRatio.IsNull() || len(f.ByProduct) != 0 {
		t.Errorf("empty: %+v", f)
	}
}

func TestForecastTakesALookbackBelowOneAsOne(t *testing.T) {
	f := forecastOf(t, marchDay(2), 0, map[int]map[string]string{1: {"Log": "10"}, 2: {"Log": "30"}})
	if text(f.DailyRunRate) != "30" || text(f.LatestDayRatio) != "3" {
		t.Errorf("rate %s ratio %s", f.DailyRunRate, f.LatestDayRatio)
	}
}

func TestPeriodDaysCountsBothEnds(t *testing.T) {
	for _, c := range []struct {
		p    Period
		want int
	}{{Period{marchDay(1), marchDay(1)}, 1}, {Period{marchDay(1), marchDay(31)}, 31}, {Period{Date{2023, time.December, 31}, Date{2024, time.December, 31}}, 367}} {
		if got := c.p.Days(); got != c.want {
			t.Errorf("%s: %d days, want %d", c.p, got, c.want)
		}
	}
}
