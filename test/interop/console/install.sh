#!/usr/bin/env bash
# Puts playwright-core, pinned by package-lock.json, into node_modules/ (gitignored). Does nothing
# when node_modules already matches the lock file; otherwise `npm ci`, offline from npm's cache
# first. playwright-core has no install script and downloads no browser (the test drives Debian's
# /usr/bin/chromium); the variable below makes sure of it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# npm writes node_modules/.package-lock.json on install; equal to the lock's packages => up to date.
up_to_date() {
  [[ -f node_modules/.package-lock.json && -f node_modules/playwright-core/package.json ]] || return 1
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
  echo "install: fetching the pinned playwright-core from the npm registry"
  npm ci "${flags[@]}"
fi
up_to_date || { echo "FAIL: node_modules does not match package-lock.json after npm ci" >&2; exit 1; }
