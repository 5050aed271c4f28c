// Package costsummary turns the JSON of `terraform show -json` (a saved plan or a state) into a
// summary of the Guance billing it read: each guance_billing_budget, guance_billing_details,
// guance_billing_forecast and guance_billing_balance read in any module, the postconditions and
// check blocks that failed, and the budgets. It renders Markdown (for a CI step summary or a
// pull-request comment) and plain text (for a terminal) with the same content.
//
// Amounts are exact: they are the JSON text Terraform wrote, shown rounded to 2 decimals (or
// exactly on request). Shares, budget use and chart heights are derived with exact rational
// arithmetic. A budget's decision (status, findings, percentages) is read from the
// guance_billing_budget read, never recomputed.
package costsummary

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	tfjson "github.com/hashicorp/terraform-json"
)

// The data source types the summary reads.
const (
	TypeBudget   = "guance_billing_budget"
	TypeDetails  = "guance_billing_details"
	TypeForecast = "guance_billing_forecast"
	TypeBalance  = "guance_billing_balance"
)

// Amount is a number as Terraform wrote it in JSON: its exact text, and its value for
// comparisons and proportions. The value is a big.Rat rather than a guance.Decimal because the
// summary divides amounts (shares in percent, sparkline heights) and rounds the quotient half
// away from zero: a big.Rat quotient is exact, where guance's arithmetic divides to
// guance.DivisionPlaces (6) first, and a share such as 12.349999…% would round twice. The text, not the value, is what the summary shows unrounded.
type Amount struct {
	Text  string
	value *big.Rat
}

// Rat returns the amount's exact value.
func (a Amount) Rat() *big.Rat { return new(big.Rat).Set(a.value) }

// jsonNumber is a number as JSON writes it; big.Rat would also take fractions and hexadecimal.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func parseAmount(n json.Number) (Amount, error) {
	v, ok := new(big.Rat).SetString(string(n))
	if !ok || !jsonNumber.MatchString(string(n)) {
		return Amount{}, fmt.Errorf("%q is not a number", string(n))
	}
	return Amount{Text: string(n), value: v}, nil
}

// Summary is what a plan or a state says about Guance billing.
type Summary struct {
	// Kind is "plan" or "state".
	Kind             string
	TerraformVersion string
	// Errored is true for a plan that Terraform could not complete (a postcondition failed,
	// a read failed); the reads it holds are those that were made.
	Errored bool
	Reads   []Read
	// Deferred are the billing reads the plan leaves to the apply: their figures are unknown.
	Deferred []DeferredRead
	// Warnings are the failing check blocks of the plan. Terraform's JSON does not say which
	// values a check block is about, so every failing one is listed.
	Warnings []Finding
	Budgets  Budgets
	// Currency is the plan's variable currency, as the cost-guard module takes it.
	Currency Currency
}

// DeferredRead is a billing read that the plan makes only during the apply.
type DeferredRead struct {
	Address, Type string
}

// Finding is a failed condition: where it is, whether it was evaluated, and what it said.
type Finding struct {
	Address string
	// Error is true when Terraform could not evaluate the condition (status "error").
	Error    bool
	Messages []string
}

// Read is one data source instance read during the plan (or kept in the state).
type Read struct {
	Address string
	// Module is the address of the module that holds the read: "" for the root module.
	Module   string
	Type     string
	Budget   *BudgetRead
	Details  *Details
	Forecast *Forecast
	Balance  *Balance
	// Failures are the messages of the read's failed postconditions; FailureErrors counts those
	// Terraform could not evaluate.
	Failures      []string
	FailureErrors int
}

// Details holds a guance_billing_details read.
type Details struct {
	StartDate, EndDate string
	Total              Amount
	ByProduct          map[string]Amount
	ByDate             map[string]Amount
	ByMonth            map[string]Amount
}

// Forecast holds a guance_billing_forecast read.
type Forecast struct {
	StartDate, EndDate, AsOf   string
	LookbackDays               *Amount
	Actual                     Amount
	Forecast, DailyRate        *Amount
	DaysElapsed, DaysRemaining Amount
	LatestDay, LatestDayRatio  *Amount
	ByProduct, ByDate          map[string]Amount
}

// Balance holds a guance_billing_balance read.
type Balance struct {
	Total                    Amount
	Cash, Coupon, StoredCard *Amount
}

// Parse reads the JSON of `terraform show -json` of a saved plan or of a state. It fails,
// saying why, on anything else (a member name given twice included), and on a plan or state
// without a Guance billing read.
func Parse(raw []byte) (*Summary, error) {
	if err := notShowJSON(raw); err != nil {
		return nil, err
	}
	top, err := scanTopLevel(raw)
	if err != nil {
		return nil, err
	}
	if top.formatVersion == "" {
		return nil, errors.New("the input is JSON but not the output of `terraform show -json`: it has no format_version")
	}
	if !strings.HasPrefix(top.formatVersion, "1.") {
		return nil, fmt.Errorf("the input's format_version is %q; this summary reads format 1.x of `terraform show -json`", top.formatVersion)
	}
	s := &Summary{Kind: "state", Errored: top.errored}
	var (
		values    *tfjson.StateValues
		checks    []tfjson.CheckResultStatic
		variables map[string]*tfjson.PlanVariable
	)
	if top.plan {
		s.Kind = "plan"
		// The reads are in prior_state, which is decoded on its own: terraform-json decodes a
		// plan's prior_state with float64 numbers whatever the plan's UseJSONNumber.
		if top.priorState != nil {
			var prior tfjson.State
			prior.UseJSONNumber(true)
			if err := json.Unmarshal(top.priorState, &prior); err != nil {
				return nil, fmt.Errorf("the input's prior_state is not what `terraform show -json` writes: %w", err)
			}
			values = prior.Values
		}
		var plan tfjson.Plan
		plan.UseJSONNumber(true)
		if err := json.Unmarshal(top.rest, &plan); err != nil {
			return nil, fmt.Errorf("the input is not the JSON of `terraform show -json`: %w", err)
		}
		s.TerraformVersion = plan.TerraformVersion
		checks, variables = plan.Checks, plan.Variables
		s.Deferred = deferredReads(plan.ResourceChanges)
	} else {
		var state tfjson.State
		state.UseJSONNumber(true)
		if err := json.Unmarshal(top.rest, &state); err != nil {
			return nil, fmt.Errorf("the input is not the JSON of `terraform show -json`: %w", err)
		}
		s.TerraformVersion = state.TerraformVersion
		values = state.Values
	}
	if values != nil && values.RootModule != nil {
		if err := collect(values.RootModule, "", &s.Reads); err != nil {
			return nil, err
		}
	}
	if len(s.Reads) == 0 && len(s.Deferred) == 0 {
		msg := fmt.Sprintf("the %s holds no %s, %s, %s or %s read, in any module", s.Kind, TypeBudget, TypeDetails, TypeForecast, TypeBalance)
		if s.Errored {
			msg += "; the plan errored, perhaps before any read was made: see terraform plan's output"
		}
		return nil, errors.New(msg)
	}
	attachChecks(s, checks)
	if s.Budgets, err = budgetsFromVariables(variables); err != nil {
		return nil, err
	}
	if s.Currency, err = currencyFromVariables(variables); err != nil {
		return nil, err
	}
	return s, nil
}

// topLevel is what the summary needs to know before choosing how to decode the document:
// terraform-json's types do not hold "errored".
type topLevel struct {
	formatVersion string
	plan, errored bool
	// priorState is the plan's prior_state, when it has one.
	priorState []byte
	// rest is the document without the records of any read: the plan with its prior_state null,
	// or the state.
	rest []byte
}

// resourceValues is the pointer of a resource's values, in prior_state or in a state.
var resourceValues = regexp.MustCompile(`^/(prior_state/)?values/root_module(/child_modules/\d+)*/resources/\d+/values$`)

// scanTopLevel reads the document once with a validating decoder that refuses a member name
// given twice in any object (which of two amounts to believe would be a guess) and more than
// one JSON value, and notes the top-level members it needs. It leaves out the records of every
// read (a details read's "records": 100,000 of them in a year), which the summary does not
// show and which would cost more to decode than everything else.
func scanTopLevel(raw []byte) (topLevel, error) {
	var top topLevel
	dec := jsontext.NewDecoder(bytes.NewBuffer(raw), jsontext.AllowInvalidUTF8(true))
	notJSON := func(err error) error {
		var syn *jsontext.SyntacticError
		if errors.Is(err, jsontext.ErrDuplicateName) && errors.As(err, &syn) {
			where := "an object"
			if parent := syn.JSONPointer.Parent(); parent == "" {
				where = "the top-level object"
			}
			return fmt.Errorf("the input gives %q twice in %s; which value to believe would be a guess: pass the output of `terraform show -json` unedited",
				syn.JSONPointer.LastToken(), where)
		}
		return fmt.Errorf("the input is not the JSON of `terraform show -json`: %w", err)
	}
	// cuts are the byte ranges of records, each left out as null.
	var cuts [][2]int64
	priorStart, priorEnd := int64(-1), int64(-1)
	if _, err := dec.ReadToken(); err != nil {
		return top, notJSON(err)
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return top, notJSON(err)
		}
		name := tok.String() // before the next read voids the token
		var value []byte
		start := dec.InputOffset()
		switch name {
		case "prior_state", "values":
			if cuts, err = skipRecords(dec, cuts); err != nil {
				return top, notJSON(err)
			}
		default:
			if value, err = dec.ReadValue(); err != nil {
				return top, notJSON(err)
			}
		}
		end := dec.InputOffset()
		switch name {
		case "format_version":
			if err := json.Unmarshal(value, &top.formatVersion); err != nil {
				return top, errors.New("the input's format_version is not a string; pass the output of `terraform show -json`")
			}
		case "planned_values", "resource_changes":
			top.plan = true
		case "prior_state":
			top.plan = true
			priorStart, priorEnd = start, end
		case "errored":
			top.errored = bytes.Equal(value, []byte("true"))
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return top, notJSON(err)
	}
	if _, err := dec.ReadToken(); err == nil {
		return top, errors.New("the input holds more than one JSON value; pass the output of one `terraform show -json`")
	}
	if priorStart < 0 {
		top.rest = withCuts(raw, 0, int64(len(raw)), cuts)
		return top, nil
	}
	// The value starts after the colon and any space that InputOffset had not yet passed.
	for priorStart < priorEnd && raw[priorStart] != '{' && raw[priorStart] != 'n' {
		priorStart++
	}
	top.priorState = withCuts(raw, priorStart, priorEnd, cuts)
	top.rest = slices.Concat(raw[:priorStart], []byte("null"), raw[priorEnd:])
	return top, nil
}

// skipRecords reads one value from dec, token by token, noting in cuts where the records member
// of each resource's values is.
func skipRecords(dec *jsontext.Decoder, cuts [][2]int64) ([][2]int64, error) {
	depth := dec.StackDepth()
	for {
		kind, length := dec.StackIndex(dec.StackDepth())
		if kind == '{' && length%2 == 0 && dec.PeekKind() == '"' {
			tok, err := dec.ReadToken()
			if err != nil {
				return cuts, err
			}
			if tok.String() == "records" && resourceValues.MatchString(string(dec.StackPointer().Parent())) {
				value, err := dec.ReadValue()
				if err != nil {
					return cuts, err
				}
				end := dec.InputOffset()
				cuts = append(cuts, [2]int64{end - int64(len(value)), end})
			}
			continue
		}
		if _, err := dec.ReadToken(); err != nil {
			return cuts, err
		}
		if dec.StackDepth() == depth {
			return cuts, nil
		}
	}
}

// withCuts is raw[start:end] with each cut within it replaced by null.
func withCuts(raw []byte, start, end int64, cuts [][2]int64) []byte {
	var out []byte
	at := start
	for _, c := range cuts {
		if c[0] < start || c[1] > end {
			continue
		}
		out = append(out, raw[at:c[0]]...)
		out = append(out, "null"...)
		at = c[1]
	}
	if out == nil {
		return raw[start:end]
	}
	return append(out, raw[at:end]...)
}

// notShowJSON recognises the inputs people pass by mistake and says what to pass instead.
func notShowJSON(raw []byte) error {
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) == 0:
		return errors.New("the input is empty; pass a plan file, or the output of `terraform show -json PLANFILE` (or of `terraform show -json` for a state)")
	case IsPlanFile(raw):
		return errors.New("the input is a binary plan file; pass it as a file argument (guance-cost-summary runs `terraform show -json` on it), or pass the output of `terraform show -json PLANFILE`")
	case trimmed[0] != '{':
		return errors.New("the input is not the JSON of `terraform show -json`: it does not start with a JSON object")
	case bytes.Contains(trimmed, []byte(`"@level"`)) && bytes.Contains(trimmed, []byte("\n{")):
		return errors.New("the input looks like the streamed UI of `terraform plan -json`; pass the output of `terraform show -json PLANFILE` instead")
	}
	return nil
}

// IsPlanFile reports whether raw starts as a saved plan file does: a zip archive.
func IsPlanFile(raw []byte) bool {
	return bytes.HasPrefix(raw, []byte("PK\x03\x04"))
}

func isBillingType(t string) bool {
	return t == TypeBudget || t == TypeDetails || t == TypeForecast || t == TypeBalance
}

// deferredReads lists the billing reads that the plan makes only during the apply.
func deferredReads(changes []*tfjson.ResourceChange) []DeferredRead {
	var deferred []DeferredRead
	for _, c := range changes {
		if c != nil && c.Mode == tfjson.DataResourceMode && isBillingType(c.Type) && c.Change != nil && c.Change.Actions.Read() {
			deferred = append(deferred, DeferredRead{Address: c.Address, Type: c.Type})
		}
	}
	return deferred
}

func collect(m *tfjson.StateModule, parent string, reads *[]Read) error {
	address := cmpOr(m.Address, parent)
	for _, r := range m.Resources {
		if r == nil || r.Mode != tfjson.DataResourceMode || !isBillingType(r.Type) {
			continue
		}
		read, err := decodeRead(r, address, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Address, err)
		}
		*reads = append(*reads, read)
	}
	for _, child := range m.ChildModules {
		if child == nil {
			continue
		}
		if err := collect(child, address, reads); err != nil {
			return err
		}
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// fields reads a read's values, keeping numbers as their text; it keeps the first error. It
// notes each attribute it looks up in seen, by its path ("findings.message" for a member of a
// nested object), so that a test can hold the summary's attribute names to the provider's schema.
type fields struct {
	values map[string]any
	err    error
	path   string
	seen   map[string]bool
}

func (f *fields) fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf(format, args...)
	}
}

// get returns the attribute's value, failing when the attribute is missing.
func (f *fields) get(name string) (any, bool) {
	if f.seen != nil {
		f.seen[f.path+name] = true
	}
	if f.err != nil {
		return nil, false
	}
	v, ok := f.values[name]
	if !ok {
		f.fail("it has no %s: is it this provider's data source, and is the provider up to date?", name)
		return nil, false
	}
	return v, true
}

func (f *fields) optionalStr(name string) *string {
	v, ok := f.get(name)
	if !ok || v == nil {
		return nil
	}
	s, isString := v.(string)
	if !isString {
		f.fail("its %s is not what the provider writes: %s is not a string", name, describe(v))
		return nil
	}
	return &s
}

func (f *fields) str(name string) string {
	s := f.optionalStr(name)
	if s == nil {
		if f.err == nil {
			f.fail("its %s is null", name)
		}
		return ""
	}
	return *s
}

func (f *fields) amount(name string) Amount {
	a := f.optionalAmount(name)
	if a == nil {
		f.fail("its %s is null", name)
		return Amount{}
	}
	return *a
}

func (f *fields) optionalAmount(name string) *Amount {
	v, ok := f.get(name)
	if !ok || v == nil {
		return nil
	}
	a, err := toAmount(v)
	if err != nil {
		f.fail("its %s is not what the provider writes: %w", name, err)
		return nil
	}
	return &a
}

// toAmount is an amount from the plan, which Terraform writes as a plain decimal, never with an
// exponent (cty writes big.Float.Text('f', -1)). An exponent means the JSON was not written by
// Terraform, and expanded it would turn 8 bytes of input such as 1e999999 into a million
// digits.
func toAmount(v any) (Amount, error) {
	n, ok := v.(json.Number)
	if !ok {
		return Amount{}, fmt.Errorf("%s is not a number", describe(v))
	}
	if strings.ContainsAny(string(n), "eE") {
		return Amount{}, fmt.Errorf("%q is not written as Terraform writes numbers (a plain decimal, without an exponent)", string(n))
	}
	return parseAmount(n)
}

func (f *fields) amounts(name string) map[string]Amount {
	return mapEntries(f, name, func(key string, item any) (Amount, bool) {
		a, err := toAmount(item)
		if err != nil {
			f.fail("its %s[%q] is not what the provider writes: %w", name, key, err)
		}
		return a, err == nil
	})
}

// mapEntries decodes the map attribute name entry by entry: nil when it is absent or null,
// or when it is not a map or an entry fails (f and decode say why).
func mapEntries[T any](f *fields, name string, decode func(key string, item any) (T, bool)) map[string]T {
	v, ok := f.get(name)
	if !ok || v == nil {
		return nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		f.fail("its %s is not what the provider writes: %s is not a map", name, describe(v))
		return nil
	}
	out := make(map[string]T, len(m))
	for key, item := range m {
		value, ok := decode(key, item)
		if !ok {
			return nil
		}
		out[key] = value
	}
	return out
}

// describe names a JSON value in an error without repeating a long or hostile value.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", clean(truncate(v, 40)))
	case bool:
		return fmt.Sprintf("%t", v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%v", v)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func decodeRead(r *tfjson.StateResource, module string, seen map[string]bool) (Read, error) {
	read := Read{Address: r.Address, Module: module, Type: r.Type}
	f := fields{values: r.AttributeValues, seen: seen}
	if f.values == nil {
		return read, errors.New("its values are not a JSON object")
	}
	switch r.Type {
	case TypeBudget:
		read.Budget = decodeBudget(&f)
	case TypeDetails:
		read.Details = &Details{
			StartDate: f.str("start_date"),
			EndDate:   f.str("end_date"),
			Total:     f.amount("total_billing_result"),
			ByProduct: f.amounts("totals_by_product"),
			ByDate:    f.amounts("totals_by_date"),
			ByMonth:   f.amounts("totals_by_month"),
		}
	case TypeForecast:
		read.Forecast = &Forecast{
			StartDate:      f.str("start_date"),
			EndDate:        f.str("end_date"),
			AsOf:           f.str("as_of"),
			LookbackDays:   f.optionalAmount("lookback_days"),
			Actual:         f.amount("actual_billing_result"),
			Forecast:       f.optionalAmount("forecast_billing_result"),
			DailyRate:      f.optionalAmount("daily_run_rate"),
			DaysElapsed:    f.amount("days_elapsed"),
			DaysRemaining:  f.amount("days_remaining"),
			LatestDay:      f.optionalAmount("latest_day_billing_result"),
			LatestDayRatio: f.optionalAmount("latest_day_ratio"),
			ByProduct:      f.amounts("forecast_by_product"),
			ByDate:         f.amounts("totals_by_date"),
		}
	case TypeBalance:
		read.Balance = &Balance{
			Total:      f.amount("total_balance"),
			Cash:       f.optionalAmount("cash_balance"),
			Coupon:     f.optionalAmount("coupon_balance"),
			StoredCard: f.optionalAmount("stored_card_balance"),
		}
	}
	return read, f.err
}

// attachChecks gives each read its failed postconditions and keeps the failing check blocks.
// A condition Terraform could not evaluate (status "error") is reported as failed: a guard that
// could not decide did not pass.
func attachChecks(s *Summary, checks []tfjson.CheckResultStatic) {
	byAddress := make(map[string]*Read, len(s.Reads))
	for i := range s.Reads {
		byAddress[s.Reads[i].Address] = &s.Reads[i]
	}
	for _, c := range checks {
		for _, inst := range c.Instances {
			if inst.Status != tfjson.CheckStatusFail && inst.Status != tfjson.CheckStatusError {
				continue
			}
			isError := inst.Status == tfjson.CheckStatusError
			messages := make([]string, 0, len(inst.Problems))
			for _, p := range inst.Problems {
				messages = append(messages, p.Message)
			}
			if len(messages) == 0 {
				messages = append(messages, "the condition could not be evaluated")
			}
			switch c.Address.Kind {
			case tfjson.CheckKindResource:
				if read, ok := byAddress[inst.Address.ToDisplay]; ok {
					read.Failures = append(read.Failures, messages...)
					if isError {
						read.FailureErrors += len(messages)
					}
				}
			case tfjson.CheckKindCheckBlock:
				s.Warnings = append(s.Warnings, Finding{Address: inst.Address.ToDisplay, Error: isError, Messages: messages})
			}
		}
	}
}

// HasBudgetReads reports whether the plan reads a guance_billing_budget: its decisions are then
// the only budgets.
func (s *Summary) HasBudgetReads() bool {
	for _, r := range s.Reads {
		if r.Budget != nil {
			return true
		}
	}
	return false
}

// Clean makes text safe to print in a terminal: control characters and bidirectional overrides
// become U+FFFD.
func Clean(s string) string { return clean(s) }

// ReadAttributes are the attributes the summary reads, by data source type: a nested object's
// member as "attribute.member". TestReadAttributesAreThoseTheDecodersRead holds the decoders to
// this list, and the provider's TestCostSummaryReadsAttributesOfTheSchema holds the list to the
// provider's schema, so that renaming an attribute fails a test rather than the summary.
var ReadAttributes = map[string][]string{
	TypeBudget: {
		"start_date", "end_date", "as_of", "name", "amount", "actual_billing_result", "totals_by_date", "forecast_billing_result",
		"actual_percent", "forecast_percent", "previous_billing_result", "change_percent", "balance", "runway_days", "status",
		"by_product", "by_product.actual", "by_product.forecast", "by_product.amount", "by_product.actual_percent",
		"by_product.forecast_percent", "by_product.previous", "by_product.status",
		"findings", "findings.action", "findings.basis", "findings.scope", "findings.message", "findings.value",
		"findings.limit", "findings.percent",
	},
	TypeDetails: {"start_date", "end_date", "total_billing_result", "totals_by_product", "totals_by_date", "totals_by_month"},
	TypeForecast: {
		"start_date", "end_date", "as_of", "lookback_days", "actual_billing_result", "forecast_billing_result", "daily_run_rate",
		"days_elapsed", "days_remaining", "latest_day_billing_result", "latest_day_ratio", "forecast_by_product", "totals_by_date",
	},
	TypeBalance: {"total_balance", "cash_balance", "coupon_balance", "stored_card_balance"},
}
