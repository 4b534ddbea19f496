// InstanceInfo as XStream's Converters.InstanceInfoConverter writes it through
// PrettyPrintWriter (contract §2.6): two-space indentation, a newline before
// every nested start tag and before the end tag of an element with children,
// no declaration, no trailing newline.
#include "codec/instance_codec.hpp"
#include "codec/text.hpp"
#include "codec/xml_pretty_writer.hpp"

namespace eureka::codec {

namespace {

using detail::pretty_writer;

void leaf(pretty_writer& w, std::string_view name, std::string_view value) {
  w.start(name);
  w.value(value);
  w.end();
}

void leaf_int(pretty_writer& w, std::string_view name, int64_t value) {
  std::string text;
  detail::append_int(text, value);
  leaf(w, name, text);
}

/// `value`: an opt_string or an opt_text.
template <class Opt>
void optional_leaf(pretty_writer& w, std::string_view name, const Opt& value) {
  if (value)
    leaf(w, name, *value);
}

void port(pretty_writer& w, std::string_view name, const port_info& p) {
  w.start(name);
  w.attribute("enabled", p.enabled ? "true" : "false");
  std::string text;
  detail::append_int(text, p.port);
  w.value(text);
  w.end();
}

/// MetadataConverter: one element per key (name-coded); an empty map gets the
/// EmptyMap class attribute and is closed as `<metadata .../>`.
template <class Map>
void metadata(pretty_writer& w, const Map& map) {
  w.start("metadata");
  if (map.empty())
    w.attribute("class", "java.util.Collections$EmptyMap");
  for (const auto& [k, v] : map)
    leaf(w, k, v);
  w.end();
}

template <class DataCenter>
void data_center(pretty_writer& w, const DataCenter& dc) {
  w.start("dataCenterInfo");
  if (dc.kind == data_center_kind::amazon) {
    w.attribute("class", "com.netflix.appinfo.AmazonInfo");
    leaf(w, "name", "Amazon");
    metadata(w, dc.metadata);
  } else {
    w.attribute("class", "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo");
    leaf(w, "name", dc.kind == data_center_kind::netflix ? "Netflix" : "MyOwn");
  }
  w.end();
}

void write_lease(pretty_writer& w, const lease_info& l) {
  w.start("leaseInfo");
  leaf_int(w, "renewalIntervalInSecs", l.renewal_interval_secs);
  leaf_int(w, "durationInSecs", l.duration_secs);
  leaf_int(w, "registrationTimestamp", l.registration_timestamp);
  leaf_int(w, "lastRenewalTimestamp", l.last_renewal_timestamp);
  leaf_int(w, "evictionTimestamp", l.eviction_timestamp);
  leaf_int(w, "serviceUpTimestamp", l.service_up_timestamp);
  w.end();
}

/// `x`: an instance_info or a compact_instance (same field names).
template <class Instance>
void write_instance(std::string& out, const Instance& x, const lease_info& lease, int depth) {
  pretty_writer w(out, depth);
  w.start("instance");
  optional_leaf(w, "instanceId", x.instance_id);
  leaf(w, "hostName", x.host_name);
  leaf(w, "app", x.app);
  leaf(w, "ipAddr", x.ip_addr);
  if (x.sid != "na" && x.sid != "unknown")
    leaf(w, "sid", x.sid);
  leaf(w, "status", to_string(x.status));
  leaf(w, "overriddenstatus", to_string(x.overridden_status));
  port(w, "port", x.port);
  port(w, "securePort", x.secure_port);
  leaf_int(w, "countryId", x.country_id);
  if (x.data_center.present)
    data_center(w, x.data_center);
  write_lease(w, lease);
  metadata(w, x.metadata);
  // @Auto fields, in InstanceInfo declaration order.
  optional_leaf(w, "appGroupName", x.app_group_name);
  optional_leaf(w, "homePageUrl", x.home_page_url);
  optional_leaf(w, "statusPageUrl", x.status_page_url);
  optional_leaf(w, "healthCheckUrl", x.health_check_url);
  optional_leaf(w, "secureHealthCheckUrl", x.secure_health_check_url);
  optional_leaf(w, "vipAddress", x.vip_address);
  optional_leaf(w, "secureVipAddress", x.secure_vip_address);
  leaf(w, "isCoordinatingDiscoveryServer", x.is_coordinating_discovery_server ? "true" : "false");
  leaf_int(w, "lastUpdatedTimestamp", x.last_updated_timestamp);
  leaf_int(w, "lastDirtyTimestamp", x.last_dirty_timestamp);
  if (x.action != action_type::none)
    leaf(w, "actionType", to_string(x.action));
  optional_leaf(w, "asgName", x.asg_name);
  w.end();
}

/// Jackson XML output: no indentation, no self-closing for text elements.
void jleaf(std::string& out, std::string_view name, std::string_view value) {
  out += '<';
  out += name;
  out += '>';
  detail::append_jackson_xml_text(out, value);
  out += "</";
  out += name;
  out += '>';
}

void jport(std::string& out, std::string_view name, const port_info& p) {
  out += '<';
  out += name;
  out += p.enabled ? " enabled=\"true\">" : " enabled=\"false\">";
  detail::append_int(out, p.port);
  out += "</";
  out += name;
  out += '>';
}

template <class Instance>
void write_instance_compact(std::string& out, const Instance& x) {
  out += "<instance>";
  if (x.instance_id)
    jleaf(out, "instanceId", *x.instance_id);
  jleaf(out, "app", x.app);
  jleaf(out, "ipAddr", x.ip_addr);
  if (x.vip_address)
    jleaf(out, "vipAddress", *x.vip_address);
  if (x.secure_vip_address)
    jleaf(out, "secureVipAddress", *x.secure_vip_address);
  if (x.data_center.present) {
    const auto& dc = x.data_center;
    if (dc.kind == data_center_kind::amazon) {
      out += "<dataCenterInfo class=\"com.netflix.appinfo.AmazonInfo\"><name>Amazon</name>";
      auto entries = detail::mini_amazon_metadata(dc.metadata);
      if (entries.empty()) {
        out += "<metadata/>";
      } else {
        out += "<metadata>";
        for (const auto& [k, v] : entries)
          jleaf(out, k, v);
        out += "</metadata>";
      }
      out += "</dataCenterInfo>";
    } else {
      out += "<dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\">";
      out += dc.kind == data_center_kind::netflix ? "<name>Netflix</name>" : "<name>MyOwn</name>";
      out += "</dataCenterInfo>";
    }
  }
  jleaf(out, "hostName", x.host_name);
  jleaf(out, "status", to_string(x.status));
  std::string ts;
  detail::append_int(ts, x.last_updated_timestamp);
  jleaf(out, "lastUpdatedTimestamp", ts);
  if (x.action != action_type::none)
    jleaf(out, "actionType", to_string(x.action));
  if (x.asg_name)
    jleaf(out, "asgName", *x.asg_name);
  jport(out, "port", x.port);
  jport(out, "securePort", x.secure_port);
  out += "</instance>";
}

} // namespace

void append_instance_xml(std::string& out, const instance_info& x, int depth) {
  write_instance(out, x, x.lease, depth);
}

void append_instance_xml(std::string& out, const instance_info& x, const lease_info& lease,
                         int depth) {
  write_instance(out, x, lease, depth);
}

void append_instance_xml(std::string& out, const compact_instance& x, const lease_info& lease,
                         int depth) {
  write_instance(out, x, lease, depth);
}

void append_instance_xml_compact(std::string& out, const instance_info& x) {
  write_instance_compact(out, x);
}

void append_instance_xml_compact(std::string& out, const compact_instance& x) {
  write_instance_compact(out, x);
}

std::string instance_document_xml(const instance_info& x) {
  std::string out;
  out.reserve(2048);
  append_instance_xml(out, x, 0);
  return out;
}

} // namespace eureka::codec
