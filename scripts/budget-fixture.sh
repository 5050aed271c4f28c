#!/usr/bin/env bash
# make budget-fixture: regenerate examples/ci/testdata/budget-plan.json, the one plan that the
# cost-guard module, the OPA recipe and the cost summary are tested to agree on. It is
# examples/cost-guard planned against the simulator as of 15 March 2024 with a monthly budget
# of 30000 CNY and a daily limit of 800 CNY on Log: the provider decides block (the month so
# far is over the budget), with warnings (80% of the actual, the forecast, Log's day). The
# plan fails on the module's postcondition, and Terraform still saves it, errored, with the
# budget's read.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

work=$(mktemp -d)
# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
cleanup() { stop_simulator; rm -rf "$work"; }
trap cleanup EXIT
setup_provider
start_simulator
export GUANCE_CURRENCY=CNY

cp -r examples/cost-guard "$work/cost-guard"
if terraform -chdir="$work/cost-guard" plan -input=false -lock=false -no-color -out=tfplan \
  -var as_of=2024-03-15 -var monthly_budget=30000 -var 'daily_limits={"Log"=800}' >"$work/plan.log" 2>&1; then
  cat "$work/plan.log"
  echo "the fixture's plan should have been blocked by the budget" >&2
  exit 1
fi
grep -q "Resource postcondition failed" "$work/plan.log" || { cat "$work/plan.log"; echo "the plan failed, but not on the budget" >&2; exit 1; }
terraform -chdir="$work/cost-guard" show -json tfplan >examples/ci/testdata/budget-plan.json
if grep -q "$GUANCE_ACCESS_TOKEN" examples/ci/testdata/budget-plan.json; then
  echo "the token is in the plan" >&2
  exit 1
fi
echo "wrote examples/ci/testdata/budget-plan.json"
