#!/usr/bin/env bash
# End-to-end test of the admin web console in Debian's headless Chromium against caf-eureka-node.
#
#   run.sh <caf-eureka-node binary> <output dir> [console_test.js options...]
#
# Installs the pinned playwright-core into node_modules with `npm ci` when it is missing or does
# not match package-lock.json (offline from npm's cache first), then runs console_test.js, which
# writes node.log and console.png (the README's screenshot) into the output directory.
# Fails with a clear message when node, npm or chromium is missing
# (scripts/setup.sh --with-tests installs them).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <caf-eureka-node> <output dir> [console_test.js options...]" >&2
  exit 2
fi
node_bin="$1"
out_dir="$2"
shift 2
if [[ ! -x "$node_bin" ]]; then
  echo "FAIL: no executable node binary at '$node_bin'" >&2
  exit 2
fi

for tool in node npm /usr/bin/chromium; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: $tool not found (needed for the console's browser test; run scripts/setup.sh --with-tests)"
    exit 1
  fi
done

bash "$here/install.sh"

exec node "$here/console_test.js" --node "$node_bin" --out "$out_dir" "$@"
