# HTTP gateway: pure routing/negotiation/planning rules, and HTTP over loopback.
eureka_add_test(gateway_rules_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/gateway_rules_test.cpp LIBS eureka_gateway)
eureka_add_test(gateway_http_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/gateway_http_test.cpp LIBS eureka_gateway)
eureka_add_test(gateway_connection_rules_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/gateway_connection_rules_test.cpp LIBS eureka_gateway)
# The admin API: password hashes, authentication, routes and access rules.
eureka_add_test(gateway_admin_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/gateway_admin_test.cpp
  LIBS eureka_gateway)
# Who may do what on the Eureka API: roles and the access table.
eureka_add_test(gateway_access_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/gateway_access_test.cpp
  LIBS eureka_gateway)
# HTTPS: the TLS session on memory BIOs against an OpenSSL client.
eureka_add_test(gateway_tls_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/gateway_tls_test.cpp
  LIBS eureka_gateway OpenSSL::SSL)
