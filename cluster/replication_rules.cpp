#include "cluster/replication_rules.hpp"

#include <algorithm>
#include <utility>

#include "codec/instance_codec.hpp"

namespace eureka::cluster {

std::optional<replicated_command> command_of(replication_item item) {
  switch (item.action) {
  case replication_action::register_instance:
    if (!item.info)
      return std::nullopt;
    return register_cmd{std::move(*item.info), true, false};
  case replication_action::heartbeat: {
    renew_cmd cmd;
    cmd.app = std::move(item.app);
    cmd.id = std::move(item.id);
    cmd.is_replication = true;
    cmd.last_dirty_timestamp = item.last_dirty_timestamp;
    cmd.overridden_status = item.overridden_status;
    return cmd;
  }
  case replication_action::cancel:
    // A caf-eureka peer catching us up says when the cancel happened (Java
    // peers send no timestamp with a cancel: it applies unconditionally).
    return cancel_cmd{std::move(item.app), std::move(item.id), true, item.last_dirty_timestamp};
  case replication_action::status_update:
  case replication_action::delete_status_override: {
    bool remove = item.action == replication_action::delete_status_override;
    if (!remove && !item.status)
      return std::nullopt; // InstanceStatus.valueOf(null)
    if (remove && !item.last_dirty_timestamp)
      return std::nullopt; // Java dereferences it
    status_cmd cmd;
    cmd.app = std::move(item.app);
    cmd.id = std::move(item.id);
    cmd.value = item.status ? *item.status : instance_status::unknown;
    cmd.last_dirty_timestamp = item.last_dirty_timestamp;
    cmd.is_replication = true;
    cmd.remove = remove;
    return cmd;
  }
  }
  return std::nullopt;
}

replication_result result_of(replication_action action, const write_reply& reply) {
  if (action == replication_action::register_instance)
    return replication_result{200, caf::none};
  switch (reply.outcome) {
  case write_outcome::ok:
    return replication_result{200, caf::none};
  case write_outcome::not_found:
    return replication_result{404, caf::none};
  case write_outcome::conflict:
    if (action == replication_action::heartbeat)
      return replication_result{409, reply.entity};
    return replication_result{500, caf::none};
  case write_outcome::rejected:
  case write_outcome::over_capacity:
  case write_outcome::over_instance_capacity:
    break;
  }
  return replication_result{500, caf::none};
}

replication_result failed_item() {
  return replication_result{500, caf::none};
}

namespace {

bool status_in_range(instance_status s) {
  return static_cast<uint8_t>(s) <= static_cast<uint8_t>(instance_status::up);
}

bool status_in_range(const caf::optional<instance_status>& s) {
  return !s || status_in_range(*s);
}

} // namespace

std::string check_peer_instance(instance_info& x) {
  if (!status_in_range(x.status) || !status_in_range(x.overridden_status))
    return "status out of range";
  if (static_cast<uint8_t>(x.action) > static_cast<uint8_t>(action_type::deleted))
    return "actionType out of range";
  if (static_cast<uint8_t>(x.data_center.kind) > static_cast<uint8_t>(data_center_kind::netflix))
    return "dataCenterInfo kind out of range";
  x.app = to_upper_ascii(x.app);
  return codec::validate_registration(x, x.app);
}

std::string check_peer_item(replication_item& item) {
  if (static_cast<uint8_t>(item.action)
      > static_cast<uint8_t>(replication_action::delete_status_override))
    return "action out of range";
  if (item.app.empty() || item.id.empty())
    return "appName or id missing";
  item.app = to_upper_ascii(item.app);
  if (!status_in_range(item.status) || !status_in_range(item.overridden_status))
    return "status out of range";
  if (item.info) {
    if (auto reason = check_peer_instance(*item.info); !reason.empty())
      return reason;
    if (item.info->app != item.app || item.info->id() != item.id)
      return "instance does not match the item's appName and id";
  }
  return {};
}

follow_up follow_up_of(const replication_item& sent, const replication_result& result) {
  if (result.status_code >= 200 && result.status_code < 300)
    return follow_up::none;
  if (sent.action == replication_action::heartbeat) {
    if (result.status_code == 404)
      return follow_up::send_register;
    if (result.entity)
      return follow_up::adopt_entity;
  }
  if (sent.action == replication_action::cancel && result.status_code == 404)
    return follow_up::none; // already gone there: Java logs it at debug only
  return follow_up::log_failure;
}

register_cmd adoption_of(instance_info peer_copy) {
  return register_cmd{std::move(peer_copy), true, true};
}

namespace {

size_t opt_size(const opt_string& s) {
  return s ? s->size() : 0;
}

} // namespace

size_t approx_bytes(const replication_item& item) {
  size_t n = 64 + item.app.size() + item.id.size();
  if (item.info) {
    const auto& x = *item.info;
    n += 512 + opt_size(x.instance_id) + x.app.size() + x.host_name.size() + x.ip_addr.size()
         + opt_size(x.vip_address) + opt_size(x.secure_vip_address) + opt_size(x.home_page_url)
         + opt_size(x.status_page_url) + opt_size(x.health_check_url);
    for (const auto& [k, v] : x.metadata)
      n += k.size() + v.size() + 32;
  }
  return n;
}

link_plan plan_link(std::string_view own_node, std::string_view peer_node, bool offered,
                    bool grace_over) {
  if (offered)
    return link_plan::use_offer;
  // Both nodes compare the same two ids: exactly one of them opens at once.
  if (own_node < peer_node || grace_over)
    return link_plan::connect;
  return link_plan::await_offer;
}

int64_t offer_grace_ms(int64_t retry_min_ms) {
  return std::max<int64_t>(1000, 2 * retry_min_ms);
}

} // namespace eureka::cluster
