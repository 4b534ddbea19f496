// Internal to codec/ (simdjson is a private dependency of eureka_codec): the
// building blocks of the instance JSON reader (json_reader.cpp), shared by the
// other JSON decoders (replication messages, Applications documents) so an
// InstanceInfo nested in them is read by exactly the registration-body rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "registry/instance_info.hpp"

namespace eureka::codec::detail {

/// This thread's DOM parser. Parsing again invalidates every element of the
/// previous document; the functions below never parse.
simdjson::dom::parser& json_parser();

/// A scalar as text (Jackson's getText: strings, and numbers and booleans in
/// their JSON form); objects and arrays fail with "field '<field>': ...".
bool read_json_text(simdjson::dom::element e, std::string_view field, std::string& out,
                    std::string& error);

/// A JSON number or a numeric string (Jackson's getValueAsLong); fractional
/// numbers are truncated, out-of-range values fail.
bool read_json_int64(simdjson::dom::element e, std::string_view field, int64_t& out,
                     std::string& error);

/// An unwrapped InstanceInfo object, by decode_instance_json's rules (defaults
/// from `now_ms`, `app` upper-cased and required, Spring's instance id rule).
/// On failure `out` is partly decoded and must be discarded.
bool read_json_instance(simdjson::dom::element e, int64_t now_ms, instance_info& out,
                        std::string& error);

} // namespace eureka::codec::detail
