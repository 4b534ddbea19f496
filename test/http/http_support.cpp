#include "test/http/http_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <pugixml.hpp>
#include <simdjson.h>

namespace http_test {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

} // namespace

// -- client -------------------------------------------------------------------

client::client(uint16_t port) : sock_(ioc_) {
  boost::system::error_code ec;
  sock_.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port}, ec);
  BOOST_REQUIRE_MESSAGE(!ec, "cannot connect to 127.0.0.1:" << port << ": " << ec.message());
}

bool client::send_raw(std::string_view bytes) {
  boost::system::error_code ec;
  asio::write(sock_, asio::buffer(bytes.data(), bytes.size()), ec);
  return !ec;
}

void client::run(bool& done, std::chrono::milliseconds limit) {
  ioc_.restart();
  ioc_.run_for(limit);
  if (!done) {
    boost::system::error_code ec;
    sock_.cancel(ec);
    ioc_.restart();
    ioc_.run();
  }
}

std::optional<response> client::read(std::chrono::milliseconds limit, bool head) {
  beast_http::response_parser<beast_http::string_body> p;
  p.body_limit(64 * 1024 * 1024);
  p.skip(head);
  boost::system::error_code result = asio::error::timed_out;
  bool done = false;
  beast_http::async_read(sock_, buf_, p, [&](boost::system::error_code ec, size_t) {
    result = ec;
    done = true;
  });
  run(done, limit);
  if (!done || result)
    return std::nullopt;
  auto msg = p.release();
  response r;
  r.status = msg.result_int();
  for (auto& f : msg) {
    auto name = lower(std::string_view{f.name_string().data(), f.name_string().size()});
    std::string value{f.value().data(), f.value().size()};
    auto [it, fresh] = r.headers.emplace(name, value);
    if (!fresh)
      it->second += ", " + value;
  }
  r.body = std::move(msg.body());
  return r;
}

std::string format_request(std::string_view method, std::string_view target,
                           const header_list& hdrs, std::optional<std::string_view> body) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (auto& [k, v] : hdrs)
    out.append(k).append(": ").append(v).append("\r\n");
  if (body || method == "POST" || method == "PUT" || method == "DELETE")
    out.append("Content-Length: ").append(std::to_string(body ? body->size() : 0)).append("\r\n");
  out.append("\r\n");
  if (body)
    out.append(*body);
  return out;
}

response client::request(std::string_view method, std::string_view target, const header_list& hdrs,
                         std::optional<std::string_view> body) {
  BOOST_REQUIRE_MESSAGE(send_raw(format_request(method, target, hdrs, body)),
                        "cannot send " << method << " " << target);
  auto r = read(10s, method == "HEAD");
  BOOST_REQUIRE_MESSAGE(r.has_value(), "no response to " << method << " " << target);
  return std::move(*r);
}

bool client::closed_by_peer(std::chrono::milliseconds limit) {
  if (buf_.size() > 0)
    return false;
  char byte;
  boost::system::error_code result;
  bool done = false;
  bool got_data = false;
  sock_.async_read_some(asio::buffer(&byte, 1), [&](boost::system::error_code ec, size_t n) {
    got_data = n > 0;
    result = ec;
    done = true;
  });
  run(done, limit);
  return done && !got_data && result;
}

void client::close() {
  boost::system::error_code ec;
  sock_.shutdown(tcp::socket::shutdown_both, ec);
  sock_.close(ec);
}

// -- node fixture -------------------------------------------------------------

eureka::node_config test_node_config() {
  eureka::node_config cfg;
  cfg.gateway.bind_address = "127.0.0.1";
  cfg.gateway.port = 0;
  cfg.gateway.node_hostname = "testnode";
  cfg.gateway.node_ip = "127.0.0.1";
  cfg.gateway.sweep_interval = 100ms;
  cfg.gateway.linger_time = 200ms;
  cfg.registry.eviction_interval_ms = 1000;
  cfg.registry.enable_self_preservation = false;
  cfg.log_level = "warn";
  cfg.scheduler_threads = 2;
  return cfg;
}

node_fixture::node_fixture(eureka::node_config c)
    : cfg(std::move(c)), sys_cfg(cfg), sys(sys_cfg), node(sys, cfg) {
  eureka::log::level lvl = eureka::log::level::warn;
  eureka::log::parse_level(cfg.log_level, lvl);
  eureka::log::set_level(lvl);
  auto err = node.start();
  BOOST_REQUIRE_MESSAGE(!err, "node did not start: " << sys.render(err));
  port_ = node.port();
  BOOST_REQUIRE(port_ != 0);
}

node_fixture::~node_fixture() {
  conn_.reset();
  node.stop();
}

client& node_fixture::conn() {
  if (!conn_)
    conn_.emplace(port_);
  return *conn_;
}

response node_fixture::register_json(std::string_view path_app, const std::string& body,
                                     std::string_view base) {
  std::string target{base};
  target.append("/apps/").append(path_app);
  return req("POST", target, {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
             body);
}

response node_fixture::register_xml(std::string_view path_app, const std::string& body,
                                    std::string_view base) {
  std::string target{base};
  target.append("/apps/").append(path_app);
  return req("POST", target, {{"Content-Type", "application/xml"}}, body);
}

std::string node_fixture::apps_json(std::string_view base) {
  std::string target{base};
  target.append("/apps/");
  auto r = get(target);
  BOOST_REQUIRE_EQUAL(r.status, 200u);
  return r.body;
}

std::string node_fixture::metrics() {
  auto r = req("GET", "/metrics");
  BOOST_REQUIRE_EQUAL(r.status, 200u);
  return r.body;
}

// -- registration bodies ------------------------------------------------------

namespace {

std::string json_str(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace

std::string instance_json(const instance_spec& s) {
  std::string o = "{\"instance\":{";
  auto field = [&](std::string_view k, const std::string& raw_value) {
    if (o.back() != '{')
      o += ',';
    o += json_str(k);
    o += ':';
    o += raw_value;
  };
  if (s.instance_id)
    field("instanceId", json_str(*s.instance_id));
  if (s.host)
    field("hostName", json_str(*s.host));
  field("app", json_str(s.app));
  if (s.ip)
    field("ipAddr", json_str(*s.ip));
  field("status", json_str(s.status));
  if (!s.overridden_key.empty())
    field(s.overridden_key, json_str(s.overridden_value));
  field("port", "{\"$\":" + std::to_string(s.port) + ",\"@enabled\":\"true\"}");
  field("securePort", R"({"$":443,"@enabled":"false"})");
  field("countryId", "1");
  if (s.data_center) {
    std::string dc = R"({"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo")";
    if (s.data_center_name)
      dc += R"(,"name":"MyOwn")";
    dc += '}';
    field("dataCenterInfo", dc);
  }
  if (s.duration_secs > 0)
    field("leaseInfo", "{\"renewalIntervalInSecs\":1,\"durationInSecs\":"
                           + std::to_string(s.duration_secs) + "}");
  if (!s.metadata_json.empty())
    field("metadata", s.metadata_json);
  field("homePageUrl", json_str("http://" + s.host.value_or("") + ":8080/"));
  if (s.vip)
    field("vipAddress", json_str(*s.vip));
  if (s.svip)
    field("secureVipAddress", json_str(*s.svip));
  if (s.last_dirty > 0)
    field("lastDirtyTimestamp", json_str(std::to_string(s.last_dirty)));
  o += "}}";
  return o;
}

std::string instance_xml(const instance_spec& s) {
  std::string o = "<instance>\n";
  auto el = [&](std::string_view name, const std::string& v) {
    o.append("  <").append(name).append(">").append(xml_escape(v)).append("</").append(name);
    o.append(">\n");
  };
  if (s.instance_id)
    el("instanceId", *s.instance_id);
  if (s.host)
    el("hostName", *s.host);
  el("app", s.app);
  if (s.ip)
    el("ipAddr", *s.ip);
  el("status", s.status);
  if (!s.overridden_key.empty())
    el(s.overridden_key, s.overridden_value);
  o += "  <port enabled=\"true\">" + std::to_string(s.port) + "</port>\n";
  o += "  <securePort enabled=\"false\">443</securePort>\n";
  o += "  <countryId>1</countryId>\n";
  if (s.data_center) {
    o += "  <dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\">\n";
    if (s.data_center_name)
      o += "    <name>MyOwn</name>\n";
    o += "  </dataCenterInfo>\n";
  }
  if (s.duration_secs > 0)
    o += "  <leaseInfo>\n    <renewalIntervalInSecs>1</renewalIntervalInSecs>\n"
         "    <durationInSecs>"
         + std::to_string(s.duration_secs) + "</durationInSecs>\n  </leaseInfo>\n";
  if (s.vip)
    el("vipAddress", *s.vip);
  if (s.svip)
    el("secureVipAddress", *s.svip);
  if (s.last_dirty > 0)
    el("lastDirtyTimestamp", std::to_string(s.last_dirty));
  o += "</instance>";
  return o;
}

// -- decoded documents --------------------------------------------------------

size_t apps_doc::instance_count() const {
  size_t n = 0;
  for (auto& a : apps)
    n += a.instances.size();
  return n;
}

const instance_doc* apps_doc::find(std::string_view id) const {
  for (auto& a : apps)
    for (auto& i : a.instances)
      if (i.instance_id == id)
        return &i;
  return nullptr;
}

const app_doc* apps_doc::find_app(std::string_view name) const {
  for (auto& a : apps)
    if (a.name == name)
      return &a;
  return nullptr;
}

std::vector<std::string> apps_doc::ids() const {
  std::vector<std::string> out;
  for (auto& a : apps)
    for (auto& i : a.instances)
      out.push_back(a.name + "/" + i.instance_id);
  std::sort(out.begin(), out.end());
  return out;
}

std::string hash_of(const apps_doc& d) {
  std::map<std::string, int> counts;
  for (auto& a : d.apps)
    for (auto& i : a.instances)
      ++counts[i.status];
  std::string out;
  for (auto& [status, n] : counts)
    out += status + "_" + std::to_string(n) + "_";
  return out;
}

namespace {

namespace dom = simdjson::dom;

std::string json_string(dom::element e, std::string_view key, bool required = true) {
  auto v = e[key];
  if (v.error()) {
    BOOST_REQUIRE_MESSAGE(!required, "JSON field missing: " << key);
    return {};
  }
  std::string_view s;
  auto err = v.get(s);
  BOOST_REQUIRE_MESSAGE(!err, "JSON field is not a string: " << key);
  return std::string{s};
}

int64_t json_int(dom::element e, std::string_view key) {
  auto v = e[key];
  BOOST_REQUIRE_MESSAGE(!v.error(), "JSON field missing: " << key);
  int64_t n = 0;
  auto err = v.get(n);
  BOOST_REQUIRE_MESSAGE(!err, "JSON field is not an integer: " << key);
  return n;
}

instance_doc instance_from_json(dom::element e) {
  instance_doc x;
  x.instance_id = json_string(e, "instanceId", false);
  x.host = json_string(e, "hostName");
  x.app = json_string(e, "app");
  x.ip = json_string(e, "ipAddr");
  x.status = json_string(e, "status");
  x.overridden = json_string(e, "overriddenStatus");
  x.action = json_string(e, "actionType", false);
  x.vip = json_string(e, "vipAddress", false);
  x.svip = json_string(e, "secureVipAddress", false);
  x.last_dirty = json_string(e, "lastDirtyTimestamp");
  x.last_updated = json_string(e, "lastUpdatedTimestamp");
  dom::element port;
  BOOST_REQUIRE(!e["port"].get(port));
  x.port = json_int(port, "$");
  BOOST_REQUIRE_EQUAL(json_string(port, "@enabled"), "true");
  dom::element lease;
  BOOST_REQUIRE(!e["leaseInfo"].get(lease));
  x.duration = json_int(lease, "durationInSecs");
  x.registration_ts = json_int(lease, "registrationTimestamp");
  x.last_renewal_ts = json_int(lease, "lastRenewalTimestamp");
  x.eviction_ts = json_int(lease, "evictionTimestamp");
  x.service_up_ts = json_int(lease, "serviceUpTimestamp");
  dom::object md;
  BOOST_REQUIRE_MESSAGE(!e["metadata"].get(md), "metadata is not an object");
  for (auto [k, v] : md) {
    std::string_view s;
    BOOST_REQUIRE_MESSAGE(!v.get(s), "metadata value is not a string");
    if (k == "@class") {
      BOOST_REQUIRE_EQUAL(s, "java.util.Collections$EmptyMap");
      x.metadata_empty_marker = true;
    } else {
      x.metadata.emplace(std::string{k}, std::string{s});
    }
  }
  return x;
}

app_doc app_from_json(dom::element e) {
  app_doc a;
  a.name = json_string(e, "name");
  dom::array instances;
  BOOST_REQUIRE_MESSAGE(!e["instance"].get(instances), "\"instance\" is not an array");
  for (auto i : instances)
    a.instances.push_back(instance_from_json(i));
  return a;
}

dom::element parse_root(dom::parser& parser, const std::string& body, std::string_view key) {
  dom::element root;
  auto err = parser.parse(body).get(root);
  BOOST_REQUIRE_MESSAGE(!err, "not JSON: " << body.substr(0, 200));
  dom::element inner;
  BOOST_REQUIRE_MESSAGE(!root[key].get(inner),
                        "no root key " << key << " in " << body.substr(0, 200));
  return inner;
}

} // namespace

apps_doc parse_apps_json(const std::string& body) {
  dom::parser parser;
  auto root = parse_root(parser, body, "applications");
  apps_doc d;
  d.version = json_string(root, "versions__delta");
  d.hash = json_string(root, "apps__hashcode");
  dom::array apps;
  BOOST_REQUIRE_MESSAGE(!root["application"].get(apps), "\"application\" is not an array");
  for (auto a : apps)
    d.apps.push_back(app_from_json(a));
  return d;
}

app_doc parse_app_json(const std::string& body) {
  dom::parser parser;
  return app_from_json(parse_root(parser, body, "application"));
}

instance_doc parse_instance_json(const std::string& body) {
  dom::parser parser;
  return instance_from_json(parse_root(parser, body, "instance"));
}

namespace {

std::string xml_text(pugi::xml_node n, const char* name, bool required = true) {
  auto c = n.child(name);
  BOOST_REQUIRE_MESSAGE(c || !required, "XML element missing: " << name);
  return c.text().get();
}

int64_t xml_int(pugi::xml_node n, const char* name) {
  auto c = n.child(name);
  BOOST_REQUIRE_MESSAGE(c, "XML element missing: " << name);
  return std::strtoll(c.text().get(), nullptr, 10);
}

instance_doc instance_from_xml(pugi::xml_node n) {
  instance_doc x;
  x.instance_id = xml_text(n, "instanceId", false);
  x.host = xml_text(n, "hostName");
  x.app = xml_text(n, "app");
  x.ip = xml_text(n, "ipAddr");
  x.status = xml_text(n, "status");
  x.overridden = xml_text(n, "overriddenstatus");
  x.action = xml_text(n, "actionType", false);
  x.vip = xml_text(n, "vipAddress", false);
  x.svip = xml_text(n, "secureVipAddress", false);
  x.last_dirty = xml_text(n, "lastDirtyTimestamp");
  x.last_updated = xml_text(n, "lastUpdatedTimestamp");
  x.port = xml_int(n, "port");
  BOOST_REQUIRE_EQUAL(std::string{n.child("port").attribute("enabled").value()}, "true");
  auto lease = n.child("leaseInfo");
  BOOST_REQUIRE(lease);
  x.duration = xml_int(lease, "durationInSecs");
  x.registration_ts = xml_int(lease, "registrationTimestamp");
  x.last_renewal_ts = xml_int(lease, "lastRenewalTimestamp");
  x.eviction_ts = xml_int(lease, "evictionTimestamp");
  x.service_up_ts = xml_int(lease, "serviceUpTimestamp");
  auto md = n.child("metadata");
  BOOST_REQUIRE_MESSAGE(md, "XML element missing: metadata");
  if (std::string_view{md.attribute("class").value()} == "java.util.Collections$EmptyMap")
    x.metadata_empty_marker = true;
  for (auto c : md.children())
    if (c.type() == pugi::node_element)
      x.metadata.emplace(c.name(), c.text().get());
  return x;
}

} // namespace

apps_doc parse_apps_xml(const std::string& body) {
  pugi::xml_document doc;
  auto ok = doc.load_buffer(body.data(), body.size());
  BOOST_REQUIRE_MESSAGE(ok, "not XML: " << body.substr(0, 200));
  auto root = doc.child("applications");
  BOOST_REQUIRE_MESSAGE(root, "no <applications> root");
  apps_doc d;
  d.version = xml_text(root, "versions__delta");
  d.hash = xml_text(root, "apps__hashcode");
  for (auto a : root.children("application")) {
    app_doc ad;
    ad.name = xml_text(a, "name");
    for (auto i : a.children("instance"))
      ad.instances.push_back(instance_from_xml(i));
    d.apps.push_back(std::move(ad));
  }
  return d;
}

instance_doc parse_instance_xml(const std::string& body) {
  pugi::xml_document doc;
  auto ok = doc.load_buffer(body.data(), body.size());
  BOOST_REQUIRE_MESSAGE(ok, "not XML: " << body.substr(0, 200));
  auto root = doc.child("instance");
  BOOST_REQUIRE_MESSAGE(root, "no <instance> root");
  return instance_from_xml(root);
}

double metric_value(const std::string& text, std::string_view name, std::string_view labels) {
  std::string prefix{name};
  if (!labels.empty())
    prefix.append("{").append(labels).append("}");
  prefix += ' ';
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, prefix.size(), prefix) == 0)
      return std::strtod(line.c_str() + prefix.size(), nullptr);
  return -1;
}

} // namespace http_test
