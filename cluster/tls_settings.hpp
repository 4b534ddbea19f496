// Checks of the mutual-TLS settings of the cluster port, made once at start:
// CAF's openssl module reads the files only when a connection opens, throws
// from the multiplexer when it cannot (ending the process), and would leave a
// typo to surface as links that silently never come up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cluster/cluster_config.hpp"

namespace eureka::cluster {

/// "" or why the keys do not go together: all of certificate, key and ca,
/// or none (key-password only with them).
std::string check_tls_keys(const tls_config& tls);

/// "" or why the files cannot serve (unreadable, not PEM, an encrypted key
/// without the right password, a key not of the certificate, a CA file
/// without a certificate, the own certificate not chaining to the CA or not
/// usable for both ends of a TLS connection). Only when tls.enabled().
std::string check_tls_files(const tls_config& tls);

/// The lowest TLS version the links accept. CAF's contexts set none
/// (TLS_method()): OpenSSL's defaults decide. OpenSSL 3 at security level 1
/// or more refuses TLS 1.0 and 1.1 (their handshake signatures use SHA-1).
struct tls_floor {
  /// TLS 1.2 or higher.
  bool modern = false;
  /// For the log: the floor and why.
  std::string text;
};
tls_floor current_tls_floor();

/// What the node logs at start about its cluster port: the warning when it
/// listens beyond loopback without TLS, else nothing.
std::optional<std::string> cluster_exposure_warning(const tls_config& tls,
                                                    std::string_view bind_address, uint16_t port);

} // namespace eureka::cluster
