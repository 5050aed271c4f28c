package costsummary

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	tfjson "github.com/hashicorp/terraform-json"
)

func TestParseRefusesWhatIsNotShowJSONWithTheReason(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ input, want string }{
		"empty":             {"  \n", "the input is empty"},
		"binary plan file":  {"PK\x03\x04rest", "binary plan file; pass it as a file argument"},
		"not an object":     {`[1, 2]`, "does not start with a JSON object"},
		"not JSON":          {`{"format_version": "1.0",`, "not the JSON of `terraform show -json`"},
		"no format_version": {`{"values": {}}`, "no format_version"},
		"format 2":          {`{"format_version": "2.0", "values": {}}`, `format_version is "2.0"`},
		"two documents":     {`{"format_version": "1.0"} {"format_version": "1.0"}`, "more than one JSON value"},
		"plan -json stream": {"{\"@level\":\"info\",\"@message\":\"Terraform 1.11.4\"}\n{\"@level\":\"info\"}\n", "streamed UI of `terraform plan -json`"},
		"empty state":       {`{"format_version": "1.0"}`, "the state holds no guance_billing_budget"},
		"duplicated top-level key": {`{"format_version": "1.0", "errored": false, "errored": true}`,
			`the input gives "errored" twice in the top-level object; which value to believe would be a guess`},
		"duplicated amount": {`{"format_version": "1.0", "values": {"root_module": {"resources": [
			{"address": "data.guance_billing_balance.a", "mode": "data", "type": "guance_billing_balance",
			 "values": {"total_balance": 1, "total_balance": 100000}}]}}}`,
			`the input gives "total_balance" twice in an object; which value to believe would be a guess`},
		"amount not a number": {`{"format_version": "1.0", "values": {"root_module": {"resources": [
			{"address": "data.guance_billing_balance.a", "mode": "data", "type": "guance_billing_balance",
			 "values": {"total_balance": "lots"}}]}}}`, `data.guance_billing_balance.a: its total_balance is not what the provider writes: the string "lots" is not a number`},
		"amount with an exponent": {`{"format_version": "1.0", "values": {"root_module": {"resources": [
			{"address": "data.guance_billing_details.a", "mode": "data", "type": "guance_billing_details",
			 "values": {"start_date": "2024-03-01", "end_date": "2024-03-01", "total_billing_result": 1, "totals_by_product": {},
			 "totals_by_date": {"2024-03-01": 1e999999}}}]}}}`,
			`data.guance_billing_details.a: its totals_by_date["2024-03-01"] is not what the provider writes: "1e999999" is not written as Terraform writes numbers (a plain decimal, without an exponent)`},
		"attribute missing": {`{"format_version": "1.0", "values": {"root_module": {"resources": [
			{"address": "data.guance_billing_details.a", "mode": "data", "type": "guance_billing_details",
			 "values": {"start_date": "2024-03-01", "end_date": "2024-03-01", "total_billing_result": 1, "totals_by_product": {}}}]}}}`,
			"data.guance_billing_details.a: it has no totals_by_date"},
		"unknown budget status": {`{"format_version": "1.0", "values": {"root_module": {"resources": [
			{"address": "data.guance_billing_budget.a", "mode": "data", "type": "guance_billing_budget",
			 "values": {"start_date": "2024-03-01", "end_date": "2024-03-31", "as_of": "2024-03-01", "amount": 1, "actual_billing_result": 1,
			  "totals_by_date": {"2024-03-01": 1},
			  "forecast_billing_result": null, "actual_percent": 100, "forecast_percent": null, "previous_billing_result": null,
			  "change_percent": null, "balance": null, "runway_days": null, "by_product": {}, "findings": [], "name": null,
			  "status": "panic"}}]}}}`, `its status is "panic", none of ok, warn, block`},
		"errored plan with no read": {`{"format_version": "1.2", "planned_values": {}, "errored": true}`, "the plan errored, perhaps before any read was made"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(c.input))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// An amount beyond float64's precision is kept exact: -exact shows it as Terraform wrote it,
// and its share is computed exactly.
func TestAmountsStayExactBeyondFloatPrecision(t *testing.T) {
	t.Parallel()
	input := `{"format_version": "1.2", "planned_values": {}, "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
		{"address": "data.guance_billing_details.a", "mode": "data", "type": "guance_billing_details",
		 "values": {"start_date": "2024-03-01", "end_date": "2024-03-02",
		  "total_billing_result": 90071992547409930.03, "totals_by_month": {"2024-03": 90071992547409930.03},
		  "totals_by_product": {"Log": 90071992547409930.01, "Metric": 0.02},
		  "totals_by_date": {"2024-03-01": 0.01, "2024-03-02": 90071992547409930.02}}}]}}}}`
	s, err := Parse([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	exact := Text(s, Options{Currency: "USD", Exact: true})
	for _, want := range []string{"90071992547409930.03", "90071992547409930.01", "0.02", "100.0%", "0.0%", "90071992547409930.02 USD"} {
		if !strings.Contains(exact, want) {
			t.Errorf("the exact summary lacks %q:\n%s", want, exact)
		}
	}
	rounded := Text(s, Options{Currency: "USD"})
	for _, want := range []string{"90,071,992,547,409,930.03", "90,071,992,547,409,930.01", "0.02"} {
		if !strings.Contains(rounded, want) {
			t.Errorf("the summary lacks %q:\n%s", want, rounded)
		}
	}
}

func TestMoneyHasTwoDecimalsAndThousandsAndPercentagesOne(t *testing.T) {
	t.Parallel()
	num := number{cur: "CNY"}
	for text, want := range map[string]string{
		"80527.1":    "80,527.10 CNY",
		"0.005":      "0.01 CNY",
		"-0.005":     "-0.01 CNY",
		"999.994":    "999.99 CNY",
		"999999.995": "1,000,000.00 CNY",
		"12":         "12.00 CNY",
		"0":          "0.00 CNY",
	} {
		if got := num.money(mustAmount(t, text)); got != want {
			t.Errorf("money(%s) = %s, want %s", text, got, want)
		}
	}
	for _, c := range []struct{ part, whole, want string }{
		{"80527.1", "100000", "80.5%"},
		{"1", "3", "33.3%"},
		{"2", "3", "66.7%"},
		{"-1", "3", "-33.3%"},
		{"1", "0", "–"},
	} {
		if got := percentOf(mustAmount(t, c.part).value, mustAmount(t, c.whole).value); got != c.want {
			t.Errorf("percentOf(%s, %s) = %s, want %s", c.part, c.whole, got, c.want)
		}
	}
}

// The budgets file replaces the plan's variables, and like them applies to reads of one
// calendar month only: a read of 14 days shows "no budget" and no percentage.
func TestBudgetsFileAppliesOnlyToReadsOfACalendarMonth(t *testing.T) {
	t.Parallel()
	budgets, err := ReadBudgets(strings.NewReader(`{"guance_budgets": {"monthly": 80000, "products": {"Metric": 4000}, "balance_floor": 20000, "currency": "CNY"}}`), "strict.json")
	if err != nil {
		t.Fatal(err)
	}
	month, err := parseFixture(t, "forecast")
	if err != nil {
		t.Fatal(err)
	}
	out := Text(month, Options{Budgets: &budgets, TopProducts: 8})
	for _, want := range []string{
		"data.guance_billing_forecast.march       March 2024               37,956.09 77,092.36 80,000.00 47.4% (forecast 96.4%)      – OK within budget",
		"Budgets from strict.json, applied to reads of one calendar month.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	days := regexp.MustCompile(`(?m)^  data\.guance_billing_details\.march_so_far .*$`).FindString(out)
	if !strings.Contains(days, "no budget") || strings.Contains(days, "%") {
		t.Errorf("the read of 14 days has a budget or a percentage: %q", days)
	}
}

// A balance exactly at its floor is at it, not below it.
func TestBalanceExactlyAtTheFloorIsSaidSo(t *testing.T) {
	t.Parallel()
	s, err := parseFixture(t, "state")
	if err != nil {
		t.Fatal(err)
	}
	budgets, err := ReadBudgets(strings.NewReader(`{"guance_budgets": {"balance_floor": 15373.9, "currency": "CNY"}}`), "floor.json")
	if err != nil {
		t.Fatal(err)
	}
	if out := Text(s, Options{Budgets: &budgets}); !strings.Contains(out, "exactly at the floor of 15,373.90 CNY") {
		t.Errorf("the summary does not say the balance is at its floor:\n%s", out)
	}
}

// A condition Terraform could not evaluate (status "error") is shown, as failed, never as passed.
func TestConditionWithStatusErrorIsShownAsFailed(t *testing.T) {
	t.Parallel()
	raw := readFixture(t, "one_read")
	raw = []byte(strings.Replace(string(raw), "{", `{"checks": [{"address": {"kind": "resource", "mode": "data", "to_display": "data.guance_billing_details.march",
		"type": "guance_billing_details", "name": "march"}, "status": "error", "instances": [{"address": {"to_display": "data.guance_billing_details.march"},
		"status": "error", "problems": [{"message": "Invalid reference in the condition"}]}]}],`, 1))
	s, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	md, err := Markdown(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Plan blocked by 1 failed postcondition", "⛔ blocked: error", "postcondition could not be evaluated: Invalid reference in the condition"} {
		if !strings.Contains(md, want) {
			t.Errorf("the summary lacks %q:\n%s", want, md)
		}
	}
	raw = readFixture(t, "check_warning")
	raw = []byte(strings.ReplaceAll(string(raw), `"status": "fail"`, `"status": "error"`))
	if s, err = Parse(raw); err != nil {
		t.Fatal(err)
	}
	if out := Text(s, Options{}); !strings.Contains(out, "WARNING check.budget: could not be evaluated: ") {
		t.Errorf("the check block in error is not shown:\n%s", out)
	}
}

// planWithCurrency is the JSON plan of one read, with the variable currency when not "".
func planWithCurrency(currency string) string {
	variables := ""
	if currency != "" {
		variables = `"variables": {"currency": {"value": "` + currency + `"}},`
	}
	return `{"format_version": "1.2", ` + variables + ` "planned_values": {}, "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
		{"address": "data.guance_billing_details.a", "mode": "data", "type": "guance_billing_details",
		 "values": {"start_date": "2024-03-01", "end_date": "2024-03-31", "total_billing_result": 12.5,
		  "totals_by_product": {"Log": 12.5}, "totals_by_date": {"2024-03-01": 12.5}, "totals_by_month": {"2024-03": 12.5}}}]}}}}`
}

// The currency comes from -currency, else the budgets file, else the plan's variable currency;
// with none stated, amounts print bare and the footnote says how to state one.
func TestCurrencyIsTheOneStatedOrNone(t *testing.T) {
	t.Parallel()
	plan := func(currency string) *Summary {
		t.Helper()
		s, err := Parse([]byte(planWithCurrency(currency)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	budgetsIn := func(currency string) *Budgets {
		t.Helper()
		b, err := ReadBudgets(strings.NewReader(`{"guance_budgets": {"monthly": 100, "currency": "`+currency+`"}}`), "budgets.json")
		if err != nil {
			t.Fatal(err)
		}
		return &b
	}
	for name, c := range map[string]struct {
		summary *Summary
		opts    Options
		want    []string
		notWant string
	}{
		"none stated":                    {plan(""), Options{}, []string{`highest 12\.50 \(`, `in no stated currency \(pass -currency`}, "CNY"},
		"plan variable":                  {plan("USD"), Options{}, []string{`highest 12\.50 USD`, `amounts in USD`}, "no stated"},
		"budgets file over the variable": {plan("USD"), Options{Budgets: budgetsIn("EUR")}, []string{`highest 12\.50 EUR`, `Amount EUR`}, "USD"},
		"flag over both":                 {plan("USD"), Options{Budgets: budgetsIn("EUR"), Currency: "CNY"}, []string{`highest 12\.50 CNY`, `Amount CNY`}, "EUR"},
	} {
		out := Text(c.summary, c.opts)
		for _, want := range c.want {
			if !regexp.MustCompile(want).MatchString(out) {
				t.Errorf("%s: the summary lacks %s:\n%s", name, want, out)
			}
		}
		if strings.Contains(out, c.notWant) {
			t.Errorf("%s: the summary holds %q:\n%s", name, c.notWant, out)
		}
	}
}

// A currency is printed as fact after every amount, so only an ISO 4217 code is taken.
func TestCurrencyMustBeAnISOCode(t *testing.T) {
	t.Parallel()
	if _, err := ReadBudgets(strings.NewReader(`{"guance_budgets": {"currency": "yuan"}}`), "b.json"); err == nil ||
		!strings.Contains(err.Error(), `budgets file b.json: currency is "yuan"; a currency is an ISO 4217 code`) {
		t.Errorf("budgets file: %v", err)
	}
	_, err := Parse([]byte(planWithCurrency("¥")))
	if err == nil || !strings.Contains(err.Error(), `the plan's variable currency is "¥"; a currency is an ISO 4217 code`) {
		t.Errorf("plan variable: %v", err)
	}
}

func TestReadBudgetsRefusesMistakes(t *testing.T) {
	t.Parallel()
	for input, want := range map[string]string{
		`{"monthly": 100}`:                   `unknown field "monthly"`,
		`{}`:                                 "has no guance_budgets",
		`{"guance_budgets": {"monthly": 0}}`: "monthly is 0; a budget must be a positive amount",
		`{"guance_budgets": {"products": {"Log": -1}}}`:    "products[Log] is -1",
		`{"guance_budgets": {"monthly": "a lot"}}`:         "budgets file b.json",
		`{"guance_budgets": {"balance_floor": "nothing"}}`: "budgets file b.json",
	} {
		if _, err := ReadBudgets(strings.NewReader(input), "b.json"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadBudgets(%s): got %v, want an error containing %q", input, err, want)
		}
	}
}

// Every string from the plan is inert: the output is valid UTF-8 without a control character or
// a bidirectional override, and the Markdown holds no live link, image, mention, HTML tag, table
// cell break or Mermaid directive of the plan's.
func TestHostileNamesAreInertInMarkdownHTMLMermaidAndTerminals(t *testing.T) {
	t.Parallel()
	s, err := Parse(hostile(t, readFixture(t, "one_read")))
	if err != nil {
		t.Fatal(err)
	}
	md, err := Markdown(s, Options{TopProducts: 8})
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{md, Text(s, Options{TopProducts: 8})} {
		if !utf8.ValidString(out) {
			t.Error("the summary is not valid UTF-8")
		}
		for _, r := range out {
			if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)) {
				t.Errorf("the summary holds %U", r)
			}
		}
	}
	// Code spans are inert in GFM but for "|" in a table; what is outside them must be escaped.
	outside := regexp.MustCompile("``[^`]*(`[^`]+)*``|`[^`]*`").ReplaceAllString(md, "")
	for _, live := range []string{"](http", "<img", "<b>", "https://", "http://", "www.evil", "@someone", "@all", "#123", "a@b", "| forged |"} {
		if regexp.MustCompile(`(^|[^\\])` + regexp.QuoteMeta(live)).MatchString(outside) {
			t.Errorf("the Markdown holds %q live", live)
		}
	}
	mermaid := regexp.MustCompile("(?s)```mermaid\n.*?```").FindAllString(md, -1)
	for _, block := range mermaid {
		if strings.Contains(block, "%") || strings.Contains(block, "evil") {
			t.Errorf("a Mermaid block holds text of the plan's:\n%s", block)
		}
	}
	// Each table row has as many cells as its header: no name broke a cell.
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| Log") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 4 {
			t.Errorf("a table row was broken: %s", line)
		}
	}
}

func TestChartFillsMissingDaysAndScalesFromZero(t *testing.T) {
	t.Parallel()
	c := buildChart("2024-02-28", "2024-03-02", map[string]Amount{
		"2024-02-28": mustAmount(t, "0"),
		"2024-03-01": mustAmount(t, "7"),
		"2024-03-02": mustAmount(t, "3.5"),
	}, nil, number{})
	if c.Spark != "▁▁█▅" {
		t.Errorf("sparkline %q, want ▁▁█▅ (2024-02-29 has no records)", c.Spark)
	}
	if got := strings.Join(c.Values, " "); got != "0.00 0.00 7.00 3.50" {
		t.Errorf("values %q", got)
	}
	if c.Unit != "day" || c.First != "2024-02-28" || c.Low != "0" || c.High != "7.00" {
		t.Errorf("unit %s, first %s, y-axis %s to %s", c.Unit, c.First, c.Low, c.High)
	}
}

// Over 62 days, the chart is by month, from the read's totals_by_month, and the sparkline
// stays within its width.
func TestChartOfALongPeriodIsByMonthAndTheSparklineIsCapped(t *testing.T) {
	t.Parallel()
	byDate := map[string]Amount{"2023-01-01": mustAmount(t, "1"), "2025-12-31": mustAmount(t, "2")}
	c := buildChart("2023-01-01", "2025-12-31", byDate, nil, number{})
	if c.Unit != "month" || len(c.Values) != 36 || c.Labels[0] != "2023-01" || c.Labels[35] != "2025-12" {
		t.Errorf("unit %s, %d values, labels %v", c.Unit, len(c.Values), c.Labels)
	}
	if n := utf8.RuneCountInString(c.Spark); n != maxSparkline {
		t.Errorf("sparkline of %d glyphs, want %d", n, maxSparkline)
	}
	if !strings.HasPrefix(c.Note, "the sparkline shows the last 31 of 36 months") {
		t.Errorf("note %q", c.Note)
	}
	months := map[string]Amount{"2023-01": mustAmount(t, "5"), "2025-12": mustAmount(t, "9")}
	if c := buildChart("2023-01-01", "2025-12-31", byDate, months, number{}); c.Values[0] != "5.00" || c.Values[35] != "9.00" {
		t.Errorf("totals_by_month not used: %v", c.Values)
	}
}

// A details and a forecast read of the same days share one chart.
func TestTheSameDaysAreChartedOnce(t *testing.T) {
	t.Parallel()
	s, err := parseFixture(t, "forecast")
	if err != nil {
		t.Fatal(err)
	}
	md, err := Markdown(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(md, "```mermaid"); n != 1 || !strings.Contains(md, "read by `data.guance_billing_details.march_so_far`, `data.guance_billing_forecast.march`") {
		t.Errorf("%d charts, want 1:\n%s", n, md)
	}
}

// The cost-guard module reads only a budget: its totals_by_date is the month's chart.
func TestABudgetAloneIsChartedFromItsTotalsByDate(t *testing.T) {
	t.Parallel()
	s, err := parseFixture(t, "check_warning")
	if err != nil {
		t.Fatal(err)
	}
	md, err := Markdown(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(md, "```mermaid"); n != 1 || !strings.Contains(md, "Spending per day, 2024-03-01 to 2024-03-31") ||
		!strings.Contains(md, "read by `data.guance_billing_budget.month`.") {
		t.Errorf("%d charts, want the budget's one:\n%s", n, md)
	}
}

// Over the limit, the Markdown gives up detail a whole section at a time and says so; it
// never ends inside a table or a section.
func TestMarkdownFitsItsLimitByCollapsingNeverByCutting(t *testing.T) {
	t.Parallel()
	s, err := Parse(thousandProducts(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{GitHubCommentLimit, 20000, 4000, 1500} {
		md, err := Markdown(s, Options{MaxChars: limit})
		if err != nil {
			t.Fatalf("-max-chars %d: %v", limit, err)
		}
		if Length(md) > limit {
			t.Errorf("-max-chars %d: %d characters", limit, Length(md))
		}
		if strings.Count(md, "<details>") != strings.Count(md, "</details>") || !strings.HasSuffix(md, "</sub>\n") {
			t.Errorf("-max-chars %d: a section is cut:\n%s", limit, md)
		}
		if !strings.Contains(md, "Plan blocked by 20 budgets") || !strings.Contains(md, "more") {
			t.Errorf("-max-chars %d: the headline or the count of what was left out is missing:\n%s", limit, md)
		}
	}
	if _, err := Markdown(s, Options{MaxChars: 200}); err == nil || !strings.Contains(err.Error(), "raise -max-chars") {
		t.Errorf("a limit nothing fits: %v", err)
	}
}

func mustAmount(t *testing.T, text string) Amount {
	t.Helper()
	a, err := parseAmount(json.Number(text))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Decoding every read of every fixture looks up exactly the attributes of ReadAttributes, the
// list the provider's schema test holds to the schema.
func TestReadAttributesAreThoseTheDecodersRead(t *testing.T) {
	t.Parallel()
	seen := map[string]map[string]bool{}
	fixtures, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	fixtures = append(fixtures, filepath.Join("..", "..", "examples", "ci", "testdata", "budget-plan.json"))
	for _, path := range fixtures {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		top, err := scanTopLevel(raw)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if top.plan {
			if raw = top.priorState; raw == nil {
				continue
			}
		}
		var state tfjson.State
		state.UseJSONNumber(true)
		if err := json.Unmarshal(raw, &state); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		values := state.Values
		if values == nil || values.RootModule == nil {
			continue
		}
		var walk func(m *tfjson.StateModule)
		walk = func(m *tfjson.StateModule) {
			for _, r := range m.Resources {
				if r.Mode != tfjson.DataResourceMode || !isBillingType(r.Type) {
					continue
				}
				if seen[r.Type] == nil {
					seen[r.Type] = map[string]bool{}
				}
				if _, err := decodeRead(r, "", seen[r.Type]); err != nil {
					t.Errorf("%s: %s: %v", path, r.Address, err)
				}
			}
			for _, child := range m.ChildModules {
				walk(child)
			}
		}
		walk(values.RootModule)
	}
	for typ, names := range ReadAttributes {
		listed := map[string]bool{}
		for _, name := range names {
			listed[name] = true
			if !seen[typ][name] {
				t.Errorf("%s: ReadAttributes lists %s, which no fixture's read looked up", typ, name)
			}
		}
		for name := range seen[typ] {
			if !listed[name] {
				t.Errorf("%s: the decoder reads %s, which ReadAttributes does not list", typ, name)
			}
		}
	}
}

// The summary shows the decision that the module's postcondition and the OPA policy make on
// the plan they are tested to agree on (examples/ci/testdata/budget-plan.json): block, with the
// same message.
func TestSummaryShowsTheBudgetFixturesDecision(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "ci", "testdata", "budget-plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	var budget *BudgetRead
	for _, r := range s.Reads {
		if r.Budget != nil {
			budget = r.Budget
			if len(r.Failures) != 1 {
				t.Fatalf("the module's postcondition: %q", r.Failures)
			}
			var blocks []string
			for _, f := range r.Budget.Findings {
				if f.Action == "block" {
					blocks = append(blocks, f.Message)
				}
			}
			// The postcondition's message is block_message: the block findings' messages.
			for _, msg := range blocks {
				if !strings.Contains(r.Failures[0], msg) {
					t.Errorf("the postcondition's message %q lacks the finding %q", r.Failures[0], msg)
				}
			}
		}
	}
	if budget == nil || budget.Status != "block" {
		t.Fatalf("budget %+v, want status block", budget)
	}
	md, err := Markdown(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md, "### ⛔ Guance billing: Plan blocked by 1 budget;") || !strings.Contains(md, "| ⛔ blocked |") {
		t.Errorf("the summary does not show the block:\n%s", md)
	}
}

// The records of a read are left out before decoding (the summary does not show them), and
// only those of a resource's values: the summary is the same with or without them, and a
// member named records elsewhere is kept.
func TestRecordsAreLeftOutOfDecodingAndChangeNothing(t *testing.T) {
	t.Parallel()
	without := planWithCurrency("USD")
	with := strings.Replace(without, `"total_billing_result": 12.5,`,
		`"total_billing_result": 12.5, "records": [{"billing_result": 12.5, "product_detail": "Log", "records": {"x": 1}}],`, 1)
	with = strings.Replace(with, `"variables": {`, `"variables": {"records": {"value": "kept"}, `, 1)
	top, err := scanTopLevel([]byte(with))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(top.priorState), `"product_detail"`) || !strings.Contains(string(top.priorState), `"records": null`) {
		t.Errorf("the records are still in prior_state: %s", top.priorState)
	}
	if !strings.Contains(string(top.rest), `"records": {"value": "kept"}`) || !strings.Contains(string(top.rest), `"prior_state": null`) {
		t.Errorf("the rest of the plan changed: %s", top.rest)
	}
	a, err := Parse([]byte(with))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte(without))
	if err != nil {
		t.Fatal(err)
	}
	if Text(a, Options{}) != Text(b, Options{}) {
		t.Errorf("the records changed the summary:\n%s\n%s", Text(a, Options{}), Text(b, Options{}))
	}
}

// Reads of the same balance (one endpoint, read by several modules) show it once, naming each
// read; a different balance is another line.
func TestTheSameBalanceIsShownOnce(t *testing.T) {
	t.Parallel()
	balance := func(address, total string) string {
		return `{"address": "` + address + `", "mode": "data", "type": "guance_billing_balance",
			"values": {"total_balance": ` + total + `, "cash_balance": 1, "coupon_balance": null, "stored_card_balance": null}}`
	}
	s, err := Parse([]byte(`{"format_version": "1.0", "values": {"root_module": {"resources": [` +
		balance("data.guance_billing_balance.a", "1") + `,` + balance("data.guance_billing_balance.b", "1") + `,` +
		balance("data.guance_billing_balance.other_site", "2") + `]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	md, err := Markdown(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"- 1.00 (cash 1.00, coupons –, stored-value cards –), read by `data.guance_billing_balance.a`, `data.guance_billing_balance.b`\n",
		"- 2.00 (cash 1.00, coupons –, stored-value cards –), read by `data.guance_billing_balance.other_site`\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the summary lacks %q:\n%s", want, md)
		}
	}
	if n := strings.Count(md, "<summary>Balance</summary>"); n != 1 {
		t.Errorf("%d balance sections", n)
	}
}
