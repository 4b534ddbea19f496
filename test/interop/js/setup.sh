#!/usr/bin/env bash
# Installs what the eureka-js-client interop suite needs (run as root by
# `scripts/setup.sh --with-tests` on Debian bookworm; safe to run again):
#   - Node.js and npm, from apt only when missing (bookworm's nodejs 18 is enough);
#   - node_modules/ in this folder, exactly as package-lock.json pins it (eureka-js-client 4.5.0),
#     from the npm registry. Fast and offline when node_modules already matches the lock file.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

apt_install() {
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "js setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  echo "js setup: Node.js $(node --version) is older than 18" >&2
  exit 1
fi

bash "$here/install.sh"
echo "js setup: eureka-js-client $(node -p 'require(process.argv[1]).version' \
  "$here/node_modules/eureka-js-client/package.json") ready (node $(node --version))"
