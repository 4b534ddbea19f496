#include "messages/cluster_messages.hpp"

#include <utility>

namespace eureka {

namespace {

constexpr std::pair<replication_action, std::string_view> action_names[] = {
    {replication_action::register_instance, "Register"},
    {replication_action::heartbeat, "Heartbeat"},
    {replication_action::cancel, "Cancel"},
    {replication_action::status_update, "StatusUpdate"},
    {replication_action::delete_status_override, "DeleteStatusOverride"},
};

} // namespace

std::string_view to_string(replication_action a) {
  for (const auto& [value, name] : action_names)
    if (value == a)
      return name;
  return "Register"; // unreachable: every enumerator is listed
}

bool parse_replication_action(std::string_view text, replication_action& out) {
  for (const auto& [value, name] : action_names)
    if (name == text) {
      out = value;
      return true;
    }
  return false;
}

bool operator==(const replication_item& a, const replication_item& b) {
  return a.action == b.action && a.app == b.app && a.id == b.id
         && a.last_dirty_timestamp == b.last_dirty_timestamp && a.status == b.status
         && a.overridden_status == b.overridden_status && a.info == b.info;
}

bool operator==(const replication_result& a, const replication_result& b) {
  return a.status_code == b.status_code && a.entity == b.entity;
}

} // namespace eureka
