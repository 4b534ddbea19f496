# What the actors report to the admin console (admin_atom), on the test
# coordinator, and the eviction decision sentence.
eureka_add_test(admin_reports_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/admin_reports_test.cpp LIBS eureka_actors)
