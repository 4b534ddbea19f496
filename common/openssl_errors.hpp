// OpenSSL's per-thread error queue as one line of text, for messages that
// say why a certificate, key or TLS session failed. Shared by the gateway's
// TLS and the peer client's.
#pragma once

#include <string>
#include <string_view>

#include <openssl/err.h>

namespace eureka {

/// Every queued error, "; "-separated (the queue is emptied), or `fallback`
/// when there is none.
inline std::string drain_openssl_errors(std::string_view fallback) {
  std::string out;
  while (auto code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty())
      out += "; ";
    out += buf;
  }
  return out.empty() ? std::string{fallback} : out;
}

} // namespace eureka
