package guance

import "github.com/shopspring/decimal"

// DivisionPlaces is how many decimal places a forecast's quotients keep. Every division is
// rounded once, to this many places, half away from zero; sums and products are exact.
const DivisionPlaces = 6

// ForecastSpec is what a forecast is asked: a whole period, the last complete billing day,
// and how many days the run rate looks back over (at least 1; less is taken as 1).
type ForecastSpec struct {
	Period       Period
	AsOf         Date
	LookbackDays int
}

// Elapsed is the part of the period up to AsOf, the one that is read; false when AsOf is
// before the period starts, so that none of it has elapsed.
func (s ForecastSpec) Elapsed() (Period, bool) {
	if s.AsOf.Before(s.Period.Start) {
		return Period{}, false
	}
	end := s.Period.End
	if s.AsOf.Before(end) {
		end = s.AsOf
	}
	return Period{Start: s.Period.Start, End: end}, true
}

// Forecast is a period's bill so far and where its run rate takes it by the period's end. The
// values that depend on a rate are null, and their maps nil, when no day of the period has
// elapsed.
type Forecast struct {
	Actual        Decimal
	ByDate        map[string]Decimal // the elapsed days' totals, YYYY-MM-DD
	DaysElapsed   int
	DaysRemaining int
	// DailyRunRate is the mean daily bill over the last LookbackDays elapsed days (fewer when
	// fewer have elapsed); a day without records counts as 0.
	DailyRunRate Decimal
	// Forecast is Actual + DailyRunRate × DaysRemaining; ByProduct the same per product.
	Forecast  Decimal
	ByProduct map[string]Decimal
	// LatestDay is the bill of the last elapsed day.
	LatestDay Decimal
	// LatestDayRatio is LatestDay over the mean of up to LookbackDays days before it; null
	// when there is no day before it in the period or that mean is not positive.
	LatestDayRatio Decimal
}

// NewForecast forecasts from the records of the elapsed part of the period (spec.Elapsed).
func NewForecast(spec ForecastSpec, records []*BillingRecord) Forecast {
	elapsed, ok := spec.Elapsed()
	if !ok {
		return Forecast{Actual: decimalOf(decimal.Zero), ByDate: map[string]Decimal{}, DaysRemaining: spec.Period.Days()}
	}
	byProduct := BillingResultBy(records, productDetail)
	f := Forecast{Actual: Total(records, billingResult), ByDate: BillingResultBy(records, day), DaysElapsed: elapsed.Days()}
	f.DaysRemaining = spec.Period.Days() - f.DaysElapsed

	// The run rate's window: the last n elapsed days. The baseline of the latest day: up to
	// LookbackDays days before it.
	lookback := max(spec.LookbackDays, 1)
	n := min(lookback, f.DaysElapsed)
	window := Period{Start: elapsed.End.AddDays(1 - n), End: elapsed.End}
	baselineDays := min(lookback, f.DaysElapsed-1)
	baseline := Period{Start: elapsed.End.AddDays(-baselineDays), End: elapsed.End.AddDays(-1)}
	var windowSum, latest, baselineSum amount
	windowByProduct := amounts{}
	for _, r := range records {
		if window.Contains(r.Date) {
			windowSum.add(r.BillingResult)
			windowByProduct.add(r.ProductDetail.Value(), r.BillingResult)
		}
		if r.Date == elapsed.End {
			latest.add(r.BillingResult)
		}
		if baselineDays > 0 && baseline.Contains(r.Date) {
			baselineSum.add(r.BillingResult)
		}
	}
	days, remaining := decimal.NewFromInt(int64(n)), decimal.NewFromInt(int64(f.DaysRemaining))
	rate := windowSum.value().DivRound(days, DivisionPlaces)
	f.DailyRunRate = decimalOf(rate)
	f.Forecast = decimalOf(f.Actual.exact().Add(rate.Mul(remaining)))
	f.ByProduct = make(map[string]Decimal, len(byProduct))
	for product, actual := range byProduct {
		windowRate := windowByProduct.sum(product).DivRound(days, DivisionPlaces)
		f.ByProduct[product] = decimalOf(actual.exact().Add(windowRate.Mul(remaining)))
	}
	latestDay := latest.value()
	f.LatestDay = decimalOf(latestDay)
	if base := baselineSum.value(); baselineDays > 0 && base.IsPositive() {
		// latest / (base / baselineDays), as one division.
		f.LatestDayRatio = decimalOf(latestDay.Mul(decimal.NewFromInt(int64(baselineDays))).DivRound(base, DivisionPlaces))
	}
	return f
}
