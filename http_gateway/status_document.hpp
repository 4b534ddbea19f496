// Documents the gateway builds itself: the E15 status document (contract
// §2.9) and the E17 override dump. Pure functions of their inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http_gateway/gateway_config.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/registry_messages.hpp"
#include "messages/registry_stats.hpp"

namespace eureka::gateway {

/// Java's StatusInfo.getUpTime: "HH:MM", or "N day(s) HH:MM" after a day.
std::string format_uptime(int64_t uptime_ms);

/// A plausible InstanceInfo for this node: app `cfg.node_app`, host/IP of the
/// node, status UP, instance id "host:app:port" (Spring's default shape).
instance_info make_node_instance(const gateway_config& cfg, uint16_t port, int64_t start_ms);

struct status_inputs {
  std::string environment;
  /// The configured peers (shown as registered-replicas when `peers` is
  /// unknown).
  std::vector<std::string> peer_urls;
  /// The peers as the replication actor sees them (this node left out),
  /// when the node has a cluster.
  std::optional<std::vector<peer_status>> peers;
  instance_info node;
  int64_t uptime_ms = 0;
  registry_stats stats;
};

/// Named figures in their order on the wire (generalStats, applicationStats).
using stat_list = std::vector<std::pair<std::string, std::string>>;

/// E15's generalStats: Java's five keys, then the registry figures (see
/// status_document). Reads the machine's memory and CPU count.
stat_list general_stats(const status_inputs& in);

/// E15's applicationStats: registered-, available- and unavailable-replicas.
stat_list application_stats(const status_inputs& in);

/// StatusInfo as XML (root `com.netflix.eureka.util.StatusInfo`, XStream
/// layout seen on the wire) or JSON. Deviation: the JSON is well-formed and
/// complete, where Java's serializer fails on the health getter and truncates
/// after `instanceInfo`. generalStats carries, after Java's five keys, the
/// registry figures (registered-applications, registered-instances,
/// renews-last-minute, renews-threshold, lease-expiration-enabled,
/// self-preservation-enabled); the `isHeathly` flag is omitted, as Java does
/// by default. registered-replicas joins the peer URLs with ", ";
/// available-replicas and unavailable-replicas list them each followed by
/// "," (Java's format). A peer is available while its link is up (Java
/// infers it from a registration of its own app name with the peer's host
/// name, which exists only when servers register with Eureka).
std::string status_document(payload_format f, const status_inputs& in);

/// E17: a flat JSON object `{"id":"STATUS",...}`.
std::string overrides_json(const string_pairs& overrides);

} // namespace eureka::gateway
