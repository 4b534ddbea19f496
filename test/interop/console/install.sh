#!/usr/bin/env bash
# Puts playwright-core, pinned by package-lock.json, into node_modules/ (see
# ../common/npm_install.sh). playwright-core has no install script and downloads no browser (the
# test drives Debian's /usr/bin/chromium); the variable below makes sure of it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec bash "$here/../common/npm_install.sh" "$here" playwright-core
