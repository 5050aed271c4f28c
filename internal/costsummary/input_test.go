package costsummary

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestParseRefusesWhatIsNotShowJSONWithTheReason(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ input, want string }{
		"empty":             {"  \n", "the input is empty"},
		"binary plan file":  {"PK\x03\x04rest", "binary plan file"},
		"not an object":     {`[1, 2]`, "does not start with a JSON object"},
		"not JSON":          {`{"format_version": 1.0,`, "not the JSON of `terraform show -json`"},
		"no format_version": {`{"values": {}}`, "no format_version"},
		"format 2":          {`{"format_version": "2.0", "values": {}}`, `format_version is "2.0"`},
		"two documents":     {`{"format_version": "1.0"} {"format_version": "1.0"}`, "more than one JSON value"},
		"plan -json stream": {"{\"@level\":\"info\",\"@message\":\"Terraform 1.11.4\"}\n{\"@level\":\"info\"}\n", "streamed UI of `terraform plan -json`"},
		"empty state":       {`{"format_version": "1.0"}`, "the state holds no guance_billing_details"},
		"amount not a number": {`{"format_version": "1.0", "values": {"root_module": {"resources": [
			{"address": "data.guance_billing_balance.a", "mode": "data", "type": "guance_billing_balance",
			 "values": {"total_balance": "lots"}}]}}}`, "data.guance_billing_balance.a: its total_balance is not what the provider writes"},
		"amount with an exponent": {`{"format_version": "1.0", "values": {"root_module": {"resources": [
			{"address": "data.guance_billing_details.a", "mode": "data", "type": "guance_billing_details",
			 "values": {"start_date": "2024-03-01", "end_date": "2024-03-01", "total_billing_result": 1, "totals_by_product": {},
			 "totals_by_date": {"2024-03-01": 1e999999}}}]}}}`,
			`data.guance_billing_details.a: its totals_by_date["2024-03-01"]: "1e999999" is not written as Terraform writes numbers (a plain decimal, without an exponent)`},
		"attribute missing": {`{"format_version": "1.0", "values": {"root_module": {"resources": [
			{"address": "data.guance_billing_details.a", "mode": "data", "type": "guance_billing_details",
			 "values": {"start_date": "2024-03-01", "end_date": "2024-03-01", "total_billing_result": 1, "totals_by_product": {}}}]}}}`,
			"data.guance_billing_details.a: it has no totals_by_date"},
		"errored plan with no read": {`{"format_version": "1.2", "planned_values": {}, "errored": true}`, "the plan errored, perhaps before any read was made"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(c.input))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// An amount beyond float64's precision is shown as Terraform wrote it, and its share is exact.
func TestAmountsAreShownAsWrittenBeyondFloatPrecision(t *testing.T) {
	t.Parallel()
	input := `{"format_version": "1.0", "values": {"root_module": {"resources": [
		{"address": "data.guance_billing_details.a", "mode": "data", "type": "guance_billing_details",
		 "values": {"start_date": "2024-03-01", "end_date": "2024-03-02",
		  "total_billing_result": 90071992547409930.03,
		  "totals_by_product": {"Log": 90071992547409930.01, "Metric": 0.02},
		  "totals_by_date": {"2024-03-01": 0.01, "2024-03-02": 90071992547409930.02}}}]}}}`
	s, err := Parse(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{Markdown(s, Options{Currency: "USD"}), Text(s, Options{Currency: "USD"})} {
		for _, want := range []string{"90071992547409930.03 USD", "90071992547409930.01", "0.02", "99.9%", "0.0%", "90071992547409930.02"} {
			if !strings.Contains(out, want) {
				t.Errorf("the summary lacks %q:\n%s", want, out)
			}
		}
	}
}

func TestBudgetsFileReplacesThePlansVariables(t *testing.T) {
	t.Parallel()
	s, err := parseFixture(t, "check_warning")
	if err != nil {
		t.Fatal(err)
	}
	budgets, err := ReadBudgets(strings.NewReader(`{"guance_budgets": {"monthly": 80000, "products": {"Metric": 4000}, "balance_floor": 20000}}`), "strict.json")
	if err != nil {
		t.Fatal(err)
	}
	out := Text(s, Options{Budgets: &budgets, TopProducts: 8})
	for _, want := range []string{
		"Budget used  100.6% of 80000 CNY",
		"112.6% of 4000 CNY",
		"20000 CNY (the balance is below it)",
		"Budgets from strict.json.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "of 50000 CNY") || strings.Contains(out, "Budget used  80.5%") {
		t.Errorf("the plan's variables are still used:\n%s", out)
	}
}

// planWithCurrency is the JSON plan of one read, with the variable currency when not "".
func planWithCurrency(currency string) string {
	variables := ""
	if currency != "" {
		variables = `"variables": {"currency": {"value": "` + currency + `"}},`
	}
	return `{"format_version": "1.0", ` + variables + ` "values": {"root_module": {"resources": [
		{"address": "data.guance_billing_details.a", "mode": "data", "type": "guance_billing_details",
		 "values": {"start_date": "2024-03-01", "end_date": "2024-03-01", "total_billing_result": 12.5,
		  "totals_by_product": {"Log": 12.5}, "totals_by_date": {"2024-03-01": 12.5}}}]}}}`
}

// The currency comes from -currency, else the budgets file, else the plan's variable currency;
// with none stated, amounts print bare and the footnote says how to state one.
func TestCurrencyIsTheOneStatedOrNone(t *testing.T) {
	t.Parallel()
	plan := func(currency string) *Summary {
		t.Helper()
		s, err := Parse(strings.NewReader(planWithCurrency(currency)))
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
		"none stated":                    {plan(""), Options{}, []string{`Total +12\.5\n`, `in no stated currency \(pass -currency`}, "CNY"},
		"plan variable":                  {plan("USD"), Options{}, []string{`Total +12\.5 USD`, `amounts in USD`}, "no stated"},
		"budgets file over the variable": {plan("USD"), Options{Budgets: budgetsIn("EUR")}, []string{`Total +12\.5 EUR`, `of 100 EUR`}, "USD"},
		"flag over both":                 {plan("USD"), Options{Budgets: budgetsIn("EUR"), Currency: "CNY"}, []string{`Total +12\.5 CNY`, `of 100 CNY`}, "EUR"},
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
	md := Markdown(plan(""), Options{})
	for _, want := range []string{"| Product | Amount | Share |", `title "Spending per day"`, `y-axis "Amount"`} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown without a currency lacks %q:\n%s", want, md)
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
	_, err := Parse(strings.NewReader(planWithCurrency("¥")))
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

// Names from the API are untrusted: the output must stay valid UTF-8 without control
// characters (a terminal escape) or bidirectional overrides.
func TestSummaryOfHostileNamesIsPrintable(t *testing.T) {
	t.Parallel()
	s, err := parseFixture(t, "non_utf8")
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{Markdown(s, Options{}), Text(s, Options{})} {
		if !utf8.ValidString(out) {
			t.Error("the summary is not valid UTF-8")
		}
		for _, r := range out {
			if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)) {
				t.Errorf("the summary holds %U", r)
			}
		}
	}
}

func TestTrendFillsMissingDaysAndScalesFromZero(t *testing.T) {
	t.Parallel()
	tr := buildTrend(map[string]Amount{
		"2024-02-28": mustAmount(t, "0"),
		"2024-03-01": mustAmount(t, "7"),
		"2024-03-02": mustAmount(t, "3.5"),
	}, "")
	if tr.Spark != "▁▁█▅" {
		t.Errorf("sparkline %q, want ▁▁█▅ (2024-02-29 has no records)", tr.Spark)
	}
	if got := strings.Join(tr.Values, " "); got != "0 0 7 3.5" {
		t.Errorf("values %q", got)
	}
	if tr.First != "2024-02-28" || tr.Low != "0" || tr.High != "7" {
		t.Errorf("first day %s, y-axis %s to %s", tr.First, tr.Low, tr.High)
	}
}

func TestTrendOfALongPeriodShowsItsLastDays(t *testing.T) {
	t.Parallel()
	tr := buildTrend(map[string]Amount{"2024-01-01": mustAmount(t, "1"), "2024-12-31": mustAmount(t, "2")}, "")
	if len(tr.Values) != maxTrendDays || !strings.HasPrefix(tr.Note, "the last 92 of 366 days") {
		t.Errorf("%d values, note %q", len(tr.Values), tr.Note)
	}
}

func TestPercentRoundsDownExactly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ part, whole, want string }{
		{"80527.1", "100000", "80.5%"},
		{"1", "3", "33.3%"},
		{"2", "3", "66.6%"},
		{"0.3", "0.3", "100.0%"},
		{"-1", "3", "-33.4%"},
		{"1", "0", "–"},
	} {
		if got := percent(mustAmount(t, c.part).value, mustAmount(t, c.whole).value); got != c.want {
			t.Errorf("percent(%s, %s) = %s, want %s", c.part, c.whole, got, c.want)
		}
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
