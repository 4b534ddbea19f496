// The typed messages of the registry, declared once with their inspect
// functions. Write messages carry only data (no HTTP) and are serializable,
// because the same types cross BASP between nodes. Read replies carry
// pre-encoded payloads by shared pointer and are local-only by design.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>

#include "messages/response_body.hpp"
#include "registry/instance_info.hpp"

namespace eureka {

// -- writes -------------------------------------------------------------------

/// POST apps/{app}: the decoded and validated registration.
struct register_cmd {
  instance_info info;
  bool is_replication = false;
  /// A peer's newer copy taken after its 409: its override is adopted
  /// (app_table::register_instance).
  bool adopt_override = false;
  /// Set by the directory at eureka.server.max-instances: applied only if
  /// it replaces an instance the application already holds (only its
  /// registry actor knows), else refused as over_instance_capacity.
  bool only_replacing = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, register_cmd& x) {
  return f(caf::meta::type_name("eureka.register_cmd"), x.info, x.is_replication, x.adopt_override,
           x.only_replacing);
}

/// PUT apps/{app}/{id}: heartbeat.
struct renew_cmd {
  std::string app;
  std::string id;
  bool is_replication = false;
  caf::optional<int64_t> last_dirty_timestamp;
  /// `overriddenstatus` query value (only used for replicated 404s).
  caf::optional<instance_status> overridden_status;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, renew_cmd& x) {
  return f(caf::meta::type_name("eureka.renew_cmd"), x.app, x.id, x.is_replication,
           x.last_dirty_timestamp, x.overridden_status);
}

/// Heartbeats of one application read by the gateway in one I/O poll: one
/// message to the registry actor that owns the application and one reply,
/// a write_reply per item in the same order (std::vector<write_reply>).
struct renew_batch {
  std::string app;
  std::vector<renew_cmd> items;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, renew_batch& x) {
  return f(caf::meta::type_name("eureka.renew_batch"), x.app, x.items);
}

/// DELETE apps/{app}/{id}.
struct cancel_cmd {
  std::string app;
  std::string id;
  bool is_replication = false;
  /// A cancel re-sent by a peer catching this node up: when it happened
  /// (app_table::cancel).
  caf::optional<int64_t> cancelled_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cancel_cmd& x) {
  return f(caf::meta::type_name("eureka.cancel_cmd"), x.app, x.id, x.is_replication,
           x.cancelled_at);
}

/// PUT apps/{app}/{id}/status?value=S (set) and DELETE .../status[?value=S]
/// (remove; value defaults to UNKNOWN).
struct status_cmd {
  std::string app;
  std::string id;
  instance_status value = instance_status::unknown;
  caf::optional<int64_t> last_dirty_timestamp;
  bool is_replication = false;
  /// false: set the override; true: delete it and set `value`.
  bool remove = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_cmd& x) {
  return f(caf::meta::type_name("eureka.status_cmd"), x.app, x.id, x.value, x.last_dirty_timestamp,
           x.is_replication, x.remove);
}

/// PUT apps/{app}/{id}/metadata?k=v...: merged into the metadata, then the
/// instance is registered again (contract E10).
struct metadata_cmd {
  std::string app;
  std::string id;
  string_pairs entries;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metadata_cmd& x) {
  return f(caf::meta::type_name("eureka.metadata_cmd"), x.app, x.id, x.entries);
}

enum class write_outcome : uint8_t {
  ok,
  /// No such instance (or renew refused: status UNKNOWN, client copy newer).
  not_found,
  /// Replicated renew whose copy is older than ours; `entity` holds ours.
  conflict,
  /// Refused by a registry limit (e.g. metadata size); nothing changed.
  rejected,
  /// A new application beyond max_applications live ones; nothing changed.
  over_capacity,
  /// A new instance beyond max_instances; nothing changed.
  over_instance_capacity,
};

struct write_reply {
  write_outcome outcome = write_outcome::ok;
  caf::optional<instance_info> entity;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_reply& x) {
  return f(caf::meta::type_name("eureka.write_reply"), x.outcome, x.entity);
}

// -- reads --------------------------------------------------------------------

enum class payload_format : uint8_t { json, xml };

enum class read_kind : uint8_t {
  all_apps, // GET apps
  delta,    // GET apps/delta
  app,      // GET apps/{name}
  vip,      // GET vips/{name}
  svip,     // GET svips/{name}
};

/// `X-Eureka-Accept` (contract §1.3, §2.5): full, or the compact ("mini")
/// instance form of the cache-backed reads.
enum class representation : uint8_t { full, compact };

struct read_query {
  read_kind kind = read_kind::all_apps;
  std::string name;
  payload_format format = payload_format::json;
  bool gzip = false;
  representation repr = representation::full;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, read_query& x) {
  return f(caf::meta::type_name("eureka.read_query"), x.kind, x.name, x.format, x.gzip, x.repr);
}

/// GET apps/{app}/{id} (app set) and GET instances/{id} (app empty).
struct instance_query {
  std::string app;
  std::string id;
  payload_format format = payload_format::json;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_query& x) {
  return f(caf::meta::type_name("eureka.instance_query"), x.app, x.id, x.format);
}

enum class read_outcome : uint8_t { ok, not_found, forbidden };

struct read_reply {
  read_outcome outcome = read_outcome::ok;
  /// The bytes to send: gzip-compressed when the query asked for gzip.
  response_body body;
  bool gzipped = false;
};

// -- eviction -----------------------------------------------------------------

/// An application's answer to (sweep_atom, extra_ms): what the eviction
/// actor needs for one pass of contract §3.8.
struct sweep_report {
  std::vector<std::string> expired_ids;
  uint64_t lease_count = 0;
  int64_t renews_last_minute = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sweep_report& x) {
  return f(caf::meta::type_name("eureka.sweep_report"), x.expired_ids, x.lease_count,
           x.renews_last_minute);
}

} // namespace eureka

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eureka::read_reply)

namespace eureka {

/// Registers every message type that may be serialized, under stable names.
/// Call before constructing the actor_system (both ends must agree).
void register_message_types(caf::actor_system_config& cfg);

} // namespace eureka
