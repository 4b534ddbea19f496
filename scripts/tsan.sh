#!/usr/bin/env bash
# ThreadSanitizer run of the unit, HTTP and cluster suites (issue 10).
#
# TSan only sees the happens-before edges of code it instruments. CAF's
# mailboxes are lock-free queues inside libcaf_core.so; Debian's build of it
# is not instrumented, so against it every message hand-off between two
# actors shows up as a race in our code. This script therefore builds CAF
# itself (core and io only, from Debian's own source tarball of the installed
# 0.17.6, pinned by its sha256) with -fsanitize=thread into build/tsan/caf,
# then the project with clang and -fsanitize=thread against it in
# build/tsan/project, and runs the suites with halt_on_error: any report
# fails the script. Suppressions (test/tsan.supp) cover only races proven to
# be inside CAF, each with its reason.
#   scripts/tsan.sh                 build what is missing, run the suites
#   scripts/tsan.sh -R cluster      only these tests (arguments go to ctest)
# The CAF build is kept and reused while its stamp (build/tsan/caf/stamp)
# names the same tarball, compiler and flags; docs/security.md has the times.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/build/tsan"
caf_version=0.17.6
caf_tarball="actor-framework_${caf_version}.orig.tar.gz"
caf_url="http://deb.debian.org/debian/pool/main/a/actor-framework/$caf_tarball"
caf_sha256=e2bf5bd243f08bb7d8adde197cfe3e6d71314ed3378fe0692f8932f4c3b3928c
# -O1 keeps TSan's slowdown (5-15x) bearable without inlining away the frames
# a report needs; -fno-omit-frame-pointer gives TSan's fast unwinder whole
# stacks. Line tables are all a report's stacks need (functions, files,
# lines, inlined frames); full debug info cost a third more compile time.
san_flags="-fsanitize=thread -O1 -gline-tables-only -fno-omit-frame-pointer"
jobs=${EUREKA_BUILD_JOBS:-$(nproc)}

for tool in clang clang++ curl sha256sum cmake ninja; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "tsan: $tool missing (scripts/setup.sh --with-tests installs it)" >&2
    exit 1
  fi
done
mkdir -p "$dir"
# sed reads to the end: with pipefail, head or grep -q leaving early could
# fail the pipe on the writer's SIGPIPE.
caf_stamp="$caf_sha256 $(clang++ --version | sed -n 1p) $san_flags limits-include core+io+openssl"

# -- CAF with -fsanitize=thread ------------------------------------------------
if [ -f "$dir/caf/lib/libcaf_core.so" ] && [ "$(cat "$dir/caf/stamp" 2>/dev/null)" = "$caf_stamp" ]; then
  echo "tsan: CAF $caf_version (TSan) reused from $dir/caf"
else
  echo "tsan: building CAF $caf_version with -fsanitize=thread into $dir/caf"
  if ! echo "$caf_sha256  $dir/$caf_tarball" | sha256sum -c --status 2>/dev/null; then
    curl -fsSL --retry 3 -o "$dir/$caf_tarball.part" "$caf_url"
    mv "$dir/$caf_tarball.part" "$dir/$caf_tarball"
  fi
  if ! echo "$caf_sha256  $dir/$caf_tarball" | sha256sum -c --status; then
    echo "tsan: $caf_tarball does not match its sha256 $caf_sha256" >&2
    rm -f "$dir/$caf_tarball"
    exit 1
  fi
  rm -rf "$dir/caf-src" "$dir/caf-build" "$dir/caf"
  mkdir -p "$dir/caf-src"
  tar -xzf "$dir/$caf_tarball" -C "$dir/caf-src" --strip-components=1
  # Debian's one change to the installed headers (/usr/include/caf): 0.17.6
  # misses this include, which newer libstdc++ no longer pulls in indirectly.
  sed -i 's|^#include <cstring>$|#include <cstring>\n#include <limits>|' \
    "$dir/caf-src/libcaf_io/caf/io/network/receive_buffer.hpp"
  # Core, io and openssl (BASP over mutual TLS) are all the node links: every
  # one instrumented, or Debian's libcaf_openssl would pull in its own
  # uninstrumented libcaf_core beside this one. Debian builds CAF as C++11 with the
  # default (quiet) log level; so does this, so that the library behaves as
  # the one the other builds use. CAF_NO_AUTO_LIBCPP: libstdc++, as ours.
  CC=clang CXX=clang++ cmake -S "$dir/caf-src" -B "$dir/caf-build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="-std=c++11 -Wno-everything" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$san_flags" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" \
    -DCMAKE_INSTALL_PREFIX="$dir/caf" -DCMAKE_INSTALL_LIBDIR=lib \
    -DCAF_NO_EXAMPLES=yes -DCAF_NO_TOOLS=yes -DCAF_NO_UNIT_TESTS=yes \
    -DCAF_NO_OPENCL=yes -DCAF_NO_PYTHON=yes \
    -DCAF_NO_AUTO_LIBCPP=yes -DCAF_NO_SUMMARY=yes -DCAF_LOG_LEVEL=QUIET >/dev/null
  nice ninja -C "$dir/caf-build" -j "$jobs" install >/dev/null
  echo "$caf_stamp" >"$dir/caf/stamp"
fi

# -- the project against it ------------------------------------------------------
# CAF_ROOT puts build/tsan/caf ahead of /usr in cmake/FindCAF.cmake's search
# (CMP0074); the check below makes sure it won. Debug keeps assert() on; -O1
# and line tables replace its -O0 -g, as for CAF above.
proj="$dir/project"
CC=clang CXX=clang++ cmake -S "$root" -B "$proj" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DEUREKA_TSAN=ON -DCAF_ROOT="$dir/caf" >/dev/null
for var in CAF_INCLUDE_DIR CAF_CORE_LIBRARY CAF_IO_LIBRARY CAF_OPENSSL_LIBRARY; do
  found=$(sed -n "s/^$var:[A-Z]*=//p" "$proj/CMakeCache.txt")
  case "$found" in
    "$dir/caf/"*) ;;
    *) echo "tsan: $var is $found, not the TSan CAF in $dir/caf" >&2; exit 1 ;;
  esac
done
# Only what runs: every Boost.Test suite (label unit: the unit, HTTP and
# cluster unit suites) and the node for system_cluster.
mapfile -t suites < <(cd "$proj" && ctest -N -L unit | sed -n 's/^ *Test *#[0-9]*: //p')
nice ninja -C "$proj" -j "$jobs" "${suites[@]}" caf-eureka-node
# The binaries must load the instrumented CAF (RPATH), not Debian's.
# The node links every CAF library; a suite such as actors_test only core.
check_loads() {
  local bin=$1
  shift
  for lib in "$@"; do
    if ! ldd "$bin" | grep "$lib.so.* => $dir/caf/lib/" >/dev/null; then
      echo "tsan: $bin does not load $dir/caf/lib/$lib.so:" >&2
      ldd "$bin" | grep caf >&2
      exit 1
    fi
  done
}
check_loads "$proj/apps/caf-eureka-node" libcaf_core libcaf_io libcaf_openssl
check_loads "$proj/test/unit/actors_test" libcaf_core
for bin in "$proj/apps/caf-eureka-node" "$proj/test/unit/actors_test"; do
  # And no second, uninstrumented copy of CAF beside it.
  if ldd "$bin" | grep "libcaf_.* => /usr/" >/dev/null; then
    echo "tsan: $bin also loads Debian's CAF:" >&2
    ldd "$bin" | grep caf >&2
    exit 1
  fi
done

# -- run -----------------------------------------------------------------------
# halt_on_error: the first report ends the process with exit code 66, which
# fails its test (system_cluster checks every node's exit code on SIGTERM and
# greps its log for reports). second_deadlock_stack: both stacks of a
# lock-order inversion.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/test/tsan.supp"
cd "$proj"
if [ $# -gt 0 ]; then
  exec ctest --output-on-failure --timeout 900 "$@"
fi
status=0
ctest --output-on-failure --timeout 900 -L unit || status=1
ctest --output-on-failure --timeout 900 -R '^system_cluster$' || status=1
if [ $status -ne 0 ]; then
  echo "tsan: a suite failed or TSan reported a race (see above)" >&2
  exit 1
fi
echo "tsan: unit, HTTP and cluster suites clean under ThreadSanitizer"
