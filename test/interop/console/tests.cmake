# The admin web console in Debian's headless Chromium (playwright-core from npm, pinned in
# package-lock.json): listing, instance detail, actor state, actions with and without admin
# credentials, 10,000 instances; writes console.png (docs/console.png) into the build directory.
add_test(NAME interop_console COMMAND bash ${INTEROP_DIR}/run.sh ${EUREKA_NODE}
                                      ${CMAKE_CURRENT_BINARY_DIR}/console)
set_tests_properties(interop_console PROPERTIES TIMEOUT 300 LABELS interop)
