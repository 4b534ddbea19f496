// What the registration targets (JSON and XML bodies) check once a body is
// decoded: validation as POST /eureka/apps/{app} applies it, then, for an
// accepted registration, that it encodes and decodes again in both formats
// with its id and application (the registry stores it and serves it so).
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
  auto from_json =
      codec::decode_instance_json(codec::instance_document_json(decoded.info), fuzz_now_ms);
  require(from_json.ok, "an accepted registration decodes from its own JSON");
  require(from_json.info.instance_id == decoded.info.instance_id
              && from_json.info.app == decoded.info.app,
          "an accepted registration keeps its id and app through its own JSON");
  auto from_xml =
      codec::decode_instance_xml(codec::instance_document_xml(decoded.info), fuzz_now_ms);
  require(from_xml.ok, "an accepted registration decodes from its own XML");
  require(from_xml.info.instance_id == decoded.info.instance_id
              && from_xml.info.app == decoded.info.app,
          "an accepted registration keeps its id and app through its own XML");
}

} // namespace eureka::fuzz
