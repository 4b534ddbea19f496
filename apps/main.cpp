// caf-eureka-node: one Eureka-compatible registry node.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "apps/node.hpp"
#include "apps/node_config.hpp"
#include "common/allocator.hpp"
#include "common/log.hpp"
#include "common/version.hpp"

namespace {

/// Shutdown is bounded by the gateway's grace period (it resets whatever
/// is left then). Should anything still hang past that plus a margin, or a
/// second stop signal arrive (an operator insisting), the process ends
/// anyway, with an error.
void bound_shutdown(sigset_t stop_signals, std::chrono::milliseconds grace) {
  auto limit = grace + std::chrono::seconds{10};
  std::thread{[stop_signals, limit] {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(limit);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(secs.count());
    ts.tv_nsec = static_cast<long>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(limit - secs).count());
    int got = -1;
    do
      got = sigtimedwait(&stop_signals, nullptr, &ts);
    while (got < 0 && errno == EINTR);
    if (got > 0)
      eureka::log::warn("node", "second stop signal: exiting at once");
    else
      eureka::log::error("node", "shutdown did not finish within {} ms: exiting",
                         std::chrono::duration_cast<std::chrono::milliseconds>(limit).count());
    std::_Exit(1);
  }}.detach();
}

/// Large, short-lived blocks (response bodies, plain documents encoded for
/// one request) get their own mappings, so their memory goes back to the
/// system when they are freed instead of staying in the heap (measured at
/// 100,000 instances: RSS after full fetches in every form is then the
/// registry plus what the caches hold). The environment's
/// MALLOC_MMAP_THRESHOLD_, which glibc has applied already, wins.
void tune_allocator(int64_t mmap_threshold_bytes) {
  if (mmap_threshold_bytes <= 0 || std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr)
    return;
  if (!eureka::set_mmap_threshold(mmap_threshold_bytes))
    eureka::log::warn("node", "could not set the allocator's mmap threshold to {} bytes",
                      mmap_threshold_bytes);
}

} // namespace

int main(int argc, char** argv) {
  using namespace eureka;
  // Block the stop signals before any CAF thread exists: the threads inherit
  // the mask and main() alone receives them through sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--version") != args.end()) {
    std::cout << "caf-eureka-node " << project_version << '\n';
    return 0;
  }
  auto loaded = load_node_config(args, [](const char* name) { return std::getenv(name); });
  if (loaded.show_help) {
    std::cout << help_text();
    return 0;
  }
  if (!loaded.error.empty()) {
    std::cerr << "caf-eureka-node: " << loaded.error << '\n';
    return 2;
  }
  if (loaded.dump_config) {
    std::cout << dump_config(loaded.config);
    return 0;
  }
  log::level level = log::level::info;
  log::parse_level(loaded.config.log_level, level);
  log::set_level(level);
  log::style style = log::style::text;
  log::parse_style(loaded.config.log_format, style);
  log::set_style(style);
  tune_allocator(loaded.config.malloc_mmap_threshold_bytes);

  caf::actor_system_config sys_cfg;
  configure_actor_system(sys_cfg, loaded.config);
  caf::actor_system sys{sys_cfg};
  // A core actor stopping means the node cannot serve: end the process with
  // an error so that a supervisor restarts it (SIGTERM reaches sigwait).
  static std::atomic<bool> failed{false};
  node n{sys, loaded.config, [] {
           failed = true;
           kill(getpid(), SIGTERM);
         }};
  if (auto err = n.start()) {
    log::error("node", "cannot start: {}", sys.render(err));
    return 1;
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  if (!failed)
    log::info("node", "received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  bound_shutdown(stop_signals, loaded.config.gateway.shutdown_grace);
  n.stop();
  sys.await_all_actors_done();
  if (failed) {
    log::error("node", "stopped after a failure");
    return 1;
  }
  log::info("node", "stopped");
  return 0;
}
