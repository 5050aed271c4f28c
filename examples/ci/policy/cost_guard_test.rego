package guance.cost_guard_test

import data.guance.cost_guard

# A budget read with these values, at address, in the root module.
read(address, values) := {
	"address": address,
	"mode": "data",
	"type": "guance_billing_budget",
	"values": values,
}

finding(action, message) := {"action": action, "basis": "actual", "scope": "total", "message": message}

plan_with(resources) := {"prior_state": {"values": {"root_module": {"resources": resources}}}}

month := "data.guance_billing_budget.month"

test_an_ok_budget_is_allowed_without_warnings if {
	p := plan_with([read(month, {"status": "ok", "findings": []})])
	count(cost_guard.deny) == 0 with input as p
	count(cost_guard.warn) == 0 with input as p
	cost_guard.status == "ok" with input as p
}

test_warn_findings_warn_with_their_messages_and_allow if {
	p := plan_with([read(month, {"status": "warn", "findings": [finding("warn", "near it"), finding("warn", "a daily limit")]})])
	count(cost_guard.deny) == 0 with input as p
	cost_guard.warn == {"data.guance_billing_budget.month: near it", "data.guance_billing_budget.month: a daily limit"} with input as p
	cost_guard.status == "warn" with input as p
}

test_block_findings_deny_with_their_messages if {
	p := plan_with([read(month, {"status": "block", "findings": [finding("warn", "near it"), finding("block", "over it")]})])
	cost_guard.deny == {"data.guance_billing_budget.month: over it"} with input as p
	cost_guard.warn == {"data.guance_billing_budget.month: near it"} with input as p
	cost_guard.status == "block" with input as p
}

test_reads_in_child_modules_are_judged if {
	p := {"prior_state": {"values": {"root_module": {"child_modules": [{"resources": [
		read("module.this_month.data.guance_billing_budget.month", {"status": "block", "findings": [finding("block", "over it")]}),
	]}]}}}}
	cost_guard.deny == {"module.this_month.data.guance_billing_budget.month: over it"} with input as p
}

# Fail closed: what is not a known decision is denied, never passed.
test_an_unknown_or_missing_status_is_denied if {
	every values in [{"findings": []}, {"status": null, "findings": []}, {"status": "fine", "findings": []}] {
		count(cost_guard.deny) == 1 with input as plan_with([read(month, values)])
		cost_guard.status == "block" with input as plan_with([read(month, values)])
	}
}

test_a_block_status_without_a_block_finding_is_denied if {
	cost_guard.deny == {"data.guance_billing_budget.month: the budget's status is block, but it holds no block finding to say why."} with input as plan_with([read(month, {"status": "block", "findings": []})])
}

test_a_read_deferred_to_apply_is_denied if {
	deferred := {
		"configuration": {"root_module": {"resources": [{"address": month, "mode": "data", "type": "guance_billing_budget"}]}},
		"resource_changes": [{"address": month, "mode": "data", "type": "guance_billing_budget", "change": {"actions": ["read"]}}],
	}
	cost_guard.deny == {"data.guance_billing_budget.month is read only during the apply, so its budget cannot be decided in the plan: compute its period from plantimestamp(), not timestamp(), and its amounts from values known while planning."} with input as deferred
}

test_a_configured_budget_the_plan_never_read_is_denied if {
	p := {"configuration": {"root_module": {"module_calls": {"guard": {"module": {"resources": [
		{"address": month, "mode": "data", "type": "guance_billing_budget"},
	]}}}}}}
	cost_guard.deny == {"module.guard.data.guance_billing_budget.month is in the configuration, but the plan holds no read of it, so its budget was not decided: see terraform plan's errors."} with input as p
}

test_a_configured_budget_read_under_an_instance_key_is_decided if {
	p := {
		"configuration": {"root_module": {"module_calls": {"guard": {"module": {"resources": [
			{"address": month, "mode": "data", "type": "guance_billing_budget"},
		]}}}}},
		"prior_state": {"values": {"root_module": {"child_modules": [{"resources": [
			read("module.guard[\"a\"].data.guance_billing_budget.month", {"status": "ok", "findings": []}),
		]}]}}},
	}
	count(cost_guard.deny) == 0 with input as p
}

test_a_plan_without_a_budget_is_denied if {
	count(cost_guard.deny) == 1 with input as {"prior_state": {"values": {"root_module": {"resources": []}}}}
}
