#!/usr/bin/env bash
# Puts eureka-js-client, pinned by package-lock.json, into node_modules/ (see
# ../common/npm_install.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../common/npm_install.sh" "$here" eureka-js-client
