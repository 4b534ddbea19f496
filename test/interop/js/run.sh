#!/usr/bin/env bash
# Interop test: the real eureka-js-client (npm, pinned in package-lock.json) against caf-eureka.
#
#   run.sh <caf-eureka-node binary> [scenario.py options...]
#
# Installs the pinned client into node_modules with `npm ci` when it is missing or does not match
# package-lock.json (offline from npm's cache first), then runs scenario.py.
# Fails with a clear message when node, npm or python3 is missing
# (scripts/setup.sh --with-tests installs them).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <caf-eureka-node> [scenario.py options...]" >&2
  exit 2
fi
node_bin="$1"
shift
if [[ ! -x "$node_bin" ]]; then
  echo "FAIL: no executable node binary at '$node_bin'" >&2
  exit 2
fi

for tool in node npm python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: $tool not found (needed for the eureka-js-client interop test; run scripts/setup.sh --with-tests)"
    exit 1
  fi
done

bash "$here/install.sh"

exec python3 "$here/scenario.py" --node "$node_bin" "$@"
