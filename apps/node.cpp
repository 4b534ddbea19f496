#include "apps/node.hpp"

#include <chrono>
#include <utility>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include "actors/directory.hpp"
#include "actors/eviction.hpp"
#include "common/log.hpp"
#include "http_gateway/descriptor_budget.hpp"
#include "http_gateway/http_frontend.hpp"
#include "messages/registry_messages.hpp"

namespace eureka {

void configure_actor_system(caf::actor_system_config& sys_cfg, const node_config& cfg) {
  register_message_types(sys_cfg);
  sys_cfg.load<caf::io::middleman>();
  sys_cfg.set("scheduler.max-threads", static_cast<size_t>(cfg.scheduler_threads));
  // BASP is not used yet; when peers come, heartbeats must be on (pitfall 12).
  sys_cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds{1}});
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

} // namespace

caf::error node::start() {
  if (!fit_connections_to_descriptors(cfg_.gateway))
    return caf::make_error(caf::sec::cannot_open_port, "too few file descriptors");
  auto anchor = make_time_anchor(sys_);
  directory_ = sys_.spawn(eureka::directory, cfg_.registry, anchor);
  auto seed = static_cast<uint64_t>(anchor.epoch_ms);
  eviction_ = sys_.spawn(eureka::eviction, cfg_.registry, anchor, directory_, seed);
  auto fe = gateway::start_http_frontend(sys_, cfg_.gateway, directory_);
  if (!fe) {
    auto err = std::move(fe.error());
    stop();
    return err;
  }
  gateway_ = fe->broker;
  port_ = fe->port;
  watchdog_ = sys_.spawn(
      [](caf::event_based_actor* self, std::vector<caf::actor> watched,
         std::function<void()> on_failure) -> caf::behavior {
        for (auto& hdl : watched)
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
      std::vector<caf::actor>{caf::actor_cast<caf::actor>(directory_),
                              caf::actor_cast<caf::actor>(eviction_), gateway_},
      on_failure_);
  log::info("node",
            "serving the Eureka API on {}:{} under {} (self-preservation {}, "
            "eviction every {} ms, lease expiry {})",
            cfg_.gateway.bind_address, port_, cfg_.gateway.base_paths.front(),
            cfg_.registry.enable_self_preservation ? "on" : "off",
            cfg_.registry.eviction_interval_ms,
            cfg_.registry.legacy_lease_expiry ? "legacy 2 x duration" : "corrected");
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
  if (gateway_) {
    gateway::stop_http_frontend(sys_, gateway::http_frontend_handle{gateway_, port_});
    gateway_ = caf::actor{};
  }
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
