package costsummary

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	tfjson "github.com/hashicorp/terraform-json"
)

// Budgets are the budgets of a plan without a guance_billing_budget read: from a budgets file or
// the plan's variables. Monthly applies to the total of each guance_billing_details read, and to
// the actual and forecast of each guance_billing_forecast read, whose period is one calendar
// month, and to no other read; Products to each such read's products by their product_detail;
// BalanceFloor to every guance_billing_balance read.
type Budgets struct {
	Monthly      *Amount
	Products     map[string]Amount
	BalanceFloor *Amount
	// Currency is what the budgets file states the amounts are in; "" when it does not.
	Currency Currency
	// Source says where the budgets came from, for the summary's footnote.
	Source string
}

// budgetFile is a budgets file, as the OPA recipe's was before the budget decision: for a plan
// (or a state) made without guance_billing_budget.
type budgetFile struct {
	Budgets *struct {
		Monthly      *json.Number           `json:"monthly"`
		Products     map[string]json.Number `json:"products"`
		BalanceFloor *json.Number           `json:"balance_floor"`
		Currency     string                 `json:"currency"`
	} `json:"guance_budgets"`
}

// ReadBudgets reads budgets from a budgets file:
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
// examples/cost-guard before it read a guance_billing_budget: monthly_budget, product_budgets
// and balance_floor. A variable of another shape is an error, not a silently missing budget.
func budgetsFromVariables(vars map[string]*tfjson.PlanVariable) (Budgets, error) {
	b := Budgets{Source: "the plan's variables monthly_budget, product_budgets and balance_floor"}
	value := func(name string) any {
		if v, ok := vars[name]; ok && v != nil {
			return v.Value
		}
		return nil
	}
	number := func(name string) (*Amount, error) {
		v := value(name)
		if v == nil {
			return nil, nil
		}
		if text, ok := v.(string); ok {
			// A -var on the command line is recorded as the text given.
			v = json.Number(text)
		}
		a, err := toAmount(v)
		if err != nil {
			return nil, fmt.Errorf("the plan's variable %s: %w; rename it, or pass -budgets", name, err)
		}
		return &a, nil
	}
	var err error
	if b.Monthly, err = number("monthly_budget"); err != nil {
		return Budgets{}, err
	}
	if b.BalanceFloor, err = number("balance_floor"); err != nil {
		return Budgets{}, err
	}
	if v := value("product_budgets"); v != nil {
		m, ok := v.(map[string]any)
		if !ok {
			return Budgets{}, errors.New("the plan's variable product_budgets is not a map of numbers; rename it, or pass -budgets")
		}
		b.Products = make(map[string]Amount, len(m))
		for product, n := range m {
			if b.Products[product], err = toAmount(n); err != nil {
				return Budgets{}, fmt.Errorf("the plan's variable product_budgets[%q]: %w", clean(product), err)
			}
		}
	}
	if b.Monthly == nil && b.BalanceFloor == nil && len(b.Products) == 0 {
		return Budgets{}, nil
	}
	return b, nil
}

// currencyFromVariables reads the plan's variable currency, when it has one.
func currencyFromVariables(vars map[string]*tfjson.PlanVariable) (Currency, error) {
	v, ok := vars["currency"]
	if !ok || v == nil || v.Value == nil {
		return "", nil
	}
	text, ok := v.Value.(string)
	if !ok {
		return "", fmt.Errorf("the plan's variable currency is %s, not a string; rename it, or pass -currency", describe(v.Value))
	}
	c, err := ParseCurrency(text, "the plan's variable currency")
	if err != nil {
		return "", fmt.Errorf("%w; or pass -currency", err)
	}
	return c, nil
}

// Any reports whether there is any budget at all.
func (b Budgets) Any() bool {
	return b.Monthly != nil || b.BalanceFloor != nil || len(b.Products) > 0
}
