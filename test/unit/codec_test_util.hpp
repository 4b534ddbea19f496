// Instances of contract §2.7, built field by field, shared by the codec suites.
#pragma once

#include <ostream>
#include <string>

#include "codec/instance_codec.hpp"
#include "registry/instance_info.hpp"

namespace codec_fixtures {

using eureka::instance_info;

/// A registered instance as the server renders it (ADDED, lease from the
/// server, MyOwn data centre).
inline instance_info registered(std::string id, std::string host, std::string app, std::string ip,
                                int32_t port, int64_t registered_at, int64_t dirty) {
  instance_info x;
  x.instance_id = std::move(id);
  x.host_name = std::move(host);
  x.app = std::move(app);
  x.ip_addr = std::move(ip);
  x.status = eureka::instance_status::up;
  x.overridden_status = eureka::instance_status::unknown;
  x.port = {port, true};
  x.secure_port = {443, false};
  x.country_id = 1;
  x.lease.renewal_interval_secs = 30;
  x.lease.duration_secs = 90;
  x.lease.registration_timestamp = registered_at;
  x.lease.last_renewal_timestamp = registered_at + 210000;
  x.lease.eviction_timestamp = 0;
  x.lease.service_up_timestamp = registered_at;
  x.last_updated_timestamp = registered_at;
  x.last_dirty_timestamp = dirty;
  x.action = eureka::action_type::added;
  return x;
}

/// The single-instance document example.
inline instance_info spec_host1_full() {
  auto x = registered("host1:order-service:8080", "host1.example.net", "ORDER-SERVICE", "10.1.2.3",
                      8080, 1700000000500, 1700000000100);
  x.metadata = {{"management.port", "8080"}, {"zone", "z1"}};
  x.home_page_url = "http://host1.example.net:8080/";
  x.status_page_url = "http://host1.example.net:8080/actuator/info";
  x.health_check_url = "http://host1.example.net:8080/actuator/health";
  x.vip_address = "order-service";
  x.secure_vip_address = "order-service";
  return x;
}

/// The three instances of the full-registry example.
inline instance_info spec_host1() {
  auto x = registered("host1:order-service:8080", "host1", "ORDER-SERVICE", "10.1.2.3", 8080,
                      1700000000500, 1700000000100);
  x.vip_address = "order-service";
  return x;
}

inline instance_info spec_host2() {
  auto x = registered("host2:order-service:8080", "host2", "ORDER-SERVICE", "10.1.2.4", 8080,
                      1700000001000, 1700000000900);
  x.status = eureka::instance_status::down;
  x.lease.service_up_timestamp = 0;
  x.vip_address = "order-service";
  return x;
}

inline instance_info spec_host3() {
  auto x = registered("host3:billing:9000", "host3", "BILLING", "10.1.2.5", 9000, 1700000002000,
                      1700000001900);
  x.metadata = {{"version", "2"}};
  x.vip_address = "billing";
  x.secure_vip_address = "billing";
  return x;
}

/// A fully populated instance exercising every optional field, an Amazon data
/// centre and metadata keys that need XML name coding.
inline instance_info everything_set() {
  auto x = registered("i-0abc", "ec2-1.compute.amazonaws.com", "FULL-APP", "172.31.0.9", 8443,
                      1700000009000, 1700000008000);
  x.sid = "sid-7";
  x.status = eureka::instance_status::out_of_service;
  x.overridden_status = eureka::instance_status::out_of_service;
  x.port = {8080, false};
  x.secure_port = {8443, true};
  x.country_id = 44;
  x.data_center.kind = eureka::data_center_kind::amazon;
  x.data_center.name = "Amazon";
  x.data_center.metadata = {
      {"instance-id", "i-0abc"}, {"availability-zone", "eu-west-1a"}, {"local-ipv4", "172.31.0.9"}};
  x.lease = {5, 15, 1, 2, 3, 4};
  x.metadata = {{"my_key", "a<b>&\"c'"},
                {"dollar$key", "v$"},
                {"__both_$", "x"},
                {"unicode", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
                {"ws", "tab\tnl\ncr\r"}};
  x.app_group_name = "GROUP";
  x.home_page_url = "http://h/";
  x.status_page_url = "http://h/info";
  x.health_check_url = "http://h/health";
  x.secure_health_check_url = "https://h/health";
  x.vip_address = "full-app";
  x.secure_vip_address = "full-app-secure";
  x.is_coordinating_discovery_server = true;
  x.action = eureka::action_type::modified;
  x.asg_name = "asg-1";
  return x;
}

} // namespace codec_fixtures

namespace eureka {

// Boost.Test diagnostics for BOOST_CHECK(a == b) on instances.
inline std::ostream& operator<<(std::ostream& os, const instance_info& x) {
  return os << codec::instance_document_json(x);
}

} // namespace eureka

namespace caf {

inline std::ostream& operator<<(std::ostream& os, const optional<std::string>& x) {
  return x ? os << '"' << *x << '"' : os << "<none>";
}

} // namespace caf
