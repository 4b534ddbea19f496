// The JSON documents of the admin API (docs/admin-api.md): GET
// /admin/api/overview and GET /admin/api/actors. Pure functions of what the
// actors reported; the broker gathers the reports and renders them here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_gateway/gateway_config.hpp"
#include "http_gateway/gateway_probe.hpp"
#include "http_gateway/status_document.hpp"
#include "messages/admin_messages.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/registry_stats.hpp"
#include "registry/instance_info.hpp"

namespace eureka::gateway {

/// The order statuses are shown in (the Java dashboard's).
inline constexpr instance_status shown_statuses[] = {
    instance_status::up, instance_status::down, instance_status::starting,
    instance_status::out_of_service, instance_status::unknown};

/// One status's count in a report's `status_counts`, which is indexed by
/// instance_status's value (as registry/hashcode.hpp's status_counts); a
/// short vector counts 0 for the statuses it lacks.
uint64_t status_count(const std::vector<uint32_t>& counts, instance_status s);

// -- overview -------------------------------------------------------------------

/// The dashboard's red banner texts (contract §7.5, Java's wording).
inline constexpr std::string_view banner_emergency =
    "EMERGENCY! EUREKA MAY BE INCORRECTLY CLAIMING INSTANCES ARE UP WHEN THEY'RE NOT. RENEWALS "
    "ARE LESSER THAN THRESHOLD AND HENCE THE INSTANCES ARE NOT BEING EXPIRED JUST TO BE SAFE.";
inline constexpr std::string_view banner_below_threshold =
    "RENEWALS ARE LESSER THAN THE THRESHOLD. THE SELF PRESERVATION MODE IS TURNED OFF. THIS MAY "
    "NOT PROTECT INSTANCE EXPIRY IN CASE OF NETWORK/OTHER PROBLEMS.";
inline constexpr std::string_view banner_self_preservation_off =
    "THE SELF PRESERVATION MODE IS TURNED OFF. THIS MAY NOT PROTECT INSTANCE EXPIRY IN CASE OF "
    "NETWORK/OTHER PROBLEMS.";

/// Self-preservation withholds evictions: on, and the eviction actor's last
/// decision disabled lease expiration (renewals at or below the threshold).
bool self_preservation_active(const registry_stats& s);

/// The banner, or none. With self-preservation on it shows exactly while
/// self-preservation is active (the eviction actor's decision, so the
/// console never disagrees with what eviction does); with it off, "below the
/// threshold" is the same comparison (registry/self_preservation.hpp: not
/// strictly above a positive threshold), Java's isBelowRenewThresold.
std::optional<std::string_view> registry_banner(const registry_stats& s);

struct overview_inputs {
  /// What E15 renders: environment, peers, this node, uptime, and the
  /// directory's figures (stats_atom).
  status_inputs status;
  /// E15's generalStats then applicationStats (status_document), computed
  /// by the caller: they read the machine.
  stat_list general;
  std::string version;
  std::string data_center;
  int64_t now_ms = 0;
  int64_t started_ms = 0;
  /// GET /ready's answer; true without a replication actor.
  bool ready = true;
  std::vector<std::string> base_paths;
  /// Empty node_id: no cluster (`node_id` and `cluster` are null).
  cluster_identity cluster;
};

/// GET /admin/api/overview. `replicas` lists the replication actor's peers
/// (available while the link is up) or, when it did not answer, the
/// configured peer URLs (kind "unknown", not available).
std::string overview_json(const overview_inputs& in);

// -- actors -----------------------------------------------------------------------

/// The replication actor's part of GET /admin/api/actors.
struct replication_figures {
  /// None: that call failed (rendered null).
  std::optional<bool> ready;
  std::optional<std::vector<peer_status>> peers;
};

struct actors_inputs {
  /// None: that call failed (`directory` and `registries` rendered null).
  std::optional<directory_report> directory;
  std::optional<eviction_report> eviction;
  /// None: the node has no replication actor (rendered null).
  std::optional<replication_figures> replication;
  const gateway_probe* probe = nullptr;
  gateway_gauges gauges;
};

/// GET /admin/api/actors.
std::string actors_json(const actors_inputs& in);

} // namespace eureka::gateway
