// Package costsummary turns the JSON of `terraform show -json` (a saved plan or a state) into a
// summary of the Guance billing it read: each guance_billing_details, guance_billing_forecast
// and guance_billing_balance read in any module, the postconditions and check blocks that
// failed, and the budgets used. It renders Markdown (for a CI step summary or a pull-request
// comment) and plain text (for a terminal) with the same content.
//
// Amounts are shown as the JSON text Terraform wrote, never recomputed. Shares, budget use and
// trend heights are derived with exact rational arithmetic and shown rounded down to a tenth.
package costsummary

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
)

// The data source types the summary reads.
const (
	TypeDetails  = "guance_billing_details"
	TypeForecast = "guance_billing_forecast"
	TypeBalance  = "guance_billing_balance"
)

// Amount is a number as Terraform wrote it in JSON: its exact text, and its value for
// comparisons and proportions.
type Amount struct {
	Text  string
	value *big.Rat
}

// Rat returns the amount's exact value.
func (a Amount) Rat() *big.Rat { return new(big.Rat).Set(a.value) }

// terraformAmount is an amount from the plan, which Terraform writes as a plain decimal, never
// with an exponent (cty writes big.Float.Text('f', -1)). An exponent means the JSON was not
// written by Terraform, and shown as written it would break the charts (Mermaid reads no
// exponent) or, expanded, turn 8 bytes of input such as 1e999999 into a million digits.
func terraformAmount(n json.Number) (Amount, error) {
	if strings.ContainsAny(string(n), "eE") {
		return Amount{}, fmt.Errorf("%q is not written as Terraform writes numbers (a plain decimal, without an exponent)", string(n))
	}
	return parseAmount(n)
}

func parseAmount(n json.Number) (Amount, error) {
	v, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return Amount{}, fmt.Errorf("%q is not a number", string(n))
	}
	return Amount{Text: string(n), value: v}, nil
}

// document is the part of `terraform show -json` the summary reads. A plan has format_version
// with planned_values, resource_changes, prior_state and checks; a state has values.
type document struct {
	FormatVersion    *string                        `json:"format_version"`
	TerraformVersion string                         `json:"terraform_version"`
	Values           *stateValues                   `json:"values"`
	PriorState       *struct{ Values *stateValues } `json:"prior_state"`
	PlannedValues    json.RawMessage                `json:"planned_values"`
	ResourceChanges  []resourceChange               `json:"resource_changes"`
	Variables        map[string]variable            `json:"variables"`
	Checks           []checkResult                  `json:"checks"`
	Errored          bool                           `json:"errored"`
}

type stateValues struct {
	RootModule module `json:"root_module"`
}

type module struct {
	Address      string     `json:"address"`
	Resources    []resource `json:"resources"`
	ChildModules []module   `json:"child_modules"`
}

type resource struct {
	Address string          `json:"address"`
	Mode    string          `json:"mode"`
	Type    string          `json:"type"`
	Values  json.RawMessage `json:"values"`
}

type resourceChange struct {
	Address      string `json:"address"`
	Mode         string `json:"mode"`
	Type         string `json:"type"`
	ActionReason string `json:"action_reason"`
	Change       struct {
		Actions []string `json:"actions"`
	} `json:"change"`
}

type variable struct {
	Value json.RawMessage `json:"value"`
}

type checkResult struct {
	Address struct {
		Kind      string `json:"kind"`
		Type      string `json:"type"`
		ToDisplay string `json:"to_display"`
	} `json:"address"`
	Status    string `json:"status"`
	Instances []struct {
		Address struct {
			ToDisplay string `json:"to_display"`
		} `json:"address"`
		Status   string `json:"status"`
		Problems []struct {
			Message string `json:"message"`
		} `json:"problems"`
	} `json:"instances"`
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
	// Warnings are the failing check blocks of the plan. Terraform's JSON does not say which
	// values a check block is about, so every failing one is listed.
	Warnings []Finding
	Budgets  Budgets
	// Currency is the plan's variable currency, as the cost-guard module takes it.
	Currency Currency
}

// Finding is a failed condition: where it is and what it said.
type Finding struct {
	Address  string
	Messages []string
}

// Read is one data source instance read during the plan (or kept in the state).
type Read struct {
	Address string
	// Module is the address of the module that holds the read: "" for the root module.
	Module   string
	Type     string
	Details  *Details
	Forecast *Forecast
	Balance  *Balance
	// Failures are the messages of the read's failed postconditions.
	Failures []string
}

// Details holds a guance_billing_details read.
type Details struct {
	StartDate, EndDate string
	Total              Amount
	ByProduct          map[string]Amount
	ByDate             map[string]Amount
}

// Forecast holds a guance_billing_forecast read.
type Forecast struct {
	StartDate, EndDate, AsOf    string
	Actual, Forecast, DailyRate Amount
	DaysElapsed, DaysRemaining  Amount
	LatestDay                   *Amount
	LatestDayRatio              *Amount
	ByProduct, ByDate           map[string]Amount
}

// Balance holds a guance_billing_balance read.
type Balance struct {
	Total                    Amount
	Cash, Coupon, StoredCard *Amount
}

// Parse reads the JSON of `terraform show -json` of a saved plan or of a state. It fails,
// saying why, on anything else, on a plan or state without a Guance billing read, and on a
// plan that defers a billing read to the apply (its figures are unknown while planning).
func Parse(r io.Reader) (*Summary, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading the input: %w", err)
	}
	if err := notShowJSON(raw); err != nil {
		return nil, err
	}
	var doc document
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("the input is not the JSON of `terraform show -json`: %w", err)
	}
	if dec.More() {
		return nil, errors.New("the input holds more than one JSON value; pass the output of one `terraform show -json`")
	}
	if doc.FormatVersion == nil {
		return nil, errors.New("the input is JSON but not the output of `terraform show -json`: it has no format_version")
	}
	if !strings.HasPrefix(*doc.FormatVersion, "1.") {
		return nil, fmt.Errorf("the input's format_version is %q; this summary reads format 1.x of `terraform show -json`", *doc.FormatVersion)
	}

	s := &Summary{Kind: "state", TerraformVersion: doc.TerraformVersion, Errored: doc.Errored}
	values := doc.Values
	if doc.PlannedValues != nil || doc.ResourceChanges != nil || doc.PriorState != nil {
		s.Kind = "plan"
		values = nil
		if doc.PriorState != nil {
			values = doc.PriorState.Values
		}
		if err := deferredReads(doc.ResourceChanges); err != nil {
			return nil, err
		}
	}
	if values != nil {
		if err := collect(&values.RootModule, &s.Reads); err != nil {
			return nil, err
		}
	}
	if len(s.Reads) == 0 {
		what := "the state"
		if s.Kind == "plan" {
			what = "the plan"
		}
		msg := fmt.Sprintf("%s holds no %s, %s or %s read, in any module", what, TypeDetails, TypeForecast, TypeBalance)
		if doc.Errored {
			msg += "; the plan errored, perhaps before any read was made: see terraform plan's output"
		}
		return nil, errors.New(msg)
	}
	attachChecks(s, doc.Checks)
	if s.Budgets, err = budgetsFromVariables(doc.Variables); err != nil {
		return nil, err
	}
	if s.Currency, err = currencyFromVariables(doc.Variables); err != nil {
		return nil, err
	}
	return s, nil
}

// notShowJSON recognises the inputs people pass by mistake and says what to pass instead.
func notShowJSON(raw []byte) error {
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) == 0:
		return errors.New("the input is empty; pass the output of `terraform show -json PLANFILE` (or of `terraform show -json` for a state)")
	case bytes.HasPrefix(raw, []byte("PK\x03\x04")):
		return errors.New("the input is a binary plan file; pass the output of `terraform show -json PLANFILE` instead")
	case trimmed[0] != '{':
		return errors.New("the input is not the JSON of `terraform show -json`: it does not start with a JSON object")
	case bytes.Contains(trimmed, []byte(`"@level"`)) && bytes.Contains(trimmed, []byte("\n{")):
		return errors.New("the input looks like the streamed UI of `terraform plan -json`; pass the output of `terraform show -json PLANFILE` instead")
	}
	return nil
}

func isBillingType(t string) bool {
	return t == TypeDetails || t == TypeForecast || t == TypeBalance
}

// deferredReads fails when the plan reads a billing data source only during the apply.
func deferredReads(changes []resourceChange) error {
	var deferred []string
	for _, c := range changes {
		if c.Mode == "data" && isBillingType(c.Type) && slices.Contains(c.Change.Actions, "read") {
			deferred = append(deferred, c.Address)
		}
	}
	if len(deferred) == 0 {
		return nil
	}
	return fmt.Errorf("the plan reads %s only during the apply, so its figures are unknown in the plan and nothing is summarised: "+
		"compute the period from values known while planning (plantimestamp(), not timestamp()), "+
		"and do not make the read depend on resources not yet created", strings.Join(deferred, ", "))
}

func collect(m *module, reads *[]Read) error {
	for _, r := range m.Resources {
		if r.Mode != "data" || !isBillingType(r.Type) {
			continue
		}
		read, err := decodeRead(r, m.Address)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Address, err)
		}
		*reads = append(*reads, read)
	}
	for i := range m.ChildModules {
		if err := collect(&m.ChildModules[i], reads); err != nil {
			return err
		}
	}
	return nil
}

// fields reads a read's values, keeping numbers as their text; it keeps the first error.
type fields struct {
	values map[string]json.RawMessage
	err    error
}

func (f *fields) decode(name string, into any) bool {
	if f.err != nil {
		return false
	}
	raw, ok := f.values[name]
	if !ok {
		f.err = fmt.Errorf("it has no %s: is it this provider's data source, and is the provider up to date?", name)
		return false
	}
	if err := decodeJSON(raw, into); err != nil {
		f.err = fmt.Errorf("its %s is not what the provider writes: %w", name, err)
		return false
	}
	return true
}

func (f *fields) str(name string) string {
	var s *string
	if f.decode(name, &s) && s == nil {
		f.err = fmt.Errorf("its %s is null", name)
	}
	if s == nil {
		return ""
	}
	return *s
}

func (f *fields) amount(name string) Amount {
	a := f.optionalAmount(name)
	if a == nil {
		if f.err == nil {
			f.err = fmt.Errorf("its %s is null", name)
		}
		return Amount{}
	}
	return *a
}

func (f *fields) optionalAmount(name string) *Amount {
	var n *json.Number
	if !f.decode(name, &n) || n == nil {
		return nil
	}
	a, err := terraformAmount(*n)
	if err != nil {
		f.err = fmt.Errorf("its %s: %w", name, err)
		return nil
	}
	return &a
}

func (f *fields) amounts(name string) map[string]Amount {
	var m map[string]json.Number
	if !f.decode(name, &m) {
		return nil
	}
	out := make(map[string]Amount, len(m))
	for k, n := range m {
		a, err := terraformAmount(n)
		if err != nil {
			f.err = fmt.Errorf("its %s[%q]: %w", name, k, err)
			return nil
		}
		out[k] = a
	}
	return out
}

func decodeRead(r resource, module string) (Read, error) {
	read := Read{Address: r.Address, Module: module, Type: r.Type}
	f := fields{}
	if err := json.Unmarshal(r.Values, &f.values); err != nil || f.values == nil {
		return read, errors.New("its values are not a JSON object")
	}
	switch r.Type {
	case TypeDetails:
		read.Details = &Details{
			StartDate: f.str("start_date"),
			EndDate:   f.str("end_date"),
			Total:     f.amount("total_billing_result"),
			ByProduct: f.amounts("totals_by_product"),
			ByDate:    f.amounts("totals_by_date"),
		}
	case TypeForecast:
		read.Forecast = &Forecast{
			StartDate:      f.str("start_date"),
			EndDate:        f.str("end_date"),
			AsOf:           f.str("as_of"),
			Actual:         f.amount("actual_billing_result"),
			Forecast:       f.amount("forecast_billing_result"),
			DailyRate:      f.amount("daily_run_rate"),
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
func attachChecks(s *Summary, checks []checkResult) {
	byAddress := make(map[string]*Read, len(s.Reads))
	for i := range s.Reads {
		byAddress[s.Reads[i].Address] = &s.Reads[i]
	}
	for _, c := range checks {
		for _, inst := range c.Instances {
			if inst.Status != "fail" && inst.Status != "error" {
				continue
			}
			messages := make([]string, 0, len(inst.Problems))
			for _, p := range inst.Problems {
				messages = append(messages, p.Message)
			}
			if len(messages) == 0 {
				messages = append(messages, "the condition could not be evaluated")
			}
			switch c.Address.Kind {
			case "resource":
				if read, ok := byAddress[inst.Address.ToDisplay]; ok {
					read.Failures = append(read.Failures, messages...)
				}
			case "check":
				s.Warnings = append(s.Warnings, Finding{Address: inst.Address.ToDisplay, Messages: messages})
			}
		}
	}
}
