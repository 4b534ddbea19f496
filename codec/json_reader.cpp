// Registration bodies in JSON, read as leniently as
// EurekaJacksonCodec.InstanceInfoDeserializer does (contract §2.3), and more
// leniently in a few documented places. Input is untrusted: simdjson's DOM
// parser validates the whole document (UTF-8, structure, depth) first, every
// access uses error codes, and nothing escapes the function.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <simdjson.h>

#include "codec/instance_codec.hpp"
#include "codec/json_reader.hpp"
#include "codec/text.hpp"
#include "common/text.hpp"

namespace eureka::codec {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::string_view at_class = "@class";

using text::trim;

/// A decimal integer, optional sign, surrounding blanks allowed; false on
/// anything else or on overflow.
bool parse_int64_text(std::string_view text, int64_t& out) {
  return text::parse_long(trim(text), out);
}

class reader {
public:
  explicit reader(std::string& error) : error_(error) {}

  bool fail(std::string_view field, std::string_view what) {
    if (error_.empty()) {
      error_ = "field '";
      error_ += field;
      error_ += "': ";
      error_ += what;
    }
    return false;
  }

  /// Scalar as text (Jackson's getText on a scalar token); objects and arrays
  /// are rejected.
  bool text(element e, std::string_view field, std::string& out) {
    switch (e.type()) {
    case element_type::STRING: {
      std::string_view sv;
      if (e.get_string().get(sv) != simdjson::SUCCESS)
        return fail(field, "bad string");
      out.assign(sv);
      return true;
    }
    case element_type::INT64: {
      int64_t v = 0;
      if (e.get_int64().get(v) != simdjson::SUCCESS)
        return fail(field, "bad number");
      out = std::to_string(v);
      return true;
    }
    case element_type::UINT64: {
      uint64_t v = 0;
      if (e.get_uint64().get(v) != simdjson::SUCCESS)
        return fail(field, "bad number");
      out = std::to_string(v);
      return true;
    }
    case element_type::BOOL: {
      bool v = false;
      if (e.get_bool().get(v) != simdjson::SUCCESS)
        return fail(field, "bad boolean");
      out = v ? "true" : "false";
      return true;
    }
    case element_type::DOUBLE: {
      // Java keeps the token's source text; the DOM keeps only the value, so
      // write its shortest round-trip form, which is what JSON.stringify sent
      // (eureka-js-client metadata from YAML, e.g. `version: 1.2`).
      double v = 0;
      char buf[32];
      if (e.get_double().get(v) != simdjson::SUCCESS)
        return fail(field, "bad number");
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
      if (ec != std::errc())
        return fail(field, "bad number");
      out.assign(buf, end);
      return true;
    }
    default:
      return fail(field, "expected a string");
    }
  }

  /// A number or a numeric string (Jackson getValueAsLong); fractional JSON
  /// numbers are truncated as Jackson does, out-of-range values fail.
  bool int64(element e, std::string_view field, int64_t& out) {
    switch (e.type()) {
    case element_type::INT64:
      if (e.get_int64().get(out) != simdjson::SUCCESS)
        return fail(field, "bad number");
      return true;
    case element_type::DOUBLE: {
      double d = 0;
      if (e.get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d)
          || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        return fail(field, "number out of range");
      out = static_cast<int64_t>(d);
      return true;
    }
    case element_type::STRING: {
      std::string_view sv;
      if (e.get_string().get(sv) != simdjson::SUCCESS || !parse_int64_text(sv, out))
        return fail(field, "not an integer");
      return true;
    }
    case element_type::UINT64:
      return fail(field, "number out of range");
    default:
      return fail(field, "expected a number");
    }
  }

  bool int32(element e, std::string_view field, int32_t& out) {
    int64_t v = 0;
    if (!int64(e, field, v))
      return false;
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
      return fail(field, "number out of range");
    out = static_cast<int32_t>(v);
    return true;
  }

  /// Jackson getValueAsBoolean: a boolean, the string "true" (anything else
  /// false), or a number (non-zero is true).
  bool boolean(element e, std::string_view field, bool& out) {
    switch (e.type()) {
    case element_type::BOOL:
      if (e.get_bool().get(out) != simdjson::SUCCESS)
        return fail(field, "bad boolean");
      return true;
    case element_type::STRING: {
      std::string_view sv;
      if (e.get_string().get(sv) != simdjson::SUCCESS)
        return fail(field, "bad string");
      out = trim(sv) == "true";
      return true;
    }
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: {
      double d = 0;
      if (e.get_double().get(d) != simdjson::SUCCESS)
        return fail(field, "bad number");
      out = d != 0;
      return true;
    }
    default:
      return fail(field, "expected a boolean");
    }
  }

  bool optional_text(element e, std::string_view field, opt_string& out) {
    std::string s;
    if (!text(e, field, s))
      return false;
    out = std::move(s);
    return true;
  }

  /// `{"$":N,"@enabled":B}`. Deviation (lenient): unknown keys inside the
  /// object are ignored (Java fails on them) and a bare number or numeric
  /// string is taken as the port with the default enabled flag (Java fails).
  bool port(element e, std::string_view field, port_info& out) {
    if (e.type() != element_type::OBJECT)
      return int32(e, field, out.port);
    object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS)
      return fail(field, "bad object");
    for (auto member : obj) {
      if (member.value.is_null())
        continue;
      if (member.key == "$") {
        if (!int32(member.value, field, out.port))
          return false;
      } else if (member.key == "@enabled") {
        if (!boolean(member.value, field, out.enabled))
          return false;
      }
    }
    return true;
  }

  /// A JSON object of scalars into ordered pairs; `@class` keys dropped when
  /// `drop_class`; null values skipped (Java would fail on them); a repeated
  /// key keeps its first position and takes the last value.
  bool string_map(element e, std::string_view field, string_pairs& out, bool drop_class) {
    object obj;
    if (e.type() != element_type::OBJECT || e.get_object().get(obj) != simdjson::SUCCESS)
      return fail(field, "expected an object");
    out.clear();
    pairs_merger merged{out};
    for (auto member : obj) {
      if (drop_class && member.key == at_class)
        continue;
      if (member.value.is_null())
        continue;
      std::string value;
      if (!text(member.value, field, value))
        return false;
      merged.put(std::string(member.key), std::move(value));
    }
    return true;
  }

  /// dataCenterInfo. Java resolves the type from "@class" alone
  /// (DataCenterTypeInfoResolver) and fails on a missing or unknown class.
  /// Deviation (lenient, clients.md: eureka-js-client configs often omit it):
  /// AmazonInfo -> Amazon; any other or no class -> decided by `name`
  /// ("Amazon" -> Amazon with its metadata, "Netflix", anything else MyOwn).
  /// A missing or empty name stays empty, so registration answers "Missing
  /// dataCenterInfo Name" as Java does for a DefaultDataCenterInfo without one
  /// (Java fails to parse an empty or unknown name; unknown ones are MyOwn here).
  bool data_center(element e, data_center_info& out) {
    constexpr std::string_view field = "dataCenterInfo";
    object obj;
    if (e.type() != element_type::OBJECT || e.get_object().get(obj) != simdjson::SUCCESS)
      return fail(field, "expected an object");
    std::string cls;
    std::string name;
    bool has_name = false;
    element meta;
    bool has_meta = false;
    for (auto member : obj) {
      if (member.value.is_null())
        continue;
      if (member.key == at_class) {
        if (!text(member.value, field, cls))
          return false;
      } else if (member.key == "name") {
        if (!text(member.value, field, name))
          return false;
        has_name = true;
      } else if (member.key == "metadata") {
        meta = member.value;
        has_meta = true;
      }
    }
    out = data_center_info{};
    out.present = true;
    if (cls == amazon_dc_class || (has_name && name == "Amazon")) {
      out.kind = data_center_kind::amazon;
      out.name = "Amazon";
      if (has_meta && !string_map(meta, field, out.metadata, false))
        return false;
    } else if (!has_name || name.empty()) {
      out.kind = data_center_kind::my_own;
      out.name.clear();
    } else if (name == "Netflix") {
      out.kind = data_center_kind::netflix;
      out.name = "Netflix";
    } else {
      out.kind = data_center_kind::my_own;
      out.name = "MyOwn";
    }
    return true;
  }

  bool lease(element e, lease_info& out) {
    constexpr std::string_view field = "leaseInfo";
    object obj;
    if (e.type() != element_type::OBJECT || e.get_object().get(obj) != simdjson::SUCCESS)
      return fail(field, "expected an object");
    for (auto member : obj) {
      if (member.value.is_null())
        continue;
      auto k = member.key;
      auto v = member.value;
      bool ok = true;
      if (k == "renewalIntervalInSecs")
        ok = int32(v, k, out.renewal_interval_secs);
      else if (k == "durationInSecs")
        ok = int32(v, k, out.duration_secs);
      else if (k == "registrationTimestamp")
        ok = int64(v, k, out.registration_timestamp);
      else if (k == "lastRenewalTimestamp")
        ok = int64(v, k, out.last_renewal_timestamp);
      else if (k == "evictionTimestamp")
        ok = int64(v, k, out.eviction_timestamp);
      else if (k == "serviceUpTimestamp")
        ok = int64(v, k, out.service_up_timestamp);
      if (!ok)
        return false;
    }
    return true;
  }

  bool instance(object obj, int64_t now_ms, instance_info& x) {
    x = instance_info{};
    x.data_center.present = false; // Java: null until the body sets one
    x.last_updated_timestamp = now_ms;
    x.last_dirty_timestamp = now_ms;
    bool has_app = false;
    for (auto member : obj) {
      auto k = member.key;
      auto v = member.value;
      if (v.is_null())
        continue; // InstanceInfoDeserializer skips null values
      bool ok = true;
      std::string s;
      if (k == "instanceId") {
        ok = optional_text(v, k, x.instance_id);
      } else if (k == "hostName") {
        ok = text(v, k, x.host_name);
      } else if (k == "app") {
        ok = text(v, k, s);
        x.app = to_upper_ascii(s);
        has_app = true;
      } else if (k == "ipAddr") {
        ok = text(v, k, x.ip_addr);
      } else if (k == "sid") {
        ok = text(v, k, x.sid);
      } else if (k == "status") {
        ok = text(v, k, s);
        x.status = parse_status_lenient(s, false);
      } else if (k == "overriddenStatus" || k == "overriddenstatus") {
        ok = text(v, k, s);
        x.overridden_status = parse_status_lenient(s, false);
      } else if (k == "port") {
        ok = port(v, k, x.port);
      } else if (k == "securePort") {
        ok = port(v, k, x.secure_port);
      } else if (k == "countryId") {
        ok = int32(v, k, x.country_id);
      } else if (k == "dataCenterInfo") {
        ok = data_center(v, x.data_center);
      } else if (k == "leaseInfo") {
        ok = lease(v, x.lease);
      } else if (k == "metadata") {
        ok = string_map(v, k, x.metadata, true);
      } else if (k == "appGroupName") {
        ok = text(v, k, s);
        x.app_group_name = to_upper_ascii(s);
      } else if (k == "homePageUrl") {
        ok = optional_text(v, k, x.home_page_url);
      } else if (k == "statusPageUrl") {
        ok = optional_text(v, k, x.status_page_url);
      } else if (k == "healthCheckUrl") {
        ok = optional_text(v, k, x.health_check_url);
      } else if (k == "secureHealthCheckUrl") {
        ok = optional_text(v, k, x.secure_health_check_url);
      } else if (k == "vipAddress") {
        ok = optional_text(v, k, x.vip_address);
      } else if (k == "secureVipAddress") {
        ok = optional_text(v, k, x.secure_vip_address);
      } else if (k == "isCoordinatingDiscoveryServer") {
        ok = boolean(v, k, x.is_coordinating_discovery_server);
      } else if (k == "lastUpdatedTimestamp") {
        ok = int64(v, k, x.last_updated_timestamp);
      } else if (k == "lastDirtyTimestamp") {
        ok = int64(v, k, x.last_dirty_timestamp);
      } else if (k == "actionType") {
        // Exact enum name; anything else is null in Java (EnumLookup).
        ok = text(v, k, s);
        x.action = s == "ADDED"      ? action_type::added
                   : s == "MODIFIED" ? action_type::modified
                   : s == "DELETED"  ? action_type::deleted
                                     : action_type::none;
      } else if (k == "asgName") {
        ok = optional_text(v, k, x.asg_name);
      }
      // Anything else (identifyingAttribute, unknown fields) is ignored.
      if (!ok)
        return false;
    }
    if (!has_app) // InstanceInfo.Builder.build(): "name is required!"
      return fail("app", "missing");
    if (auto id = detail::spring_instance_id(x))
      x.instance_id = std::move(id);
    return true;
  }

private:
  std::string& error_;
};

} // namespace

namespace detail {

simdjson::dom::parser& json_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

bool read_json_text(element e, std::string_view field, std::string& out, std::string& error) {
  return reader(error).text(e, field, out);
}

bool read_json_int64(element e, std::string_view field, int64_t& out, std::string& error) {
  return reader(error).int64(e, field, out);
}

bool read_json_instance(element e, int64_t now_ms, instance_info& out, std::string& error) {
  object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) {
    error = "expected an instance object";
    return false;
  }
  return reader(error).instance(obj, now_ms, out);
}

} // namespace detail

decode_result decode_instance_json(std::string_view body, int64_t now_ms) {
  return detail::guarded_decode([&](decode_result& result) {
    element doc;
    auto err = detail::json_parser().parse(body.data(), body.size(), true).get(doc);
    if (err != simdjson::SUCCESS) {
      result.error = "invalid JSON: ";
      result.error += simdjson::error_message(err);
      return;
    }
    object root;
    if (doc.get_object().get(root) != simdjson::SUCCESS) {
      result.error = "expected a JSON object";
      return;
    }
    // `{"instance":{...}}` as Java requires it; an unwrapped instance object
    // is accepted too (an InstanceInfo has no field named "instance").
    object target = root;
    element wrapped;
    if (root.at_key("instance").get(wrapped) == simdjson::SUCCESS) {
      if (wrapped.get_object().get(target) != simdjson::SUCCESS) {
        result.error = "field 'instance': expected an object";
        return;
      }
    }
    reader r(result.error);
    result.ok = r.instance(target, now_ms, result.info);
  });
}

} // namespace eureka::codec
