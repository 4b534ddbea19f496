# Shared helpers (common/): log escaping.
eureka_add_test(log_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/log_test.cpp
                LIBS eureka_registry fmt::fmt simdjson::simdjson)
# The rate meter behind the admin console's actor load.
eureka_add_test(rate_meter_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/rate_meter_test.cpp
                LIBS eureka_registry)
