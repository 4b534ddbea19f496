#!/usr/bin/env bash
# Mixed ring: the Spring Cloud Eureka reference server and two caf-eureka nodes as one ring.
#
#   run.sh <caf-eureka-node binary> [mixed_ring.py options...]
#
# Builds the reference server (../java-server-reference) with Maven -- offline from ~/.m2 first,
# online if the cache lacks something -- then runs mixed_ring.py. Fails with a clear message
# when java >= 17, mvn or python3 is missing (scripts/setup.sh --with-tests installs them).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
interop="$(dirname "$here")"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <caf-eureka-node> [mixed_ring.py options...]" >&2
  exit 2
fi
node="$1"
shift
source "$interop/common/java_prereqs.sh"
require_node_binary "$node"
require_java_tools "the mixed ring test"
maven_package "$interop/java-server-reference/pom.xml"

exec python3 "$here/mixed_ring.py" --node "$node" \
  --reference-jar "$interop/java-server-reference/target/eureka-server-reference.jar" "$@"
