# py-eureka-client (PyPI), which reads the registry as XML.
add_test(NAME interop_python_client COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE})
set_tests_properties(interop_python_client PROPERTIES TIMEOUT 300 LABELS interop)
