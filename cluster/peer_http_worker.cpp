#include "cluster/peer_http_worker.hpp"

#include <utility>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "codec/applications_reader.hpp"
#include "codec/node_identity.hpp"

namespace eureka::cluster {

namespace {

struct worker_state {
  peer_url url;
  http_limits limits;
  size_t max_instances = 0;
  static const char* name;
};

const char* worker_state::name = "peer_http_worker";

using self_ptr = peer_http_worker_actor::stateful_pointer<worker_state>;

const http_headers json_headers{{"Accept", "application/json"}};

peer_http_worker_actor::behavior_type worker(self_ptr self, peer_url url, http_limits limits,
                                             size_t max_instances) {
  self->state.url = std::move(url);
  self->state.limits = limits;
  self->state.max_instances = max_instances;
  self->set_default_handler(caf::drop);
  return {
      [=](discover_atom) -> peer_discovery {
        auto& st = self->state;
        peer_discovery out;
        auto r = peer_http_request(st.url, "GET", "cluster/node", json_headers, {}, st.limits);
        if (!r.ok) {
          out.error = r.error;
          return out;
        }
        if (r.status == 401 || r.status == 403) {
          // A peer with authentication on (ours or a Java server behind
          // Spring Security) refused the credentials of its URL: not a
          // Java server without the endpoint. Tried again later, logged.
          out.error = fmt::format("GET cluster/node answered {}: the peer wants credentials with "
                                  "the peer role in its URL (http://user:password@host:port/...)",
                                  r.status);
          return out;
        }
        out.reachable = true;
        std::string error;
        if (r.status == 200 && codec::decode_node_identity(r.body, out, error))
          return out;
        // Anything else that answers HTTP is taken for a Java Eureka server
        // (it has no such resource: 404); its batches go over HTTP.
        out.caf = false;
        return out;
      },
      [=](fetch_atom, int64_t now_ms) -> fetched_registry {
        auto& st = self->state;
        fetched_registry out;
        auto r = peer_http_request(st.url, "GET", "apps/", json_headers, {}, st.limits);
        if (!r.ok) {
          out.error = r.error;
          return out;
        }
        if (r.status != 200) {
          out.error = "GET apps/ answered " + std::to_string(r.status);
          return out;
        }
        auto decoded = codec::decode_applications_json(r.body, now_ms, st.max_instances);
        if (!decoded.ok) {
          out.error = "GET apps/: " + decoded.error;
          return out;
        }
        out.ok = true;
        out.instances = std::move(decoded.instances);
        if (decoded.skipped > 0)
          out.error = std::to_string(decoded.skipped)
                      + " instances skipped, the first: " + decoded.first_skip_error;
        return out;
      },
      [=](batch_atom, const std::string& body) -> peer_http_reply {
        auto& st = self->state;
        static const http_headers headers{{"Accept", "application/json"},
                                          {"Content-Type", "application/json"}};
        auto r =
            peer_http_request(st.url, "POST", "peerreplication/batch/", headers, body, st.limits);
        peer_http_reply out;
        out.ok = r.ok;
        out.status = r.status;
        out.body = std::move(r.body);
        out.error = std::move(r.error);
        return out;
      },
  };
}

} // namespace

peer_http_worker_actor spawn_peer_http_worker(caf::actor_system& sys, peer_url url,
                                              http_limits limits, size_t max_instances) {
  return sys.spawn<caf::detached>(worker, std::move(url), limits, max_instances);
}

} // namespace eureka::cluster
