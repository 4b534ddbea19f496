# Sourced by the interop run.sh scripts that need Java: checks the tools and builds a Maven
# project, offline from ~/.m2 first, online if the cache lacks something.
#
#   source "$interop/common/java_prereqs.sh"
#   require_node_binary "$node"               # exits 1 with a FAIL line when not executable
#   require_java_tools "the mixed ring test"  # java >= 17, mvn, python3
#   maven_package "$interop/java-server-reference/pom.xml"

require_node_binary() {
  if [[ ! -x "$1" ]]; then
    echo "FAIL: no executable node binary at '$1'"
    exit 1
  fi
}

require_java_tools() {
  local what="$1" tool java_major
  for tool in java mvn python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "FAIL: $tool not found (needed for $what; run scripts/setup.sh --with-tests)"
      exit 1
    fi
  done
  java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  if [[ -z "$java_major" || "${java_major%%.*}" -lt 17 ]]; then
    echo "FAIL: Spring Boot 4 needs Java 17 or newer; found '${java_major:-unknown}'"
    exit 1
  fi
}

maven_package() {
  local pom="$1" out
  # Share the machine politely: one build thread, small heaps.
  export MAVEN_OPTS="${MAVEN_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
  out="$(mktemp)"
  if ! mvn -o -q -B -T1 -f "$pom" package -DskipTests >"$out" 2>&1; then
    echo "offline build of $pom failed; retrying online"
    mvn -q -B -T1 -f "$pom" package -DskipTests
  fi
  rm -f "$out"
}
