#!/usr/bin/env bash
# Interop test: the real Netflix eureka-client (Spring Cloud Netflix, Spring Boot 4) against a server.
#
#   run.sh <caf-eureka-node binary> [scenario.py options...]
#   run.sh --reference [scenario.py options...]     # against the real Spring Cloud Eureka server
#   run.sh <caf-eureka-node binary> --secured [...] # credentials in defaultZone (secured_scenario.py)
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

source "$interop/common/java_prereqs.sh"
require_java_tools "the Java interop test"
build() { maven_package "$1"; }

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

# --secured: the scenario of a node whose API needs credentials (secured_scenario.py).
if [[ "${1:-}" == "--secured" ]]; then
  shift
  exec python3 "$here/secured_scenario.py" "${server[@]}" --jar "$jar" "$@"
fi
exec python3 "$here/scenario.py" "${server[@]}" --jar "$jar" "$@"
