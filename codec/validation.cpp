// ApplicationResource.addInstance validation (contract §1.5, E4 steps 1-8).
#include "codec/instance_codec.hpp"

namespace eureka::codec {

namespace {

/// ApplicationResource.isBlank: null or empty -- whitespace is not blank.
bool is_blank(std::string_view s) {
  return s.empty();
}

} // namespace

std::string validate_registration(instance_info& x, std::string_view path_app) {
  if (is_blank(x.id()))
    return "Missing instanceId";
  if (is_blank(x.host_name))
    return "Missing hostname";
  if (is_blank(x.ip_addr))
    return "Missing ip address";
  if (is_blank(x.app))
    return "Missing appName";
  if (path_app != x.app) {
    std::string reason = "Mismatched appName, expecting ";
    reason += path_app;
    reason += " but was ";
    reason += x.app;
    return reason;
  }
  if (!x.data_center.present)
    return "Missing dataCenterInfo";
  if (x.data_center.name.empty())
    return "Missing dataCenterInfo Name";
  // Step 8 with registration.validation.dataCenterInfoId off (our behaviour):
  // an AmazonInfo without an "instance-id" key gets getId() back-filled. A key
  // that is present but blank is left alone, as in Java.
  if (x.data_center.kind == data_center_kind::amazon) {
    bool has_key = false;
    for (const auto& kv : x.data_center.metadata)
      if (kv.first == "instance-id") {
        has_key = true;
        break;
      }
    if (!has_key)
      x.data_center.metadata.emplace_back("instance-id", x.id());
  }
  return {};
}

} // namespace eureka::codec
