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
source "$interop/common/java_prereqs.sh"
require_node_binary "$node"
require_java_tools "the differential test"
maven_package "$interop/java-server-reference/pom.xml"

exec python3 "$here/differential.py" --node "$node" \
  --reference-jar "$interop/java-server-reference/target/eureka-server-reference.jar" "$@"
