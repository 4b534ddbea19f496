#!/usr/bin/env bash
# Installs what the Prometheus interop suite needs; run (as root) by `scripts/setup.sh --with-tests`
# on Debian bookworm. Idempotent: does nothing when a `prometheus` binary is already on PATH.
#   - Debian's `prometheus` package (bookworm: 2.42, eureka_sd_configs since 2.28), without its
#     recommended node exporter. The package's own service is not used: the scenario runs its own
#     `prometheus` process with its own config, port and storage. The service is kept from starting
#     during the install (policy-rc.d), so no stray Prometheus listens on :9090 afterwards.
#   - python3 (the scenario driver, standard library only), from apt only when missing.
set -euo pipefail

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup(prometheus): $(prometheus --version 2>&1 | head -n1)"
  exit 0
fi

echo "setup(prometheus): installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
added_policy=false
if [ ! -e "$policy" ]; then
  # invoke-rc.d honours exit code 101: "action not allowed" (no service start during the install).
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod 755 "$policy"
  added_policy=true
fi
cleanup() { if $added_policy; then "${sudo_cmd[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup(prometheus): $(prometheus --version 2>&1 | head -n1)"
