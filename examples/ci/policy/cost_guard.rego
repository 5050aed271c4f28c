# METADATA
# title: Guance budgets over a Terraform plan
# description: |
#   Reads the JSON plan (terraform show -json) of a configuration that reads
#   guance_billing_details, and denies it when the spending read during the plan is over the
#   budgets in data.guance_budgets: "monthly" for the total, "products" per product_detail;
#   and, when it reads guance_billing_balance, when the balance is below "balance_floor".
#   Its messages print amounts followed by "currency" (such as "CNY"), or bare without it.
#   It warns when a guance_billing_forecast read is forecast over "monthly", when its latest
#   day costs more than "spike_ratio" times the days before it, and when a product budget
#   names an item that a details read's period never billed (a misspelt key never trips).
#   The budgets live with the policy, apart from the Terraform code they govern.
package guance.cost_guard

# Every read of a data source of this type during the plan, in the root module or a child
# module.
reads(type) := {read |
	walk(object.get(input, ["prior_state", "values", "root_module"], {}), [_, read])
	read.mode == "data"
	read.type == type
}

billing_reads := reads("guance_billing_details")

# An amount followed by the budgets' "currency", an ISO 4217 code such as "CNY", or bare
# without one: the Guance API reports no currency, so the policy states none of its own.
money(amount) := sprintf("%v %s", [amount, data.guance_budgets.currency]) if {
	data.guance_budgets.currency != ""
} else := sprintf("%v", [amount])

deny contains msg if {
	some read in billing_reads
	read.values.total_billing_result > data.guance_budgets.monthly
	msg := sprintf("%s: Guance spending from %s to %s is %s, over the budget of %s.", [
		read.address, read.values.start_date, read.values.end_date,
		money(read.values.total_billing_result), money(data.guance_budgets.monthly),
	])
}

deny contains msg if {
	some read in billing_reads
	some product, budget in object.get(data.guance_budgets, "products", {})
	spend := object.get(read.values.totals_by_product, product, 0)
	spend > budget
	msg := sprintf("%s: %s has cost %s from %s to %s, over its budget of %s.", [
		read.address, product, money(spend), read.values.start_date, read.values.end_date, money(budget),
	])
}

# Without a balance_floor in the budgets, the balance is not judged, read or deferred.
deny contains msg if {
	some read in reads("guance_billing_balance")
	read.values.total_balance < data.guance_budgets.balance_floor
	msg := sprintf("%s: the Guance account balance is %s, below the floor of %s.", [
		read.address, money(read.values.total_balance), money(data.guance_budgets.balance_floor),
	])
}

# A read whose period is unknown while planning (timestamp(), or a value from a resource not
# yet created) happens during the apply: the plan holds no figures to judge.
deny contains msg if {
	some change in input.resource_changes
	change.type == "guance_billing_details"
	change.change.actions == ["read"]
	msg := sprintf("%s is read only during the apply, so its spending cannot be checked in the plan: compute its period from plantimestamp(), not timestamp().", [change.address])
}

# A balance read during the apply (after a depends_on on a resource with changes, or with a
# provider setting not known until then) has no balance in the plan: with a floor to hold it
# to, that is a denial, never a pass.
deny contains msg if {
	floor := data.guance_budgets.balance_floor
	some change in input.resource_changes
	change.type == "guance_billing_balance"
	change.change.actions == ["read"]
	msg := sprintf("%s is read only during the apply, so the balance cannot be checked against the floor of %s in the plan: remove what defers it (a depends_on, or a provider argument from a resource not yet created).", [change.address, money(floor)])
}

# Failed check blocks are warnings in Terraform; they stay warnings here.
warn contains problem.message if {
	some check in input.checks
	check.status == "fail"
	some instance in check.instances
	some problem in instance.problems
}

forecast_reads := reads("guance_billing_forecast")

# A forecast is a projection, not money spent: it warns. A null forecast (no complete day of
# the period yet) is not a number, so it is never over.
warn contains msg if {
	some read in forecast_reads
	is_number(read.values.forecast_billing_result)
	read.values.forecast_billing_result > data.guance_budgets.monthly
	msg := sprintf("%s: Guance spending from %s to %s is forecast at %s at the run rate of %s a day, over the budget of %s.", [
		read.address, read.values.start_date, read.values.end_date,
		money(read.values.forecast_billing_result), money(read.values.daily_run_rate), money(data.guance_budgets.monthly),
	])
}

# Without a spike_ratio in the budgets, spikes are not judged.
warn contains msg if {
	some read in forecast_reads
	is_number(read.values.latest_day_ratio)
	read.values.latest_day_ratio > data.guance_budgets.spike_ratio
	msg := sprintf("%s: Guance spending on %s was %s, %v times the daily mean of the days before it, over the spike ratio of %v.", [
		read.address, read.values.as_of, money(read.values.latest_day_billing_result),
		read.values.latest_day_ratio, data.guance_budgets.spike_ratio,
	])
}

# A budget key that the period never billed: lookup gives 0, so its budget never trips.
warn contains msg if {
	some read in billing_reads
	billed := {item | some item in object.get(read.values, "billed_product_details", [])}
	some product, _ in object.get(data.guance_budgets, "products", {})
	not product in billed
	msg := sprintf("%s: the budget for %q matches no item billed from %s to %s; check its spelling against billed_product_details.", [
		read.address, product, read.values.start_date, read.values.end_date,
	])
}
