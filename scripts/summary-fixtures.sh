#!/usr/bin/env bash
# The cost summary's plan fixtures (internal/costsummary/testdata/*.json) are real plans: each is
# `terraform show -json` of a plan of a configuration in scripts/summary-fixtures/ (or of
# examples/cost-guard) against the provider's simulator, normalised by
# scripts/summary-fixtures/normalise (indented, the plan's timestamp fixed).
#
#   scripts/summary-fixtures.sh           # rewrite the fixtures, then review the diff
#   scripts/summary-fixtures.sh -check    # fail when a committed fixture differs from a fresh plan
#
# make summary-fixtures-check (part of make test) runs -check, so that a change of the provider
# that changes what a plan holds fails until the fixtures (and the golden summaries made from
# them: go test ./internal/costsummary -update) are regenerated and reviewed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
mode=${1:-write}
case "$mode" in write | -check) ;; *) echo "usage: $0 [-check]" >&2; exit 2 ;; esac

testdata=internal/costsummary/testdata
configs=scripts/summary-fixtures
# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
work=$(mktemp -d)
cleanup() { stop_simulator; rm -rf "$work"; }
trap cleanup EXIT
setup_provider
start_simulator
# The currency of the provider's messages (the budgets' findings).
export GUANCE_CURRENCY=CNY
go build -o "$work/bin/normalise" ./$configs/normalise
cp -r examples/cost-guard "$work/cost-guard"
mkdir -p "$work/out"

# fixture NAME DIR [plan flags...]: plans DIR (a copy, beside cost-guard/) and writes NAME.json.
# A plan that a postcondition fails still saves its plan file (errored): that is a fixture too.
fixture() {
  local name=$1 dir=$2
  shift 2
  rm -rf "${work:?}/$name"
  cp -r "$dir" "$work/$name"
  # Local modules need terraform get (the provider comes from dev_overrides: no init).
  if grep -q '^module ' "$work/$name"/*.tf; then
    terraform -chdir="$work/$name" get -no-color >"$work/$name.log" 2>&1 ||
      { cat "$work/$name.log"; exit 1; }
  fi
  terraform -chdir="$work/$name" plan -no-color -input=false -lock=false -out=tfplan "$@" >"$work/$name.log" 2>&1 || true
  [ -f "$work/$name/tfplan" ] || { cat "$work/$name.log"; echo "$name: terraform plan saved no plan" >&2; exit 1; }
  terraform -chdir="$work/$name" show -json tfplan | "$work/bin/normalise" >"$work/out/$name.json"
  echo "    $name"
}

# state_fixture NAME DIR: applies DIR and writes the state's JSON as NAME.json.
state_fixture() {
  local name=$1 dir=$2
  rm -rf "${work:?}/$name"
  cp -r "$dir" "$work/$name"
  terraform -chdir="$work/$name" apply -no-color -input=false -lock=false -auto-approve >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; exit 1; }
  terraform -chdir="$work/$name" show -json | "$work/bin/normalise" >"$work/out/$name.json"
  echo "    $name"
}

echo "==> planning the fixtures against the simulator"
fixture one_read $configs/one_read
fixture modules $configs/modules
fixture check_warning examples/cost-guard -var as_of=2024-03-31 -var min_runway_days=5
fixture postcondition_failed examples/cost-guard -var as_of=2024-03-31 -var monthly_budget=70000 -var 'daily_limits={"Log"=800}'
fixture empty_period $configs/empty_period
fixture forecast $configs/forecast
fixture first_of_month $configs/first_of_month
fixture year_and_month $configs/year_and_month
fixture unknown_values $configs/unknown_values
fixture no_reads $configs/no_reads
state_fixture state $configs/state

if [ "$mode" = write ]; then
  cp "$work"/out/*.json "$testdata/"
  echo "==> wrote $testdata; review the diff, then run go test ./internal/costsummary -update"
  exit 0
fi
drift=0
for f in "$work"/out/*.json; do
  name=$(basename "$f")
  if ! diff -u "$testdata/$name" "$f" >"$work/$name.diff"; then
    head -40 "$work/$name.diff"
    echo "FAIL: $testdata/$name differs from a fresh plan (above); run scripts/summary-fixtures.sh and review" >&2
    drift=1
  fi
done
[ "$drift" = 0 ] && echo "ok: every plan fixture matches a fresh plan"
exit "$drift"
