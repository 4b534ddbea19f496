#!/usr/bin/env bash
# Installs everything caf-eureka needs to build, run and test, on Debian
# (bookworm). Safe to run again: it installs only what is missing.
set -euo pipefail

# Build and run.
packages=(build-essential cmake ninja-build pkg-config
          libcaf-dev libsimdjson-dev libfmt-dev libboost-dev libboost-test-dev
          libpugixml-dev zlib1g-dev libssl-dev
          curl python3)
# Interop suites: the real Java eureka-client comes from Maven Central.
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all packages present"
