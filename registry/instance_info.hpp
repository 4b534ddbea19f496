// The registry's data model: what one Eureka instance registration carries.
//
// Field names, defaults and optionality follow the Java InstanceInfo (contract
// §2.2/§2.3). The same struct is stored by registry actors, carried in typed
// messages (and so, later, across BASP between nodes) and fed to the codecs.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>

namespace eureka {

// Order matters: it is the order of Java's TreeMap over the enum names, which
// the apps__hashcode uses (DOWN < OUT_OF_SERVICE < STARTING < UNKNOWN < UP).
enum class instance_status : uint8_t { down, out_of_service, starting, unknown, up };

inline constexpr instance_status all_statuses[] = {
    instance_status::down, instance_status::out_of_service, instance_status::starting,
    instance_status::unknown, instance_status::up};

constexpr std::string_view to_string(instance_status s) {
  switch (s) {
  case instance_status::down:
    return "DOWN";
  case instance_status::out_of_service:
    return "OUT_OF_SERVICE";
  case instance_status::starting:
    return "STARTING";
  case instance_status::unknown:
    return "UNKNOWN";
  case instance_status::up:
    return "UP";
  }
  return "UNKNOWN";
}

/// Exact, case-sensitive enum-name match as `InstanceStatus.valueOf` does it
/// (used by the status endpoints, where anything else is an error).
inline bool parse_status_exact(std::string_view text, instance_status& out) {
  for (auto s : all_statuses)
    if (to_string(s) == text) {
      out = s;
      return true;
    }
  return false;
}

/// Lenient match used by the body decoders: JSON matches exactly, XML
/// case-insensitively; anything unknown becomes UNKNOWN (contract §2.3, §2.6).
instance_status parse_status_lenient(std::string_view text, bool ignore_case);

enum class action_type : uint8_t { none, added, modified, deleted };

constexpr std::string_view to_string(action_type a) {
  switch (a) {
  case action_type::added:
    return "ADDED";
  case action_type::modified:
    return "MODIFIED";
  case action_type::deleted:
    return "DELETED";
  case action_type::none:
    break;
  }
  return "";
}

inline std::ostream& operator<<(std::ostream& os, instance_status s) {
  return os << to_string(s);
}

inline std::ostream& operator<<(std::ostream& os, action_type a) {
  return os << (a == action_type::none ? std::string_view{"<none>"} : to_string(a));
}

struct port_info {
  int32_t port = 0;
  bool enabled = false;
  friend bool operator==(const port_info& a, const port_info& b) {
    return a.port == b.port && a.enabled == b.enabled;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, port_info& x) {
  return f(caf::meta::type_name("eureka.port_info"), x.port, x.enabled);
}

/// Ordered string map: metadata keeps the order the registrant sent.
using string_pairs = std::vector<std::pair<std::string, std::string>>;

/// Limits on an instance's metadata (ours; Java has none): they bound what
/// one registration can cost every reader and the delta queue.
inline constexpr size_t max_metadata_entries = 1024;
inline constexpr size_t max_metadata_bytes = 256 * 1024;

// Longest value, in bytes, of each identifier and text field of a
// registration (ours; Java has none; codec::validate_registration refuses
// longer ones). Besides bounding what one registration costs every reader,
// they keep every registered instance addressable: its application name, id
// and VIPs, percent-encoded in the longest request a client sends
// (gateway::longest_request_line), must fit eureka.gateway.max-header-bytes,
// which the node's configuration checks when it loads.

/// `app`, `appGroupName`.
inline constexpr size_t max_app_name_bytes = 256;
/// `instanceId`, and the id whatever supplies it (an Amazon `instance-id`):
/// room for Spring's default `hostName:appName:port` at the longest names.
inline constexpr size_t max_instance_id_bytes = 1024;
/// `hostName`, `ipAddr` (a DNS name is at most 253 bytes).
inline constexpr size_t max_host_name_bytes = 255;
/// `vipAddress`, `secureVipAddress` (comma-separated lists of names).
inline constexpr size_t max_vip_address_bytes = 1024;
/// `homePageUrl`, `statusPageUrl`, `healthCheckUrl`, `secureHealthCheckUrl`.
inline constexpr size_t max_url_bytes = 2048;
/// `sid`, `asgName` (an AWS ASG name is at most 255), `dataCenterInfo` name.
inline constexpr size_t max_short_field_bytes = 255;

/// The 400 reason for a value beyond its limit (body field or path value).
inline std::string too_long_reason(std::string_view what, size_t size, size_t limit) {
  return std::string{what} + " too long: " + std::to_string(size) + " bytes (at most "
         + std::to_string(limit) + ")";
}

/// Whether metadata stays within max_metadata_entries / max_metadata_bytes.
inline bool within_metadata_limits(const string_pairs& pairs) {
  if (pairs.size() > max_metadata_entries)
    return false;
  size_t bytes = 0;
  for (const auto& [key, value] : pairs)
    bytes += key.size() + value.size();
  return bytes <= max_metadata_bytes;
}

/// Puts keys into a string_pairs in first-seen order, the last value winning,
/// in linear time overall (keys may come from untrusted input: no quadratic
/// duplicate scans).
class pairs_merger {
public:
  explicit pairs_merger(string_pairs& pairs) : pairs_(pairs) {
    for (size_t i = 0; i < pairs_.size(); ++i)
      index_.emplace(pairs_[i].first, i);
  }

  void put(std::string key, std::string value) {
    auto [it, added] = index_.emplace(key, pairs_.size());
    if (added)
      pairs_.emplace_back(std::move(key), std::move(value));
    else
      pairs_[it->second].second = std::move(value);
  }

private:
  string_pairs& pairs_;
  std::unordered_map<std::string, size_t> index_;
};

enum class data_center_kind : uint8_t { my_own, amazon, netflix };

inline constexpr std::string_view default_dc_class =
    "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo";
inline constexpr std::string_view amazon_dc_class = "com.netflix.appinfo.AmazonInfo";

struct data_center_info {
  data_center_kind kind = data_center_kind::my_own;
  /// "MyOwn", "Amazon" or "Netflix" (the decoders normalise it to match
  /// `kind`); empty when the registrant sent no name (Java: a null name, which
  /// registration rejects with "Missing dataCenterInfo Name").
  std::string name = "MyOwn";
  /// AmazonInfo metadata (instance-id, ami-id, ...); empty otherwise.
  string_pairs metadata;
  /// False when the body carried no usable dataCenterInfo (Java: a null
  /// dataCenterInfo, which registration rejects with "Missing dataCenterInfo").
  /// The encoders omit the element then, as Java does.
  bool present = true;
  friend bool operator==(const data_center_info& a, const data_center_info& b) {
    return a.kind == b.kind && a.name == b.name && a.metadata == b.metadata
           && a.present == b.present;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, data_center_info& x) {
  return f(caf::meta::type_name("eureka.data_center_info"), x.kind, x.name, x.metadata, x.present);
}

inline constexpr int32_t default_renewal_interval_secs = 30;
inline constexpr int32_t default_lease_duration_secs = 90;

/// leaseInfo as it appears on the wire. On output the server fills it from
/// its own lease; on input only the two intervals matter.
struct lease_info {
  int32_t renewal_interval_secs = default_renewal_interval_secs;
  int32_t duration_secs = default_lease_duration_secs;
  int64_t registration_timestamp = 0;
  int64_t last_renewal_timestamp = 0;
  int64_t eviction_timestamp = 0;
  int64_t service_up_timestamp = 0;
  friend bool operator==(const lease_info& a, const lease_info& b) {
    return a.renewal_interval_secs == b.renewal_interval_secs && a.duration_secs == b.duration_secs
           && a.registration_timestamp == b.registration_timestamp
           && a.last_renewal_timestamp == b.last_renewal_timestamp
           && a.eviction_timestamp == b.eviction_timestamp
           && a.service_up_timestamp == b.service_up_timestamp;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_info& x) {
  return f(caf::meta::type_name("eureka.lease_info"), x.renewal_interval_secs, x.duration_secs,
           x.registration_timestamp, x.last_renewal_timestamp, x.eviction_timestamp,
           x.service_up_timestamp);
}

/// A nullable string: Jackson omits null auto fields but writes "" for empty.
using opt_string = caf::optional<std::string>;

struct instance_info {
  opt_string instance_id;
  std::string host_name;
  std::string app; // always upper case once decoded
  std::string ip_addr;
  std::string sid = "na";
  instance_status status = instance_status::up;
  instance_status overridden_status = instance_status::unknown;
  port_info port{7001, true};
  port_info secure_port{7002, false};
  int32_t country_id = 1;
  data_center_info data_center;
  lease_info lease;
  string_pairs metadata;
  opt_string app_group_name;
  opt_string home_page_url;
  opt_string status_page_url;
  opt_string health_check_url;
  opt_string secure_health_check_url;
  opt_string vip_address;
  opt_string secure_vip_address;
  bool is_coordinating_discovery_server = false;
  int64_t last_updated_timestamp = 0;
  int64_t last_dirty_timestamp = 0;
  action_type action = action_type::none;
  opt_string asg_name;

  /// Java's InstanceInfo.getId(): instanceId if non-empty, else the Amazon
  /// instance-id, else the host name.
  std::string id() const { return std::string{id_view()}; }
  /// The same without a copy (valid while this instance is).
  std::string_view id_view() const;
};

bool operator==(const instance_info& a, const instance_info& b);

/// Java's InstanceInfo.getId(), the one home of the rule for both stored
/// forms (instance_info, compact_instance): instanceId if non-empty, else
/// the Amazon instance-id, else the host name.
template <class Instance>
std::string_view instance_id_of(const Instance& x) {
  if (x.instance_id && !std::string_view{*x.instance_id}.empty())
    return *x.instance_id;
  if (x.data_center.kind == data_center_kind::amazon)
    for (const auto& [key, value] : x.data_center.metadata)
      if (std::string_view{key} == "instance-id" && !std::string_view{value}.empty())
        return value;
  return x.host_name;
}
inline bool operator!=(const instance_info& a, const instance_info& b) {
  return !(a == b);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_info& x) {
  return f(caf::meta::type_name("eureka.instance_info"), x.instance_id, x.host_name, x.app,
           x.ip_addr, x.sid, x.status, x.overridden_status, x.port, x.secure_port, x.country_id,
           x.data_center, x.lease, x.metadata, x.app_group_name, x.home_page_url, x.status_page_url,
           x.health_check_url, x.secure_health_check_url, x.vip_address, x.secure_vip_address,
           x.is_coordinating_discovery_server, x.last_updated_timestamp, x.last_dirty_timestamp,
           x.action, x.asg_name);
}

/// Memory an instance holds, approximately (the struct and the text it
/// allocates): what a queue keeping it alive is charged.
size_t approximate_bytes(const instance_info& x);

/// Upper-cases ASCII letters (Java's toUpperCase on app names; app names are
/// ASCII in practice and the server must not depend on the locale).
std::string to_upper_ascii(std::string_view text);

} // namespace eureka
