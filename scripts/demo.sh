#!/usr/bin/env bash
# make demo: build the provider and plan examples/cost-guard four times, all as of 15 March
# 2024 (a fixed as_of, so each step shows what it promises on any day), to show the graded
# decisions of its guance_billing_budget: within budget (status ok), a month forecast over a
# smaller budget (a warn finding: a check block warns, the plan passes), a product over its
# daily limit (warn), and a budget the month so far is over (a block finding: the
# postcondition fails the plan with the budget's message), then prints that blocked plan's
# summary as guance-cost-summary shows it in a terminal. Without GUANCE_ACCESS_TOKEN it
# starts the simulator on loopback and reads from it, and asserts each promised message; with
# the variable set, it reads the real API (GUANCE_REGION or GUANCE_ENDPOINT pick the site;
# DEMO_CURRENCY, CNY by default, the currency it bills in).
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
# The provider writes the currency after every amount in its messages.
export GUANCE_CURRENCY="$currency"

# Terraform warns about dev_overrides on every run; the demo leaves that warning out.
plan() {
  local status=0
  terraform -chdir=examples/cost-guard plan -input=false -lock=false -no-color \
    -var as_of="$as_of" "$@" >"$work/plan.out" 2>&1 || status=$?
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
echo "==> 1. terraform plan as of $as_of within budget: status ok, the plan passes"
plan
if [ -n "$simulated" ] && grep -q "^Warning: Check block assertion failed" "$work/plan.out"; then
  echo "plan 1 should have passed without a warning; see above" >&2
  exit 1
fi
promised 1 'status = "ok"'
echo
echo "==> 2. the same plan with a budget of 60000 $currency: spent so far is within it, but the forecast warns"
plan -var monthly_budget=60000
promised 2 'Guance budget: spending from 2024-03-01 to 2024-03-31 is forecast at 77,092.36 CNY, 128.5% of the budget of 60,000.00 CNY for 2024-03-01 to 2024-03-31: it reaches the warn threshold of 100.0% of the forecast.'
promised 2 'status = "warn"'
echo
echo "==> 3. the same plan with a daily limit of 800 $currency on Log: its latest complete day cost more, a warning"
plan -var 'daily_limits={"Log"=800}'
promised 3 'Guance budget: "Log" cost 983.86 CNY on 2024-03-15, over its daily limit of 800.00 CNY (123.0% of it).'
echo
echo "==> 4. the same plan with a monthly budget of 30000 $currency: the month so far is over it, the guard blocks the plan"
if plan -var monthly_budget=30000 -out="$PWD/$work/tfplan"; then
  echo "expected the plan to be blocked" >&2
  exit 1
fi
# Blocked, but by the guard? Any other failure (a dead simulator, a provider error) is not the demo.
if [ -n "$simulated" ] && ! tr -s ' \n' '  ' <"$work/plan.out" | grep -qF "Guance budget: spending from 2024-03-01 to 2024-03-15 is 37,956.09 CNY, 126.5% of the budget of 30,000.00 CNY for 2024-03-01 to 2024-03-31: it reaches the block threshold of 100.0% of the actual."; then
  echo "plan 4 failed, but not on the budget postcondition; see above" >&2
  exit 1
fi
echo
echo "==> the blocked plan as guance-cost-summary shows it in a terminal (Markdown for a pull request without -format text)"
echo
terraform -chdir=examples/cost-guard show -json "$PWD/$work/tfplan" >"$work/plan.json"
go run ./cmd/guance-cost-summary -format text -currency "$currency" "$work/plan.json" | tee "$work/summary.txt"
if [ -n "$simulated" ] && ! grep -q "blocked" "$work/summary.txt"; then
  echo "the summary should have said the plan is blocked; see above" >&2
  exit 1
fi
echo
echo "==> what you just saw, as of $as_of: one guance_billing_budget decided each plan while planning, exactly;"
echo "    plan 1 was ok; a check block warned without blocking of plan 2's month forecast over 60000 $currency"
echo "    and of plan 3's Log day over its daily limit; the postcondition on its status blocked plan 4,"
echo "    over a budget of 30000 $currency, with the budget's own message; the summary read that same decision."
