#!/usr/bin/env bash
# Prints the Go toolchain that builds releases, as .goreleaser.yml names it (GOTOOLCHAIN in
# its builds' env; every build names the same one), so that vulncheck and the release workflow's
# tests use that same Go.
set -euo pipefail
cd "$(dirname "$0")/.."
toolchain=$(sed -n 's/^[[:space:]]*-[[:space:]]*GOTOOLCHAIN=\(go[0-9][0-9.]*\)[[:space:]]*$/\1/p' .goreleaser.yml | sort -u)
case $toolchain in
  go[0-9]*.[0-9]*.[0-9]*) echo "$toolchain" ;;
  *) echo ".goreleaser.yml names no single GOTOOLCHAIN=goX.Y.Z in its builds' env (found '$toolchain')" >&2; exit 1 ;;
esac
