#!/usr/bin/env bash
# Installs everything caf-eureka needs, on Debian (bookworm). Safe to run
# again: it installs only what is missing.
#   scripts/setup.sh               build and run a node
#   scripts/setup.sh --with-tests  also what the test suites need: each
#                                  test/interop/<suite>/setup.sh is run too
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
with_tests=false
[ "${1:-}" = "--with-tests" ] && with_tests=true

packages=(build-essential cmake ninja-build pkg-config
          libcaf-dev libsimdjson-dev libfmt-dev libboost-dev libboost-test-dev libpugixml-dev
          zlib1g-dev libssl-dev)
if $with_tests; then
  packages+=(curl python3)
  # test/package: the .deb (CPack's shlibdeps runs dpkg-shlibdeps and file),
  # its postinst (adduser) and systemd-analyze verify of its unit.
  packages+=(dpkg-dev file adduser systemd)
  # The fuzz targets (scripts/fuzz.sh): clang with libFuzzer and the
  # sanitizer runtimes, which Debian ships apart from the compiler.
  packages+=(clang libclang-rt-dev)
  # The real Java eureka-client comes from Maven Central.
  command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || packages+=(maven)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

apt_install() {
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

if $with_tests; then
  # Each interop suite installs its own client (npm, pip, Go modules, ...).
  for suite_setup in "$root"/test/interop/*/setup.sh; do
    [ -f "$suite_setup" ] || continue
    echo "setup: $(basename "$(dirname "$suite_setup")") suite"
    bash "$suite_setup"
  done
fi
echo "setup: all packages present"
