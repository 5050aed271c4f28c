package guance

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The bases a budget's finding is measured on.
const (
	BasisActual   = "actual"   // what the elapsed days cost
	BasisForecast = "forecast" // where the run rate takes the period by its end
	BasisDaily    = "daily"    // the latest complete day's bill of one product
	BasisRunway   = "runway"   // the days the balance lasts at the run rate
)

// The actions a finding calls for, and the statuses of a decision, from least to most.
const (
	StatusOK     = "ok"
	ActionWarn   = "warn"
	ActionBlock  = "block"
	ScopeTotal   = "total"
	percentScale = 2 // a percent is a ratio shifted by two decimal places
)

// ThresholdBases and Actions are what a threshold may be set on and call for.
var (
	ThresholdBases = []string{BasisActual, BasisForecast}
	Actions        = []string{ActionWarn, ActionBlock}
)

// Threshold fires when its basis reaches Percent% of a budget's amount.
type Threshold struct {
	Percent Decimal
	Basis   string // BasisActual or BasisForecast
	Action  string // ActionWarn or ActionBlock
}

// BudgetSpec is what a budget decision is asked: the period as a forecast takes it, the
// budgets, and what to do when they are reached.
type BudgetSpec struct {
	Forecast ForecastSpec
	// Name labels the budget in messages; "" for none.
	Name string
	// Amount is the budget for the whole period; null when only products have budgets.
	Amount Decimal
	// ProductAmounts are budgets per product_detail, under the same thresholds.
	ProductAmounts map[string]Decimal
	Thresholds     []Threshold
	// DailyLimits bound each product's bill of the latest complete day; DailyLimitAction is
	// what going over one calls for.
	DailyLimits      map[string]Decimal
	DailyLimitAction string
	// MinRunwayDays is the fewest days the balance must last at the run rate; null when the
	// runway is not asked for.
	MinRunwayDays Decimal
	Currency      Currency
}

// Previous is the part of the period just before that the elapsed days are compared with:
// as many days from its start as have elapsed, within it. The period before is of the same
// length, or, for a period of whole calendar months, the same number of calendar months
// before, so that March compares with February's first days. False when nothing has elapsed.
func (s BudgetSpec) Previous() (Period, bool) {
	elapsed, ok := s.Forecast.Elapsed()
	if !ok {
		return Period{}, false
	}
	p := s.Forecast.Period
	before := Period{Start: p.Start.AddDays(-p.Days()), End: p.Start.AddDays(-1)}
	if n, whole := wholeMonths(p); whole {
		before = months(p.Start.Year, p.Start.Month-time.Month(n), n)
	}
	end := before.Start.AddDays(elapsed.Days() - 1)
	if before.End.Before(end) {
		end = before.End
	}
	return Period{Start: before.Start, End: end}, true
}

// Read is the one range of days a decision reads: the compared days of the period before
// through the elapsed days of this one. False when nothing has elapsed, and nothing is read.
func (s BudgetSpec) Read() (Period, bool) {
	elapsed, ok := s.Forecast.Elapsed()
	if !ok {
		return Period{}, false
	}
	previous, _ := s.Previous()
	return Period{Start: previous.Start, End: elapsed.End}, true
}

// wholeMonths reports how many calendar months p spans when it is exactly whole months.
func wholeMonths(p Period) (n int, whole bool) {
	if p.Start.Day != 1 || p.End.AddDays(1).Day != 1 {
		return 0, false
	}
	after := p.End.AddDays(1)
	return (after.Year-p.Start.Year)*12 + int(after.Month) - int(p.Start.Month), true
}

// Finding is one budget reached, limit passed or runway cut short.
type Finding struct {
	Action string
	Basis  string
	// Scope is ScopeTotal or the product_detail the finding is about.
	Scope string
	// Value is what was measured (an amount, or days of runway); Limit what it was held to.
	Value, Limit Decimal
	// Percent is Value as a percentage of the budget's amount (of the limit for a daily limit
	// or the runway).
	Percent Decimal
	Message string
}

// ProductBudget is one product's part of a decision.
type ProductBudget struct {
	Actual, Forecast, Amount, ActualPercent, ForecastPercent, Previous Decimal
	Status                                                             string
}

// BudgetDecision is a budget decided: the figures it rests on, the findings, and the status,
// the highest action among the findings (StatusOK without any).
type BudgetDecision struct {
	Forecast Forecast
	// Previous is the bill of the compared days of the period before (Previous()); null when
	// nothing has elapsed. ChangePercent is the change from it, null when it is not positive.
	Previous, ChangePercent        Decimal
	ActualPercent, ForecastPercent Decimal
	ByProduct                      map[string]ProductBudget
	Balance, RunwayDays            Decimal
	Findings                       []Finding
	Status                         string
}

// Messages joins the messages of the findings that call for action, one per line; "" when
// there are none.
func (d BudgetDecision) Messages(action string) string {
	var out []string
	for _, f := range d.Findings {
		if f.Action == action {
			out = append(out, f.Message)
		}
	}
	return strings.Join(out, "\n")
}

// DecideBudget decides a budget from the records of spec.Read() (nil when it is false) and,
// when the runway is asked for, the balance. Every sum is exact; each division is rounded once
// to DivisionPlaces, as the forecast's, and every comparison is made on exact values, so a
// bill that is exactly a threshold reaches it.
func DecideBudget(spec BudgetSpec, records []*BillingRecord, balance *Balance) BudgetDecision {
	elapsed, elapsedOK := spec.Forecast.Elapsed()
	previous, _ := spec.Previous()
	var current []*BillingRecord
	prevTotal, prevByProduct, latestByProduct := amount{}, amounts{}, amounts{}
	for _, r := range records {
		product := r.ProductDetail.Value()
		switch {
		case elapsedOK && elapsed.Contains(r.Date):
			current = append(current, r)
			if r.Date == elapsed.End {
				latestByProduct.add(product, r.BillingResult)
			}
		case elapsedOK && previous.Contains(r.Date):
			prevTotal.add(r.BillingResult)
			prevByProduct.add(product, r.BillingResult)
		}
	}
	f := NewForecast(spec.Forecast, current)
	d := BudgetDecision{Forecast: f, Status: StatusOK}
	actualByProduct := BillingResultBy(current, productDetail)
	if elapsedOK {
		d.Previous = decimalOf(prevTotal.value())
		d.ChangePercent = change(f.Actual, d.Previous)
	}
	d.ActualPercent, d.ForecastPercent = percentOf(f.Actual, spec.Amount), percentOf(f.Forecast, spec.Amount)

	m := messages{spec: spec, elapsed: elapsed}
	if !spec.Amount.IsNull() {
		for _, t := range spec.Thresholds {
			d.addThreshold(m, t, ScopeTotal, f.Actual, f.Forecast, spec.Amount)
		}
	}
	products := map[string]bool{}
	for _, set := range []map[string]Decimal{actualByProduct, spec.ProductAmounts, spec.DailyLimits, prevByProduct.totals()} {
		for p := range set {
			products[p] = true
		}
	}
	d.ByProduct = make(map[string]ProductBudget, len(products))
	for _, p := range slices.Sorted(maps.Keys(products)) {
		pb := ProductBudget{Amount: spec.ProductAmounts[p], Status: StatusOK}
		if elapsedOK {
			pb.Actual = decimalOf(actualByProduct[p].exact())
			pb.Forecast = decimalOf(f.ByProduct[p].exact())
			pb.Previous = decimalOf(prevByProduct.sum(p))
		} else {
			pb.Actual = decimalOf(decimal.Zero)
		}
		pb.ActualPercent, pb.ForecastPercent = percentOf(pb.Actual, pb.Amount), percentOf(pb.Forecast, pb.Amount)
		if !pb.Amount.IsNull() {
			for _, t := range spec.Thresholds {
				d.addThreshold(m, t, p, pb.Actual, pb.Forecast, pb.Amount)
			}
		}
		d.ByProduct[p] = pb
	}
	if elapsedOK {
		for _, p := range slices.Sorted(maps.Keys(spec.DailyLimits)) {
			limit, latest := spec.DailyLimits[p], decimalOf(latestByProduct.sum(p))
			if latest.exact().GreaterThan(limit.exact()) {
				d.add(Finding{Action: spec.DailyLimitAction, Basis: BasisDaily, Scope: p, Value: latest, Limit: limit,
					Percent: percentOf(latest, limit), Message: m.daily(p, latest, limit)})
			}
		}
	}
	if balance != nil {
		d.Balance = balance.Total()
		if rate := f.DailyRunRate; !rate.IsNull() && rate.exact().IsPositive() {
			d.RunwayDays = decimalOf(d.Balance.exact().DivRound(rate.exact(), DivisionPlaces))
		}
		if least := spec.MinRunwayDays; !least.IsNull() && !d.RunwayDays.IsNull() && d.RunwayDays.exact().LessThan(least.exact()) {
			d.add(Finding{Action: ActionBlock, Basis: BasisRunway, Scope: ScopeTotal, Value: d.RunwayDays, Limit: least,
				Percent: percentOf(d.RunwayDays, least), Message: m.runway(d.Balance, f.DailyRunRate, d.RunwayDays, least)})
		}
	}
	for _, finding := range d.Findings {
		if finding.Scope == ScopeTotal || finding.Basis == BasisRunway {
			continue
		}
		pb := d.ByProduct[finding.Scope]
		pb.Status = higher(pb.Status, finding.Action)
		d.ByProduct[finding.Scope] = pb
	}
	return d
}

// addThreshold adds t's finding for one scope when its basis reaches t.Percent% of budget:
// value × 100 ≥ percent × budget, exactly. A forecast basis without a forecast never fires.
func (d *BudgetDecision) addThreshold(m messages, t Threshold, scope string, actual, forecast, budget Decimal) {
	value := actual
	if t.Basis == BasisForecast {
		value = forecast
	}
	if value.IsNull() {
		return
	}
	limit := decimalOf(budget.exact().Mul(t.Percent.exact()).Shift(-percentScale))
	if value.exact().LessThan(limit.exact()) {
		return
	}
	percent := percentOf(value, budget)
	d.add(Finding{Action: t.Action, Basis: t.Basis, Scope: scope, Value: value, Limit: limit, Percent: percent,
		Message: m.threshold(t, scope, value, budget, percent)})
}

func (d *BudgetDecision) add(f Finding) {
	d.Findings = append(d.Findings, f)
	d.Status = higher(d.Status, f.Action)
}

// higher is the higher of two statuses: ok, then warn, then block.
func higher(a, b string) string {
	rank := map[string]int{StatusOK: 0, ActionWarn: 1, ActionBlock: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// percentOf is value as a percentage of whole, rounded once; null when either is null or
// whole is not positive.
func percentOf(value, whole Decimal) Decimal {
	if value.IsNull() || whole.IsNull() || !whole.exact().IsPositive() {
		return Decimal{}
	}
	return decimalOf(value.exact().Shift(percentScale).DivRound(whole.exact(), DivisionPlaces))
}

// change is the change from before to now in percent of before; null when before is not
// positive, since a change from nothing has no finite percentage.
func change(now, before Decimal) Decimal {
	if before.IsNull() || !before.exact().IsPositive() {
		return Decimal{}
	}
	return decimalOf(now.exact().Sub(before.exact()).Shift(percentScale).DivRound(before.exact(), DivisionPlaces))
}

// messages writes findings for the person at the terminal: money to 2 decimals with the
// currency, percentages to 1, names quoted so that nothing in them acts on a terminal.
type messages struct {
	spec    BudgetSpec
	elapsed Period
}

func (m messages) label() string {
	if m.spec.Name == "" {
		return "Guance budget"
	}
	return "Guance budget " + strconv.Quote(m.spec.Name)
}

func (m messages) money(d Decimal) string { return m.spec.Currency.Money(d) }

func (m messages) threshold(t Threshold, scope string, value, budget, percent Decimal) string {
	p := m.spec.Forecast.Period
	whose, of := "spending", "the budget"
	if scope != ScopeTotal {
		whose, of = strconv.Quote(scope)+" spending", "its budget"
	}
	measured := fmt.Sprintf("%s from %s to %s is %s", whose, m.elapsed.Start, m.elapsed.End, m.money(value))
	if t.Basis == BasisForecast {
		measured = fmt.Sprintf("%s from %s to %s is forecast at %s", whose, p.Start, p.End, m.money(value))
	}
	return fmt.Sprintf("%s: %s, %s of %s of %s for %s: it reaches the %s threshold of %s of the %s.",
		m.label(), measured, Percent(percent), of, m.money(budget), p, t.Action, Percent(t.Percent), t.Basis)
}

func (m messages) daily(product string, latest, limit Decimal) string {
	return fmt.Sprintf("%s: %s cost %s on %s, over its daily limit of %s (%s of it).",
		m.label(), strconv.Quote(product), m.money(latest), m.elapsed.End, m.money(limit), Percent(percentOf(latest, limit)))
}

func (m messages) runway(balance, rate, days, least Decimal) string {
	return fmt.Sprintf("%s: the balance of %s lasts %s days at %s a day, fewer than the %s days asked for: top up the account.",
		m.label(), m.money(balance), ratio(days), m.money(rate), least)
}
