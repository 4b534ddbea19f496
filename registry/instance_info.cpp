#include "registry/instance_info.hpp"

namespace eureka {

namespace {

char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool equal_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i]))
      return false;
  return true;
}

} // namespace

instance_status parse_status_lenient(std::string_view text, bool ignore_case) {
  for (auto s : all_statuses)
    if (ignore_case ? equal_ignore_case(to_string(s), text) : to_string(s) == text)
      return s;
  return instance_status::unknown;
}

std::string to_upper_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = upper(c);
  return out;
}

std::string_view instance_info::id_view() const {
  return instance_id_of(*this);
}

size_t approximate_bytes(const instance_info& x) {
  // Text beyond the small-string buffer is on the heap.
  auto text = [](const std::string& s) { return s.size() > 15 ? s.capacity() + 1 : 0; };
  auto opt = [&](const opt_string& s) { return s ? text(*s) : 0; };
  auto pairs = [&](const string_pairs& p) {
    size_t n = p.capacity() * sizeof(string_pairs::value_type);
    for (const auto& [k, v] : p)
      n += text(k) + text(v);
    return n;
  };
  return sizeof(instance_info) + opt(x.instance_id) + text(x.host_name) + text(x.app)
         + text(x.ip_addr) + text(x.sid) + text(x.data_center.name) + pairs(x.data_center.metadata)
         + pairs(x.metadata) + opt(x.app_group_name) + opt(x.home_page_url) + opt(x.status_page_url)
         + opt(x.health_check_url) + opt(x.secure_health_check_url) + opt(x.vip_address)
         + opt(x.secure_vip_address) + opt(x.asg_name);
}

bool operator==(const instance_info& a, const instance_info& b) {
  return a.instance_id == b.instance_id && a.host_name == b.host_name && a.app == b.app
         && a.ip_addr == b.ip_addr && a.sid == b.sid && a.status == b.status
         && a.overridden_status == b.overridden_status && a.port == b.port
         && a.secure_port == b.secure_port && a.country_id == b.country_id
         && a.data_center == b.data_center && a.lease == b.lease && a.metadata == b.metadata
         && a.app_group_name == b.app_group_name && a.home_page_url == b.home_page_url
         && a.status_page_url == b.status_page_url && a.health_check_url == b.health_check_url
         && a.secure_health_check_url == b.secure_health_check_url && a.vip_address == b.vip_address
         && a.secure_vip_address == b.secure_vip_address
         && a.is_coordinating_discovery_server == b.is_coordinating_discovery_server
         && a.last_updated_timestamp == b.last_updated_timestamp
         && a.last_dirty_timestamp == b.last_dirty_timestamp && a.action == b.action
         && a.asg_name == b.asg_name;
}

} // namespace eureka
