package costsummary

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Options shape a summary.
type Options struct {
	// TopProducts is how many products each read lists, the most costly first; the rest are
	// counted on one line. Zero means 5.
	TopProducts int
	// Budgets, when set, replace those taken from the plan's variables.
	Budgets *Budgets
	// Currency, when set, replaces the one the budgets file or the plan's variables state.
	Currency Currency
}

const (
	defaultTopProducts = 5
	// maxTrendDays bounds the daily trend: a longer period shows its last days.
	maxTrendDays = 92
	// maxNameWidth bounds a product name, in terminal columns.
	maxNameWidth = 40
)

// view is what both renderers show: the same facts, formatted for each.
type view struct {
	Level    level
	Headline string
	Kind     string
	Sections []section
	Warnings []Finding
	Budgets  string
	Currency Currency
}

type level int

const (
	levelOK level = iota
	levelWarn
	levelFail
)

type section struct {
	Address  string
	Module   string
	Title    string
	Facts    []fact
	Failures []string
	// ProductsHeading names the amount column of Products.
	ProductsHeading string
	Products        []productRow
	More            string
	Trend           *trend
}

type fact struct {
	Label, Value string
	Strong       bool
}

type productRow struct {
	Name, Amount, Share, Budget string
}

type trend struct {
	Spark  string
	Values []string
	// First is the date of the first value; Low and High bound the chart's y-axis: from 0,
	// or from the lowest value when it is negative, to the highest.
	First, Low, High string
	Note             string
}

func buildView(s *Summary, opts Options) view {
	top := opts.TopProducts
	if top <= 0 {
		top = defaultTopProducts
	}
	budgets, cur := s.Budgets, s.Currency
	if opts.Budgets != nil {
		budgets, cur = *opts.Budgets, cmp.Or(opts.Budgets.Currency, cur)
	}
	cur = cmp.Or(opts.Currency, cur)
	v := view{Kind: s.Kind, Warnings: s.Warnings, Currency: cur}
	failures := 0
	for _, r := range s.Reads {
		failures += len(r.Failures)
		v.Sections = append(v.Sections, buildSection(r, budgets, cur, top))
	}
	slices.SortStableFunc(v.Sections, compareSections)
	if budgets.Any() {
		v.Budgets = "Budgets from " + budgets.Source + "."
	}
	var parts []string
	switch {
	case failures > 0:
		v.Level = levelFail
		parts = append(parts, fmt.Sprintf("blocked: %s failed", plural(failures, "postcondition")))
	case s.Errored:
		v.Level = levelFail
		parts = append(parts, "the plan errored (see terraform plan's output); the figures are those read before it stopped")
	}
	if len(s.Warnings) > 0 {
		v.Level = max(v.Level, levelWarn)
		parts = append(parts, fmt.Sprintf("%s failed (a warning: the plan goes on)", plural(len(s.Warnings), "check block")))
	}
	if len(parts) == 0 {
		parts = append(parts, "no postcondition or check block failed")
	}
	v.Headline = capitalise(strings.Join(parts, "; ")) + "."
	return v
}

// compareSections orders the reads by module, then billing, forecast and balance, then address.
func compareSections(a, b section) int {
	return cmp.Or(
		cmp.Compare(a.Module, b.Module),
		cmp.Compare(titleRank[a.Title], titleRank[b.Title]),
		cmp.Compare(a.Address, b.Address))
}

var titleRank = map[string]int{"Billing": 0, "Forecast": 1, "Balance": 2}

func buildSection(r Read, budgets Budgets, cur Currency, top int) section {
	sec := section{Address: r.Address, Module: r.Module, Failures: r.Failures}
	switch {
	case r.Details != nil:
		d := r.Details
		sec.Title = "Billing"
		sec.Facts = []fact{
			{Label: "Period", Value: period(d.StartDate, d.EndDate)},
			{Label: "Total", Value: cur.money(d.Total), Strong: true},
		}
		if budgets.Monthly != nil {
			sec.Facts = append(sec.Facts, fact{Label: "Budget used", Value: budgetUse(d.Total, *budgets.Monthly, cur)})
		}
		sec.ProductsHeading = cur.heading("Amount")
		sec.Products, sec.More = products(d.ByProduct, d.Total, budgets.Products, cur, top)
		sec.Trend = buildTrend(d.ByDate, cur)
	case r.Forecast != nil:
		f := r.Forecast
		sec.Title = "Forecast"
		sec.Facts = []fact{
			{Label: "Period", Value: period(f.StartDate, f.EndDate)},
			{Label: "As of", Value: fmt.Sprintf("%s (%s days elapsed, %s remaining)", f.AsOf, f.DaysElapsed.Text, f.DaysRemaining.Text)},
			{Label: "Spent", Value: cur.money(f.Actual), Strong: true},
			{Label: "Forecast", Value: cur.money(f.Forecast) + " by " + f.EndDate, Strong: true},
		}
		if budgets.Monthly != nil {
			sec.Facts = append(sec.Facts,
				fact{Label: "Budget used", Value: budgetUse(f.Actual, *budgets.Monthly, cur)},
				fact{Label: "Forecast of budget", Value: budgetUse(f.Forecast, *budgets.Monthly, cur)})
		}
		rate := cur.money(f.DailyRate) + " a day"
		if f.LatestDay != nil {
			rate += ", latest day " + cur.money(*f.LatestDay)
			if f.LatestDayRatio != nil {
				rate += " (" + f.LatestDayRatio.Text + "× the rate)"
			}
		}
		sec.Facts = append(sec.Facts, fact{Label: "Run rate", Value: rate})
		sec.ProductsHeading = strings.TrimSpace("Forecast " + string(cur))
		sec.Products, sec.More = products(f.ByProduct, f.Forecast, budgets.Products, cur, top)
		sec.Trend = buildTrend(f.ByDate, cur)
	case r.Balance != nil:
		b := r.Balance
		sec.Title = "Balance"
		sec.Facts = []fact{{Label: "Total balance", Value: cur.money(b.Total), Strong: true}}
		sec.Facts = append(sec.Facts, fact{Label: "Made of", Value: fmt.Sprintf("cash %s, coupons %s, stored-value cards %s",
			optional(b.Cash), optional(b.Coupon), optional(b.StoredCard))})
		if budgets.BalanceFloor != nil {
			where := "above"
			if b.Total.value.Cmp(budgets.BalanceFloor.value) < 0 {
				where = "below"
			}
			sec.Facts = append(sec.Facts, fact{Label: "Floor", Value: fmt.Sprintf("%s (the balance is %s it)", cur.money(*budgets.BalanceFloor), where)})
		}
	}
	return sec
}

func period(start, end string) string { return start + " to " + end }

func optional(a *Amount) string {
	if a == nil {
		return "none"
	}
	return a.Text
}

func budgetUse(spend, budget Amount, cur Currency) string {
	return fmt.Sprintf("%s of %s", percent(spend.value, budget.value), cur.money(budget))
}

// percent is part/whole in percent, rounded down to a tenth as examples/cost-guard rounds
// its outputs, computed exactly.
func percent(part, whole *big.Rat) string {
	if whole.Sign() == 0 {
		return "–"
	}
	tenths := new(big.Rat).Quo(part, whole)
	tenths.Mul(tenths, big.NewRat(1000, 1))
	n := floor(tenths)
	sign := ""
	if n.Sign() < 0 {
		sign = "-"
		n.Neg(n)
	}
	q, r := new(big.Int).QuoRem(n, big.NewInt(10), new(big.Int))
	return fmt.Sprintf("%s%s.%s%%", sign, q, r)
}

// floor rounds r down: big.Int's Div is Euclidean, and a Rat's denominator is positive.
func floor(r *big.Rat) *big.Int {
	return new(big.Int).Div(r.Num(), r.Denom())
}

// products lists the top products, the most costly first (ties by name), with their share of
// whole and of their budget, and a line counting the rest.
func products(amounts map[string]Amount, whole Amount, budgets map[string]Amount, cur Currency, top int) ([]productRow, string) {
	names := make([]string, 0, len(amounts))
	for name := range amounts {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := amounts[b].value.Cmp(amounts[a].value); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	shown := names[:min(top, len(names))]
	rows := make([]productRow, 0, len(shown))
	for _, name := range shown {
		row := productRow{Name: displayName(name), Amount: amounts[name].Text, Share: percent(amounts[name].value, whole.value)}
		if budget, ok := budgets[name]; ok {
			row.Budget = budgetUse(amounts[name], budget, cur)
		}
		rows = append(rows, row)
	}
	rest := names[len(shown):]
	if len(rest) == 0 {
		return rows, ""
	}
	restSum := new(big.Rat)
	for _, name := range rest {
		restSum.Add(restSum, amounts[name].value)
	}
	more := fmt.Sprintf("%d more products", len(rest))
	if len(rest) == 1 {
		more = "1 more product"
	}
	return rows, fmt.Sprintf("%s, %s of the total", more, percent(restSum, whole.value))
}

var sparks = []rune("▁▂▃▄▅▆▇█")

// buildTrend lays the daily totals out from the first day to the last (at most maxTrendDays,
// the latest), a day without records at 0, with a sparkline whose heights run from 0 to the
// highest day.
func buildTrend(byDate map[string]Amount, cur Currency) *trend {
	if len(byDate) == 0 {
		return nil
	}
	dates := make([]time.Time, 0, len(byDate))
	for key := range byDate {
		d, err := time.Parse(time.DateOnly, key)
		if err != nil {
			return &trend{Note: fmt.Sprintf("no daily trend: %q in totals_by_date is not a date", displayName(key))}
		}
		dates = append(dates, d)
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return a.Compare(b) })
	first, last := dates[0], dates[len(dates)-1]
	days := int(last.Sub(first).Hours()/24) + 1
	t := &trend{}
	if days > maxTrendDays {
		t.Note = fmt.Sprintf("the last %d of %d days", maxTrendDays, days)
		first = last.AddDate(0, 0, 1-maxTrendDays)
	}
	zero := Amount{Text: "0", value: new(big.Rat)}
	var series []Amount
	highest := new(big.Rat)
	var lowDay, highDay string
	var low, high Amount
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		key := d.Format(time.DateOnly)
		a, ok := byDate[key]
		if !ok {
			a = zero
		}
		series = append(series, a)
		t.Values = append(t.Values, a.Text)
		if a.value.Cmp(highest) > 0 {
			highest = a.value
		}
		if lowDay == "" || a.value.Cmp(low.value) < 0 {
			low, lowDay = a, key
		}
		if highDay == "" || a.value.Cmp(high.value) > 0 {
			high, highDay = a, key
		}
	}
	var spark strings.Builder
	top := int64(len(sparks) - 1)
	for _, a := range series {
		level := int64(0)
		if highest.Sign() > 0 && a.value.Sign() > 0 {
			// round(a / highest × 7)
			scaled := new(big.Rat).Quo(a.value, highest)
			scaled.Mul(scaled, big.NewRat(top, 1))
			scaled.Add(scaled, big.NewRat(1, 2))
			level = floor(scaled).Int64()
		}
		spark.WriteRune(sparks[level])
	}
	t.Spark = spark.String()
	t.First = first.Format(time.DateOnly)
	t.Low, t.High = "0", high.Text
	if low.value.Sign() < 0 {
		t.Low = low.Text
	}
	lowHigh := fmt.Sprintf("lowest %s on %s, highest %s on %s", cur.money(low), lowDay, cur.money(high), highDay)
	if t.Note == "" {
		t.Note = lowHigh
	} else {
		t.Note += "; " + lowHigh
	}
	return t
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
