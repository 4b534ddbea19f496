# eureka-js-client (npm, pinned in package-lock.json), which reads the registry as JSON.
add_test(NAME interop_js_client COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE})
set_tests_properties(interop_js_client PROPERTIES TIMEOUT 300 LABELS interop)
