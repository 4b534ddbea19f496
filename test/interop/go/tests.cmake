# hudl/fargo, the Go Eureka client, from the Go module proxy (pinned by go.sum).
add_test(NAME interop_go_fargo COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE})
set_tests_properties(interop_go_fargo PROPERTIES TIMEOUT 300 LABELS interop)
