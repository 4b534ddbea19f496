#!/usr/bin/env bash
# Installs what the Go interop suite (hudl/fargo) needs; run by `scripts/setup.sh --with-tests`.
#   - a Go toolchain: Debian's golang-go, only when no `go` is on PATH (go.mod needs Go >= 1.19,
#     which is bookworm's);
#   - fargo and its dependencies, pinned by go.mod/go.sum, from the Go module proxy into
#     .gomodcache/ beside this file (gitignored), and the scenario binary built into bin/.
# Idempotent: with the modules already cached nothing is downloaded.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v go >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "setup(go): installing golang-go"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends golang-go ca-certificates >/dev/null
fi

# shellcheck source=env.sh
source "$here/env.sh"
cd "$here"
go mod download
go build -o bin/fargo-interop .
echo "setup(go): $(go version | cut -d' ' -f3), fargo $(go list -m -f '{{.Version}}' github.com/hudl/fargo)"
