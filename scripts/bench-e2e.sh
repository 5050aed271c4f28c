#!/usr/bin/env bash
# End-to-end benchmark: `terraform plan` over the same billing records through this provider
# (records, totals only, filtered) and through the do-it-yourself route (jsondecode of the
# API's answer in plain Terraform), at about 3k, 30k and 100k records, in one run, and a
# guance_billing_forecast read of the same days. Prints wall
# time and the peak RSS of terraform and of the provider process, and the ratios.
#
#   scripts/bench-e2e.sh            # 3 runs per case, median reported
#   RUNS=1 SIZES="3k" scripts/bench-e2e.sh
#   SIZES=100k ROUTES="totals forecast" scripts/bench-e2e.sh   # some of the provider's routes
#
# The do-it-yourself route is measured twice: with the http data source (hashicorp/http,
# built from the Go module proxy, the newest version it serves: v1.2.0) as users write it, and
# with file() reading the same answer from disk, which spares it the provider process and the
# request. Ratios are against the http route.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
RUNS=${RUNS:-3}
SIZES=${SIZES:-"3k 30k 100k"}
ROUTES=${ROUTES:-"records totals filtered forecast"}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/bin/terraform-provider-guance" .
go build -o "$work/guancesim" ./cmd/guancesim
GOBIN="$work/bin" GOFLAGS=-mod=mod go install github.com/terraform-providers/terraform-provider-http@v1.2.0
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "guance-finops/guance" = "$work/bin"
    "hashicorp/http"       = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"

# size → records per day and the last day of a period starting 2023-01-01
declare -A per_day=([3k]=100 [30k]=100 [100k]=274)
declare -A end_date=([3k]=2023-01-30 [30k]=2023-10-27 [100k]=2023-12-31)

# peak_kb PID: the highest VmHWM seen for PID.
vmhwm() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# run_case DIR: one terraform plan in DIR; prints "wall_s terraform_mb provider_mb".
run_case() {
  local dir=$1 start end tf_peak=0 prov_peak=0 pid child kb
  start=$(date +%s.%N)
  terraform -chdir="$dir" plan -input=false -lock=false -no-color >"$dir/plan.out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    kb=$(vmhwm "$pid"); [ "${kb:-0}" -gt "$tf_peak" ] && tf_peak=$kb
    for child in $(pgrep -P "$pid" 2>/dev/null); do
      kb=$(vmhwm "$child"); [ "${kb:-0}" -gt "$prov_peak" ] && prov_peak=$kb
    done
    sleep 0.02
  done
  wait "$pid" || { echo "plan failed in $dir:" >&2; tail -20 "$dir/plan.out" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $((tf_peak / 1024)) $((prov_peak / 1024))"
}

# median of the runs' wall times, with the peaks of the median run
measure() {
  local dir=$1 i
  for i in $(seq "$RUNS"); do run_case "$dir"; done | sort -n | awk -v n="$RUNS" '{ a[NR] = $0 } END { print a[int((n + 1) / 2)] }'
}

provider_case() { # DIR START END EXTRA
  mkdir -p "$1"
  cat >"$1/main.tf" <<TF
terraform {
  required_providers {
    guance = { source = "guance-finops/guance" }
  }
}
provider "guance" {}
data "guance_billing_details" "bill" {
  start_date = "$2"
  end_date   = "$3"
  $4
}
output "total" { value = data.guance_billing_details.bill.total_billing_result }
output "by_product" { value = data.guance_billing_details.bill.totals_by_product }
TF
}

# forecast_case DIR START END: the forecast of the period as of its last day (the period is
# over, so every day is read), in totals only, as a forecast always is.
forecast_case() {
  mkdir -p "$1"
  cat >"$1/main.tf" <<TF
terraform {
  required_providers {
    guance = { source = "guance-finops/guance" }
  }
}
provider "guance" {}
data "guance_billing_forecast" "bill" {
  start_date = "$2"
  end_date   = "$3"
  as_of      = "$3"
}
output "forecast" { value = data.guance_billing_forecast.bill.forecast_billing_result }
output "by_product" { value = data.guance_billing_forecast.bill.forecast_by_product }
TF
}

jsondecode_case() { # DIR EXPRESSION-FOR-THE-BODY [PREAMBLE]
  mkdir -p "$1"
  cat >"$1/main.tf" <<TF
${3:-}
locals {
  records = jsondecode($2).content
  amounts = [for r in local.records : try(tonumber(r.billingResult), 0)]
}
output "total" { value = sum(concat([0], local.amounts)) }
output "count" { value = length(local.records) }
TF
}

printf '%-6s %-22s %9s %10s %10s %9s\n' size route wall_s tf_peak_MB prov_MB vs_json
for size in $SIZES; do
  "$work/guancesim" -records-per-day "${per_day[$size]}" >"$work/sim-$size.url" 2>/dev/null &
  for _ in $(seq 50); do [ -s "$work/sim-$size.url" ] && break; sleep 0.1; done
  url=$(head -n1 "$work/sim-$size.url")
  export GUANCE_ENDPOINT=$url GUANCE_ACCESS_TOKEN=sim-access-token
  end=${end_date[$size]}
  curl -s -H "DF-API-KEY: $GUANCE_ACCESS_TOKEN" "$url/api/v1/billing/detail/list?startDate=20230101&endDate=${end//-/}" >"$work/body-$size.json"
  count=$(grep -o '"consumeTimeOfDay"' "$work/body-$size.json" | wc -l)

  jsondecode_case "$work/$size-file" "file(\"$work/body-$size.json\")"
  jsondecode_case "$work/$size-json" "data.http.bill.body" "
terraform {
  required_providers {
    http = { source = \"hashicorp/http\" }
  }
}
data \"http\" \"bill\" {
  url             = \"$url/api/v1/billing/detail/list?startDate=20230101&endDate=${end//-/}\"
  request_headers = { \"DF-API-KEY\" = \"$GUANCE_ACCESS_TOKEN\" }
}"
  provider_case "$work/$size-records" 2023-01-01 "$end" ""
  provider_case "$work/$size-totals" 2023-01-01 "$end" "include_records = false"
  provider_case "$work/$size-filtered" 2023-01-01 "$end" 'product_details = ["Log", "Session Replay"]'
  forecast_case "$work/$size-forecast" 2023-01-01 "$end"

  read -r json_wall json_tf json_prov <<<"$(measure "$work/$size-json")"
  printf '%-6s %-22s %9.2f %10s %10s %9s   (%s records, %s MB answer)\n' "$size" "jsondecode (http)" "$json_wall" "$json_tf" "$json_prov" 1.00 \
    "$count" "$(($(stat -c %s "$work/body-$size.json") / 1048576))"
  read -r wall tf _ <<<"$(measure "$work/$size-file")"
  printf '%-6s %-22s %9.2f %10s %10s %9.2f\n' "$size" "jsondecode (file)" "$wall" "$tf" - "$(echo "$wall / $json_wall" | bc -l)"
  records_prov=""
  for route in $ROUTES; do
    read -r wall tf prov <<<"$(measure "$work/$size-$route")"
    printf '%-6s %-22s %9.2f %10s %10s %9.2f\n' "$size" "provider $route" "$wall" "$tf" "$prov" "$(echo "$wall / $json_wall" | bc -l)"
    if [ "$route" = records ]; then records_prov=$prov; fi
  done
  if [ -n "$records_prov" ]; then
    printf '%-6s %-40s %10.2f\n' "$size" "provider peak (records) / jsondecode terraform peak" "$(echo "$records_prov / $json_tf" | bc -l)"
  fi
  kill %1 2>/dev/null || true
  wait 2>/dev/null || true
done
