#!/usr/bin/env bash
# Interop test: the real Netflix eureka-client (Spring Cloud Netflix, Spring Boot 4) against a server.
#
#   run.sh <caf-eureka-node binary> [scenario.py options...]
#   run.sh --reference [scenario.py options...]     # against the real Spring Cloud Eureka server
#
# Builds the client jar (and, with --reference, the reference server jar) with Maven -- offline
# from ~/.m2 first, online if the cache lacks something -- then runs scenario.py.
# Fails with a clear message when java >= 17, mvn or python3 is missing
# (scripts/setup.sh --with-tests installs them).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
interop="$(dirname "$here")"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <caf-eureka-node> | --reference  [scenario.py options...]" >&2
  exit 2
fi
target="$1"
shift

for tool in java mvn python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: $tool not found (needed for the Java interop test; run scripts/setup.sh --with-tests)"
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

build() {
  local pom="$1" out
  out="$(mktemp)"
  if mvn -o -q -B -T1 -f "$pom" package -DskipTests >"$out" 2>&1; then
    rm -f "$out"
    return 0
  fi
  echo "offline build of $pom failed; retrying online"
  rm -f "$out"
  mvn -q -B -T1 -f "$pom" package -DskipTests
}

build "$here/pom.xml"
jar="$here/target/interop-java-client.jar"

if [[ "$target" == "--reference" ]]; then
  build "$interop/java-server-reference/pom.xml"
  server=(--reference-jar "$interop/java-server-reference/target/eureka-server-reference.jar")
else
  if [[ ! -x "$target" ]]; then
    echo "no executable node binary at '$target'" >&2
    exit 2
  fi
  server=(--node "$target")
fi

exec python3 "$here/scenario.py" "${server[@]}" --jar "$jar" "$@"
