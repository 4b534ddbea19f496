// The document of GET {base}cluster/node: how a caf-eureka node describes
// itself to a peer deciding what it is (a caf-eureka node of its cluster,
// of another cluster, itself, or — when the path is unknown — a Java
// Eureka server).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/cluster_messages.hpp"

namespace eureka::codec {

/// `{"product":"caf-eureka","version":..,"cluster":..,"nodeId":..,
/// "baspHost":..,"baspPort":..,"protocol":..}`.
std::string encode_node_identity(std::string_view version, const peer_discovery& self);

/// Decodes a peer's answer into `out` (reachable and caf set when it is a
/// caf-eureka document); false with `error` set when it is not one.
bool decode_node_identity(std::string_view body, peer_discovery& out, std::string& error);

} // namespace eureka::codec
