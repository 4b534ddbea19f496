# Mixed ring (issue 7): the Spring Cloud Eureka reference server and two caf-eureka nodes as one
# ring, replicating both ways over HTTP peerreplication/batch. About two minutes; the script's own
# deadline (540 s) is below this TIMEOUT, so it always kills its servers itself.
add_test(NAME interop_mixed_ring COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE})
set_tests_properties(interop_mixed_ring PROPERTIES
  TIMEOUT 600 LABELS interop RESOURCE_LOCK interop_java_maven)
