package costsummary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Budgets are what the summary measures spending and the balance against. Monthly applies to
// the total of every guance_billing_details read and to the forecast of every
// guance_billing_forecast read; Products to each product's total (or forecast) by its
// product_detail; BalanceFloor to every guance_billing_balance read.
type Budgets struct {
	Monthly      *Amount
	Products     map[string]Amount
	BalanceFloor *Amount
	// Currency is what the budgets file states the amounts are in; "" when it does not.
	Currency Currency
	// Source says where the budgets came from, for the summary's footnote.
	Source string
}

// budgetFile is the budgets file of the OPA recipe, examples/ci/policy/budgets.json.
type budgetFile struct {
	Budgets *struct {
		Monthly      *json.Number           `json:"monthly"`
		Products     map[string]json.Number `json:"products"`
		BalanceFloor *json.Number           `json:"balance_floor"`
		Currency     string                 `json:"currency"`
	} `json:"guance_budgets"`
}

// ReadBudgets reads budgets from a file shaped like the OPA recipe's budgets.json:
// {"guance_budgets": {"monthly": 100000, "products": {"Log": 50000}, "balance_floor": 5000}};
// each member may be left out.
func ReadBudgets(r io.Reader, name string) (Budgets, error) {
	var f budgetFile
	dec := json.NewDecoder(r)
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Budgets{}, fmt.Errorf("budgets file %s: %w; it should look like {\"guance_budgets\": {\"monthly\": 100000, \"products\": {\"Log\": 50000}, \"balance_floor\": 5000}}", name, err)
	}
	if f.Budgets == nil {
		return Budgets{}, fmt.Errorf("budgets file %s has no guance_budgets object", name)
	}
	b := Budgets{Source: name}
	var err error
	if b.Currency, err = ParseCurrency(f.Budgets.Currency, "currency"); err != nil {
		return Budgets{}, fmt.Errorf("budgets file %s: %w", name, err)
	}
	if b.Monthly, err = positiveBudget("monthly", f.Budgets.Monthly); err != nil {
		return Budgets{}, fmt.Errorf("budgets file %s: %w", name, err)
	}
	if f.Budgets.BalanceFloor != nil {
		floor, err := parseAmount(*f.Budgets.BalanceFloor)
		if err != nil {
			return Budgets{}, fmt.Errorf("budgets file %s: balance_floor: %w", name, err)
		}
		b.BalanceFloor = &floor
	}
	for product, n := range f.Budgets.Products {
		budget, err := positiveBudget("products["+product+"]", &n)
		if err != nil {
			return Budgets{}, fmt.Errorf("budgets file %s: %w", name, err)
		}
		if b.Products == nil {
			b.Products = map[string]Amount{}
		}
		b.Products[product] = *budget
	}
	return b, nil
}

func positiveBudget(name string, n *json.Number) (*Amount, error) {
	if n == nil {
		return nil, nil
	}
	a, err := parseAmount(*n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if a.value.Sign() <= 0 {
		return nil, fmt.Errorf("%s is %s; a budget must be a positive amount", name, a.Text)
	}
	return &a, nil
}

// budgetsFromVariables takes the budgets from a plan's root-module variables named as in
// examples/cost-guard: monthly_budget, product_budgets and balance_floor. A variable of
// another shape is an error, not a silently missing budget.
func budgetsFromVariables(vars map[string]variable) (Budgets, error) {
	b := Budgets{Source: "the plan's variables monthly_budget, product_budgets and balance_floor"}
	number := func(name string) (*Amount, error) {
		v, ok := vars[name]
		if !ok || isNull(v.Value) {
			return nil, nil
		}
		var n json.Number
		if err := decodeJSON(v.Value, &n); err != nil {
			return nil, fmt.Errorf("the plan's variable %s is not a number (%s); rename it, or pass -budgets", name, v.Value)
		}
		a, err := terraformAmount(n)
		return &a, err
	}
	var err error
	if b.Monthly, err = number("monthly_budget"); err != nil {
		return Budgets{}, err
	}
	if b.BalanceFloor, err = number("balance_floor"); err != nil {
		return Budgets{}, err
	}
	if v, ok := vars["product_budgets"]; ok && !isNull(v.Value) {
		var m map[string]json.Number
		if err := decodeJSON(v.Value, &m); err != nil {
			return Budgets{}, fmt.Errorf("the plan's variable product_budgets is not a map of numbers; rename it, or pass -budgets")
		}
		b.Products = make(map[string]Amount, len(m))
		for product, n := range m {
			if b.Products[product], err = terraformAmount(n); err != nil {
				return Budgets{}, fmt.Errorf("the plan's variable product_budgets[%q]: %w", product, err)
			}
		}
	}
	if b.Monthly == nil && b.BalanceFloor == nil && len(b.Products) == 0 {
		return Budgets{}, nil
	}
	return b, nil
}

// currencyFromVariables reads the plan's variable currency, when it has one.
func currencyFromVariables(vars map[string]variable) (Currency, error) {
	v, ok := vars["currency"]
	if !ok || isNull(v.Value) {
		return "", nil
	}
	var text string
	if err := decodeJSON(v.Value, &text); err != nil {
		return "", fmt.Errorf("the plan's variable currency is not a string (%s); rename it, or pass -currency", v.Value)
	}
	c, err := ParseCurrency(text, "the plan's variable currency")
	if err != nil {
		return "", fmt.Errorf("%w; or pass -currency", err)
	}
	return c, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// decodeJSON decodes raw into into, keeping numbers as their text.
func decodeJSON(raw json.RawMessage, into any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(into)
}

// Any reports whether there is any budget at all.
func (b Budgets) Any() bool {
	return b.Monthly != nil || b.BalanceFloor != nil || len(b.Products) > 0
}
