# The real Netflix eureka-client, through Spring Cloud Netflix.
add_test(NAME interop_java_client COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE})
set_tests_properties(interop_java_client PROPERTIES
  TIMEOUT 600 LABELS interop RESOURCE_LOCK interop_java_maven)

# The same client with basic auth in defaultZone against a node with
# eureka.auth.enabled: registered and fetching; refused with a wrong password.
add_test(NAME interop_java_secured COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE} --secured)
set_tests_properties(interop_java_secured PROPERTIES
  TIMEOUT 600 LABELS interop RESOURCE_LOCK interop_java_maven)

# The same scenario against the real Spring Cloud Eureka server: checks the
# scenario itself. Off by default (it builds and starts a second JVM).
option(EUREKA_INTEROP_REFERENCE "Also run the Java interop scenario against the Spring Cloud Eureka server" OFF)
if(EUREKA_INTEROP_REFERENCE)
  add_test(NAME interop_java_client_reference COMMAND bash ${INTEROP_DIR}/run.sh --reference)
  set_tests_properties(interop_java_client_reference PROPERTIES
    TIMEOUT 600 LABELS "interop;reference" RESOURCE_LOCK interop_java_maven)
endif()
