// InstanceInfo as EurekaJacksonCodec.InstanceInfoSerializer writes it
// (contract §2.2): compact Jackson output, fixed field order.
#include "codec/instance_codec.hpp"
#include "codec/text.hpp"

namespace eureka::codec {

namespace {

using detail::append_int;
using detail::append_json_string;

/// `,"name":` (the leading comma is omitted for the first field).
void key(std::string& out, std::string_view name, bool first = false) {
  if (!first)
    out += ',';
  out += '"';
  out += name; // field names are plain ASCII constants
  out += "\":";
}

void string_field(std::string& out, std::string_view name, std::string_view value,
                  bool first = false) {
  key(out, name, first);
  append_json_string(out, value);
}

void number_field(std::string& out, std::string_view name, int64_t value) {
  key(out, name);
  append_int(out, value);
}

/// `value`: an opt_string or an opt_text.
template <class Opt>
void optional_field(std::string& out, std::string_view name, const Opt& value) {
  if (value)
    string_field(out, name, *value);
}

void port_field(std::string& out, std::string_view name, const port_info& p) {
  key(out, name);
  out += "{\"$\":";
  append_int(out, p.port);
  out += p.enabled ? ",\"@enabled\":\"true\"}" : ",\"@enabled\":\"false\"}";
}

/// `map`: string_pairs or text_pairs.
template <class Map>
void string_map(std::string& out, const Map& map) {
  out += '{';
  bool first = true;
  for (const auto& [k, v] : map) {
    if (!first)
      out += ',';
    first = false;
    append_json_string(out, k);
    out += ':';
    append_json_string(out, v);
  }
  out += '}';
}

/// EurekaJacksonCodec.DataCenterInfoSerializer: "@class" first, then "name",
/// then (Amazon only) the metadata map.
template <class DataCenter>
void data_center_field(std::string& out, const DataCenter& dc) {
  key(out, "dataCenterInfo");
  switch (dc.kind) {
  case data_center_kind::amazon:
    out += "{\"@class\":\"com.netflix.appinfo.AmazonInfo\",\"name\":\"Amazon\",\"metadata\":";
    string_map(out, dc.metadata);
    out += '}';
    return;
  case data_center_kind::netflix:
    out += "{\"@class\":\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\","
           "\"name\":\"Netflix\"}";
    return;
  case data_center_kind::my_own:
    break;
  }
  out += "{\"@class\":\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\","
         "\"name\":\"MyOwn\"}";
}

/// Plain Jackson bean output of LeaseInfo.
void lease_field(std::string& out, const lease_info& l) {
  key(out, "leaseInfo");
  out += "{\"renewalIntervalInSecs\":";
  append_int(out, l.renewal_interval_secs);
  out += ",\"durationInSecs\":";
  append_int(out, l.duration_secs);
  out += ",\"registrationTimestamp\":";
  append_int(out, l.registration_timestamp);
  out += ",\"lastRenewalTimestamp\":";
  append_int(out, l.last_renewal_timestamp);
  out += ",\"evictionTimestamp\":";
  append_int(out, l.eviction_timestamp);
  out += ",\"serviceUpTimestamp\":";
  append_int(out, l.service_up_timestamp);
  out += '}';
}

void string_of_int_field(std::string& out, std::string_view name, int64_t value) {
  key(out, name);
  out += '"';
  append_int(out, value);
  out += '"';
}

/// `x`: an instance_info or a compact_instance (same field names).
template <class Instance>
void write_instance(std::string& out, const Instance& x, const lease_info& lease) {
  out += '{';
  bool first = true;
  if (x.instance_id) {
    string_field(out, "instanceId", *x.instance_id, true);
    first = false;
  } else if (auto id = detail::spring_instance_id(x)) {
    // Spring's CloudInstanceInfoSerializer (e.g. for an XML registration).
    string_field(out, "instanceId", *id, true);
    first = false;
  }
  string_field(out, "hostName", x.host_name, first);
  string_field(out, "app", x.app);
  string_field(out, "ipAddr", x.ip_addr);
  if (x.sid != "na" && x.sid != "unknown")
    string_field(out, "sid", x.sid);
  string_field(out, "status", to_string(x.status));
  string_field(out, "overriddenStatus", to_string(x.overridden_status));
  port_field(out, "port", x.port);
  port_field(out, "securePort", x.secure_port);
  number_field(out, "countryId", x.country_id);
  if (x.data_center.present)
    data_center_field(out, x.data_center);
  lease_field(out, lease);
  key(out, "metadata");
  if (x.metadata.empty())
    out += "{\"@class\":\"java.util.Collections$EmptyMap\"}";
  else
    string_map(out, x.metadata);
  // @Auto fields, in InstanceInfo declaration order, each via String.valueOf.
  optional_field(out, "appGroupName", x.app_group_name);
  optional_field(out, "homePageUrl", x.home_page_url);
  optional_field(out, "statusPageUrl", x.status_page_url);
  optional_field(out, "healthCheckUrl", x.health_check_url);
  optional_field(out, "secureHealthCheckUrl", x.secure_health_check_url);
  optional_field(out, "vipAddress", x.vip_address);
  optional_field(out, "secureVipAddress", x.secure_vip_address);
  string_field(out, "isCoordinatingDiscoveryServer",
               x.is_coordinating_discovery_server ? "true" : "false");
  string_of_int_field(out, "lastUpdatedTimestamp", x.last_updated_timestamp);
  string_of_int_field(out, "lastDirtyTimestamp", x.last_dirty_timestamp);
  if (x.action != action_type::none)
    string_field(out, "actionType", to_string(x.action));
  optional_field(out, "asgName", x.asg_name);
  out += '}';
}

template <class Instance>
void write_instance_compact(std::string& out, const Instance& x) {
  out += '{';
  bool first = true;
  if (x.instance_id) {
    string_field(out, "instanceId", *x.instance_id, true);
    first = false;
  }
  string_field(out, "app", x.app, first);
  string_field(out, "ipAddr", x.ip_addr);
  optional_field(out, "vipAddress", x.vip_address);
  optional_field(out, "secureVipAddress", x.secure_vip_address);
  if (x.data_center.present) {
    if (x.data_center.kind == data_center_kind::amazon) {
      key(out, "dataCenterInfo");
      out += "{\"@class\":\"com.netflix.appinfo.AmazonInfo\",\"name\":\"Amazon\",\"metadata\":";
      string_map(out, detail::mini_amazon_metadata(x.data_center.metadata));
      out += '}';
    } else {
      data_center_field(out, x.data_center);
    }
  }
  string_field(out, "hostName", x.host_name);
  string_field(out, "status", to_string(x.status));
  number_field(out, "lastUpdatedTimestamp", x.last_updated_timestamp);
  if (x.action != action_type::none)
    string_field(out, "actionType", to_string(x.action));
  optional_field(out, "asgName", x.asg_name);
  port_field(out, "port", x.port);
  port_field(out, "securePort", x.secure_port);
  out += '}';
}

} // namespace

void append_instance_json(std::string& out, const instance_info& x) {
  write_instance(out, x, x.lease);
}

void append_instance_json(std::string& out, const instance_info& x, const lease_info& lease) {
  write_instance(out, x, lease);
}

void append_instance_json(std::string& out, const compact_instance& x, const lease_info& lease) {
  write_instance(out, x, lease);
}

void append_instance_json_compact(std::string& out, const instance_info& x) {
  write_instance_compact(out, x);
}

void append_instance_json_compact(std::string& out, const compact_instance& x) {
  write_instance_compact(out, x);
}

std::string instance_document_json(const instance_info& x) {
  std::string out;
  out.reserve(1024);
  out += "{\"instance\":";
  append_instance_json(out, x);
  out += '}';
  return out;
}

} // namespace eureka::codec
