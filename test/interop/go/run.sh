#!/usr/bin/env bash
# Interop test: the real hudl/fargo Go client against caf-eureka-node.
#
#   run.sh <caf-eureka-node binary> [fargo-interop options...]
#
# Builds the scenario (main.go + fargo) offline from .gomodcache/ first, online from the Go module
# proxy only when the cache lacks a module, then runs it: it starts the node on a free loopback
# port, drives fargo in XML and JSON mode and prints `N passed, M failed`.
# Fails with a clear message when go is missing (scripts/setup.sh --with-tests installs it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <caf-eureka-node> [fargo-interop options...]" >&2
  exit 2
fi
node="$1"
shift
if ! command -v go >/dev/null 2>&1; then
  echo "FAIL: go not found (needed for the Go interop test; run scripts/setup.sh --with-tests)"
  exit 1
fi
if [[ ! -x "$node" ]]; then
  echo "no executable node binary at '$node'" >&2
  exit 2
fi
node="$(cd "$(dirname "$node")" && pwd)/$(basename "$node")"

# shellcheck source=env.sh
source "$here/env.sh"
cd "$here"
log="$(mktemp)"
if ! GOPROXY=off go build -o bin/fargo-interop . >"$log" 2>&1; then
  echo "offline build failed ($(head -c 300 "$log")); fetching modules"
  go build -o bin/fargo-interop .
fi
rm -f "$log"
# The scenario bounds itself (100 s); `timeout` is the backstop (SIGTERM: it kills the node).
exec timeout -k 5 150 "$here/bin/fargo-interop" --node "$node" "$@"
