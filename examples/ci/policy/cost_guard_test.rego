package guance.cost_guard_test

import data.guance.cost_guard

budgets := {"monthly": 1000, "products": {"Log": 500, "Session Replay": 100}, "currency": "CNY"}

# A plan that read March 2024, with these values, in the root module.
plan_with(values) := {"prior_state": {"values": {"root_module": {"resources": [{
	"address": "data.guance_billing_details.month",
	"mode": "data",
	"type": "guance_billing_details",
	"values": object.union({"start_date": "2024-03-01", "end_date": "2024-03-31"}, values),
}]}}}}

test_within_budgets_is_allowed if {
	count(cost_guard.deny) == 0 with input as plan_with({"total_billing_result": 999.99, "totals_by_product": {"Log": 499.99}})
		with data.guance_budgets as budgets
}

# Amounts compare as the decimals they are: a spend equal to the budget is within it.
test_spend_equal_to_budget_is_allowed if {
	count(cost_guard.deny) == 0 with input as plan_with({"total_billing_result": 1000.00, "totals_by_product": {"Log": 500.0}})
		with data.guance_budgets as budgets
}

test_total_over_budget_by_a_cent_is_denied if {
	cost_guard.deny == {"data.guance_billing_details.month: Guance spending from 2024-03-01 to 2024-03-31 is 1000.01 CNY, over the budget of 1000 CNY."} with input as plan_with({"total_billing_result": 1000.01, "totals_by_product": {}})
		with data.guance_budgets as budgets
}

test_product_over_budget_is_denied_by_name if {
	cost_guard.deny == {"data.guance_billing_details.month: Session Replay has cost 100.5 CNY from 2024-03-01 to 2024-03-31, over its budget of 100 CNY."} with input as plan_with({"total_billing_result": 600.5, "totals_by_product": {"Log": 500, "Session Replay": 100.5}})
		with data.guance_budgets as budgets
}

test_product_without_records_counts_as_zero if {
	count(cost_guard.deny) == 0 with input as plan_with({"total_billing_result": 0, "totals_by_product": {}})
		with data.guance_budgets as budgets
}

test_reads_in_child_modules_are_checked if {
	child := {"prior_state": {"values": {"root_module": {"child_modules": [{"resources": [{
		"address": "module.guard.data.guance_billing_details.month",
		"mode": "data",
		"type": "guance_billing_details",
		"values": {"start_date": "2024-03-01", "end_date": "2024-03-31", "total_billing_result": 2000, "totals_by_product": {}},
	}]}]}}}}
	cost_guard.deny == {"module.guard.data.guance_billing_details.month: Guance spending from 2024-03-01 to 2024-03-31 is 2000 CNY, over the budget of 1000 CNY."} with input as child
		with data.guance_budgets as budgets
}

test_read_deferred_to_apply_is_denied if {
	deferred := {"resource_changes": [{
		"address": "data.guance_billing_details.month",
		"mode": "data",
		"type": "guance_billing_details",
		"change": {"actions": ["read"]},
	}]}
	cost_guard.deny == {"data.guance_billing_details.month is read only during the apply, so its spending cannot be checked in the plan: compute its period from plantimestamp(), not timestamp()."} with input as deferred
		with data.guance_budgets as budgets
}

# A plan that read the account's balance, with this total.
plan_with_balance(total) := {"prior_state": {"values": {"root_module": {"resources": [{
	"address": "data.guance_billing_balance.account",
	"mode": "data",
	"type": "guance_billing_balance",
	"values": {"total_balance": total},
}]}}}}

test_balance_below_floor_is_denied if {
	cost_guard.deny == {"data.guance_billing_balance.account: the Guance account balance is 499.99 CNY, below the floor of 500 CNY."} with input as plan_with_balance(499.99)
		with data.guance_budgets as object.union(budgets, {"balance_floor": 500})
}

test_balance_at_floor_is_allowed if {
	count(cost_guard.deny) == 0 with input as plan_with_balance(500)
		with data.guance_budgets as object.union(budgets, {"balance_floor": 500})
}

test_balance_without_floor_is_not_judged if {
	count(cost_guard.deny) == 0 with input as plan_with_balance(0)
		with data.guance_budgets as budgets
}

test_failed_checks_are_warnings if {
	checks := {"checks": [
		{"status": "pass", "instances": [{"status": "pass"}]},
		{"status": "fail", "instances": [{"status": "fail", "problems": [{"message": "near the budget"}]}]},
	]}
	cost_guard.warn == {"near the budget"} with input as checks
	count(cost_guard.deny) == 0 with input as checks with data.guance_budgets as budgets
}

# A plan that read a forecast of March 2024 as of the 15th, with these values.
plan_with_forecast(values) := {"prior_state": {"values": {"root_module": {"resources": [{
	"address": "data.guance_billing_forecast.month",
	"mode": "data",
	"type": "guance_billing_forecast",
	"values": object.union({"start_date": "2024-03-01", "end_date": "2024-03-31", "as_of": "2024-03-15"}, values),
}]}}}}

test_forecast_over_budget_warns_without_denying if {
	forecast := plan_with_forecast({"forecast_billing_result": 1000.01, "daily_run_rate": 31.5, "latest_day_ratio": 1})
	cost_guard.warn == {"data.guance_billing_forecast.month: Guance spending from 2024-03-01 to 2024-03-31 is forecast at 1000.01 CNY at the run rate of 31.5 CNY a day, over the budget of 1000 CNY."} with input as forecast
		with data.guance_budgets as budgets
	count(cost_guard.deny) == 0 with input as forecast with data.guance_budgets as budgets
}

test_forecast_at_budget_and_null_forecast_do_not_warn if {
	count(cost_guard.warn) == 0 with input as plan_with_forecast({"forecast_billing_result": 1000, "latest_day_ratio": null})
		with data.guance_budgets as object.union(budgets, {"spike_ratio": 3})
	count(cost_guard.warn) == 0 with input as plan_with_forecast({"forecast_billing_result": null, "latest_day_ratio": null})
		with data.guance_budgets as object.union(budgets, {"spike_ratio": 3})
}

test_spike_over_ratio_warns if {
	cost_guard.warn == {"data.guance_billing_forecast.month: Guance spending on 2024-03-15 was 95 CNY, 3.000001 times the daily mean of the days before it, over the spike ratio of 3."} with input as plan_with_forecast({"forecast_billing_result": 10, "latest_day_billing_result": 95, "latest_day_ratio": 3.000001})
		with data.guance_budgets as object.union(budgets, {"spike_ratio": 3})
}

test_spike_without_ratio_in_budgets_is_not_judged if {
	count(cost_guard.warn) == 0 with input as plan_with_forecast({"forecast_billing_result": 10, "latest_day_ratio": 50})
		with data.guance_budgets as budgets
}

test_budget_key_never_billed_warns if {
	read := plan_with({"total_billing_result": 10, "totals_by_product": {"Log": 10}, "billed_product_details": ["Log", "Metric"]})
	cost_guard.warn == {"data.guance_billing_details.month: the budget for \"Session Replay\" matches no item billed from 2024-03-01 to 2024-03-31; check its spelling against billed_product_details."} with input as read
		with data.guance_budgets as budgets
}

# Without a currency in the budgets, amounts print bare: the policy does not guess one.
test_amounts_print_bare_without_a_currency if {
	cost_guard.deny == {"data.guance_billing_details.month: Guance spending from 2024-03-01 to 2024-03-31 is 1000.01, over the budget of 1000."} with input as plan_with({"total_billing_result": 1000.01, "totals_by_product": {}})
		with data.guance_budgets as object.remove(budgets, ["currency"])
}

# A balance read deferred to the apply has no balance to hold to the floor: denied, not passed.
deferred_balance := {"resource_changes": [{
	"address": "data.guance_billing_balance.account",
	"mode": "data",
	"type": "guance_billing_balance",
	"change": {"actions": ["read"]},
}]}

test_balance_read_deferred_to_apply_is_denied_under_a_floor if {
	cost_guard.deny == {"data.guance_billing_balance.account is read only during the apply, so the balance cannot be checked against the floor of 500 CNY in the plan: remove what defers it (a depends_on, or a provider argument from a resource not yet created)."} with input as deferred_balance
		with data.guance_budgets as object.union(budgets, {"balance_floor": 500})
}

test_balance_read_deferred_to_apply_without_a_floor_is_not_judged if {
	count(cost_guard.deny) == 0 with input as deferred_balance
		with data.guance_budgets as budgets
}
