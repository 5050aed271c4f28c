package costsummary

import (
	"fmt"
	"slices"
	"strings"
)

// BudgetRead holds a guance_billing_budget read: the provider's decision, which the summary
// shows and never recomputes.
type BudgetRead struct {
	Name                           string
	StartDate, EndDate, AsOf       string
	Amount                         *Amount
	Actual                         Amount
	Forecast                       *Amount
	ActualPercent, ForecastPercent *Amount
	Previous, ChangePercent        *Amount
	ByProduct                      map[string]ProductBudget
	Balance, RunwayDays            *Amount
	Findings                       []BudgetFinding
	Status                         string
	// ByDate is the elapsed days' bills of the budget's own period, for its chart.
	ByDate map[string]Amount
}

// ProductBudget is one product's part of a budget decision.
type ProductBudget struct {
	Actual, Forecast, Amount, ActualPercent, ForecastPercent, Previous *Amount
	Status                                                             string
}

// BudgetFinding is one threshold, daily limit or runway the decision found crossed.
type BudgetFinding struct {
	Action, Basis, Scope, Message string
	Value, Limit, Percent         *Amount
}

// The statuses and actions of a budget decision, from the least to the most severe.
var budgetStatuses = []string{"ok", "warn", "block"}

func (f *fields) status(name string, allowed []string) string {
	s := f.str(name)
	if f.err == nil && !slices.Contains(allowed, s) {
		f.fail("its %s is %q, none of %s: is the provider newer than this summary?", name, clean(truncate(s, 20)), strings.Join(allowed, ", "))
	}
	return s
}

func decodeBudget(f *fields) *BudgetRead {
	b := &BudgetRead{
		StartDate:       f.str("start_date"),
		EndDate:         f.str("end_date"),
		AsOf:            f.str("as_of"),
		Amount:          f.optionalAmount("amount"),
		Actual:          f.amount("actual_billing_result"),
		Forecast:        f.optionalAmount("forecast_billing_result"),
		ActualPercent:   f.optionalAmount("actual_percent"),
		ForecastPercent: f.optionalAmount("forecast_percent"),
		Previous:        f.optionalAmount("previous_billing_result"),
		ChangePercent:   f.optionalAmount("change_percent"),
		Balance:         f.optionalAmount("balance"),
		RunwayDays:      f.optionalAmount("runway_days"),
		Status:          f.status("status", budgetStatuses),
		ByDate:          f.amounts("totals_by_date"),
	}
	if name := f.optionalStr("name"); name != nil {
		b.Name = *name
	}
	b.ByProduct = decodeObjects(f, "by_product", func(g *fields) ProductBudget {
		return ProductBudget{
			Actual:          g.optionalAmount("actual"),
			Forecast:        g.optionalAmount("forecast"),
			Amount:          g.optionalAmount("amount"),
			ActualPercent:   g.optionalAmount("actual_percent"),
			ForecastPercent: g.optionalAmount("forecast_percent"),
			Previous:        g.optionalAmount("previous"),
			Status:          g.status("status", budgetStatuses),
		}
	})
	if v, ok := f.get("findings"); ok && v != nil {
		list, isList := v.([]any)
		if !isList {
			f.fail("its findings is not what the provider writes: %s is not a list", describe(v))
			return b
		}
		for i, item := range list {
			g := objectFields(f, "findings", fmt.Sprintf("findings[%d]", i), item)
			if g == nil {
				return b
			}
			finding := BudgetFinding{
				Action:  g.status("action", []string{"warn", "block"}),
				Basis:   g.str("basis"),
				Scope:   g.str("scope"),
				Message: g.str("message"),
				Value:   g.optionalAmount("value"),
				Limit:   g.optionalAmount("limit"),
				Percent: g.optionalAmount("percent"),
			}
			if g.err != nil {
				f.fail("its findings[%d]: %w", i, g.err)
				return b
			}
			b.Findings = append(b.Findings, finding)
		}
	}
	return b
}

// objectFields reads item, the member where of f's attribute name, as an object, or fails f.
func objectFields(f *fields, name, where string, item any) *fields {
	m, ok := item.(map[string]any)
	if !ok || m == nil {
		f.fail("its %s is not what the provider writes: %s is not an object", where, describe(item))
		return nil
	}
	return &fields{values: m, path: f.path + name + ".", seen: f.seen}
}

func decodeObjects[T any](f *fields, name string, decode func(*fields) T) map[string]T {
	return mapEntries(f, name, func(key string, item any) (T, bool) {
		var zero T
		g := objectFields(f, name, fmt.Sprintf("%s[%q]", name, clean(truncate(key, 40))), item)
		if g == nil {
			return zero, false
		}
		value := decode(g)
		if g.err != nil {
			f.fail("its %s[%q]: %w", name, clean(truncate(key, 40)), g.err)
			return zero, false
		}
		return value, true
	})
}
