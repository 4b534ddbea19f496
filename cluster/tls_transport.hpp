// BASP over mutual TLS, with the refusals logged. The TLS itself is CAF's
// openssl module (caf::openssl::session: its context, certificate checks and
// ciphers, unchanged); what CAF does not do is say anything when a handshake
// fails: the connection just closes (its own logging is compiled out in
// Debian's build), so a node refusing a peer without the cluster's
// certificate would stay silent. This middleman actor opens the same
// sessions as caf::openssl's and logs each failed handshake with the peer's
// address and OpenSSL's reason. Needs caf::openssl::manager loaded and the
// openssl.* settings made (configure_actor_system).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include <caf/fwd.hpp>
#include <caf/io/middleman_actor.hpp>

namespace eureka::cluster {

/// A middleman actor whose connections (connect_atom) and published ports
/// (publish_atom) speak TLS through CAF's openssl sessions.
caf::io::middleman_actor spawn_tls_middleman(caf::actor_system& sys);

/// Which refusals are logged: each kind (a peer's host and the reason) once
/// per window, at most `per_window` lines in all per window, then one line
/// saying how many were left out. A node retrying every second, or a host
/// hammering the port, cannot flood the log; a new kind still shows.
class refusal_log_budget {
public:
  using clock = std::chrono::steady_clock;

  refusal_log_budget(uint32_t per_window, clock::duration window)
      : per_window_(per_window), window_(window) {
    // nop
  }

  struct decision {
    bool log = false;
    /// Refusals left out in the window before this one (say so once).
    uint64_t suppressed_before = 0;
  };

  decision take(const std::string& kind, clock::time_point now) {
    std::lock_guard<std::mutex> guard{mtx_};
    decision d;
    if (now - window_start_ >= window_ || now < window_start_) {
      window_start_ = now;
      logged_.clear();
      d.suppressed_before = suppressed_;
      suppressed_ = 0;
    }
    if (logged_.size() < per_window_ && logged_.insert(kind).second)
      d.log = true;
    else
      ++suppressed_;
    return d;
  }

private:
  std::mutex mtx_;
  uint32_t per_window_;
  clock::duration window_;
  clock::time_point window_start_{};
  std::set<std::string> logged_;
  uint64_t suppressed_ = 0;
};

/// What a failed TLS handshake means, for the log: OpenSSL's reason plus
/// the likely cause in this cluster's terms.
std::string explain_handshake_failure(std::string_view openssl_reason, bool accepting);

} // namespace eureka::cluster
