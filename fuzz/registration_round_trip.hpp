// What the registration targets (JSON and XML bodies) check once a body is
// decoded: validation as POST /eureka/apps/{app} applies it, then, for an
// accepted registration, that it encodes and decodes again in both formats
// with its application and its stated id (the registry stores it and serves
// it so).
#pragma once

#include <cstdint>

#include "codec/instance_codec.hpp"
#include "fuzz/fuzz_check.hpp"

namespace eureka::fuzz {

inline constexpr int64_t fuzz_now_ms = 1700000000000;

inline void check_registration(codec::decode_result decoded) {
  if (!decoded.ok)
    return;
  auto app = decoded.info.app;
  if (!codec::validate_registration(decoded.info, app).empty())
    return;
  // An id the registrant stated must survive. One it did not state may
  // change on the way out, by the rule Spring Cloud's JSON writer applies
  // (eureka-contract.md: no instanceId but metadata instanceId -> host:that;
  // found by this target from an XML body, which Spring's XML reader does
  // not complete that way).
  const auto& stated = decoded.info.instance_id;
  bool id_stated = stated && !stated->empty();
  auto check = [&](const codec::decode_result& again, const char* decodes, const char* keeps) {
    require(again.ok, decodes);
    require(again.info.app == decoded.info.app && (!id_stated || again.info.instance_id == stated),
            keeps);
  };
  check(codec::decode_instance_json(codec::instance_document_json(decoded.info), fuzz_now_ms),
        "an accepted registration decodes from its own JSON",
        "an accepted registration keeps its app and stated id through its own JSON");
  check(codec::decode_instance_xml(codec::instance_document_xml(decoded.info), fuzz_now_ms),
        "an accepted registration decodes from its own XML",
        "an accepted registration keeps its app and stated id through its own XML");
}

} // namespace eureka::fuzz
