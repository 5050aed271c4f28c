#!/usr/bin/env bash
# make demo: build the provider and plan examples/cost-guard four times: within budget (it
# shows the month's totals and the account balance), with a warning threshold the spending
# passes (a check block: it warns, the plan passes), half way through March 2024 with a
# budget the forecast passes (a check block warns; a fixed as_of keeps it the same every
# day), and with a budget it blows (a postcondition: the plan fails). Without
# GUANCE_ACCESS_TOKEN it starts the simulator on loopback and reads from it; with the variable set, it reads the real API
# (GUANCE_REGION or GUANCE_ENDPOINT pick the site).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

work=.demo
# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
trap stop_simulator EXIT
setup_provider

simulated=""
if [ -z "${GUANCE_ACCESS_TOKEN:-}" ]; then
  echo "==> GUANCE_ACCESS_TOKEN is not set: starting the simulator on loopback"
  simulated=1
  start_simulator
else
  echo "==> reading the real Guance API (${GUANCE_ENDPOINT:-region ${GUANCE_REGION:-hangzhou}})"
fi

# Terraform warns about dev_overrides on every run; the demo leaves that warning out.
plan() {
  local status=0
  terraform -chdir=examples/cost-guard plan -input=false -lock=false -no-color "$@" >"$work/plan.out" 2>&1 || status=$?
  awk '/^Warning: Provider development overrides/ { skip = 1 } !skip { print } skip && /^releases\.$/ { skip = 0 }' "$work/plan.out"
  return $status
}

echo
echo "==> 1. terraform plan within budget: it passes and shows the month's totals and the account balance"
plan
echo
echo "==> 2. the same plan warning from half of each budget: a failed check only warns, the plan passes"
plan -var warn_at_ratio=0.5
echo
echo "==> 3. March 2024 as of the 15th with a budget of 60000 CNY: spent so far is within it, but the forecast warns"
plan -var as_of=2024-03-15 -var monthly_budget=60000
# The simulator's March 2024 is known; a real workspace's may not be.
if [ -n "$simulated" ] && ! tr -s ' \n' '  ' <"$work/plan.out" | grep -q "is forecast at .* CNY, over the monthly budget of 60000 CNY"; then
  echo "plan 3 should have warned of the forecast; see above" >&2
  exit 1
fi
echo
echo "==> 4. the same plan with a monthly budget of 1000 CNY: the guard blocks it"
last_plan="$(pwd)/$work/last.tfplan"
rm -f "$last_plan"
if plan -var monthly_budget=1000 -out="$last_plan"; then
  echo "expected the plan to be blocked" >&2
  exit 1
fi
# Blocked, but by the guard? Any other failure (a dead simulator, a provider error) is not the demo.
if ! tr -s ' \n' '  ' <"$work/plan.out" | grep -q "over the monthly budget of 1000 CNY"; then
  echo "plan 4 failed, but not on the budget postcondition; see above" >&2
  exit 1
fi
echo
# Terraform saves the plan file even when a postcondition blocks the plan, so it can be summarised.
echo "==> the cost summary of plan 4 (guance-cost-summary -format text; CI posts it as Markdown)"
go build -o "$work/bin/guance-cost-summary" ./cmd/guance-cost-summary
terraform -chdir=examples/cost-guard show -json "$last_plan" >"$work/last.json"
"$work/bin/guance-cost-summary" -format text "$work/last.json"
echo
echo "==> demo done: plans 1 to 3 passed (2 with a warning if spending is over half a budget, 3 with a forecast warning), plan 4 was blocked by the budget postcondition"
