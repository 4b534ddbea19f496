#!/usr/bin/env bash
# Installs what the py-eureka-client interop suite needs (run as root by
# `scripts/setup.sh --with-tests` on Debian bookworm; safe to run again):
#   - python3 (>= 3.11) with the venv module, from apt only when missing;
#   - .venv/ in this folder with requirements.txt (exact versions, hashes) from PyPI.
# Fast and offline when .venv already holds exactly those pins.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
req="$here/requirements.txt"
stamp="$venv/.requirements.sha256"

apt_install() {
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v python3 >/dev/null 2>&1; then
  echo "python setup: installing python3"
  apt_install python3 python3-venv
fi
if ! python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "python setup: python3 $(python3 -V 2>&1) is older than 3.11 (dnspython 2.9 needs 3.11)" >&2
  exit 1
fi

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] \
   && "$venv/bin/python" -c 'import py_eureka_client' 2>/dev/null; then
  echo "python setup: .venv up to date"
  exit 0
fi

rm -rf "$venv"
if ! python3 -m venv "$venv" >/dev/null 2>&1; then
  # Debian's python3 needs python3-venv (ensurepip) for this.
  echo "python setup: installing python3-venv"
  apt_install python3-venv
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input \
  --require-hashes --only-binary=:all: -r "$req"
echo "$want" > "$stamp"
echo "python setup: installed $("$venv/bin/python" -c 'import py_eureka_client; print("py-eureka-client", py_eureka_client.version)')"
