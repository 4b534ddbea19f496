#include "cluster/replication.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <utility>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <fmt/format.h>

#include "codec/replication_codec.hpp"
#include "common/log.hpp"
#include "http_gateway/registry_metrics.hpp"

namespace eureka::cluster {

const char* replication_state::name = "replication";

std::string_view to_string(peer_kind k) {
  switch (k) {
  case peer_kind::unknown:
    return "unknown";
  case peer_kind::caf:
    return "caf-eureka";
  case peer_kind::java:
    return "java";
  case peer_kind::self:
    return "self";
  case peer_kind::foreign:
    return "foreign";
  }
  return "?";
}

std::string_view to_string(link_state s) {
  switch (s) {
  case link_state::down:
    return "down";
  case link_state::discovering:
    return "discovering";
  case link_state::awaiting_offer:
    return "awaiting its hello";
  case link_state::connecting:
    return "connecting";
  case link_state::up:
    return "up";
  }
  return "?";
}

namespace {

using self_ptr = replication_full_actor::stateful_pointer<replication_state>;

/// Every metric of the replication actor, declared once.
struct metric_def {
  const char* name;
  const char* type;
  const char* help;
};

constexpr metric_def metric_defs[] = {
    {"eureka_cluster_ready", "gauge", "1 once the start-up sync is done (GET /ready)"},
    {"eureka_cluster_synced_instances", "gauge", "Instances taken over by the start-up sync"},
    {"eureka_replication_link_up", "gauge", "1 while the peer is reachable"},
    {"eureka_replication_batches_sent_total", "counter", "Batches sent to the peer"},
    {"eureka_replication_items_sent_total", "counter", "Actions sent to the peer"},
    {"eureka_replication_heartbeats_coalesced_total", "counter",
     "Renewals that needed no message of their own (coalesced per instance per tick)"},
    {"eureka_replication_failures_total", "counter",
     "Items the peer refused and batches that failed"},
    {"eureka_replication_queue_bytes", "gauge", "Bytes of actions queued for the peer"},
    {"eureka_replication_queue_items", "gauge", "Actions queued for the peer"},
    {"eureka_replication_overflows_total", "counter",
     "Times the peer's queue overflowed (the peer is then caught up by digest)"},
    {"eureka_replication_catch_ups_total", "counter", "Catch-ups by digest comparison"},
    {"eureka_replication_lag_seconds", "gauge",
     "While actions wait for the peer: seconds since it last acknowledged one (or since the "
     "oldest waiting action was queued, if later); 0 when nothing waits"},
};

int64_t now_ms(self_ptr self) {
  return self->state.clock.to_epoch_ms(self->clock().now());
}

std::chrono::milliseconds ms(int64_t n) {
  return std::chrono::milliseconds{n};
}

bool power_of_two(uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

const std::string& name_of(const peer_state& p) {
  return p.url.text;
}

void discover(self_ptr self, uint32_t i);
void pump(self_ptr self, uint32_t i);
void sync_failed(self_ptr self, uint32_t i, const std::string& why);

void mark_ready(self_ptr self, std::string detail, bool warn = false) {
  auto& st = self->state;
  if (st.ready)
    return;
  st.ready = true;
  st.syncing = false;
  st.ready_detail = std::move(detail);
  if (warn)
    log::warn("cluster", "ready: {}", st.ready_detail);
  else
    log::info("cluster", "ready: {}", st.ready_detail);
}

/// Ready at once when no peer can ever give us a registry.
void check_ready_without_peers(self_ptr self) {
  auto& st = self->state;
  if (st.ready || st.syncing)
    return;
  for (const auto& p : st.peers)
    if (p.kind != peer_kind::self && p.kind != peer_kind::foreign)
      return;
  mark_ready(self,
             st.peers.empty() ? "no peers configured" : "no peer of this cluster to sync from");
}

void schedule_retry(self_ptr self, uint32_t i, int64_t delay_ms) {
  auto& p = self->state.peers[i];
  if (p.retry_scheduled)
    return;
  p.retry_scheduled = true;
  self->delayed_send(self, ms(delay_ms), retry_atom::value, i);
}

/// The link is gone (or never came): batches in flight go back in front of
/// the queue, and the peer is tried again after the back-off.
void link_lost(self_ptr self, uint32_t i, const std::string& why) {
  auto& p = self->state.peers[i];
  auto was = p.link;
  ++p.generation;
  for (auto it = p.in_flight.rbegin(); it != p.in_flight.rend(); ++it)
    p.queue.requeue_front(std::move(it->second), now_ms(self));
  p.in_flight.clear();
  if (p.remote)
    self->demonitor(p.remote.address());
  // An offered frontend is only as good as the link it came over: the next
  // attempt waits for a new hello or connects.
  if (auto it = self->state.offers.find(p.node_id); it != self->state.offers.end())
    self->state.offers.erase(it);
  p.remote = peer_frontend_actor{};
  p.link = link_state::down;
  p.catching_up = false;
  if (self->state.syncing && self->state.sync_peer == i)
    sync_failed(self, i, "the link was lost: " + why);
  if (was == link_state::up)
    log::warn("cluster", "peer {} left: {}; retrying", log::esc(name_of(p)), log::esc(why));
  else if (why != p.last_error)
    log::info("cluster", "peer {} not reached: {}; retrying with back-off", log::esc(name_of(p)),
              log::esc(why));
  p.last_error = why;
  schedule_retry(self, i, p.retry.next());
}

/// A replication item registering `x` as it is here.
replication_item register_item(instance_info x) {
  replication_item item;
  item.action = replication_action::register_instance;
  item.app = x.app;
  item.id = x.id();
  item.last_dirty_timestamp = x.last_dirty_timestamp;
  item.status = x.status;
  item.info = std::move(x);
  return item;
}

// -- start-up sync --------------------------------------------------------------

void apply_sync(self_ptr self, uint32_t i, std::vector<instance_info> instances, int64_t started) {
  auto& st = self->state;
  auto from = name_of(st.peers[i]);
  if (instances.empty()) {
    mark_ready(self, fmt::format("start-up sync from {}: its registry is empty", from));
    return;
  }
  struct progress {
    size_t pending = 0;
    size_t applied = 0;
  };
  auto prog = std::make_shared<progress>();
  prog->pending = instances.size();
  auto n = instances.size();
  auto finish = [self, prog, from, n, started] {
    if (--prog->pending > 0)
      return;
    self->state.synced_instances = prog->applied;
    mark_ready(self, fmt::format("start-up sync took {} of {} instances from {} in {} ms",
                                 prog->applied, n, from, now_ms(self) - started));
  };
  for (auto& x : instances) {
    if (auto reason = check_peer_instance(x); !reason.empty()) {
      log::warn("cluster", "start-up sync: skipped {}/{} from {}: {}", log::esc(x.app),
                log::esc(x.id()), log::esc(from), reason);
      finish();
      continue;
    }
    self->request(self->state.directory, caf::infinite, register_cmd{std::move(x), true, false})
        .then(
            [prog, finish](write_reply& r) {
              if (r.outcome == write_outcome::ok)
                ++prog->applied;
              finish();
            },
            [finish](caf::error&) { finish(); });
  }
}

void maybe_sync_from(self_ptr self, uint32_t i);

/// The sync source failed: the next peer whose link is up takes over (or
/// the next one to come up does).
void sync_failed(self_ptr self, uint32_t i, const std::string& why) {
  auto& st = self->state;
  if (!st.syncing || st.sync_peer != i)
    return;
  st.syncing = false;
  log::warn("cluster", "start-up sync from {} failed: {}", log::esc(name_of(st.peers[i])),
            log::esc(why));
  for (uint32_t k = 1; k <= st.peers.size(); ++k) {
    auto j = static_cast<uint32_t>((i + k) % st.peers.size());
    if (st.peers[j].link == link_state::up) {
      maybe_sync_from(self, j);
      return;
    }
  }
}

/// Pulls the full registry from peer `i` (just reached), unless the node is
/// ready or already syncing.
void maybe_sync_from(self_ptr self, uint32_t i) {
  auto& st = self->state;
  if (st.ready || st.syncing)
    return;
  st.syncing = true;
  st.sync_peer = i;
  auto& p = st.peers[i];
  auto started = now_ms(self);
  // Bounded: a request to a peer killed meanwhile is never answered (CAF
  // 0.17), and the node must not wait for its own bound instead.
  auto bound = ms(std::max<int64_t>(st.settings.cfg.ack_timeout_ms * 6, 60000));
  log::info("cluster", "start-up sync from {}", log::esc(name_of(p)));
  if (p.kind == peer_kind::caf) {
    self->request(p.remote, bound, export_atom::value, std::vector<std::string>{})
        .then(
            [self, i, started](registry_export& apps) {
              std::vector<instance_info> all;
              for (auto& app : apps)
                for (auto& x : app.instances)
                  all.push_back(std::move(x));
              apply_sync(self, i, std::move(all), started);
            },
            [self, i](caf::error& err) { sync_failed(self, i, self->system().render(err)); });
  } else {
    self->request(p.worker, caf::infinite, fetch_atom::value, started)
        .then([self, i, started](fetched_registry& r) {
          if (!r.ok) {
            sync_failed(self, i, r.error);
            return;
          }
          if (!r.error.empty())
            log::warn("cluster", "start-up sync: {}", log::esc(r.error));
          apply_sync(self, i, std::move(r.instances), started);
        });
  }
}

// -- catch-up -------------------------------------------------------------------

/// A cancel re-sent to a peer catching up, with its time: the peer applies
/// it only to a copy registered before (app_table::cancel).
replication_item cancel_item(const std::string& app, const tombstone& t) {
  replication_item item;
  item.action = replication_action::cancel;
  item.app = app;
  item.id = t.id;
  item.last_dirty_timestamp = t.at_ms;
  return item;
}

void catch_up_done(self_ptr self, uint32_t i, uint64_t gen, registry_export exported) {
  auto& p = self->state.peers[i];
  if (p.generation != gen)
    return;
  std::vector<replication_item> items;
  size_t instances = 0;
  size_t cancels = 0;
  for (auto& app : exported) {
    for (auto& t : app.cancelled)
      if (p.kind == peer_kind::caf) { // a Java peer cannot tell an old cancel from a new one
        items.push_back(cancel_item(app.app, t));
        ++cancels;
      }
    for (auto& x : app.instances) {
      items.push_back(register_item(std::move(x)));
      ++instances;
    }
  }
  log::info("cluster", "peer {} caught up: {} instances and {} cancels sent again",
            log::esc(name_of(p)), instances, cancels);
  p.queue.requeue_front(std::move(items), now_ms(self));
  p.catching_up = false;
  p.needs_catch_up = false;
  pump(self, i);
}

void send_export(self_ptr self, uint32_t i, uint64_t gen, std::vector<std::string> apps) {
  self->request(self->state.directory, caf::infinite, export_atom::value, std::move(apps))
      .then([self, i,
             gen](registry_export& exported) { catch_up_done(self, i, gen, std::move(exported)); },
            [self, i, gen](caf::error& err) {
              auto& p = self->state.peers[i];
              if (p.generation == gen)
                link_lost(self, i, "catch-up: " + self->system().render(err));
            });
}

/// Applications whose digests differ, that the peer lacks, or that only
/// the peer has (we may have cancelled their instances).
std::vector<std::string> differing(const registry_digest& ours, const registry_digest& theirs) {
  std::map<std::string, const app_digest*> by_name;
  for (const auto& d : theirs)
    by_name.emplace(d.app, &d);
  std::vector<std::string> out;
  for (const auto& d : ours) {
    auto i = by_name.find(d.app);
    if (i == by_name.end() || i->second->hash != d.hash || i->second->count != d.count)
      out.push_back(d.app);
    if (i != by_name.end())
      by_name.erase(i);
  }
  for (const auto& [name, d] : by_name)
    out.push_back(name);
  return out;
}

/// Sends a returning (or overflowed) peer what it may have missed: the
/// applications whose digests differ (caf-eureka), or everything (Java).
void catch_up(self_ptr self, uint32_t i) {
  auto& p = self->state.peers[i];
  p.catching_up = true;
  ++p.catch_ups;
  auto gen = p.generation;
  log::info("cluster", "catching up peer {}", log::esc(name_of(p)));
  if (p.kind != peer_kind::caf) {
    send_export(self, i, gen, {});
    return;
  }
  self->request(p.remote, ms(self->state.settings.cfg.ack_timeout_ms), digest_atom::value)
      .then(
          [self, i, gen](registry_digest& theirs) {
            self->request(self->state.directory, caf::infinite, digest_atom::value)
                .then([self, i, gen, theirs](registry_digest& ours) {
                  auto apps = differing(ours, theirs);
                  if (apps.empty()) {
                    catch_up_done(self, i, gen, registry_export{});
                    return;
                  }
                  send_export(self, i, gen, std::move(apps));
                });
          },
          [self, i, gen](caf::error& err) {
            auto& q = self->state.peers[i];
            if (q.generation == gen)
              link_lost(self, i, "digest: " + self->system().render(err));
          });
}

// -- batches --------------------------------------------------------------------

/// Registers instance `id` of `app` at peer `i` again with our full copy
/// (its heartbeat was answered 404).
void resend_register(self_ptr self, uint32_t i, std::string app, std::string id) {
  self->request(self->state.directory, caf::infinite, export_atom::value,
                std::vector<std::string>{app})
      .then([self, i, id](registry_export& exported) {
        for (auto& a : exported)
          for (auto& x : a.instances)
            if (x.id() == id) {
              auto& p = self->state.peers[i];
              p.queue.push(register_item(std::move(x)), now_ms(self));
              pump(self, i);
              return;
            }
      });
}

void on_results(self_ptr self, uint32_t i, uint64_t seq,
                const std::vector<replication_result>& results) {
  auto& st = self->state;
  auto& p = st.peers[i];
  auto it = p.in_flight.find(seq);
  if (it == p.in_flight.end())
    return;
  auto items = std::move(it->second);
  p.in_flight.erase(it);
  p.last_ack_ms = now_ms(self);
  if (results.size() != items.size()) {
    ++p.failures;
    log::warn("cluster", "peer {} answered {} results for {} items; ignored", log::esc(name_of(p)),
              results.size(), items.size());
  } else {
    for (size_t k = 0; k < items.size(); ++k) {
      const auto& item = items[k];
      const auto& r = results[k];
      switch (follow_up_of(item, r)) {
      case follow_up::none:
        break;
      case follow_up::send_register:
        log::debug("cluster", "peer {} does not know {}/{}: registering it there",
                   log::esc(name_of(p)), log::esc(item.app), log::esc(item.id));
        resend_register(self, i, item.app, item.id);
        break;
      case follow_up::adopt_entity: {
        auto copy = *r.entity;
        if (auto reason = check_peer_instance(copy);
            !reason.empty() || copy.app != item.app || copy.id() != item.id) {
          ++p.failures;
          log::warn("cluster", "peer {} answered {}/{} with an unusable copy ({}); ignored",
                    log::esc(name_of(p)), log::esc(item.app), log::esc(item.id),
                    reason.empty() ? std::string{"another instance"} : reason);
          break;
        }
        log::info("cluster", "peer {} holds a newer copy of {}/{}: taking it", log::esc(name_of(p)),
                  log::esc(item.app), log::esc(item.id));
        self->request(st.directory, caf::infinite, adoption_of(std::move(copy)))
            .then([](write_reply&) {}, [self](caf::error&) { ++self->state.follow_up_failures; });
        break;
      }
      case follow_up::log_failure:
        ++p.failures;
        if (power_of_two(p.failures))
          log::warn("cluster", "peer {} answered {} to {} of {}/{} ({} failures so far)",
                    log::esc(name_of(p)), r.status_code, to_string(item.action), log::esc(item.app),
                    log::esc(item.id), p.failures);
        break;
      }
    }
  }
  pump(self, i);
}

void on_java_reply(self_ptr self, uint32_t i, uint64_t gen, uint64_t seq, peer_http_reply& r) {
  auto& p = self->state.peers[i];
  if (p.generation != gen)
    return;
  if (!r.ok) {
    link_lost(self, i, r.error);
    return;
  }
  if (r.status == 503) {
    // Congestion (contract §5.2): the batch goes back in front and the
    // peer is paused for a second; the link is fine.
    auto it = p.in_flight.find(seq);
    if (it != p.in_flight.end()) {
      p.queue.requeue_front(std::move(it->second), now_ms(self));
      p.in_flight.erase(it);
    }
    ++p.failures;
    p.paused = true;
    self->delayed_send(self, ms(1000), retry_atom::value, i);
    return;
  }
  if (r.status < 200 || r.status >= 300) {
    // A permanent error: Java drops the batch.
    auto it = p.in_flight.find(seq);
    auto n = it == p.in_flight.end() ? 0 : it->second.size();
    if (it != p.in_flight.end())
      p.in_flight.erase(it);
    ++p.failures;
    log::error("cluster", "peer {} answered {} to a batch of {} actions; dropped",
               log::esc(name_of(p)), r.status, n);
    pump(self, i);
    return;
  }
  auto decoded = codec::decode_replication_response(r.body, now_ms(self));
  if (!decoded.ok) {
    log::warn("cluster", "peer {}: unreadable batch answer ({})", log::esc(name_of(p)),
              log::esc(decoded.error));
    decoded.items.clear();
  }
  on_results(self, i, seq, decoded.items);
}

void send_batch(self_ptr self, uint32_t i, std::vector<replication_item> items) {
  auto& st = self->state;
  auto& p = st.peers[i];
  auto seq = p.next_seq++;
  auto gen = p.generation;
  ++p.batches_sent;
  p.items_sent += items.size();
  if (p.kind == peer_kind::caf) {
    replication_batch batch{seq, items};
    p.in_flight.emplace(seq, std::move(items));
    self->request(p.remote, ms(st.settings.cfg.ack_timeout_ms), std::move(batch))
        .then(
            [self, i, gen, seq](replication_ack& ack) {
              // The seq we sent, not the one the peer echoes: a wrong echo
              // must not leave the batch in flight for ever.
              if (self->state.peers[i].generation == gen)
                on_results(self, i, seq, ack.results);
            },
            [self, i, gen](caf::error& err) {
              if (self->state.peers[i].generation == gen)
                link_lost(self, i, "batch: " + self->system().render(err));
            });
  } else {
    auto body = codec::encode_replication_list(items);
    p.in_flight.emplace(seq, std::move(items));
    self->request(p.worker, caf::infinite, batch_atom::value, std::move(body))
        .then([self, i, gen, seq](peer_http_reply& r) { on_java_reply(self, i, gen, seq, r); });
  }
}

void pump(self_ptr self, uint32_t i) {
  auto& p = self->state.peers[i];
  if (p.link != link_state::up || p.catching_up || p.paused)
    return;
  if (p.needs_catch_up) {
    if (p.in_flight.empty())
      catch_up(self, i);
    return;
  }
  while (p.in_flight.size() < max_batches_in_flight && !p.queue.empty())
    send_batch(self, i, p.queue.cut_batch());
}

// -- links ----------------------------------------------------------------------

void link_up(self_ptr self, uint32_t i) {
  auto& p = self->state.peers[i];
  p.link = link_state::up;
  p.retry.reset();
  p.last_error.clear();
  if (p.kind == peer_kind::caf)
    log::info("cluster", "peer {} joined: caf-eureka node {} over BASP{}", log::esc(name_of(p)),
              log::esc(p.node_id), p.on_offered_link ? ", on the link it opened" : "");
  else
    log::info("cluster", "peer {} joined: a Java Eureka server, over HTTP peerreplication/batch",
              log::esc(name_of(p)));
  // A returning peer's missed writes are all still queued (unacknowledged
  // batches went back in front): it is caught up by digest only when its
  // queue overflowed. A new caf-eureka process (the first link, or a
  // restart) pulls the whole registry itself (start-up sync): a catch-up
  // would only send it everything again; what was queued still goes out.
  bool restarted = p.kind == peer_kind::caf && p.had_link && p.node_id != p.linked_node_id;
  if (restarted)
    log::info("cluster", "peer {} restarted as node {}: it syncs by itself", log::esc(name_of(p)),
              log::esc(p.node_id));
  if (p.kind == peer_kind::caf && (restarted || !p.had_link))
    p.needs_catch_up = false;
  p.had_link = true;
  p.linked_node_id = p.node_id;
  maybe_sync_from(self, i);
  pump(self, i);
}

/// Says hello over `remote` (the frontend a connect returned, or the one
/// the peer offered) with this node's own frontend; the link is up once the
/// peer welcomes us.
void say_hello(self_ptr self, uint32_t i, peer_frontend_actor remote, bool offered) {
  auto& st = self->state;
  auto& q = st.peers[i];
  auto gen = q.generation;
  q.link = link_state::connecting;
  q.on_offered_link = offered;
  q.remote = std::move(remote);
  self->monitor(q.remote);
  auto& s = st.settings;
  self->request(q.remote, ms(s.cfg.ack_timeout_ms),
                peer_hello{s.cfg.name, s.node_id, s.http_url, cluster_protocol_version,
                           caf::actor_cast<caf::strong_actor_ptr>(st.frontend)})
      .then(
          [self, i, gen](peer_welcome& w) {
            auto& r = self->state.peers[i];
            if (r.generation != gen)
              return;
            r.node_id = w.node_id;
            link_up(self, i);
          },
          [self, i, gen](caf::error& err) {
            if (self->state.peers[i].generation == gen)
              link_lost(self, i, "hello refused: " + self->system().render(err));
          });
}

void connect(self_ptr self, uint32_t i) {
  auto& st = self->state;
  auto& p = st.peers[i];
  p.link = link_state::connecting;
  auto gen = p.generation;
  // The peer's URL host reached it over HTTP: BASP goes to the same host.
  auto mm = st.settings.basp ? st.settings.basp : self->system().middleman().actor_handle();
  self->request(mm, ms(st.settings.cfg.ack_timeout_ms), caf::connect_atom::value, p.url.host,
                p.basp_port)
      .then(
          [self, i, gen](const caf::node_id&, caf::strong_actor_ptr& ptr,
                         const std::set<std::string>&) {
            auto& q = self->state.peers[i];
            if (q.generation != gen)
              return;
            if (!ptr) {
              link_lost(self, i, "nothing published on its BASP port");
              return;
            }
            say_hello(self, i, caf::actor_cast<peer_frontend_actor>(std::move(ptr)), false);
          },
          [self, i, gen](caf::error& err) {
            auto& q = self->state.peers[i];
            if (q.generation != gen)
              return;
            // The peer answered over HTTP a moment ago: a link closed
            // before BASP's handshake is TLS refusing one of us.
            if (self->state.settings.cfg.tls.enabled()
                && err == caf::sec::disconnect_during_handshake) {
              // CAF's openssl module says nothing more than the closed
              // connection; this line names the peer and the likely cause.
              auto why = "BASP connect over mutual TLS: " + self->system().render(err);
              if (why != q.last_error)
                log::error("cluster",
                           "peer {}: no BASP link, the mutual TLS handshake failed ({}): a peer "
                           "must hold a certificate of the cluster's CA (eureka.cluster.tls.ca) "
                           "and trust ours",
                           log::esc(name_of(q)), log::esc(self->system().render(err)));
              link_lost(self, i, why);
              return;
            }
            link_lost(self, i, "BASP connect: " + self->system().render(err));
          });
}

/// Links to a discovered caf-eureka peer as link_plan says: over the link
/// it opened, by opening one, or after waiting a moment for its hello.
void open_link(self_ptr self, uint32_t i, bool grace_over) {
  auto& st = self->state;
  auto& p = st.peers[i];
  auto offer = st.offers.find(p.node_id);
  switch (plan_link(st.settings.node_id, p.node_id, offer != st.offers.end(), grace_over)) {
  case link_plan::use_offer:
    say_hello(self, i, offer->second, true);
    return;
  case link_plan::await_offer:
    p.link = link_state::awaiting_offer;
    self->delayed_send(self, ms(offer_grace_ms(st.settings.cfg.retry_min_ms)), grace_atom::value, i,
                       p.generation);
    return;
  case link_plan::connect:
    connect(self, i);
    return;
  }
}

void on_discovery(self_ptr self, uint32_t i, uint64_t gen, peer_discovery& d) {
  auto& st = self->state;
  auto& p = st.peers[i];
  if (p.generation != gen)
    return;
  if (!d.reachable) {
    link_lost(self, i, d.error);
    return;
  }
  if (!d.caf) {
    if (p.kind != peer_kind::java)
      log::info("cluster", "peer {} has no caf-eureka node endpoint: a Java Eureka server",
                log::esc(name_of(p)));
    p.kind = peer_kind::java;
    link_up(self, i);
    return;
  }
  if (d.node_id == st.settings.node_id) {
    log::info("cluster", "peer {} is this node; skipped", log::esc(name_of(p)));
    p.kind = peer_kind::self;
    p.link = link_state::down;
    p.queue.clear();
    check_ready_without_peers(self);
    return;
  }
  if (d.cluster != st.settings.cfg.name || d.protocol != cluster_protocol_version) {
    if (p.kind != peer_kind::foreign)
      log::error("cluster",
                 "refused peer {}: it is a caf-eureka node of cluster {} (protocol {}), this "
                 "node belongs to cluster {} (protocol {})",
                 log::esc(name_of(p)), log::esc(d.cluster), d.protocol,
                 log::esc(st.settings.cfg.name), cluster_protocol_version);
    p.kind = peer_kind::foreign;
    p.link = link_state::down;
    p.queue.clear();
    check_ready_without_peers(self);
    // Asked again now and then: its configuration may be corrected.
    schedule_retry(self, i, st.settings.cfg.retry_max_ms);
    return;
  }
  p.kind = peer_kind::caf;
  p.node_id = d.node_id;
  p.basp_port = d.basp_port;
  open_link(self, i, false);
}

void discover(self_ptr self, uint32_t i) {
  auto& p = self->state.peers[i];
  p.link = link_state::discovering;
  auto gen = p.generation;
  self->request(p.worker, caf::infinite, discover_atom::value)
      .then([self, i, gen](peer_discovery& d) { on_discovery(self, i, gen, d); });
}

// -- fan-out --------------------------------------------------------------------

void fan_out(self_ptr self, std::vector<replication_item>& items, uint64_t renewals) {
  auto& st = self->state;
  auto now = now_ms(self);
  // The registry actor already coalesced `renewals` client heartbeats into
  // its heartbeat items: the difference needed no message to any peer.
  uint64_t beats = 0;
  for (const auto& item : items)
    if (item.action == replication_action::heartbeat)
      ++beats;
  auto saved = renewals > beats ? renewals - beats : 0;
  for (uint32_t i = 0; i < st.peers.size(); ++i) {
    auto& p = st.peers[i];
    if (p.kind == peer_kind::self || p.kind == peer_kind::foreign)
      continue;
    p.queue.count_coalesced(saved);
    for (const auto& item : items)
      if (item.action == replication_action::heartbeat)
        p.queue.note_heartbeat(item);
      else
        p.queue.push(item, now);
    if (p.queue.take_overflow()) {
      p.needs_catch_up = true;
      log::warn("cluster",
                "queue of peer {} overflowed (eureka.cluster.max-peer-queue-bytes = {}): it will "
                "be caught up by digest",
                log::esc(name_of(p)), st.settings.cfg.max_peer_queue_bytes);
    }
    pump(self, i);
  }
}

/// How far the peer is behind: nothing while nothing waits for it; else the
/// time since its last acknowledgement, or since the oldest waiting action
/// was queued when that came later (an idle peer is not "behind").
int64_t lag_ms(const peer_state& p, int64_t now) {
  if (p.queue.empty() && p.in_flight.empty())
    return 0;
  auto since = p.last_ack_ms;
  if (auto oldest = p.queue.oldest_ms(); oldest != 0 && (p.in_flight.empty() || since == 0))
    since = std::max(since, oldest);
  if (since == 0)
    return 0;
  return std::max<int64_t>(0, now - since);
}

std::string render_metrics(self_ptr self) {
  auto& st = self->state;
  auto now = now_ms(self);
  std::string out;
  auto header = [&](const metric_def& d) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", d.name, d.help, d.name, d.type);
  };
  header(metric_defs[0]);
  out += fmt::format("{} {}\n", metric_defs[0].name, st.ready ? 1 : 0);
  header(metric_defs[1]);
  out += fmt::format("{} {}\n", metric_defs[1].name, st.synced_instances);
  for (size_t m = 2; m < std::size(metric_defs); ++m) {
    header(metric_defs[m]);
    for (const auto& p : st.peers) {
      if (p.kind == peer_kind::self)
        continue;
      double value = 0;
      switch (m) {
      case 2:
        value = p.link == link_state::up ? 1 : 0;
        break;
      case 3:
        value = static_cast<double>(p.batches_sent);
        break;
      case 4:
        value = static_cast<double>(p.items_sent);
        break;
      case 5:
        value = static_cast<double>(p.queue.coalesced_total());
        break;
      case 6:
        value = static_cast<double>(p.failures);
        break;
      case 7:
        value = static_cast<double>(p.queue.bytes());
        break;
      case 8:
        value = static_cast<double>(p.queue.size());
        break;
      case 9:
        value = static_cast<double>(p.queue.overflows_total());
        break;
      case 10:
        value = static_cast<double>(p.catch_ups);
        break;
      case 11:
        value = static_cast<double>(lag_ms(p, now)) / 1000.0;
        break;
      }
      std::string label;
      gateway::append_label_value(label, p.url.text);
      out += fmt::format("{}{{peer=\"{}\",kind=\"{}\"}} {}\n", metric_defs[m].name, label,
                         to_string(p.kind), value);
    }
  }
  return out;
}

} // namespace

replication_full_actor::behavior_type replication(self_ptr self, replication_settings settings,
                                                  time_anchor clock, directory_actor directory) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.clock = clock;
  st.directory = std::move(directory);
  st.started_ms = now_ms(self);
  self->set_default_handler(caf::drop);
  const auto& cfg = st.settings.cfg;
  http_limits limits;
  limits.connect_timeout = ms(std::min<int64_t>(cfg.ack_timeout_ms, 5000));
  limits.deadline = ms(std::max<int64_t>(cfg.ack_timeout_ms, 30000));
  limits.tls = st.settings.tls;
  for (const auto& url : st.settings.peers) {
    st.peers.emplace_back(url, cfg);
    auto& p = st.peers.back();
    p.worker = spawn_peer_http_worker(self->system(), url, limits, st.settings.max_instances);
    // The workers stop with us (after the call in progress, if any).
    self->link_to(p.worker);
  }
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& s = self->state;
    for (auto it = s.offers.begin(); it != s.offers.end();)
      it = it->second.address() == dm.source ? s.offers.erase(it) : std::next(it);
    for (uint32_t i = 0; i < s.peers.size(); ++i)
      if (s.peers[i].remote && s.peers[i].remote.address() == dm.source) {
        s.peers[i].remote = peer_frontend_actor{};
        link_lost(self, i, "link lost (" + self->system().render(dm.reason) + ")");
        return;
      }
  });
  if (st.peers.empty()) {
    check_ready_without_peers(self);
  } else {
    self->delayed_send(self, ms(cfg.wait_time_in_ms_when_sync_empty), deadline_atom::value);
    for (uint32_t i = 0; i < st.peers.size(); ++i)
      discover(self, i);
  }
  self->delayed_send(self, ms(cfg.heartbeat_tick_ms), beat_atom::value);
  return {
      [=](replicate_atom, std::vector<replication_item>& items, uint64_t renewals) {
        // Only this node's registry actors publish writes: a peer that
        // learned this actor's address (it sends the peer requests) must not
        // inject writes for the others.
        auto sender = self->current_sender();
        if (sender && sender->node() != self->system().node())
          return;
        fan_out(self, items, renewals);
      },
      [=](ready_atom) -> sync_status {
        return sync_status{self->state.ready, self->state.ready_detail.empty()
                                                  ? std::string{"start-up sync in progress"}
                                                  : self->state.ready_detail};
      },
      [=](metrics_atom) -> std::string { return render_metrics(self); },
      [=](peers_atom) -> std::vector<peer_status> {
        std::vector<peer_status> out;
        auto now = now_ms(self);
        for (const auto& p : self->state.peers) {
          if (p.kind == peer_kind::self)
            continue;
          // The same figures as render_metrics, per peer.
          peer_status s;
          s.url = p.url.text;
          s.kind = std::string{to_string(p.kind)};
          s.link_up = p.link == link_state::up;
          s.node_id = p.node_id;
          s.queued_bytes = p.queue.bytes();
          s.last_ack_ms = p.last_ack_ms;
          s.queued_items = p.queue.size();
          s.batches_in_flight = static_cast<uint32_t>(p.in_flight.size());
          s.batches_sent = p.batches_sent;
          s.items_sent = p.items_sent;
          s.heartbeats_coalesced = p.queue.coalesced_total();
          s.failures = p.failures;
          s.overflows = p.queue.overflows_total();
          s.catch_ups = p.catch_ups;
          s.lag_ms = lag_ms(p, now);
          s.catching_up = p.catching_up;
          s.paused = p.paused;
          out.push_back(std::move(s));
        }
        return out;
      },
      [=](beat_atom) {
        auto& s = self->state;
        auto now = now_ms(self);
        for (uint32_t i = 0; i < s.peers.size(); ++i) {
          auto& p = s.peers[i];
          if (p.link == link_state::up && !p.catching_up) {
            p.queue.flush_heartbeats(now);
            pump(self, i);
          }
        }
        self->delayed_send(self, ms(s.settings.cfg.heartbeat_tick_ms), beat_atom::value);
      },
      [=](retry_atom, uint32_t i) {
        auto& s = self->state;
        if (i >= s.peers.size())
          return;
        auto& p = s.peers[i];
        if (p.paused) { // the end of a congestion pause (not a reconnection)
          p.paused = false;
          pump(self, i);
          return;
        }
        p.retry_scheduled = false;
        if (p.kind == peer_kind::self)
          return;
        if (p.link == link_state::down)
          discover(self, i);
      },
      [=](grace_atom, uint32_t i, uint64_t gen) {
        auto& s = self->state;
        if (i < s.peers.size() && s.peers[i].generation == gen
            && s.peers[i].link == link_state::awaiting_offer)
          open_link(self, i, true);
      },
      [=](peer_offer& offer) {
        // Only this node's frontend hands out offers (see replicate_atom).
        auto sender = self->current_sender();
        if (!sender || sender->node() != self->system().node() || !offer.frontend)
          return;
        auto& s = self->state;
        auto remote = caf::actor_cast<peer_frontend_actor>(std::move(offer.frontend));
        auto& known = s.offers[offer.node_id];
        if (known != remote) {
          // Forgotten when its link goes (the down handler).
          known = remote;
          self->monitor(remote);
        }
        for (uint32_t i = 0; i < s.peers.size(); ++i) {
          auto& p = s.peers[i];
          if (p.kind != peer_kind::caf || p.node_id != offer.node_id)
            continue;
          // Waiting for this hello, or between two attempts: link now. A
          // link of our own (connecting or up) is left alone.
          if (p.link == link_state::awaiting_offer || p.link == link_state::down) {
            ++p.generation; // a pending grace timer is now stale
            say_hello(self, i, remote, true);
          }
        }
      },
      [=](frontend_atom, peer_frontend_actor& fe) {
        auto sender = self->current_sender();
        if (sender && sender->node() == self->system().node())
          self->state.frontend = std::move(fe);
      },
      [=](deadline_atom) {
        auto& s = self->state;
        if (!s.ready)
          mark_ready(self,
                     fmt::format("start-up sync did not finish within {} ms "
                                 "(eureka.server.wait-time-in-ms-when-sync-empty); serving what "
                                 "this node holds",
                                 s.settings.cfg.wait_time_in_ms_when_sync_empty),
                     true);
      },
  };
}

} // namespace eureka::cluster
