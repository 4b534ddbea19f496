#!/usr/bin/env bash
# Differential test: caf-eureka against the real Spring Cloud Eureka server (same requests, same
# answers, except the deliberate differences in allowlist.txt / docs/compatibility.md).
#
#   run.sh <caf-eureka-node binary> [differential.py options...]
#
# Builds the reference server (../java-server-reference) with Maven -- offline from ~/.m2 first,
# online if the cache lacks something -- then runs differential.py. Fails with a clear message
# when java >= 17, mvn or python3 is missing (scripts/setup.sh --with-tests installs them).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
interop="$(dirname "$here")"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <caf-eureka-node> [differential.py options...]" >&2
  exit 2
fi
node="$1"
shift
if [[ ! -x "$node" ]]; then
  echo "FAIL: no executable node binary at '$node'"
  exit 1
fi

for tool in java mvn python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: $tool not found (needed for the differential test; run scripts/setup.sh --with-tests)"
    exit 1
  fi
done
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [[ -z "$java_major" || "${java_major%%.*}" -lt 17 ]]; then
  echo "FAIL: Spring Boot 4 needs Java 17 or newer; found '${java_major:-unknown}'"
  exit 1
fi

# Share the machine politely: one build thread, small heaps.
export MAVEN_OPTS="${MAVEN_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"

pom="$interop/java-server-reference/pom.xml"
out="$(mktemp)"
if ! mvn -o -q -B -T1 -f "$pom" package -DskipTests >"$out" 2>&1; then
  echo "offline build of $pom failed; retrying online"
  mvn -q -B -T1 -f "$pom" package -DskipTests
fi
rm -f "$out"

exec python3 "$here/differential.py" --node "$node" \
  --reference-jar "$interop/java-server-reference/target/eureka-server-reference.jar" "$@"
