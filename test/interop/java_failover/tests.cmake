# Java client failover (issue 7): the real Netflix eureka-client with a defaultZone of three
# caf-eureka nodes keeps working when the node it talks to is killed. About a minute; the
# script's own deadline (540 s) is below this TIMEOUT, so it always kills its processes itself.
add_test(NAME interop_java_failover COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE})
set_tests_properties(interop_java_failover PROPERTIES
  TIMEOUT 600 LABELS interop RESOURCE_LOCK interop_java_maven)
