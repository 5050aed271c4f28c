#!/usr/bin/env bash
# make guide-check: runs the ```shell blocks of docs/guides/testing-your-guard.md in order,
# exactly as a reader would copy them, in a fresh copy of this checkout (its tracked and new
# files), so that the guide's commands keep working. Then it checks that the bill the guide
# records from the simulator is the one examples/cost-guard/tests reads: the committed
# recording is reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
root=$PWD
guide=docs/guides/testing-your-guard.md

work=$(mktemp -d)
pid=""
cleanup() {
  # The guide's session runs in a process group of its own: this stops the simulator too
  # if the guide failed before its last block stopped it.
  if [ -n "$pid" ]; then kill -- "-$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/clone"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  if [ -e "$f" ]; then cp --parents -- "$f" "$work/clone/"; fi
done
awk '/^```shell$/ { on = 1; next } /^```$/ { on = 0 } on' "$guide" >"$work/guide.sh"
[ -s "$work/guide.sh" ] || { echo "no shell blocks in $guide" >&2; exit 1; }

# Nothing of this machine's configuration stands in for what the guide sets up.
unset GUANCE_ACCESS_TOKEN GUANCE_ENDPOINT GUANCE_END_POINT GUANCE_REGION GUANCE_CURRENCY TF_CLI_CONFIG_FILE
cd "$work/clone"
echo "==> the shell blocks of $guide, in a copy of the checkout"
setsid bash -euo pipefail "$work/guide.sh" &
pid=$!
wait "$pid"
pid=""

recorded=examples/cost-guard/tests/bills/2024-03.json
for f in "$recorded" "${recorded%.json}.balance.json"; do
  cmp "$f" "$root/$f" || { echo "the guide's recording $f differs from the committed one" >&2; exit 1; }
done
echo "==> the guide's commands work, and record the bill the module's tests read"
