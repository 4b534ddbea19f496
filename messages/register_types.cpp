#include <caf/actor_system_config.hpp>

#include "messages/admin_messages.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/registry_messages.hpp"
#include "messages/registry_stats.hpp"
#include "messages/registry_views.hpp"

namespace eureka {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<instance_info>("eureka.instance_info");
  cfg.add_message_type<register_cmd>("eureka.register_cmd");
  cfg.add_message_type<renew_cmd>("eureka.renew_cmd");
  cfg.add_message_type<cancel_cmd>("eureka.cancel_cmd");
  cfg.add_message_type<status_cmd>("eureka.status_cmd");
  cfg.add_message_type<metadata_cmd>("eureka.metadata_cmd");
  cfg.add_message_type<write_reply>("eureka.write_reply");
  cfg.add_message_type<read_query>("eureka.read_query");
  cfg.add_message_type<instance_query>("eureka.instance_query");
  cfg.add_message_type<app_view_count>("eureka.app_view_count");
  cfg.add_message_type<sweep_report>("eureka.sweep_report");
  cfg.add_message_type<registry_stats>("eureka.registry_stats");
  cfg.add_message_type<replication_item>("eureka.replication_item");
  cfg.add_message_type<replication_result>("eureka.replication_result");
  cfg.add_message_type<replication_batch>("eureka.replication_batch");
  cfg.add_message_type<replication_ack>("eureka.replication_ack");
  cfg.add_message_type<peer_hello>("eureka.peer_hello");
  cfg.add_message_type<peer_offer>("eureka.peer_offer");
  cfg.add_message_type<peer_welcome>("eureka.peer_welcome");
  cfg.add_message_type<app_digest>("eureka.app_digest");
  cfg.add_message_type<tombstone>("eureka.tombstone");
  cfg.add_message_type<app_export>("eureka.app_export");
  cfg.add_message_type<sync_status>("eureka.sync_status");
  cfg.add_message_type<actor_load>("eureka.actor_load");
  cfg.add_message_type<app_registry_report>("eureka.app_registry_report");
  cfg.add_message_type<reader_report>("eureka.reader_report");
  cfg.add_message_type<directory_report>("eureka.directory_report");
  cfg.add_message_type<eviction_report>("eureka.eviction_report");
}

} // namespace eureka
