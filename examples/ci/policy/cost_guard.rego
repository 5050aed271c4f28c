# METADATA
# title: Guance budgets over a Terraform plan
# description: |
#   Reads the JSON plan (terraform show -json) of a configuration that reads
#   guance_billing_details, and denies it when the spending read during the plan is over the
#   budgets in data.guance_budgets: "monthly" for the total, "products" per product_detail;
#   and, when it reads guance_billing_balance, when the balance is below "balance_floor".
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

deny contains msg if {
	some read in billing_reads
	read.values.total_billing_result > data.guance_budgets.monthly
	msg := sprintf("%s: Guance spending from %s to %s is %v CNY, over the budget of %v CNY.", [
		read.address, read.values.start_date, read.values.end_date,
		read.values.total_billing_result, data.guance_budgets.monthly,
	])
}

deny contains msg if {
	some read in billing_reads
	some product, budget in object.get(data.guance_budgets, "products", {})
	spend := object.get(read.values.totals_by_product, product, 0)
	spend > budget
	msg := sprintf("%s: %s has cost %v CNY from %s to %s, over its budget of %v CNY.", [
		read.address, product, spend, read.values.start_date, read.values.end_date, budget,
	])
}

# Without a balance_floor in the budgets, the balance is not judged.
deny contains msg if {
	some read in reads("guance_billing_balance")
	read.values.total_balance < data.guance_budgets.balance_floor
	msg := sprintf("%s: the Guance account balance is %v CNY, below the floor of %v CNY.", [
		read.address, read.values.total_balance, data.guance_budgets.balance_floor,
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

# Failed check blocks are warnings in Terraform; they stay warnings here.
warn contains problem.message if {
	some check in input.checks
	check.status == "fail"
	some instance in check.instances
	some problem in instance.problems
}
