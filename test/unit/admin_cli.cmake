# caf-eureka-admin (apps/admin_*): arguments and credentials, requests,
# tables, the side-by-side merge of several nodes, the JSON output.
eureka_add_test(admin_cli_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/admin_cli_test.cpp LIBS eureka_admin_cli)
