#!/usr/bin/env bash
# Interop test: py-eureka-client (PyPI) against caf-eureka-node.
#
#   run.sh <caf-eureka-node binary> [scenario.py options...]
#
# Uses .venv/ in this folder (made by setup.sh: scripts/setup.sh --with-tests). When it is
# missing or stale, runs setup.sh once, which needs PyPI; with the venv present it is offline.
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
if ! command -v python3 >/dev/null 2>&1; then
  echo "FAIL: python3 not found (needed for the Python interop test; run scripts/setup.sh --with-tests)"
  exit 1
fi

want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ ! -x "$here/.venv/bin/python" || "$(cat "$here/.venv/.requirements.sha256" 2>/dev/null)" != "$want" ]]; then
  echo "py-eureka-client venv missing or stale: running setup.sh"
  if ! bash "$here/setup.sh"; then
    echo "FAIL: could not install py-eureka-client (run scripts/setup.sh --with-tests)"
    exit 1
  fi
fi

exec python3 "$here/scenario.py" --node "$node" --python "$here/.venv/bin/python" "$@"
