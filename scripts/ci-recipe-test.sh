#!/usr/bin/env bash
# make ci-recipe-test: runs the shell steps of examples/ci/cost-guard.yml, as written there,
# locally against the provider's simulator: the plan, the install of guance-cost-summary from a
# release (a local one, built here, served by a stand-in curl), the summary, and the
# pull-request comment (through a stand-in gh that keeps the comments in a file and applies the
# step's own --jq filter with jq). GitHub evaluates the steps' if: conditions; this script takes
# the branch each case needs. terraform init is replaced by dev_overrides.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
repo=$PWD
workflow=$repo/examples/ci/cost-guard.yml

if ! command -v jq >/dev/null; then
  echo "==> installing Debian's jq"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null
fi

# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
work=$(mktemp -d)
cleanup() { stop_simulator; rm -rf "$work"; }
trap cleanup EXIT
setup_provider
start_simulator

# step NAME prints the run: block of the workflow's step named NAME.
step() {
  awk -v name="$1" '
    $0 == "      - name: " name { found = 1; next }
    found && /^      - / { exit }
    found && /^        run: \|/ { inrun = 1; next }
    found && inrun { if ($0 == "" || $0 ~ /^          /) { sub(/^          /, ""); print } else { exit } }
  ' "$workflow"
}
# step_env NAME prints the literal values of the step's env: (KEY=VALUE); the test sets the
# values GitHub computes from ${{ }} expressions.
step_env() {
  awk -v name="$1" '
    $0 == "      - name: " name { found = 1; next }
    found && /^      - / { exit }
    found && /^        env:/ { inenv = 1; next }
    found && inenv && /^          [A-Z_]+: / {
      if ($0 ~ /\$\{\{/) next
      line = $0; sub(/^ +/, "", line); key = line; sub(/:.*/, "", key); value = line; sub(/^[A-Z_]+: /, "", value)
      gsub(/^"|"$/, "", value); print key "=" value; next
    }
    found && inenv && !/^          / { exit }
  ' "$workflow"
}
for name in "Plan within the Guance budgets" "Install guance-cost-summary" "Summarise the Guance billing" "Comment the summary on the pull request"; do
  if [ "$name" != "Plan within the Guance budgets" ] && [ -z "$(step "$name")" ]; then
    echo "the workflow has no run: block in a step named \"$name\"" >&2
    exit 1
  fi
done
plan_step=$(awk '/^      - name: Plan within the Guance budgets$/ { getline; sub(/^        run: /, ""); print; exit }' "$workflow")
[ -n "$plan_step" ] || { echo "the workflow has no plan step" >&2; exit 1; }

echo "==> a release of guance-cost-summary 0.1.0 for linux/amd64, as goreleaser names it"
release=$work/release
mkdir -p "$release"
go build -trimpath -ldflags "-X main.version=0.1.0" -o "$work/guance-cost-summary" ./cmd/guance-cost-summary
(cd "$work" && zip -q "$release/guance-cost-summary_0.1.0_linux_amd64.zip" guance-cost-summary)
(cd "$release" && sha256sum guance-cost-summary_0.1.0_linux_amd64.zip > terraform-provider-guance_0.1.0_SHA256SUMS)

# Stand-ins for curl (serving the release directory) and gh (keeping comments in a JSON file).
fakes=$work/fakes
mkdir -p "$fakes"
cat >"$fakes/curl" <<'SH'
#!/usr/bin/env bash
out="" url=""
while [ $# -gt 0 ]; do
  case "$1" in -o) out=$2; shift 2 ;; -*) [ "$1" = --retry ] && shift; shift ;; *) url=$1; shift ;; esac
done
case "$url" in https://github.com/guance-finops/terraform-provider-guance/releases/download/v0.1.0/*) ;; *) echo "curl: unexpected URL $url" >&2; exit 22 ;; esac
cp "$RELEASE/${url##*/}" "$out" 2>/dev/null || { echo "curl: (22) 404 $url" >&2; exit 22; }
SH
cat >"$fakes/gh" <<'SH'
#!/usr/bin/env bash
# gh api [--paginate] [--method M] PATH [--jq FILTER] [-F body=@FILE]
set -euo pipefail
[ "$1" = api ] || { echo "gh: only gh api is expected, got $*" >&2; exit 2; }
shift
method=GET path="" filter="" body=""
while [ $# -gt 0 ]; do
  case "$1" in
    --paginate) shift ;;
    --method) method=$2; shift 2 ;;
    --jq) filter=$2; shift 2 ;;
    -F) body=${2#body=@}; shift 2 ;;
    *) path=$1; shift ;;
  esac
done
echo "$method $path" >>"$GH_LOG"
[ -n "$GH_TOKEN" ] || { echo "gh: no token" >&2; exit 4; }
case "$method $path" in
  "GET repos/$REPO/issues/$PR/comments") jq -r "$filter" "$COMMENTS" ;;
  "POST repos/$REPO/issues/$PR/comments")
    jq --rawfile body "$body" '. + [{id: (length + 100), user: {login: "github-actions[bot]"}, body: $body}]' "$COMMENTS" >"$COMMENTS.new"
    mv "$COMMENTS.new" "$COMMENTS" ;;
  "PATCH repos/$REPO/issues/comments/"*)
    id=${path##*/}
    jq --rawfile body "$body" --argjson id "$id" 'map(if .id == $id then .body = $body else . end)' "$COMMENTS" >"$COMMENTS.new"
    mv "$COMMENTS.new" "$COMMENTS" ;;
  *) echo "gh: unexpected $method $path" >&2; exit 2 ;;
esac
SH
chmod +x "$fakes/curl" "$fakes/gh"

passes=0 failures=0
ok() { echo "ok: $1"; passes=$((passes + 1)); }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

# job NAME [VAR=VALUE...]: a fresh checkout and runner, then the plan, install and summary
# steps in cost-guard/, with the workflow's env and the given variables. Leaves $job.
job() {
  job=$work/$1
  shift
  rm -rf "$job"
  mkdir -p "$job/temp"
  cp -r examples/cost-guard "$job/cost-guard"
  : >"$job/step-summary" >"$job/path"
  export GITHUB_STEP_SUMMARY=$job/step-summary GITHUB_PATH=$job/path RUNNER_TEMP=$job/temp RELEASE=$release
  unset FORK TF_VAR_monthly_budget
  export GUANCE_CURRENCY=CNY TF_IN_AUTOMATION=1 TF_VAR_as_of=2024-03-31
  export "$@"
  (cd "$job/cost-guard" && PATH="$fakes:$PATH" bash -e -c "$plan_step") >"$job/plan.log" 2>&1 || echo "    (terraform plan failed, as a blocked plan does; its plan file is kept)"
}

# run_step NAME: runs a step's run: block in $job/cost-guard, with the fakes and GITHUB_PATH on PATH.
run_step() {
  local extra
  extra=$(paste -sd: "$GITHUB_PATH")
  local -a vars
  mapfile -t vars < <(step_env "$1")
  (cd "$job/cost-guard" && { [ ${#vars[@]} = 0 ] || export "${vars[@]}"; } && PATH="${extra:+$extra:}$fakes:$PATH" bash -e -c "$(step "$1")")
}

export GH_LOG=$work/gh.log COMMENTS=$work/comments.json REPO=guance-finops/infra PR=7 GH_TOKEN=test-token
: >"$GH_LOG"
# A comment by someone else that starts with the marker: it must never be edited.
jq -n '[{id: 1, user: {login: "someone"}, body: "<!-- guance-cost-summary -->\nforged"}]' >"$COMMENTS"

echo "==> a pull request from the repository: the first push comments, the second edits that comment"
job first_push FORK=false
if run_step "Install guance-cost-summary" && run_step "Summarise the Guance billing" && run_step "Comment the summary on the pull request"; then
  grep -q '^### ⚠️ Guance billing: Plan passes with 1 warning$' "$GITHUB_STEP_SUMMARY" &&
    [ "$(jq 'length' "$COMMENTS")" = 2 ] && [ "$(jq -r '.[1].body' "$COMMENTS")" = "$(cat "$job/cost-guard/summary.md")" ] &&
    ok "first push: the step summary and one new comment" || fail "first push: $(cat "$GITHUB_STEP_SUMMARY" "$COMMENTS")"
else
  fail "first push: a step failed"
fi
job second_push FORK=false TF_VAR_monthly_budget=1000
if run_step "Install guance-cost-summary" && run_step "Summarise the Guance billing" && run_step "Comment the summary on the pull request"; then
  [ "$(jq 'length' "$COMMENTS")" = 2 ] && jq -r '.[1].body' "$COMMENTS" | grep -q '^### ⛔ Guance billing: Plan blocked by' &&
    [ "$(jq -r '.[0].body' "$COMMENTS")" = "$(printf '<!-- guance-cost-summary -->\nforged')" ] &&
    [ "$(grep -c '^POST' "$GH_LOG")" = 1 ] && [ "$(grep -c '^PATCH .*/comments/101$' "$GH_LOG")" = 1 ] &&
    ok "second push (now blocked): the same comment edited in place, the forged one untouched" || fail "second push: $(cat "$GH_LOG" "$COMMENTS")"
else
  fail "second push: a step failed"
fi

echo "==> a pull request from a fork: the step summary says why there is no comment (the comment step's if: skips it)"
: >"$GH_LOG"
job fork FORK=true
if run_step "Install guance-cost-summary" && run_step "Summarise the Guance billing"; then
  grep -q "This pull request comes from a fork" "$GITHUB_STEP_SUMMARY" && [ ! -s "$GH_LOG" ] &&
    ok "fork: the step summary, with the note, and no gh call" || fail "fork: $(cat "$GITHUB_STEP_SUMMARY")"
else
  fail "fork: a step failed"
fi
grep -q "github.event.pull_request.head.repo.full_name == github.repository" <(awk '/- name: Comment the summary on the pull request/,/run: \|/' "$workflow") &&
  ok "fork: the comment step runs only for a pull request from the repository itself" || fail "fork: the comment step's if: does not exclude forks"

echo "==> a release whose zip does not match its checksum is not installed"
printf 'tampered' >>"$release/guance-cost-summary_0.1.0_linux_amd64.zip"
job tampered FORK=false
if run_step "Install guance-cost-summary" >"$job/install.log" 2>&1; then
  fail "tampered zip: installed"
else
  grep -q "FAILED" "$job/install.log" && ok "tampered zip: sha256sum refuses it" || fail "tampered zip: $(cat "$job/install.log")"
fi

echo "==> the policy recipe installs and comments with the same steps as the one tested here"
for name in "Install guance-cost-summary" "Comment the summary on the pull request"; do
  opa_step=$(workflow=$repo/examples/ci/cost-guard-opa.yml step "$name")
  if [ -n "$opa_step" ] && [ "$(step "$name")" = "$opa_step" ]; then
    ok "cost-guard-opa.yml: \"$name\" runs the same commands"
  else
    fail "cost-guard-opa.yml: \"$name\" differs from cost-guard.yml's"
  fi
done

echo "$passes passed, $failures failed"
[ "$failures" = 0 ]
