# Shared helpers (common/): log escaping.
eureka_add_test(log_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/log_test.cpp
                LIBS eureka_registry fmt::fmt)
