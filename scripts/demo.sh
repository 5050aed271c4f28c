#!/usr/bin/env bash
# make demo: build the provider and plan examples/cost-guard three times: within budget, with a
# warning threshold the spending passes (a check block: it warns, the plan passes), and with a
# budget it blows (a postcondition: the plan fails). Without GUANCE_ACCESS_TOKEN it starts the
# simulator on loopback and reads from it; with the variable set, it reads the real API
# (GUANCE_REGION or GUANCE_ENDPOINT pick the site).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

work=.demo
mkdir -p "$work/bin"
echo "==> building the provider"
go build -o "$work/bin/terraform-provider-guance" .

sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true; }
trap cleanup EXIT

if [ -z "${GUANCE_ACCESS_TOKEN:-}" ]; then
  echo "==> GUANCE_ACCESS_TOKEN is not set: starting the simulator on loopback"
  go build -o "$work/bin/guancesim" ./internal/guancesim/cmd/guancesim
  "$work/bin/guancesim" -listen 127.0.0.1:0 >"$work/sim.url" 2>"$work/sim.log" &
  sim_pid=$!
  for _ in $(seq 50); do [ -s "$work/sim.url" ] && break; sleep 0.1; done
  url=$(head -n 1 "$work/sim.url")
  [ -n "$url" ] || { echo "the simulator did not start; see $work/sim.log" >&2; exit 1; }
  echo "    simulator at $url"
  export GUANCE_ENDPOINT="$url" GUANCE_ACCESS_TOKEN=sim-access-token
  unset GUANCE_REGION GUANCE_END_POINT
else
  echo "==> reading the real Guance API (${GUANCE_ENDPOINT:-region ${GUANCE_REGION:-hangzhou}})"
fi

# dev_overrides points Terraform at the binary just built; no terraform init is needed.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "guance-finops/guance" = "$PWD/$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$PWD/$work/terraformrc"

# Terraform warns about dev_overrides on every run; the demo leaves that warning out.
plan() {
  local status=0
  terraform -chdir=examples/cost-guard plan -input=false -lock=false -no-color "$@" >"$work/plan.out" 2>&1 || status=$?
  awk '/^Warning: Provider development overrides/ { skip = 1 } !skip { print } skip && /^releases\.$/ { skip = 0 }' "$work/plan.out"
  return $status
}

echo
echo "==> 1. terraform plan within budget: it passes and shows the month's totals"
plan
echo
echo "==> 2. the same plan warning from half of each budget: a failed check only warns, the plan passes"
plan -var warn_at_ratio=0.5
echo
echo "==> 3. the same plan with a monthly budget of 1000 CNY: the guard blocks it"
if plan -var monthly_budget=1000; then
  echo "expected the plan to be blocked" >&2
  exit 1
fi
echo
echo "==> demo done: plans 1 and 2 passed (2 with a warning if spending is over half a budget), plan 3 was blocked by the budget postcondition"
