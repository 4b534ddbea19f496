#!/usr/bin/env bash
# Java client failover: the real Netflix eureka-client (test/interop/java's Spring Cloud app) with a
# defaultZone of three caf-eureka nodes, one of them killed with SIGKILL.
#
#   run.sh <caf-eureka-node binary> [failover.py options...]
#
# Builds the client jar (../java) with Maven -- offline from ~/.m2 first, online if the cache
# lacks something -- then runs failover.py. Fails with a clear message when java >= 17, mvn or
# python3 is missing (scripts/setup.sh --with-tests installs them).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
interop="$(dirname "$here")"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <caf-eureka-node> [failover.py options...]" >&2
  exit 2
fi
node="$1"
shift
source "$interop/common/java_prereqs.sh"
require_node_binary "$node"
require_java_tools "the Java failover test"
maven_package "$interop/java/pom.xml"

exec python3 "$here/failover.py" --node "$node" --jar "$interop/java/target/interop-java-client.jar" "$@"
