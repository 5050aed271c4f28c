#!/usr/bin/env bash
# make summary-render-check: renders every golden Markdown summary (internal/costsummary/testdata)
# in headless Chromium, as GitHub shows it, and fails when a Mermaid chart does not render or
# lacks a bar per day, or a summary draws another number of charts than expected-charts.txt
# lists for it. Installs what it needs: Debian's chromium (never a downloaded browser)
# and the pinned npm packages of package-lock.json. With SCREENSHOT=FILE it also saves a picture
# of the check_warning summary (make summary-screenshot writes docs/images/cost-summary.png).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null; then
  echo "==> installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# npm ci when node_modules is missing or older than the lock file.
if ! [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

golden=../../internal/costsummary/testdata
shot=()
if [ -n "${SCREENSHOT:-}" ]; then shot=(--screenshot "$SCREENSHOT"); fi
node render.mjs "${shot[@]}" "$golden/check_warning.md" $(ls "$golden"/*.md | grep -v -e README.md -e check_warning.md)
