#!/usr/bin/env bash
# make test-tofu: internal/provider's tests (the acceptance tests against the simulator, the
# billing_period function's tests and the examples) with OpenTofu as the CLI, then `tofu test`
# on the cost-guard module's tests (scripts/guard-test.sh). TOFU names a
# tofu binary to use; without it, the one pinned in tools/tofu/go.mod is built (once).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

tofu=${TOFU:-$(bash scripts/tofu.sh)}
# No CLI configuration is needed to print the version (the tests write their own).
TF_CLI_CONFIG_FILE=/dev/null "$tofu" version

# terraform-plugin-testing runs the CLI it is given and serves the provider in-process under
# registry.terraform.io/...; OpenTofu completes a source such as guance-finops/guance with
# its own registry, so the served address must name registry.opentofu.org to be used.
export TF_ACC_TERRAFORM_PATH=$tofu
export TF_ACC_PROVIDER_HOST=registry.opentofu.org
# A shared, loaded machine can take past go test's default 10 minutes.
go test -count=1 -timeout 30m ./internal/provider/
# The cost-guard module's own tests, with tofu test.
unset TF_ACC_TERRAFORM_PATH TF_ACC_PROVIDER_HOST
bash scripts/guard-test.sh "$tofu"
