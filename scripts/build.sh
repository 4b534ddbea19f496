#!/usr/bin/env bash
# Configures and builds caf-eureka.
# Usage: scripts/build.sh [release|debug-asan] [ninja targets...]
#   release     optimized build in build/release (what scripts/start.sh runs)
#   debug-asan  Debug with AddressSanitizer + UBSan in build/debug-asan (tests)
# Without targets everything is built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-release}
shift || true
case "$kind" in
  release)    dir="$root/build/release";    flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  debug-asan) dir="$root/build/debug-asan"; flags=(-DCMAKE_BUILD_TYPE=Debug -DEUREKA_SANITIZE=ON) ;;
  *) echo "usage: $0 [release|debug-asan]" >&2; exit 2 ;;
esac
jobs=${EUREKA_BUILD_JOBS:-$(nproc)}
cmake -S "$root" -B "$dir" -G Ninja -DEUREKA_WERROR=ON "${flags[@]}" >/dev/null
ninja -C "$dir" -j "$jobs" "$@"
echo "build: $kind ready in $dir"
