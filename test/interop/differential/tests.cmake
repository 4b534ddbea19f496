# Differential test against the real Spring Cloud Eureka server: the same raw HTTP requests
# (cases/cases.txt) to both, answers compared after normalising clocks and hash-map order;
# deliberate differences are in allowlist.txt (docs/compatibility.md).
add_test(NAME interop_differential COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE})
set_tests_properties(interop_differential PROPERTIES
  TIMEOUT 600 LABELS interop RESOURCE_LOCK interop_java_maven)
