#!/usr/bin/env bash
# Interop test: Prometheus's Eureka service discovery (eureka_sd_configs) against the node.
#
#   run.sh <caf-eureka-node binary> [scenario.py options...]
#
# Needs `prometheus` (>= 2.28) and python3 on PATH (scripts/setup.sh --with-tests installs them);
# fails with a clear message when either is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <caf-eureka-node> [scenario.py options...]" >&2
  exit 2
fi
node="$1"
shift
if [[ ! -x "$node" ]]; then
  echo "FAIL: no executable node binary at '$node'"
  exit 1
fi
for tool in prometheus python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: $tool not found (needed for the Prometheus interop test; run scripts/setup.sh --with-tests)"
    exit 1
  fi
done

exec python3 "$here/scenario.py" --node "$node" --prometheus "$(command -v prometheus)" "$@"
