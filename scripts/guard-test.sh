#!/usr/bin/env bash
# make test (guard-test) and make test-tofu: the cost-guard module's own tests,
# examples/cost-guard/tests/*.tftest.hcl, with `terraform test` (or, given a path to an
# OpenTofu binary, `tofu test`), against the provider built from this checkout through
# dev_overrides. The tests read recorded bills: no network, no token.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

cli=${1:-terraform}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
setup_provider
# Nothing of the environment may reach the real API, or stand in for the recording.
unset GUANCE_ACCESS_TOKEN GUANCE_ENDPOINT GUANCE_END_POINT GUANCE_REGION GUANCE_CURRENCY

cd examples/cost-guard
echo "==> $(basename "$cli") test in examples/cost-guard"
"$cli" test
