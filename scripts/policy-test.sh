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

# judge RULE BUDGETS_FILE runs the policy as the CI recipe does, printing the rule's messages
# and returning opa's status: 1 when the rule has any.
judge() {
  opa eval --fail-defined --format raw -d "$policy/cost_guard.rego" -d "$2" -i "$work/plan.json" "data.guance.cost_guard.$1[msg]"
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

cp -r examples/cost-guard "$work/cost-guard"
plan_json "$work/cost-guard" -var as_of=2024-03-31 -var currency=CNY

expect "March 2024 is within the example budgets" 0 "" judge deny "$policy/budgets.json"
expect "the module's failed check is a policy warning" 1 \
  "Guance spending from 2024-03-01 to 2024-03-31 is 80527.1 CNY, 80.5% of the monthly budget of 100000 CNY (the warning threshold is 80%)." \
  judge warn "$policy/budgets.json"

cat >"$work/strict.json" <<'JSON'
{"guance_budgets": {"monthly": 80000, "products": {"Log": 30000.5, "Metric": 10000}, "balance_floor": 20000, "currency": "CNY"}}
JSON
expect "stricter budgets deny the same plan, naming the spend and the budget, the balance and the floor" 1 \
  "data.guance_billing_balance.account: the Guance account balance is 15373.9 CNY, below the floor of 20000 CNY.
data.guance_billing_details.month: Guance spending from 2024-03-01 to 2024-03-31 is 80527.1 CNY, over the budget of 80000 CNY.
data.guance_billing_details.month: Log has cost 30074.9 CNY from 2024-03-01 to 2024-03-31, over its budget of 30000.5 CNY." \
  judge deny "$work/strict.json"

cat >"$work/strict-warn.json" <<'JSON'
{"guance_budgets": {"monthly": 80000, "products": {"Log": 50000, "Logs": 1000}, "spike_ratio": 0.5}}
JSON
# No currency in these budgets: the policy's own messages print amounts bare.
expect "the same plan warns of the forecast over a stricter budget, a spike, and a budget key never billed" 1 \
  "Guance spending from 2024-03-01 to 2024-03-31 is 80527.1 CNY, 80.5% of the monthly budget of 100000 CNY (the warning threshold is 80%).
data.guance_billing_details.month: the budget for \"Logs\" matches no item billed from 2024-03-01 to 2024-03-31; check its spelling against billed_product_details.
data.guance_billing_forecast.month: Guance spending from 2024-03-01 to 2024-03-31 is forecast at 80527.1 at the run rate of 2757.681429 a day, over the budget of 80000.
data.guance_billing_forecast.month: Guance spending on 2024-03-31 was 1901.82, 0.65076 times the daily mean of the days before it, over the spike ratio of 0.5." \
  judge warn "$work/strict-warn.json"

mkdir "$work/deferred"
cat >"$work/deferred/main.tf" <<'HCL'
terraform {
  required_providers {
    guance = { source = "guance-finops/guance" }
  }
}

data "guance_billing_details" "month" {
  start_date = formatdate("YYYY-MM-01", timestamp())
  end_date   = formatdate("YYYY-MM-DD", timestamp())
}
HCL
plan_json "$work/deferred"
expect "a read deferred to apply by timestamp() is denied" 1 \
  "data.guance_billing_details.month is read only during the apply, so its spending cannot be checked in the plan: compute its period from plantimestamp(), not timestamp()." \
  judge deny "$policy/budgets.json"

mkdir "$work/deferred-balance"
cat >"$work/deferred-balance/main.tf" <<'HCL'
terraform {
  required_providers {
    guance = { source = "guance-finops/guance" }
  }
}

resource "terraform_data" "first" {}

data "guance_billing_balance" "account" {
  depends_on = [terraform_data.first]
}
HCL
plan_json "$work/deferred-balance"
expect "a balance read deferred to apply by depends_on is denied under a floor" 1 \
  "data.guance_billing_balance.account is read only during the apply, so the balance cannot be checked against the floor of 5000 CNY in the plan: remove what defers it (a depends_on, or a provider argument from a resource not yet created)." \
  judge deny "$policy/budgets.json"

echo "policy-test: $passes passed, $failures failed"
[ "$failures" = 0 ]
