#!/usr/bin/env bash
# Benchmark of guance-cost-summary on a large plan: a guance_billing_details read of 2023 at 274
# records a day (100,010 records, kept in the plan with include_records = true) planned against
# the simulator, then the summary of its `terraform show -json` (Markdown and text), and jq
# reading the same file, for comparison. Prints the file's size and, for each, the median wall
# time and the peak RSS (GNU time's "Maximum resident set size") of RUNS runs.
#
#   scripts/bench-summary.sh                          # RUNS=5
#   PLAN_JSON=/tmp/plan.json scripts/bench-summary.sh # plans once into that file, then reuses it
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
RUNS=${RUNS:-5}
command -v jq >/dev/null || { echo "jq is needed for the comparison: apt-get install jq" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 1; }

work=$(mktemp -d)
sim_pid=""
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/plan"
go build -o "$work/bin/terraform-provider-guance" .
go build -o "$work/guancesim" ./cmd/guancesim
go build -o "$work/guance-cost-summary" ./cmd/guance-cost-summary
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "guance-finops/guance" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
"$work/guancesim" -listen 127.0.0.1:0 -records-per-day 274 >"$work/sim.url" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 50); do [ -s "$work/sim.url" ] && break; sleep 0.1; done
export GUANCE_ENDPOINT=$(head -n 1 "$work/sim.url") GUANCE_ACCESS_TOKEN=sim-access-token
cat >"$work/plan/main.tf" <<'TF'
terraform {
  required_providers {
    guance = { source = "guance-finops/guance" }
  }
}
data "guance_billing_details" "year" {
  start_date = "2023-01-01"
  end_date   = "2023-12-31"
}
TF
if [ -n "${PLAN_JSON:-}" ] && [ -s "$PLAN_JSON" ]; then
  cp "$PLAN_JSON" "$work/plan.json"
else
  echo "==> planning 100k records against the simulator"
  terraform -chdir="$work/plan" plan -input=false -lock=false -out=tfplan >"$work/plan.log" 2>&1 || { cat "$work/plan.log"; exit 1; }
  terraform -chdir="$work/plan" show -json tfplan >"$work/plan.json"
  [ -z "${PLAN_JSON:-}" ] || cp "$work/plan.json" "$PLAN_JSON"
fi
records=$(grep -o '"billing_result"' "$work/plan.json" | wc -l)
echo "plan.json: $(du -m "$work/plan.json" | cut -f1) MB, $records records"

# measure NAME COMMAND...: median wall seconds and peak RSS in MB over RUNS runs.
measure() {
  local name=$1 i
  shift
  : >"$work/times"
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$work/one" "$@" >/dev/null
    cat "$work/one" >>"$work/times"
  done
  sort -n "$work/times" | awk -v name="$name" -v runs="$RUNS" '
    { wall[NR] = $1; if ($2 > rss) rss = $2 }
    END { printf "%-40s median %.2f s, peak RSS %.0f MB (%d runs)\n", name, wall[int((runs + 1) / 2)], rss / 1024, runs }'
}
measure "guance-cost-summary (Markdown)" "$work/guance-cost-summary" "$work/plan.json"
measure "guance-cost-summary -format text" "$work/guance-cost-summary" -format text "$work/plan.json"
measure "jq . (parse and print)" jq . "$work/plan.json"
measure "jq -c .prior_state.values (one member)" jq -c '.prior_state.values.root_module.resources[0].values.total_billing_result' "$work/plan.json"
