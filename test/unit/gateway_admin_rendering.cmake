# The admin API's documents and the registry's Prometheus figures
# (http_gateway/admin_documents, registry_metrics): pure renderers.
eureka_add_test(gateway_admin_rendering_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/gateway_admin_documents_test.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/gateway_registry_metrics_test.cpp
  LIBS eureka_gateway)
