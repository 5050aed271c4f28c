#!/usr/bin/env bash
# make demo: build the provider and plan examples/cost-guard four times, all as of 15 March
# 2024 (a fixed as_of, so each step shows what it promises on any day): within budget (it
# shows the month's totals and the account balance), with a warning threshold the spending
# passes (a check block warns, the plan passes), with a budget the forecast passes (a check
# block warns), and with a budget it blows (a postcondition: the plan fails). Without
# GUANCE_ACCESS_TOKEN it starts the simulator on loopback and reads from it, and asserts each
# promised warning; with the variable set, it reads the real API (GUANCE_REGION or
# GUANCE_ENDPOINT pick the site; DEMO_CURRENCY, CNY by default, the currency it bills in).
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

# The simulator bills like the Hangzhou site, in CNY; the API itself names no currency.
as_of=2024-03-15
currency=${DEMO_CURRENCY:-CNY}

# Terraform warns about dev_overrides on every run; the demo leaves that warning out.
plan() {
  local status=0
  terraform -chdir=examples/cost-guard plan -input=false -lock=false -no-color \
    -var as_of="$as_of" -var currency="$currency" "$@" >"$work/plan.out" 2>&1 || status=$?
  awk '/^Warning: Provider development overrides/ { skip = 1 } !skip { print } skip && /^releases\.$/ { skip = 0 }' "$work/plan.out"
  return $status
}

# promised STEP TEXT fails the demo unless the last plan's output holds TEXT (however
# Terraform wrapped it). The simulator's March 2024 is known; a real workspace's is not, so
# against the real API nothing is asserted.
promised() {
  [ -n "$simulated" ] || return 0
  if ! tr -s ' \n' '  ' <"$work/plan.out" | grep -qF -- "$2"; then
    echo "plan $1 should have shown: $2; see above" >&2
    exit 1
  fi
}

echo
echo "==> 1. terraform plan as of $as_of within budget: it passes and shows the month's totals and the account balance"
plan
if [ -n "$simulated" ] && grep -q "^Warning: Check block assertion failed" "$work/plan.out"; then
  echo "plan 1 should have passed without a warning; see above" >&2
  exit 1
fi
echo
echo "==> 2. the same plan warning from 30% of each budget: a failed check only warns, the plan passes"
plan -var warn_at_ratio=0.3
promised 2 "of the monthly budget of 100000 $currency (the warning threshold is 30%)."
echo
echo "==> 3. the same plan with a budget of 60000 $currency: spent so far is within it, but the forecast warns"
plan -var monthly_budget=60000
promised 3 "over the monthly budget of 60000 $currency: "
echo
echo "==> 4. the same plan with a monthly budget of 1000 $currency: the guard blocks it"
last_plan="$(pwd)/$work/last.tfplan"
rm -f "$last_plan"
if plan -var monthly_budget=1000 -out="$last_plan"; then
  echo "expected the plan to be blocked" >&2
  exit 1
fi
# Blocked, but by the guard? Any other failure (a dead simulator, a provider error) is not the demo.
if ! tr -s ' \n' '  ' <"$work/plan.out" | grep -qF "over the monthly budget of 1000 $currency."; then
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
echo "==> what you just saw, as of $as_of:"
echo "    the guard read the month so far and the balance while planning, and plan 1 passed within budget;"
echo "    check blocks warned without blocking: plan 2 at 30% of the budget, plan 3 of a month forecast over 60000 $currency;"
echo "    a postcondition blocked plan 4, over its budget of 1000 $currency, and the summary above shows what it read."
