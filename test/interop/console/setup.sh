#!/usr/bin/env bash
# Installs what the console's browser test needs (run as root by `scripts/setup.sh --with-tests`
# on Debian bookworm; safe to run again):
#   - Debian's chromium (the browser the test drives headless) and a font for its screenshot,
#     Node.js and npm, from apt, each only when missing;
#   - node_modules/ in this folder, exactly as package-lock.json pins it (playwright-core), from
#     the npm registry. Nothing downloads a browser.
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
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-dejavu-core 2>/dev/null | grep -q "install ok installed" \
  || missing+=(fonts-dejavu-core)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "console setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'; then
  echo "console setup: Node.js $(node --version) is older than 18" >&2
  exit 1
fi

bash "$here/install.sh"
echo "console setup: playwright-core $(node -p 'require(process.argv[1]).version' \
  "$here/node_modules/playwright-core/package.json") ready, $(/usr/bin/chromium --version 2>/dev/null | head -1)"
