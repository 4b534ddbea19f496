# Prometheus (Debian's `prometheus` package) discovering scrape targets through
# eureka_sd_configs pointed at the node.
add_test(NAME interop_prometheus COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE})
set_tests_properties(interop_prometheus PROPERTIES TIMEOUT 240 LABELS interop)
