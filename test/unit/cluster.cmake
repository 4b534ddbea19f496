# Cluster (cluster/): peer URLs, self recognition, the peer HTTP client.
eureka_add_test(cluster_peer_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/cluster_peer_test.cpp LIBS eureka_cluster)
# Replication: the pure rules (peer queue, item execution and follow-ups),
# the registry actors' publications and the peer frontend, on the test
# coordinator.
eureka_add_test(cluster_replication_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/cluster_replication_test.cpp
  LIBS eureka_cluster eureka_actors)
