eureka_add_test(node_config_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/node_config_test.cpp
                LIBS eureka_node)
eureka_add_test(node_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/node_test.cpp LIBS eureka_node)
