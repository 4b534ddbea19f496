#include "codec/node_identity.hpp"

#include "codec/json_reader.hpp"
#include "codec/text.hpp"

namespace eureka::codec {

std::string encode_node_identity(std::string_view version, const peer_discovery& self) {
  std::string out = R"({"product":"caf-eureka","version":)";
  detail::append_json_string(out, version);
  out += R"(,"cluster":)";
  detail::append_json_string(out, self.cluster);
  out += R"(,"nodeId":)";
  detail::append_json_string(out, self.node_id);
  out += R"(,"baspHost":)";
  detail::append_json_string(out, self.basp_host);
  out += R"(,"baspPort":)";
  out += std::to_string(self.basp_port);
  out += R"(,"protocol":)";
  out += std::to_string(self.protocol);
  out += '}';
  return out;
}

bool decode_node_identity(std::string_view body, peer_discovery& out, std::string& error) {
  try {
    simdjson::dom::element root;
    if (detail::json_parser().parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
      error = "not JSON";
      return false;
    }
    simdjson::dom::object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
      error = "not a JSON object";
      return false;
    }
    std::string product;
    int64_t port = -1;
    int64_t protocol = 0;
    for (auto member : obj) {
      if (member.key == "product")
        detail::read_json_text(member.value, "product", product, error);
      else if (member.key == "cluster")
        detail::read_json_text(member.value, "cluster", out.cluster, error);
      else if (member.key == "nodeId")
        detail::read_json_text(member.value, "nodeId", out.node_id, error);
      else if (member.key == "baspHost")
        detail::read_json_text(member.value, "baspHost", out.basp_host, error);
      else if (member.key == "baspPort")
        detail::read_json_int64(member.value, "baspPort", port, error);
      else if (member.key == "protocol")
        detail::read_json_int64(member.value, "protocol", protocol, error);
    }
    if (product != "caf-eureka") {
      error = "not a caf-eureka node document";
      return false;
    }
    if (port <= 0 || port > 65535 || out.node_id.empty() || out.basp_host.empty()) {
      error = "incomplete caf-eureka node document";
      return false;
    }
    out.basp_port = static_cast<uint16_t>(port);
    out.protocol = static_cast<uint32_t>(protocol < 0 ? 0 : protocol);
    out.reachable = true;
    out.caf = true;
    error.clear();
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

} // namespace eureka::codec
