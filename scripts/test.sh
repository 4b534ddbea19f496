#!/usr/bin/env bash
# Runs every test: installs what is missing, builds with ASan/UBSan, then runs
# the unit, HTTP and interop suites through CTest. Extra arguments go to
# ctest (e.g. -R codec, -L interop, -LE interop).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --with-tests
"$root/scripts/build.sh" debug-asan
export UBSAN_OPTIONS="suppressions=$root/test/ubsan.supp:print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export LSAN_OPTIONS="suppressions=$root/test/lsan.supp"
cd "$root/build/debug-asan"
ctest --output-on-failure --timeout 900 "$@"
