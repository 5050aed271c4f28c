# METADATA
# title: Guance budgets over a Terraform plan
# description: |
#   Reads the JSON plan (terraform show -json) of a configuration that reads
#   guance_billing_budget, in the root module or a child module, and acts on the decision
#   the provider made while planning: each block finding denies the plan, each warn finding
#   warns, with the finding's own message. It never recomputes a budget. It fails closed: a
#   budget whose decision the plan does not hold (a read deferred to the apply, a read that
#   never happened, a status it does not know) is denied, and so is a plan with no budget.
package guance.cost_guard

# Every guance_billing_budget read during the plan, in the root module or a child module.
budget_reads := {read |
	walk(object.get(input, ["prior_state", "values", "root_module"], {}), [_, read])
	read.mode == "data"
	read.type == "guance_billing_budget"
}

statuses := {"ok", "warn", "block"}

deny contains msg if {
	some read in budget_reads
	some finding in object.get(read.values, "findings", [])
	finding.action == "block"
	msg := sprintf("%s: %s", [read.address, finding.message])
}

warn contains msg if {
	some read in budget_reads
	some finding in object.get(read.values, "findings", [])
	finding.action == "warn"
	msg := sprintf("%s: %s", [read.address, finding.message])
}

# A status the policy does not know, or none (null, or missing from a plan written by another
# provider version), is no decision: deny rather than pass.
deny contains msg if {
	some read in budget_reads
	not object.get(read.values, "status", null) in statuses
	msg := sprintf("%s: the plan holds no budget decision (status is %v), so it cannot be judged: plan again with this provider version.", [
		read.address, object.get(read.values, "status", null),
	])
}

# A block status must come with its block findings, or the plan would be denied without a
# reason; and findings must agree with the status.
deny contains msg if {
	some read in budget_reads
	read.values.status == "block"
	count([f | some f in object.get(read.values, "findings", []); f.action == "block"]) == 0
	msg := sprintf("%s: the budget's status is block, but it holds no block finding to say why.", [read.address])
}

# A read whose arguments are unknown while planning (a period from timestamp(), or a value
# from a resource not yet created) happens during the apply: the plan holds no decision.
deny contains msg if {
	some change in input.resource_changes
	change.type == "guance_billing_budget"
	"read" in change.change.actions
	msg := sprintf("%s is read only during the apply, so its budget cannot be decided in the plan: compute its period from plantimestamp(), not timestamp(), and its amounts from values known while planning.", [change.address])
}

# A budget in the configuration that the plan neither read nor deferred: the plan stopped
# before reading it, and nothing was decided.
deny contains msg if {
	some address in configured_budgets
	not address in decided_or_deferred
	msg := sprintf("%s is in the configuration, but the plan holds no read of it, so its budget was not decided: see terraform plan's errors.", [address])
}

# A plan with no budget at all is not a plan this policy can pass.
deny contains msg if {
	count(budget_reads) == 0
	count(configured_budgets) == 0
	msg := "The plan reads no guance_billing_budget, so there is no budget decision to judge: add one (the cost-guard module has it), or do not gate this plan on budgets."
}

# The configuration's budget addresses, with their module path and without instance keys.
configured_budgets contains address if {
	walk(object.get(input, ["configuration", "root_module"], {}), [path, module])
	some resource in object.get(module, "resources", [])
	resource.mode == "data"
	resource.type == "guance_billing_budget"
	address := concat("", array.concat([sprintf("module.%s.", [path[i + 1]]) | some i, step in path; step == "module_calls"], [resource.address]))
}

decided_or_deferred contains unindexed(read.address) if some read in budget_reads

decided_or_deferred contains unindexed(change.address) if {
	some change in input.resource_changes
	change.type == "guance_billing_budget"
}

# unindexed drops instance keys: module.a["x"].data.t.n[0] is module.a.data.t.n.
unindexed(address) := regex.replace(address, `\[[^\]]*\]`, "")

# The plan's decision: the highest status among its budgets, as the module acts on it.
status := "block" if {
	count(deny) > 0
} else := "warn" if {
	count(warn) > 0
} else := "ok"

# Failed check blocks are warnings in Terraform; they stay warnings here.
check_warnings contains problem.message if {
	some check in input.checks
	check.status == "fail"
	some instance in check.instances
	some problem in instance.problems
}
