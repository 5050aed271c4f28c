#!/usr/bin/env bash
# make policy-test: the Rego unit tests of examples/ci/policy, then the policy as the CI recipe
# runs it: terraform plan -out, terraform show -json, opa eval, on plans made against the
# simulator (never the real API). OPA is pinned in tools/opa/go.mod.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

policy=examples/ci/policy
opa() { go tool -modfile=tools/opa/go.mod opa "$@"; }

echo "==> opa check and opa test $policy"
opa check --strict "$policy"
opa test "$policy"

# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
work=$(mktemp -d)
cleanup() { stop_simulator; rm -rf "$work"; }
trap cleanup EXIT
setup_provider
start_simulator

# plan_json DIR [terraform plan flags...] writes DIR's plan as JSON to $work/plan.json.
plan_json() {
  local dir=$1
  shift
  terraform -chdir="$dir" plan -input=false -lock=false -out=tfplan "$@" >"$work/plan.log" 2>&1 ||
    { cat "$work/plan.log"; echo "terraform plan failed in $dir" >&2; exit 1; }
  terraform -chdir="$dir" show -json tfplan >"$work/plan.json"
}

# judge QUERY [PLAN_JSON] runs the policy as the CI recipe does, printing the query's
# values, and returns opa's status: 1 when it has any.
judge() {
  opa eval --fail-defined --format raw -d "$policy/cost_guard.rego" -i "${2:-$work/plan.json}" "data.guance.cost_guard.$1"
}

# expect NAME WANT_STATUS WANT_OUTPUT COMMAND... fails unless the command exits with
# WANT_STATUS and prints exactly WANT_OUTPUT.
passes=0 failures=0
expect() {
  local name=$1 want_status=$2 want=$3 status=0 got
  shift 3
  got=$("$@") || status=$?
  if [ "$status" = "$want_status" ] && [ "$got" = "$want" ]; then
    echo "ok: $name"
    passes=$((passes + 1))
  else
    echo "FAIL: $name: exit $status, want $want_status; output:"
    echo "$got"
    echo "want:"
    echo "$want"
    failures=$((failures + 1))
  fi
}

# sorted COMMAND... prints the command's output sorted, and returns its status.
sorted() {
  local out status=0
  out=$("$@") || status=$?
  printf '%s\n' "$out" | LC_ALL=C sort
  return $status
}

export GUANCE_CURRENCY=CNY
cp -r examples/cost-guard "$work/cost-guard"
budget=data.guance_billing_budget.month

plan_json "$work/cost-guard" -var as_of=2024-03-15
expect "March 2024 within the module's budgets is allowed" 0 "" judge 'deny[msg]'
expect "and its decision is ok" 1 "ok" judge status

plan_json "$work/cost-guard" -var as_of=2024-03-15 -var monthly_budget=60000 -var 'daily_limits={"Log"=800}'
expect "the provider's warn findings are the policy's warnings" 1 "$budget: Guance budget: \"Log\" cost 983.86 CNY on 2024-03-15, over its daily limit of 800.00 CNY (123.0% of it).
$budget: Guance budget: spending from 2024-03-01 to 2024-03-31 is forecast at 77,092.36 CNY, 128.5% of the budget of 60,000.00 CNY for 2024-03-01 to 2024-03-31: it reaches the warn threshold of 100.0% of the forecast." \
  sorted judge 'warn[msg]'
expect "a warned plan is allowed" 0 "" judge 'deny[msg]'
expect "and its decision is warn" 1 "warn" judge status

# The fixture the module, the policy and the summary are tested to agree on
# (scripts/budget-fixture.sh): the provider decided block, the module's postcondition failed
# with the block message, and the policy denies with the same message.
fixture=examples/ci/testdata/budget-plan.json
block="Guance budget: spending from 2024-03-01 to 2024-03-15 is 37,956.09 CNY, 126.5% of the budget of 30,000.00 CNY for 2024-03-01 to 2024-03-31: it reaches the block threshold of 100.0% of the actual."
expect "the fixture's block finding denies it, in the provider's words" 1 "$budget: $block" judge 'deny[msg]' "$fixture"
expect "the policy's decision on the fixture is the provider's status, block" 1 "block" judge status "$fixture"
# What the module and the provider recorded in the plan, read apart from the policy.
cat >"$work/fixture.rego" <<'REGO'
package fixture

postcondition_failures contains problem.message if {
	some check in input.checks
	check.address.to_display == "data.guance_billing_budget.month"
	check.status == "fail"
	some instance in check.instances
	some problem in instance.problems
}

statuses contains read.values.status if some read in input.prior_state.values.root_module.resources
REGO
expect "the module's postcondition failed on the fixture with the same message" 1 "$block" \
  opa eval --fail-defined --format raw -d "$work/fixture.rego" -i "$fixture" 'data.fixture.postcondition_failures[msg]'
expect "the provider's status in the fixture is block" 1 "block" \
  opa eval --fail-defined --format raw -d "$work/fixture.rego" -i "$fixture" 'data.fixture.statuses[status]'

mkdir "$work/deferred"
cat >"$work/deferred/main.tf" <<'HCL'
terraform {
  required_providers {
    guance = { source = "guance-finops/guance" }
  }
}

data "guance_billing_budget" "month" {
  start_date = formatdate("YYYY-MM-01", timestamp())
  end_date   = formatdate("YYYY-MM-DD", timestamp())
  amount     = 100000
}
HCL
plan_json "$work/deferred"
expect "a budget read deferred to apply by timestamp() is denied: fail closed" 1 \
  "data.guance_billing_budget.month is read only during the apply, so its budget cannot be decided in the plan: compute its period from plantimestamp(), not timestamp(), and its amounts from values known while planning." \
  judge 'deny[msg]'
expect "and its decision is block, never ok" 1 "block" judge status

echo "policy-test: $passes passed, $failures failed"
[ "$failures" = 0 ]
