eureka_add_test(actors_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/actors_test.cpp
                LIBS eureka_actors)
eureka_add_test(read_model_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/read_model_test.cpp
                LIBS eureka_actors)
