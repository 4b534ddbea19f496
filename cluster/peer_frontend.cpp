#include "cluster/peer_frontend.hpp"

#include <memory>
#include <utility>
#include <variant>
#include <vector>

#include <caf/all.hpp>

#include "cluster/replication_rules.hpp"
#include "registry/dirty_timestamp.hpp"

namespace eureka::cluster {

const char* peer_frontend_state::name = "peer_frontend";

namespace {

using self_ptr = peer_frontend_actor::stateful_pointer<peer_frontend_state>;

bool power_of_two(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

/// Refuses a message from a node that did not say hello (or said it with
/// another cluster name).
caf::error refuse(self_ptr self, std::string_view what) {
  auto& st = self->state;
  auto sender = self->current_sender();
  auto node = sender ? caf::to_string(sender->node()) : std::string{"unknown node"};
  if (power_of_two(++st.refusals))
    log::warn("cluster", "refused {} from {}: it has not joined cluster {} ({} refusals so far)",
              what, log::esc(node), log::esc(st.cfg.cluster), st.refusals);
  return caf::make_error(caf::sec::request_receiver_down, "not a member of this cluster");
}

bool welcomed(self_ptr self) {
  auto sender = self->current_sender();
  return sender && self->state.welcomed.count(sender->node()) > 0;
}

/// Whether an item's timestamps are within the skew bound (as the gateway
/// checks a client's).
bool timestamps_acceptable(self_ptr self, const replication_item& item) {
  auto bound = self->state.cfg.max_dirty_timestamp_skew_ms;
  auto now = epoch_now(self);
  if (item.last_dirty_timestamp
      && !dirty_timestamp_acceptable(*item.last_dirty_timestamp, now, bound))
    return false;
  if (item.info && !dirty_timestamp_acceptable(item.info->last_dirty_timestamp, now, bound))
    return false;
  return true;
}

struct batch_progress {
  caf::typed_response_promise<replication_ack> promise;
  replication_ack ack;
  size_t pending = 0;

  void done_one() {
    if (--pending == 0)
      promise.deliver(std::move(ack));
  }
};

/// Executes a batch: every item through the directory, in order (the
/// directory and each registry actor keep our sending order), answered
/// together.
caf::result<replication_ack> execute(self_ptr self, replication_batch& batch) {
  auto& st = self->state;
  ++st.batches;
  st.items += batch.items.size();
  auto progress = std::make_shared<batch_progress>();
  progress->ack.seq = batch.seq;
  progress->ack.results.resize(batch.items.size());
  if (batch.items.empty())
    return std::move(progress->ack);
  progress->promise = self->make_response_promise<replication_ack>();
  progress->pending = batch.items.size();
  for (size_t i = 0; i < batch.items.size(); ++i) {
    auto& item = batch.items[i];
    auto action = item.action;
    if (auto reason = check_peer_item(item); !reason.empty()) {
      if (power_of_two(++st.refusals))
        log::warn("cluster", "refused a replicated item of {}/{}: {}", log::esc(item.app),
                  log::esc(item.id), reason);
      progress->ack.results[i] = failed_item();
      progress->done_one();
      continue;
    }
    if (!timestamps_acceptable(self, item)) {
      if (power_of_two(++st.refusals))
        log::warn("cluster", "refused replicated {} of {}/{}: lastDirtyTimestamp too far ahead",
                  to_string(action), log::esc(item.app), log::esc(item.id));
      progress->ack.results[i] = failed_item();
      progress->done_one();
      continue;
    }
    auto cmd = command_of(std::move(item));
    if (!cmd) {
      progress->ack.results[i] = failed_item();
      progress->done_one();
      continue;
    }
    std::visit(
        [&](auto& c) {
          self->request(st.directory, caf::infinite, std::move(c))
              .then(
                  [progress, i, action](write_reply& reply) {
                    progress->ack.results[i] = result_of(action, reply);
                    progress->done_one();
                  },
                  [progress, i](caf::error&) {
                    progress->ack.results[i] = failed_item();
                    progress->done_one();
                  });
        },
        *cmd);
  }
  return progress->promise;
}

} // namespace

peer_frontend_actor::behavior_type peer_frontend(self_ptr self, peer_frontend_config cfg,
                                                 time_anchor clock, directory_actor directory,
                                                 peer_offer_actor offers) {
  self->state.cfg = std::move(cfg);
  self->state.clock = clock;
  self->state.directory = std::move(directory);
  self->state.offers = std::move(offers);
  if (self->state.offers)
    self->send(self->state.offers, frontend_atom::value,
               caf::actor_cast<peer_frontend_actor>(self));
  // Anything else a stranger sends is dropped without a log line each.
  self->set_default_handler(caf::drop);
  return {
      [=](peer_hello& hello) -> caf::result<peer_welcome> {
        auto& st = self->state;
        auto sender = self->current_sender();
        if (hello.cluster != st.cfg.cluster || hello.protocol != cluster_protocol_version) {
          log::error("cluster",
                     "refused node {} ({}): it belongs to cluster {} (protocol {}), this node to "
                     "cluster {} (protocol {})",
                     log::esc(hello.node_id), log::esc(hello.http_url), log::esc(hello.cluster),
                     hello.protocol, log::esc(st.cfg.cluster), cluster_protocol_version);
          return caf::make_error(caf::sec::request_receiver_down, "cluster name mismatch");
        }
        if (sender && st.welcomed.insert(sender->node()).second)
          log::info("cluster", "node {} ({}) said hello: its replication is accepted",
                    log::esc(hello.node_id), log::esc(hello.http_url));
        // Only a frontend on the caller's own node: the link it came over
        // is the one to use back.
        if (sender && hello.frontend && hello.frontend->node() == sender->node() && st.offers)
          self->send(st.offers, peer_offer{caf::to_string(sender->node()), hello.frontend});
        return peer_welcome{st.cfg.cluster, st.cfg.node_id};
      },
      [=](replication_batch& batch) -> caf::result<replication_ack> {
        if (!welcomed(self))
          return refuse(self, "a replication batch");
        if (batch.items.size() > self->state.cfg.max_batch_items)
          return caf::make_error(caf::sec::invalid_argument, "replication batch too large");
        return execute(self, batch);
      },
      // Answered through this actor, never delegated: a delegated answer
      // would carry the directory's address to the peer, which could then
      // message the directory directly, past every check here.
      [=](digest_atom d) -> caf::result<registry_digest> {
        if (!welcomed(self))
          return refuse(self, "a digest request");
        auto rp = self->make_response_promise<registry_digest>();
        self->request(self->state.directory, caf::infinite, d)
            .then([rp](registry_digest& x) mutable { rp.deliver(std::move(x)); },
                  [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
      [=](export_atom e, std::vector<std::string>& apps) -> caf::result<registry_export> {
        if (!welcomed(self))
          return refuse(self, "an export request");
        auto rp = self->make_response_promise<registry_export>();
        self->request(self->state.directory, caf::infinite, e, std::move(apps))
            .then([rp](registry_export& x) mutable { rp.deliver(std::move(x)); },
                  [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      },
  };
}

} // namespace eureka::cluster
