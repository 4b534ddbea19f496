#!/usr/bin/env bash
# Builds the caf-eureka .deb with CPack, installs it with apt-get, checks what
# it installed, runs the installed node as its service user with the
# installed configuration, and purges the package (the machine is left as it
# was). Any failed check fails the script.
#   test/package/run.sh [--build-dir DIR]    (default build/package)
# Needs root or password-less sudo. EUREKA_BUILD_JOBS bounds the build's jobs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build/package"
[ "${1:-}" = --build-dir ] && build=$2

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    echo "package: skipped: needs root or password-less sudo"
    exit 77 # SKIP_RETURN_CODE
  fi
  as_root=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive

step() { echo "package: $*"; }
fail() {
  echo "package: FAIL: $*" >&2
  exit 1
}

unit=/lib/systemd/system/caf-eureka.service
conf=/etc/caf-eureka/caf-eureka.properties
node_pid=""
installed=false
logs=$(mktemp -d)

cleanup() {
  local rc=$?
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    "${as_root[@]}" kill -KILL "$node_pid" 2>/dev/null || true
  fi
  if $installed; then
    step "purging caf-eureka"
    timeout 300 "${as_root[@]}" apt-get remove --purge -y -qq caf-eureka >/dev/null 2>&1 || rc=1
  fi
  rm -rf "$logs"
  exit $rc
}
trap cleanup EXIT

# A real installation on this machine would be purged at the end: refuse.
if dpkg-query -W -f='${Status}' caf-eureka 2>/dev/null | grep -q "ok installed"; then
  fail "caf-eureka is already installed here; remove it first (or skip with ctest -LE package)"
fi

# -- build and pack -----------------------------------------------------------
step "building the Release tree in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEUREKA_BUILD_TESTS=OFF \
  -DEUREKA_WERROR=ON >"$logs/build" 2>&1 || { cat "$logs/build" >&2; fail "cmake failed"; }
ninja -C "$build" -j "${EUREKA_BUILD_JOBS:-$(nproc)}" >"$logs/build" 2>&1 \
  || { tail -n 60 "$logs/build" >&2; fail "the Release build failed"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || fail "no project version in $build/CMakeCache.txt"
have_admin=false
[ -x "$build/apps/caf-eureka-admin" ] && have_admin=true

rm -f "$build"/caf-eureka_*.deb
(cd "$build" && timeout 600 cpack -G DEB >"$logs/cpack" 2>&1) \
  || { cat "$logs/cpack" >&2; fail "cpack -G DEB failed"; }
debs=("$build"/caf-eureka_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one caf-eureka_*.deb in $build"
deb=${debs[0]}
step "built $(basename "$deb")"

# -- what the package holds ---------------------------------------------------
contents=$(dpkg-deb --contents "$deb")
has() { grep -qE "$1" <<<"$contents" || fail "the package lacks $2"; }
has ' \./usr/bin/caf-eureka-node$' /usr/bin/caf-eureka-node
$have_admin && has ' \./usr/bin/caf-eureka-admin$' /usr/bin/caf-eureka-admin
has ' \./lib/systemd/system/caf-eureka\.service$' "$unit"
has '^-rw-r----- .* \./etc/caf-eureka/caf-eureka\.properties$' "$conf with mode 0640"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx "$conf" \
  || fail "$conf is not a conffile"
depends=$(dpkg-deb --field "$deb" Depends)
grep -q 'libc6' <<<"$depends" || fail "Depends not computed: '$depends'"
grep -q 'adduser' <<<"$depends" || fail "Depends lacks adduser: '$depends'"

# -- install ------------------------------------------------------------------
step "installing (PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown))"
installed=true
timeout 600 "${as_root[@]}" apt-get install -y -qq "$deb" >"$logs/apt" 2>&1 \
  || { cat "$logs/apt" >&2; fail "apt-get install failed"; }

step "checking the installation"
verify_out=$(systemd-analyze verify "$unit" 2>&1) || {
  echo "$verify_out" >&2
  fail "systemd-analyze verify $unit failed"
}
if grep -q 'caf-eureka' <<<"$verify_out"; then
  echo "$verify_out" >&2
  fail "systemd-analyze verify warns about $unit"
fi
got=$(/usr/bin/caf-eureka-node --version) || fail "caf-eureka-node --version failed"
[ "$got" = "caf-eureka-node $version" ] || fail "--version printed '$got'"
if $have_admin; then
  got=$(/usr/bin/caf-eureka-admin --version) || fail "caf-eureka-admin --version failed"
  [ "$got" = "caf-eureka-admin $version" ] || fail "admin --version printed '$got'"
fi
# Every commented default in the shipped configuration is a key and value the
# node takes (the users line holds a placeholder hash).
while IFS= read -r line; do
  /usr/bin/caf-eureka-node "--$line" --dump-config >/dev/null 2>"$logs/conf.err" \
    || { cat "$logs/conf.err" >&2; fail "$conf documents '$line', which the node refuses"; }
done < <("${as_root[@]}" sed -n 's/^#\([a-z][A-Za-z.-]*=.*\)$/\1/p' "$conf" | grep -v '^eureka.auth.users=')
getent passwd caf-eureka >/dev/null || fail "no user caf-eureka"
getent group caf-eureka >/dev/null || fail "no group caf-eureka"
[ "$(stat -c '%a %U %G' "$conf")" = "640 root caf-eureka" ] \
  || fail "$conf is $(stat -c '%a %U %G' "$conf"), not 640 root caf-eureka"
[ -L /etc/systemd/system/multi-user.target.wants/caf-eureka.service ] \
  || fail "the unit is not enabled (no multi-user.target.wants link)"
if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  # A real systemd: postinst started it (on the default port).
  systemctl is-enabled --quiet caf-eureka || fail "systemctl is-enabled caf-eureka"
fi

# -- the installed binary answers ---------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
step "starting the installed node as caf-eureka on port $port"
# As the unit runs it: its user, its configuration (readable through the
# group only), plus a free port and JSON logs.
"${as_root[@]}" setpriv --reuid=caf-eureka --regid=caf-eureka --init-groups --inh-caps=-all \
  /usr/bin/caf-eureka-node --config-file="$conf" --server.port="$port" \
  --server.address=127.0.0.1 --logging.format=json 2>"$logs/node.err" &
node_pid=$!
code=""
for _ in $(seq 1 150); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health" || true)
  [ "$code" = 200 ] && break
  kill -0 "$node_pid" 2>/dev/null || break
  sleep 0.2
done
if [ "$code" != 200 ]; then
  cat "$logs/node.err" >&2
  fail "GET /health answered '$code', not 200"
fi
step "GET /health: 200; stopping"
"${as_root[@]}" kill -TERM "$node_pid" 2>/dev/null || true
rc=0
timeout 30 tail --pid="$node_pid" -f /dev/null || fail "the node did not stop within 30 s"
wait "$node_pid" || rc=$?
node_pid=""
[ "$rc" -eq 0 ] || { cat "$logs/node.err" >&2; fail "the node exited with $rc"; }
# logging.format=json: every line it wrote is one JSON object.
python3 - "$logs/node.err" <<'PY' || fail "the node's JSON log lines do not parse"
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
assert lines[-1] == b"", "last line not terminated"
assert len(lines) > 2, "no log lines"
for raw in lines[:-1]:
    obj = json.loads(raw.decode("utf-8"))
    assert list(obj) == ["ts", "level", "logger", "msg"], raw
PY

# -- purge --------------------------------------------------------------------
step "purging"
timeout 300 "${as_root[@]}" apt-get remove --purge -y -qq caf-eureka >"$logs/apt" 2>&1 \
  || { cat "$logs/apt" >&2; fail "apt-get remove --purge failed"; }
installed=false
[ ! -e /usr/bin/caf-eureka-node ] || fail "/usr/bin/caf-eureka-node left after purge"
[ ! -e "$unit" ] || fail "$unit left after purge"
[ ! -e /etc/caf-eureka ] || fail "/etc/caf-eureka left after purge"
[ ! -e /etc/systemd/system/multi-user.target.wants/caf-eureka.service ] \
  || fail "the unit is still enabled after purge"
[ ! -e /etc/systemd/system/caf-eureka.service ] || fail "the unit is still masked after purge"
! getent passwd caf-eureka >/dev/null || fail "user caf-eureka left after purge"
step "ok"
