# Sourced by demo.sh and policy-test.sh, after they set $work (a scratch directory).
# setup_provider builds the provider into $work/bin and points Terraform at it through
# dev_overrides, so no terraform init is needed; start_simulator starts the simulator on
# loopback and exports the endpoint and token the provider reads. Callers stop it with
# stop_simulator (trap it on EXIT).

setup_provider() {
  mkdir -p "$work/bin"
  echo "==> building the provider"
  go build -o "$work/bin/terraform-provider-guance" .
  local bin
  bin="$(cd "$work/bin" && pwd)"
  cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "guance-finops/guance" = "$bin"
  }
  direct {}
}
RC
  TF_CLI_CONFIG_FILE="$(cd "$work" && pwd)/terraformrc"
  export TF_CLI_CONFIG_FILE
}

sim_pid=""
stop_simulator() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi; }

start_simulator() {
  go build -o "$work/bin/guancesim" ./cmd/guancesim
  "$work/bin/guancesim" -listen 127.0.0.1:0 >"$work/sim.url" 2>"$work/sim.log" &
  sim_pid=$!
  for _ in $(seq 50); do [ -s "$work/sim.url" ] && break; sleep 0.1; done
  local url
  url=$(head -n 1 "$work/sim.url")
  [ -n "$url" ] || { echo "the simulator did not start; see $work/sim.log" >&2; exit 1; }
  echo "    simulator at $url"
  export GUANCE_ENDPOINT="$url" GUANCE_ACCESS_TOKEN=sim-access-token
  unset GUANCE_REGION GUANCE_END_POINT
}
