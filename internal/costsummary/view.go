package costsummary

import (
	"cmp"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// Options shape a summary.
type Options struct {
	// TopProducts is how many products each read lists, the most costly first; the rest are
	// counted on one line. Zero means 5.
	TopProducts int
	// Budgets, when set, replace those taken from the plan's variables. Like them, they apply
	// only to a plan without a guance_billing_budget read.
	Budgets *Budgets
	// Currency, when set, replaces the one the budgets file or the plan's variables state.
	Currency Currency
	// Exact shows every amount as Terraform holds it instead of rounded to 2 decimals.
	Exact bool
	// MaxChars bounds the Markdown's length in characters (UTF-16 code units, as a browser
	// counts them); zero means GitHub's comment limit, 65,536.
	MaxChars int
	// Note is a line of the caller's, shown under the headline (as the CI recipe says that a
	// pull request from a fork gets no comment).
	Note string
}

const (
	defaultTopProducts = 5
	// GitHubCommentLimit is the most characters GitHub accepts in a comment.
	GitHubCommentLimit = 65536
	// maxDailyChartDays is the longest period charted by day; a longer one is charted by month.
	maxDailyChartDays = 62
	// maxSparkline bounds the sparkline's glyphs, so that it fits a comment's width.
	maxSparkline = 31
	// maxNameWidth bounds a product name, in terminal columns.
	maxNameWidth = 40
)

// level is how a row or a finding stands, from the least to the most severe.
type level int

const (
	levelNone level = iota // no budget: nothing to judge
	levelOK
	levelWarn
	levelBlock
)

var levelIcon = map[level]string{levelNone: "➖", levelOK: "✅", levelWarn: "⚠️", levelBlock: "⛔"}

// view is what both renderers show: the same facts, formatted for each.
type view struct {
	Level    level
	Headline string
	Note     string
	Rows     []row
	Findings []finding
	Products []productTable
	Charts   []chart
	Balances []balanceView
	Methods  []fact
	Footer   string
}

// row is one line of the headline table: a budget, or a read.
type row struct {
	Name, Period                          string
	Spent, Forecast, Budget, Used, Change string
	Level                                 level
	Status                                string
}

type finding struct {
	Level   level
	Address string
	Message string
}

type fact struct {
	Label, Value string
}

type productTable struct {
	Address        string
	AmountHeading  string
	Rows           []productRow
	More           string
	WithBudget     bool
	NothingBilled  bool
	BudgetHeadings [2]string
}

type productRow struct {
	Name, Amount, Share, Budget, Used, Status string
	Level                                     level
}

type chart struct {
	// Title says what is charted and over which days; Reads which reads it shows.
	Title  string
	Reads  []string
	Unit   string // "day" or "month"
	First  string
	Labels []string
	Values []string
	Spark  string
	Note   string
	Low    string
	High   string
	// Axis names the y-axis: the currency, or "Amount".
	Axis string
}

type balanceView struct {
	Value string
	Reads []string
	Floor string
}

func buildView(s *Summary, opts Options) view {
	top := cmp.Or(opts.TopProducts, defaultTopProducts)
	budgets, cur := s.Budgets, s.Currency
	if opts.Budgets != nil {
		budgets, cur = *opts.Budgets, cmp.Or(opts.Budgets.Currency, cur)
	}
	cur = cmp.Or(opts.Currency, cur)
	num := number{exact: opts.Exact, cur: cur}
	hasBudgetReads := slices.ContainsFunc(s.Reads, func(r Read) bool { return r.Budget != nil })
	if hasBudgetReads {
		// The plan's decision is the budget: a budgets file would be a second one.
		budgets = Budgets{}
	}
	reads := slices.Clone(s.Reads)
	slices.SortStableFunc(reads, compareReads)

	v := view{Note: opts.Note}
	blockedBudgets, failedConditions, warnings := 0, 0, 0
	// Modules whose budget read decided warn or block: their check blocks and postconditions
	// repeat the decision's findings.
	decided := map[string]bool{}
	for _, r := range reads {
		if r.Budget != nil && r.Budget.Status != "ok" {
			decided[r.Module] = true
		}
	}
	for _, r := range reads {
		switch {
		case r.Budget != nil:
			v.Rows = append(v.Rows, budgetRow(r, num))
			if r.Budget.Status == "block" {
				blockedBudgets++
			}
			for _, f := range r.Budget.Findings {
				lvl := levelWarn
				if f.Action == "block" {
					lvl = levelBlock
				} else {
					warnings++
				}
				v.Findings = append(v.Findings, finding{Level: lvl, Address: budgetLabel(r), Message: cleanMessage(f.Message)})
			}
			if r.Budget.Status != "block" {
				failedConditions += len(r.Failures)
				v.Findings = append(v.Findings, conditionFindings(r)...)
			}
		case r.Details != nil, r.Forecast != nil:
			v.Rows = append(v.Rows, readRow(r, budgets, num))
			failedConditions += len(r.Failures)
			v.Findings = append(v.Findings, conditionFindings(r)...)
		case r.Balance != nil:
			failedConditions += len(r.Failures)
			v.Findings = append(v.Findings, conditionFindings(r)...)
		}
	}
	for _, d := range s.Deferred {
		v.Rows = append(v.Rows, row{Name: d.Address, Period: "–", Spent: "unknown", Forecast: "–", Budget: "–", Used: "–", Change: "–",
			Level: levelWarn, Status: "unknown"})
		v.Findings = append(v.Findings, finding{Level: levelWarn, Address: d.Address,
			Message: "read only during the apply, so its figures are unknown in this plan: it depends on a value unknown while planning " +
				"(timestamp() rather than plantimestamp(), or a resource not yet created)"})
		warnings++
	}
	for _, w := range s.Warnings {
		// A check block that failed (not one in error) beside a budget that decided warn or
		// block repeats the decision's findings, as examples/cost-guard's does.
		if !w.Error && decided[moduleOf(w.Address)] {
			continue
		}
		warnings++
		for _, msg := range w.Messages {
			if w.Error {
				msg = "could not be evaluated: " + msg
			}
			v.Findings = append(v.Findings, finding{Level: levelWarn, Address: w.Address, Message: cleanMessage(msg)})
		}
	}
	slices.SortStableFunc(v.Findings, func(a, b finding) int { return cmp.Compare(b.Level, a.Level) })
	for _, r := range v.Rows {
		v.Level = max(v.Level, r.Level)
	}
	if failedConditions > 0 {
		v.Level = levelBlock
	}
	budgeted := slices.ContainsFunc(v.Rows, func(r row) bool { return r.Budget != "no budget" && r.Budget != "–" })
	v.Headline = headline(s, budgeted, blockedBudgets, failedConditions, warnings)
	if len(s.Warnings) > 0 || warnings > 0 {
		v.Level = max(v.Level, levelWarn)
	}
	if s.Errored || blockedBudgets > 0 {
		v.Level = levelBlock
	}
	v.Level = max(v.Level, levelOK)

	for _, r := range reads {
		switch {
		case r.Details != nil:
			d := r.Details
			v.Products = append(v.Products, products(r.Address, d.ByProduct, d.Total, productBudgets(r, budgets), num, top, "Amount"))
			v.Charts = addChart(v.Charts, r.Address, d.StartDate, d.EndDate, d.ByDate, d.ByMonth, num)
		case r.Forecast != nil:
			f := r.Forecast
			// A forecast of days a details read has (a period that is over) would repeat its table.
			if f.Forecast != nil && !hasDetailsOf(reads, r.Module, f.StartDate, f.EndDate) {
				v.Products = append(v.Products, products(r.Address, f.ByProduct, *f.Forecast, productBudgets(r, budgets), num, top, "Forecast"))
			}
			v.Charts = addChart(v.Charts, r.Address, f.StartDate, f.AsOf, f.ByDate, nil, num)
			v.Methods = append(v.Methods, forecastMethod(r, num))
		case r.Budget != nil:
			b := r.Budget
			if len(b.ByProduct) > 0 {
				v.Products = append(v.Products, budgetProducts(r, num, top))
			}
			// Charted as a forecast read of the same days is, so that the two share one chart.
			v.Charts = addChart(v.Charts, r.Address, b.StartDate, b.AsOf, b.ByDate, nil, num)
		case r.Balance != nil:
			v.Balances = addBalance(v.Balances, r, budgets, num)
		}
		if b := r.Budget; b != nil && b.Previous != nil {
			v.Methods = append(v.Methods, fact{Label: budgetLabel(r), Value: fmt.Sprintf(
				"change %s against %s spent in the same elapsed days of the period before (previous_billing_result)",
				changeText(b.ChangePercent), num.money(*b.Previous))})
		}
		if r.Budget != nil && (r.Budget.Balance != nil || r.Budget.RunwayDays != nil) {
			runway := "no runway yet: no day has elapsed to give a run rate"
			if r.Budget.RunwayDays != nil {
				runway = "runway " + fixed(r.Budget.RunwayDays.value, 1, true) + " days at the run rate"
			}
			v.Methods = append(v.Methods, fact{Label: budgetLabel(r), Value: "balance " + num.optionalMoney(r.Budget.Balance) + ", " + runway})
		}
	}
	v.Footer = footer(s, budgets, num)
	return v
}

// compareReads orders the reads by module, then budget, details, forecast and balance, then
// address.
func compareReads(a, b Read) int {
	return cmp.Or(
		cmp.Compare(a.Module, b.Module),
		cmp.Compare(typeRank[a.Type], typeRank[b.Type]),
		cmp.Compare(a.Address, b.Address))
}

var typeRank = map[string]int{TypeBudget: 0, TypeDetails: 1, TypeForecast: 2, TypeBalance: 3}

// moduleOf is the module part of a check block's address: "" in the root module.
func moduleOf(address string) string {
	i := strings.LastIndex(address, "check.")
	if i <= 0 {
		return ""
	}
	return strings.TrimSuffix(address[:i], ".")
}

func conditionFindings(r Read) []finding {
	out := make([]finding, 0, len(r.Failures))
	for i, msg := range r.Failures {
		if i < r.FailureErrors {
			msg = "postcondition could not be evaluated: " + msg
		}
		out = append(out, finding{Level: levelBlock, Address: r.Address, Message: cleanMessage(msg)})
	}
	return out
}

func headline(s *Summary, budgeted bool, blockedBudgets, failedConditions, warnings int) string {
	var blocks []string
	if blockedBudgets > 0 {
		blocks = append(blocks, guance.Count(blockedBudgets, "budget"))
	}
	if failedConditions > 0 {
		blocks = append(blocks, guance.Count(failedConditions, "failed postcondition"))
	}
	var h string
	switch {
	case len(blocks) > 0:
		h = "Plan blocked by " + strings.Join(blocks, " and ")
	case s.Errored:
		h = "Plan errored (see terraform plan's output); the figures are those read before it stopped"
	case s.Kind == "state":
		h = "State read"
	default:
		h = "Plan passes"
	}
	switch {
	case warnings > 0 && len(blocks) > 0:
		h += "; " + guance.Count(warnings, "warning")
	case warnings > 0:
		h += " with " + guance.Count(warnings, "warning")
	case len(blocks) == 0 && !s.Errored && budgeted:
		h += "; no budget crossed"
	case len(blocks) == 0 && !s.Errored:
		h += "; no budget"
	}
	return h
}

func budgetLabel(r Read) string {
	if r.Budget != nil && r.Budget.Name != "" {
		return r.Budget.Name + " (" + r.Address + ")"
	}
	return r.Address
}

var statusWords = map[string]struct {
	level level
	word  string
}{"ok": {levelOK, "ok"}, "warn": {levelWarn, "warning"}, "block": {levelBlock, "blocked"}}

func budgetRow(r Read, num number) row {
	b := r.Budget
	st := statusWords[b.Status]
	budget := "no budget"
	if b.Amount != nil {
		budget = num.plain(*b.Amount)
	} else if len(b.ByProduct) > 0 {
		budget = "per product"
	}
	return row{
		Name: budgetLabel(r), Period: period(b.StartDate, b.EndDate),
		Spent: num.plain(b.Actual), Forecast: num.optionalPlain(b.Forecast),
		Budget: budget, Used: usedText(b.ActualPercent, b.ForecastPercent, b.Amount != nil),
		Change: changeText(b.ChangePercent), Level: st.level, Status: st.word,
	}
}

// usedText is the decision's percentages: of the actual, and of the forecast when there is one.
func usedText(actual, forecast *Amount, hasAmount bool) string {
	if !hasAmount {
		return "–"
	}
	s := percentText(actual)
	if forecast != nil && percentText(forecast) != s {
		s += " (forecast " + percentText(forecast) + ")"
	}
	return s
}

// readRow is a details or forecast read's row. Its budget is the budgets file's (or the plan's
// variables') monthly budget, and only for a read of one calendar month.
func readRow(r Read, budgets Budgets, num number) row {
	out := row{Name: r.Address, Forecast: "–", Budget: "no budget", Used: "–", Change: "–", Level: levelNone, Status: "no budget"}
	var spent Amount
	var forecast *Amount
	switch {
	case r.Details != nil:
		out.Period = period(r.Details.StartDate, r.Details.EndDate)
		spent = r.Details.Total
	case r.Forecast != nil:
		out.Period = period(r.Forecast.StartDate, r.Forecast.EndDate)
		spent, forecast = r.Forecast.Actual, r.Forecast.Forecast
		out.Forecast = num.optionalPlain(forecast)
	}
	out.Spent = num.plain(spent)
	if monthly := monthlyBudget(r, budgets); monthly != nil {
		out.Budget = num.plain(*monthly)
		out.Used = percentOf(spent.value, monthly.value)
		if forecast != nil && forecast.value.Cmp(spent.value) != 0 {
			out.Used += " (forecast " + percentOf(forecast.value, monthly.value) + ")"
		}
		out.Level, out.Status = levelOK, "within budget"
		if spent.value.Cmp(monthly.value) > 0 {
			out.Level, out.Status = levelWarn, "over budget"
		}
	}
	if len(r.Failures) > 0 {
		out.Level, out.Status = levelBlock, "blocked"
		if r.FailureErrors > 0 {
			out.Status = "blocked: error"
		}
	}
	return out
}

// monthlyBudget is the budgets file's monthly budget when it applies to r: a read of one whole
// calendar month.
func monthlyBudget(r Read, budgets Budgets) *Amount {
	if budgets.Monthly == nil {
		return nil
	}
	start, end := readPeriod(r)
	if !isCalendarMonth(start, end) {
		return nil
	}
	return budgets.Monthly
}

func productBudgets(r Read, budgets Budgets) map[string]Amount {
	if start, end := readPeriod(r); !isCalendarMonth(start, end) {
		return nil
	}
	return budgets.Products
}

func readPeriod(r Read) (string, string) {
	switch {
	case r.Details != nil:
		return r.Details.StartDate, r.Details.EndDate
	case r.Forecast != nil:
		return r.Forecast.StartDate, r.Forecast.EndDate
	case r.Budget != nil:
		return r.Budget.StartDate, r.Budget.EndDate
	}
	return "", ""
}

func isCalendarMonth(start, end string) bool {
	s, err1 := time.Parse(time.DateOnly, start)
	e, err2 := time.Parse(time.DateOnly, end)
	return err1 == nil && err2 == nil && s.Day() == 1 && e.Equal(s.AddDate(0, 1, -1))
}

// period names a read's days: a calendar month by its name ("March 2024"), any other period by
// its first and last day.
func period(start, end string) string {
	if isCalendarMonth(start, end) {
		s, _ := time.Parse(time.DateOnly, start)
		return s.Format("January 2006")
	}
	return start + " to " + end
}

// forecastMethod says how a forecast read's figures were made, in the provider's terms.
func forecastMethod(r Read, num number) fact {
	f := r.Forecast
	lookback := "lookback_days"
	if f.LookbackDays != nil {
		lookback = f.LookbackDays.Text
	}
	parts := []string{fmt.Sprintf("as of %s, %s days elapsed and %s remaining", f.AsOf, f.DaysElapsed.Text, f.DaysRemaining.Text)}
	if f.DailyRate != nil {
		parts = append(parts, fmt.Sprintf("run rate %s a day, the mean daily bill of the last %s elapsed days; "+
			"forecast = spent + run rate × days remaining", num.money(*f.DailyRate), lookback))
	} else {
		parts = append(parts, "no run rate and no forecast: no day has elapsed")
	}
	if f.LatestDay != nil {
		latest := "latest day " + num.money(*f.LatestDay)
		if f.LatestDayRatio != nil {
			latest += fmt.Sprintf(", %s× the mean daily bill of up to %s days before it (latest_day_ratio)", ratioText(*f.LatestDayRatio), lookback)
		} else {
			latest += ", with no earlier day (or a mean of 0) to compare it with"
		}
		parts = append(parts, latest)
	}
	return fact{Label: r.Address, Value: strings.Join(parts, "; ")}
}

// products lists the top products, the most costly first (ties by name), with their share of
// whole and of their budget, and a line counting the rest.
func products(address string, amounts map[string]Amount, whole Amount, budgets map[string]Amount, num number, top int, heading string) productTable {
	t := productTable{Address: address, AmountHeading: heading, BudgetHeadings: [2]string{"Budget", "Used"}}
	if num.cur != "" {
		t.AmountHeading += " " + string(num.cur)
	}
	if len(amounts) == 0 {
		t.NothingBilled = true
		return t
	}
	names := slices.Collect(maps.Keys(amounts))
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(amounts[b].value.Cmp(amounts[a].value), strings.Compare(a, b))
	})
	shown := names[:min(top, len(names))]
	for _, name := range shown {
		row := productRow{Name: displayName(name), Amount: num.plain(amounts[name]), Share: percentOf(amounts[name].value, whole.value)}
		if budget, ok := budgets[name]; ok {
			t.WithBudget = true
			row.Budget, row.Used = num.plain(budget), percentOf(amounts[name].value, budget.value)
		}
		t.Rows = append(t.Rows, row)
	}
	t.More = moreProducts(names[len(shown):], amounts, whole)
	return t
}

func moreProducts(rest []string, amounts map[string]Amount, whole Amount) string {
	if len(rest) == 0 {
		return ""
	}
	sum := new(big.Rat)
	for _, name := range rest {
		sum.Add(sum, amounts[name].value)
	}
	return fmt.Sprintf("and %s, %s of the total", guance.Count(len(rest), "more product"), percentOf(sum, whole.value))
}

// budgetProducts lists a budget decision's products: those with a budget or a status other
// than ok first, then the most costly.
func budgetProducts(r Read, num number, top int) productTable {
	b := r.Budget
	t := productTable{Address: budgetLabel(r), AmountHeading: "Spent", WithBudget: true, BudgetHeadings: [2]string{"Budget", "Used"}}
	if num.cur != "" {
		t.AmountHeading += " " + string(num.cur)
	}
	names := slices.Collect(maps.Keys(b.ByProduct))
	rank := func(p ProductBudget) int { return statusWords[p.Status].level.rank(p.Amount != nil) }
	actual := func(p ProductBudget) *big.Rat {
		if p.Actual == nil {
			return new(big.Rat)
		}
		return p.Actual.value
	}
	slices.SortFunc(names, func(x, y string) int {
		px, py := b.ByProduct[x], b.ByProduct[y]
		return cmp.Or(cmp.Compare(rank(py), rank(px)), actual(py).Cmp(actual(px)), strings.Compare(x, y))
	})
	shown := names[:min(top, len(names))]
	for _, name := range shown {
		p := b.ByProduct[name]
		row := productRow{Name: displayName(name), Amount: num.optionalPlain(p.Actual), Share: "–", Budget: "–", Used: "–"}
		if p.Actual != nil {
			row.Share = percentOf(p.Actual.value, b.Actual.value)
		}
		if p.Amount != nil {
			row.Budget = num.plain(*p.Amount)
			row.Used = usedText(p.ActualPercent, p.ForecastPercent, true)
		}
		st := statusWords[p.Status]
		row.Level, row.Status = st.level, st.word
		t.Rows = append(t.Rows, row)
	}
	if rest := len(names) - len(shown); rest > 0 {
		t.More = "and " + guance.Count(rest, "more product")
	}
	return t
}

// rank orders products for listing: a status over ok first, then those with a budget.
func (l level) rank(hasBudget bool) int {
	r := int(l) * 2
	if hasBudget {
		r++
	}
	return r
}

func addBalance(balances []balanceView, r Read, budgets Budgets, num number) []balanceView {
	b := r.Balance
	value := fmt.Sprintf("%s (cash %s, coupons %s, stored-value cards %s)", num.money(b.Total),
		num.optionalMoney(b.Cash), num.optionalMoney(b.Coupon), num.optionalMoney(b.StoredCard))
	floor := ""
	if budgets.BalanceFloor != nil {
		where := "above"
		switch b.Total.value.Cmp(budgets.BalanceFloor.value) {
		case -1:
			where = "below"
		case 0:
			where = "exactly at"
		}
		floor = fmt.Sprintf("%s the floor of %s", where, num.money(*budgets.BalanceFloor))
	}
	// Reads of the same endpoint in one run see the same balance: show it once.
	for i := range balances {
		if balances[i].Value == value {
			balances[i].Reads = append(balances[i].Reads, r.Address)
			return balances
		}
	}
	return append(balances, balanceView{Value: value, Reads: []string{r.Address}, Floor: floor})
}

func footer(s *Summary, budgets Budgets, num number) string {
	f := "From terraform show -json of a " + s.Kind
	if s.TerraformVersion != "" {
		f += " (Terraform " + s.TerraformVersion + ")"
	}
	switch {
	case num.exact && num.cur != "":
		f += "; amounts in " + string(num.cur) + ", exactly as Terraform holds them"
	case num.exact:
		f += "; amounts exactly as Terraform holds them, in no stated currency (pass -currency)"
	case num.cur != "":
		f += "; amounts in " + string(num.cur) + " rounded to 2 decimals (-exact shows them as Terraform holds them)"
	default:
		// The API reports no currency: say where to state it rather than guess one.
		f += "; amounts rounded to 2 decimals (-exact shows them as Terraform holds them), in no stated currency (pass -currency)"
	}
	f += "; percentages to 1 decimal."
	if budgets.Any() {
		f += " Budgets from " + budgets.Source + ", applied to reads of one calendar month."
	}
	return f
}

func hasDetailsOf(reads []Read, module, start, end string) bool {
	for _, r := range reads {
		if r.Details != nil && r.Module == module && r.Details.StartDate == start && r.Details.EndDate == end {
			return true
		}
	}
	return false
}
