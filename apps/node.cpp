#include "apps/node.hpp"

#include <chrono>
#include <utility>
#include <vector>

#include <caf/all.hpp>
#include <caf/function_view.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include "actors/directory.hpp"
#include "actors/eviction.hpp"
#include "cluster/peer_frontend.hpp"
#include "cluster/peer_url.hpp"
#include "cluster/replication.hpp"
#include "cluster/self_registration.hpp"
#include "cluster/tls_settings.hpp"
#include "common/allocator.hpp"
#include "common/log.hpp"
#include "http_gateway/descriptor_budget.hpp"
#include "http_gateway/http_frontend.hpp"
#include "messages/registry_messages.hpp"

namespace eureka {

void configure_actor_system(caf::actor_system_config& sys_cfg, const node_config& cfg) {
  register_message_types(sys_cfg);
  sys_cfg.load<caf::io::middleman>();
  sys_cfg.set("scheduler.max-threads", static_cast<size_t>(cfg.scheduler_threads));
  // BASP heartbeats detect a hung peer (caf-0.17-notes pitfall 12): without
  // them a SIGSTOPped peer is never noticed.
  sys_cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds{1}});
  sys_cfg.set("middleman.connection-timeout", caf::timespan{std::chrono::seconds{5}});
  const auto& tls = cfg.cluster.tls;
  if (tls.enabled()) {
    // CAF's openssl session reads these for every connection: with a
    // certificate set, both ends require the other's certificate to chain
    // to the cafile (SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT) and
    // no anonymous cipher is offered. The files were checked at start
    // (cluster/tls_settings.hpp).
    sys_cfg.load<caf::openssl::manager>();
    sys_cfg.openssl_certificate = tls.certificate;
    sys_cfg.openssl_key = tls.key;
    sys_cfg.openssl_passphrase = tls.key_password;
    sys_cfg.openssl_cafile = tls.ca;
  }
}

node::node(caf::actor_system& sys, node_config cfg, std::function<void()> on_failure)
    : sys_(sys), cfg_(std::move(cfg)), on_failure_(std::move(on_failure)) {
  // nop
}

node::~node() {
  stop();
}

namespace {

/// Raises the descriptor limit and keeps max-connections (plus the sockets
/// lingering after a 503) below it; false when too few descriptors remain.
bool fit_connections_to_descriptors(gateway::gateway_config& cfg) {
  auto limit = gateway::raise_descriptor_limit();
  if (!limit.error.empty())
    log::warn("node", "cannot raise the file descriptor limit: {}", limit.error);
  else if (limit.soft != limit.soft_before)
    log::info("node", "file descriptor limit raised from {} to {}", limit.soft_before, limit.soft);
  auto open_now = gateway::count_open_descriptors();
  auto budget = gateway::plan_connection_budget(limit.soft, open_now, cfg.max_connections);
  if (!budget) {
    log::error("node", "too few file descriptors: the limit is {} and {} are in use (ulimit -n)",
               limit.soft, open_now);
    return false;
  }
  if (budget->lowered)
    log::warn("node",
              "eureka.gateway.max-connections lowered from {} to {}: the process may open {} "
              "file descriptors (ulimit -n; {} in use, {} kept for peers and files, {} for "
              "sockets lingering after a 503)",
              cfg.max_connections, budget->max_connections, limit.soft, open_now,
              gateway::descriptor_headroom, budget->max_rejecting);
  cfg.max_connections = budget->max_connections;
  cfg.max_rejecting_connections = budget->max_rejecting;
  return true;
}

/// The peers of this node: the configured URLs minus its own (host or
/// address and port, as Java's isThisMyUrl but port-aware).
std::vector<cluster::peer_url> peers_of(const node_config& cfg) {
  std::vector<cluster::peer_url> out;
  auto me = cluster::detect_local_identity(cfg.gateway.node_hostname, cfg.gateway.node_ip,
                                           cfg.gateway.bind_address, cfg.gateway.port);
  for (const auto& text : cfg.cluster.peer_urls) {
    std::string error;
    auto url = cluster::parse_peer_url(text, error);
    if (!url) {
      log::error("node", "ignored peer URL {}: {}", log::esc(text), log::esc(error));
      continue;
    }
    if (cfg.gateway.port != 0 && cluster::is_self(*url, me, cluster::resolve_host(url->host))) {
      log::info("node", "peer URL {} is this node; skipped", log::esc(url->text));
      continue;
    }
    out.push_back(std::move(*url));
  }
  return out;
}

} // namespace

caf::error node::start_cluster(const time_anchor& anchor) {
  if (cfg_.cluster.peer_urls.empty())
    return caf::none;
  auto node_id = caf::to_string(sys_.node());
  cluster::peer_frontend_config fcfg{cfg_.cluster.name, node_id,
                                     cfg_.gateway.max_dirty_timestamp_skew_ms,
                                     cfg_.gateway.max_replication_batch_items};
  // Published through caf::openssl's middleman actor only: the port speaks
  // nothing but TLS, and so do the links the replication actor opens.
  if (cfg_.cluster.tls.enabled())
    tls_middleman_ = sys_.openssl_manager().actor_handle();
  auto host = !cfg_.cluster.advertised_host.empty() ? cfg_.cluster.advertised_host
              : !cfg_.gateway.node_hostname.empty() ? cfg_.gateway.node_hostname
                                                    : std::string{"localhost"};
  cluster::replication_settings rs;
  rs.cfg = cfg_.cluster;
  rs.node_id = node_id;
  rs.http_url = fmt::format("{}://{}:{}{}/", cfg_.gateway.tls.enabled() ? "https" : "http", host,
                            cfg_.gateway.port, cfg_.gateway.base_paths.front());
  if (auto& t = cfg_.client_tls;
      !t.trust_certificate.empty() || !t.certificate.empty() || !t.private_key.empty()) {
    std::string error;
    rs.tls = cluster::peer_tls_context::create(t, error);
    if (!rs.tls) // checked while the configuration was read: a file changed since
      return caf::make_error(caf::sec::invalid_argument, error);
  }
  rs.peers = peers_of(cfg_);
  rs.max_instances = static_cast<size_t>(cfg_.registry.max_instances);
  rs.basp = tls_middleman_;
  // The replication actor first: the frontend hands it the frontends that
  // callers offer in their hellos, and introduces itself to it.
  auto replication = sys_.spawn(cluster::replication, std::move(rs), anchor, directory_);
  replication_ = replication;
  caf::anon_send(directory_, cluster_atom::value, replication_);
  peer_frontend_ =
      sys_.spawn(cluster::peer_frontend, fcfg, anchor, directory_, peer_offer_actor{replication});
  caf::expected<uint16_t> bound{caf::sec::runtime_error};
  if (tls_middleman_) {
    auto publish = caf::make_function_view(tls_middleman_);
    bound = publish(caf::publish_atom::value, cfg_.cluster.port,
                    caf::actor_cast<caf::strong_actor_ptr>(peer_frontend_),
                    sys_.message_types(peer_frontend_), cfg_.cluster.bind_address, true);
  } else {
    bound = sys_.middleman().publish(peer_frontend_, cfg_.cluster.port,
                                     cfg_.cluster.bind_address.c_str(), true);
  }
  if (!bound) {
    log::error("node", "cannot listen for peers on {}:{}: {}", cfg_.cluster.bind_address,
               cfg_.cluster.port, sys_.render(bound.error()));
    return std::move(bound.error());
  }
  cluster_port_ = *bound;
  cfg_.gateway.cluster = gateway::cluster_identity{node_id, cfg_.cluster.name, host, cluster_port_};
  log::info("node", "cluster {}: node {} listening for peers on {}:{}{}",
            log::esc(cfg_.cluster.name), node_id, cfg_.cluster.bind_address, cluster_port_,
            cfg_.cluster.tls.enabled()
                ? fmt::format(" over mutual TLS (certificate {}, peers' certificates must chain "
                              "to {})",
                              log::esc(cfg_.cluster.tls.certificate), log::esc(cfg_.cluster.tls.ca))
                : std::string{" (plain BASP, no TLS)"});
  if (cfg_.cluster.tls.enabled()) {
    auto floor = cluster::current_tls_floor();
    if (floor.modern)
      log::info("node", "cluster links accept {}", floor.text);
    else
      log::warn("node", "cluster links accept {}", floor.text);
  }
  if (auto warning = cluster::cluster_exposure_warning(cfg_.cluster.tls, cfg_.cluster.bind_address,
                                                       cluster_port_))
    log::warn("node", "{}", *warning);
  return caf::none;
}

caf::error node::start() {
  if (!fit_connections_to_descriptors(cfg_.gateway))
    return caf::make_error(caf::sec::cannot_open_port, "too few file descriptors");
  // Once, so that the status page, the peers and the own registration agree.
  gateway::detect_node_identity(cfg_.gateway);
  auto anchor = make_time_anchor(sys_);
  // Registry actors relay renewals at the cluster's heartbeat tick.
  cfg_.registry.heartbeat_relay_interval_ms = cfg_.cluster.heartbeat_tick_ms;
  directory_ = sys_.spawn(
      eureka::directory, cfg_.registry, anchor,
      eureka::reader_placement{cfg_.reader_thread, cfg_.reader_nice, &eureka::release_free_memory});
  auto seed = static_cast<uint64_t>(anchor.epoch_ms);
  eviction_ = sys_.spawn(eureka::eviction, cfg_.registry, anchor, directory_, seed);
  if (auto err = start_cluster(anchor)) {
    stop();
    return err;
  }
  auto fe = gateway::start_http_frontend(sys_, cfg_.gateway, directory_, replication_, eviction_);
  if (!fe) {
    auto err = std::move(fe.error());
    stop();
    return err;
  }
  gateway_ = fe->broker;
  port_ = fe->port;
  if (cfg_.cluster.register_with_eureka) {
    cluster::self_identity me;
    me.app = cfg_.cluster.self_app_name;
    me.host_name = cfg_.gateway.node_hostname;
    me.ip = cfg_.gateway.node_ip;
    me.port = port_;
    me.base_path = cfg_.gateway.base_paths.front();
    me.cluster = cfg_.cluster.name;
    me.node_id = cfg_.gateway.cluster.node_id;
    me.https = cfg_.gateway.tls.enabled();
    self_instance_id_ = cluster::self_instance(me, 0).id();
    self_registration_ = cluster::spawn_self_registration(sys_, std::move(me), anchor, directory_);
  }
  std::vector<caf::actor> watched{caf::actor_cast<caf::actor>(directory_),
                                  caf::actor_cast<caf::actor>(eviction_), gateway_};
  if (replication_)
    watched.push_back(caf::actor_cast<caf::actor>(replication_));
  if (peer_frontend_)
    watched.push_back(caf::actor_cast<caf::actor>(peer_frontend_));
  watchdog_ = sys_.spawn(
      [](caf::event_based_actor* self, std::vector<caf::actor> targets,
         std::function<void()> on_failure) -> caf::behavior {
        for (auto& hdl : targets)
          self->monitor(hdl);
        self->set_down_handler([=](caf::down_msg& dm) {
          log::error("node", "a core actor stopped while running ({}); the node cannot serve",
                     self->system().render(dm.reason));
          if (on_failure)
            on_failure();
          self->quit();
        });
        return {[](caf::unit_t) {}};
      },
      watched, on_failure_);
  log::info("node",
            "serving the Eureka API on {}:{} under {} (self-preservation {}, "
            "eviction every {} ms, lease expiry {})",
            cfg_.gateway.bind_address, port_, cfg_.gateway.base_paths.front(),
            cfg_.registry.enable_self_preservation ? "on" : "off",
            cfg_.registry.eviction_interval_ms,
            cfg_.registry.legacy_lease_expiry ? "legacy 2 x duration" : "corrected");
  auto access =
      gateway::summarize_access(cfg_.gateway.auth, cfg_.gateway.admin, cfg_.gateway.bind_address,
                                port_, cfg_.gateway.tls.enabled());
  for (const auto& line : access.info)
    log::info("node", "{}", line);
  for (const auto& line : access.warnings)
    log::warn("node", "{}", line);
  return caf::none;
}

void node::stop() {
  // Reverse of start(): the watchdog (the stops below are intended), no new
  // requests (waits until the broker has closed every connection), then
  // the actors they reach.
  if (watchdog_) {
    caf::anon_send_exit(watchdog_, caf::exit_reason::user_shutdown);
    watchdog_ = caf::actor{};
  }
  if (self_registration_) {
    // A clean stop cancels the node's own registration (replicated to the
    // peers like any client's cancel), as a Java server's client does.
    caf::anon_send_exit(self_registration_, caf::exit_reason::user_shutdown);
    self_registration_ = cluster::self_registration_actor{};
    if (directory_) {
      caf::scoped_actor blocking{sys_};
      blocking
          ->request(directory_, std::chrono::seconds{2},
                    cancel_cmd{cfg_.cluster.self_app_name, self_instance_id_, false, caf::none})
          .receive([](write_reply&) {}, [](caf::error&) {});
    }
  }
  if (gateway_) {
    gateway::stop_http_frontend(sys_, gateway::http_frontend_handle{gateway_, port_});
    gateway_ = caf::actor{};
  }
  if (peer_frontend_) {
    if (cluster_port_ != 0 && tls_middleman_) {
      // Through the middleman actor that published it (caf::openssl's own
      // unpublish() does not compile in 0.17.6).
      auto unpublish = caf::make_function_view(tls_middleman_);
      unpublish(caf::unpublish_atom::value, caf::actor_cast<caf::actor_addr>(peer_frontend_),
                cluster_port_);
    } else if (cluster_port_ != 0) {
      sys_.middleman().unpublish(peer_frontend_, cluster_port_);
    }
    caf::anon_send_exit(peer_frontend_, caf::exit_reason::user_shutdown);
    peer_frontend_ = peer_frontend_actor{};
    cluster_port_ = 0;
  }
  if (replication_) {
    caf::anon_send_exit(replication_, caf::exit_reason::user_shutdown);
    replication_ = replication_actor{};
  }
  // caf::openssl's middleman actor is the module's: it stops with the
  // actor system.
  tls_middleman_ = caf::io::middleman_actor{};
  if (eviction_) {
    caf::anon_send_exit(eviction_, caf::exit_reason::user_shutdown);
    eviction_ = eviction_actor{};
  }
  if (directory_) {
    caf::anon_send_exit(directory_, caf::exit_reason::user_shutdown);
    directory_ = directory_actor{};
  }
}

} // namespace eureka
