#!/usr/bin/env bash
# make vulncheck: govulncheck with no network but the Go module proxy. The Go vulnerability
# database is published as the module golang.org/x/vulndb; its OSV files are indexed with the
# module's own cmd/indexdb into the layout govulncheck reads with -db file://. The index is
# built once per database version and kept in the user's cache directory.
#
# The scan runs with the Go that builds releases (GOTOOLCHAIN in .goreleaser.yml), whose
# standard library is the one that ships. Fails when a vulnerability in a dependency or in
# that standard library is reachable from the provider's code.
set -euo pipefail
cd "$(dirname "$0")/.."
GOTOOLCHAIN=$(bash scripts/release-go.sh)
export GOTOOLCHAIN

# Raise this to pick up newer advisories.
VULNDB_VERSION=${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}
index=${VULNDB_INDEX:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-guance/vulndb/$VULNDB_VERSION}

if [ ! -f "$index/index/db.json" ]; then
  echo "==> indexing golang.org/x/vulndb@$VULNDB_VERSION into $index"
  src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src/data/osv" ] || { echo "golang.org/x/vulndb@$VULNDB_VERSION has no data/osv directory" >&2; exit 1; }
  mkdir -p "${index%/*}"
  tmp=$(mktemp -d "$index.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$tmp"
  rm -rf "$index"
  mv "$tmp" "$index"
fi

echo "==> govulncheck ./... against golang.org/x/vulndb@$VULNDB_VERSION"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
go tool -modfile=tools/go.mod govulncheck -db "file://$index" -format json ./... >"$report"
go run ./scripts/vulnreport <"$report"
