#!/usr/bin/env bash
# scripts/tofu.sh prints the path of an OpenTofu CLI built from the module pinned in
# tools/tofu/go.mod, building it first when needed. OpenTofu is built from its Go module
# (no release download), once per pin and Go version, into the user's cache directory, so
# that a fresh clone reuses it; the first build takes minutes, later calls are instant.
set -euo pipefail
cd "$(dirname "$0")/.."

modfile=tools/tofu/go.mod
version=$(go list -modfile="$modfile" -m -f '{{.Version}}' github.com/opentofu/opentofu)
# The key covers everything that shapes the binary: the pin, its dependencies and the Go.
key=$(cat "$modfile" tools/tofu/go.sum <(go env GOVERSION GOOS GOARCH) | sha256sum | cut -c1-16)
dir=${TOFU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-guance/tofu}/$version-$key
tofu=$dir/tofu

if [ ! -x "$tofu" ]; then
  echo "==> building OpenTofu $version from its Go module into $dir" >&2
  mkdir -p "$dir"
  # dev=no makes the binary report the plain release version, as a release build does, so
  # that version checks (tfversion.SkipBelow and the like) see 1.10.x and not 1.10.x-dev.
  go build -modfile="$modfile" -trimpath \
    -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$tofu.tmp.$$" github.com/opentofu/opentofu/cmd/tofu
  mv "$tofu.tmp.$$" "$tofu"
fi
echo "$tofu"
