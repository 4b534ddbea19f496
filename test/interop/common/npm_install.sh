#!/usr/bin/env bash
# Usage: npm_install.sh DIR PACKAGE
# Puts what DIR's package-lock.json pins into DIR/node_modules/ (gitignored). Does nothing when
# node_modules already matches the lock file; otherwise `npm ci`, offline from npm's cache first.
# PACKAGE is the suite's main package, named in the messages and checked to be present.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 DIR PACKAGE" >&2; exit 2; }
cd "$1"
package=$2

# npm writes node_modules/.package-lock.json on install; equal to the lock's packages => up to date.
up_to_date() {
  [[ -f node_modules/.package-lock.json && -f "node_modules/$package/package.json" ]] || return 1
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
    const have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages;
    for (const [k, v] of Object.entries(lock)) {
      if (k === "") continue;
      if (!have[k] || have[k].version !== v.version) process.exit(1);
    }' 2>/dev/null
}

if up_to_date; then
  exit 0
fi
flags=(--no-audit --no-fund --loglevel=error)
if ! npm ci --offline "${flags[@]}" >/dev/null 2>&1; then
  echo "install: fetching the pinned $package from the npm registry"
  npm ci "${flags[@]}"
fi
up_to_date || { echo "FAIL: node_modules does not match package-lock.json after npm ci" >&2; exit 1; }
