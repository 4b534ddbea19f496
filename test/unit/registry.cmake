eureka_add_test(registry_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/registry_test.cpp
                LIBS eureka_registry)
eureka_add_test(record_sequence_test
                SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/record_sequence_test.cpp
                LIBS eureka_registry)
