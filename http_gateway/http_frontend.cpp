// The gateway broker. One connection processes one request at a time: bytes
// of pipelined requests wait in the connection's input buffer until the
// current answer is written, so answers leave in request order.
#include "http_gateway/http_frontend.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include "common/log.hpp"
#include "http_gateway/gateway_probe.hpp"
#include "http_gateway/negotiation.hpp"
#include "http_gateway/request_plan.hpp"
#include "http_gateway/status_document.hpp"
#include "messages/atoms.hpp"
#include "messages/registry_stats.hpp"

namespace eureka::gateway {

namespace {

namespace http = boost::beast::http;
using clock_type = std::chrono::steady_clock;
using sweep_tick = caf::atom_constant<caf::atom("gwsweep")>;

/// Answers above this many unsent bytes pause request processing on a
/// connection until the client reads (a pipelining client that never reads
/// must not make the node buffer without bound).
constexpr size_t max_output_backlog = 4 * 1024 * 1024;

/// What the broker remembers about the request in flight on a connection.
struct request_ctx {
  route_id id = route_id::not_found;
  payload_format format = payload_format::xml;
  bool keep_alive = true;
  bool http10 = false;
  bool head = false;
};

struct connection {
  /// Unique per accepted socket: replies for an earlier socket that had the
  /// same handle (fds are reused) must not be written to this one.
  uint64_t generation = 0;
  std::unique_ptr<http::request_parser<http::string_body>> parser;
  /// Received bytes not yet given to the parser (pipelined requests).
  std::string inbuf;
  /// A directory call for the current request is outstanding.
  bool busy = false;
  /// Output backlog too large: wait for the client to read.
  bool write_blocked = false;
  /// Answered with an error and draining input until `linger_deadline`.
  bool lingering = false;
  bool continue_sent = false;
  /// Counts towards max_connections (false for 503-rejected sockets).
  bool counted = false;
  request_ctx cur;
  clock_type::time_point last_activity;
  /// When the outstanding directory call started (valid while `busy`).
  clock_type::time_point busy_since;
  /// Last time blocked output drained (valid while `write_blocked`): input
  /// must not keep a connection that never reads alive.
  clock_type::time_point write_progress;
  std::optional<clock_type::time_point> request_started;
  clock_type::time_point linger_deadline;
};

struct gateway_state {
  gateway_config cfg;
  caf::actor directory;
  gateway_probe probe;
  std::unordered_map<caf::io::connection_handle, connection> conns;
  size_t active = 0;
  uint64_t next_generation = 1;
  uint16_t port = 0;
  instance_info node;
  int64_t start_ms = 0;
  clock_type::time_point started;
  uint64_t rejected_since_sweep = 0;
  static const char* name;
};

const char* gateway_state::name = "http_gateway";

using broker_ptr = caf::io::stateful_broker<gateway_state>*;
using caf::io::connection_handle;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view sv(boost::beast::string_view s) {
  return {s.data(), s.size()};
}

connection* find_conn(broker_ptr self, connection_handle hdl) {
  auto i = self->state.conns.find(hdl);
  return i == self->state.conns.end() ? nullptr : &i->second;
}

void close_connection(broker_ptr self, connection_handle hdl) {
  auto& st = self->state;
  auto i = st.conns.find(hdl);
  if (i == st.conns.end())
    return;
  if (i->second.counted) {
    --st.active;
    st.probe.connection_closed();
  }
  st.conns.erase(i);
  self->close(hdl); // unwritten data is still sent
}

/// Keeps reading (and discarding) for a while before closing, so the client
/// gets FIN instead of RST and can read the error answer.
void start_linger(broker_ptr self, connection& c) {
  c.lingering = true;
  c.busy = false;
  c.inbuf.clear();
  c.inbuf.shrink_to_fit();
  c.parser.reset();
  c.request_started.reset();
  c.linger_deadline = clock_type::now() + self->state.cfg.linger_time;
}

enum class after { keep_alive, close, linger };

void write_response(broker_ptr self, connection_handle hdl, const http_response& resp,
                    connection_header conn_hdr) {
  auto head = serialize_head(resp, conn_hdr);
  self->write(hdl, head.size(), head.data());
  size_t total = head.size();
  if (!resp.head_only && resp.body_size() > 0) {
    self->write(hdl, resp.body->size(), resp.body->data());
    total += resp.body->size();
  }
  self->flush(hdl);
  self->state.probe.bytes_out(total);
}

/// Sends the answer of the current request and decides the connection's fate.
void send_response(broker_ptr self, connection_handle hdl, connection& c, http_response resp,
                   std::string_view label, after next) {
  auto& st = self->state;
  if (c.cur.head)
    resp.head_only = true;
  if (next == after::keep_alive && !c.cur.keep_alive)
    next = after::close;
  auto conn_hdr = next != after::keep_alive
                      ? connection_header::close
                      : (c.cur.http10 ? connection_header::keep_alive : connection_header::none);
  write_response(self, hdl, resp, conn_hdr);
  st.probe.request(label, resp.status);
  c.last_activity = clock_type::now();
  switch (next) {
  case after::keep_alive:
    if (self->wr_buf(hdl).size() > max_output_backlog && !c.write_blocked) {
      c.write_blocked = true;
      c.write_progress = clock_type::now();
      self->ack_writes(hdl, true);
    }
    break;
  case after::close:
    close_connection(self, hdl);
    break;
  case after::linger:
    start_linger(self, c);
    break;
  }
}

/// Answers a request that could not be parsed and closes the connection.
void fail_request(broker_ptr self, connection_handle hdl, connection& c,
                  const boost::system::error_code& ec) {
  unsigned status = 400;
  std::string_view text = "malformed HTTP request";
  if (ec == http::error::header_limit) {
    status = 431;
    text = "request header too large";
  } else if (ec == http::error::body_limit) {
    status = 413;
    text = "request body too large";
  }
  log::info("gateway", "connection {}: {} ({})", hdl.id(), status, ec.message());
  c.cur = request_ctx{};
  send_response(self, hdl, c, make_text(status, text), unrouted_label, after::linger);
}

void process_input(broker_ptr self, connection_handle hdl);

/// Delivers the directory's answer for the request `gen` started on `hdl`;
/// dropped when that connection has since closed.
void complete(broker_ptr self, connection_handle hdl, uint64_t gen, http_response resp) {
  auto* c = find_conn(self, hdl);
  if (c == nullptr || c->generation != gen || !c->busy || c->lingering)
    return;
  c->busy = false;
  try {
    send_response(self, hdl, *c, std::move(resp), route_label(c->cur.id), after::keep_alive);
    process_input(self, hdl);
  } catch (const std::exception& e) {
    // A fault stays within its connection; the broker keeps serving.
    log::warn("gateway", "connection {}: {}, closing", hdl.id(), e.what());
    close_connection(self, hdl);
  }
}

auto on_directory_error(broker_ptr self, connection_handle hdl, uint64_t gen) {
  return [=](caf::error& err) {
    self->state.probe.directory_error();
    log::warn("gateway", "directory call failed: {}", self->system().render(err));
    complete(self, hdl, gen, make_empty(500));
  };
}

/// Sends the directory call of one request; the answer arrives through
/// complete(). The `infinite` timeout is deliberate: finite request
/// timeouts cost an actor-clock registration each (caf-0.17-notes §3.5).
struct dispatcher {
  broker_ptr self;
  connection_handle hdl;
  uint64_t gen;
  route_id id;
  payload_format format;

  template <class Cmd>
  void write(Cmd cmd) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    auto id_ = id;
    auto format_ = format;
    self->request(self->state.directory, caf::infinite, std::move(cmd))
        .then([=](write_reply& r) { complete(self_, hdl_, gen_, respond_write(id_, r, format_)); },
              on_directory_error(self, hdl, gen));
  }

  template <class Query>
  void read(Query q) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    auto format_ = format;
    self->request(self->state.directory, caf::infinite, std::move(q))
        .then([=](read_reply& r) { complete(self_, hdl_, gen_, respond_read(r, format_)); },
              on_directory_error(self, hdl, gen));
  }

  void operator()(register_cmd& x) { write(std::move(x)); }
  void operator()(renew_cmd& x) { write(std::move(x)); }
  void operator()(cancel_cmd& x) { write(std::move(x)); }
  void operator()(status_cmd& x) { write(std::move(x)); }
  void operator()(metadata_cmd& x) { write(std::move(x)); }
  void operator()(read_query& x) { read(std::move(x)); }
  void operator()(instance_query& x) { read(std::move(x)); }

  void operator()(overrides_call&) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    self->request(self->state.directory, caf::infinite, overrides_atom::value)
        .then(
            [=](string_pairs& xs) {
              complete(self_, hdl_, gen_,
                       make_response(200, "application/json", overrides_json(xs)));
            },
            on_directory_error(self, hdl, gen));
  }

  void operator()(stats_call&) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    auto format_ = format;
    self->request(self->state.directory, caf::infinite, stats_atom::value)
        .then(
            [=](registry_stats& stats) {
              auto& st = self_->state;
              status_inputs in;
              in.environment = st.cfg.environment;
              in.peer_urls = st.cfg.peer_urls;
              in.node = st.node;
              in.uptime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now()
                                                                                   - st.started)
                                 .count();
              in.stats = stats;
              complete(self_, hdl_, gen_,
                       make_response(200, content_type_of(format_), status_document(format_, in)));
            },
            on_directory_error(self, hdl, gen));
  }

  // Answered by the broker itself; handled before dispatching.
  void operator()(metrics_call&) {}
  void operator()(std::monostate&) {}
};

/// Handles one complete request: answers at once or starts a directory call.
void handle_request(broker_ptr self, connection_handle hdl, connection& c,
                    http::request<http::string_body>& req) {
  auto& st = self->state;
  auto field = [&](std::string_view name) -> std::string_view {
    auto i = req.find(boost::beast::string_view{name.data(), name.size()});
    return i == req.end() ? std::string_view{} : sv(i->value());
  };
  request_view v;
  v.method = sv(req.method_string());
  v.target = sv(req.target());
  v.accept = field("Accept");
  v.accept_encoding = field("Accept-Encoding");
  v.content_type = field("Content-Type");
  v.content_encoding = field("Content-Encoding");
  v.replication = field("x-netflix-discovery-replication");
  v.eureka_accept = field("X-Eureka-Accept");
  v.body = req.body();
  auto plan = plan_request(v, st.cfg, wall_ms());
  c.cur = request_ctx{plan.r.id, plan.format, req.keep_alive(), req.version() == 10, plan.r.head};
  log::debug("gateway", "connection {}: {} {} -> {}", hdl.id(), v.method, v.target,
             route_label(plan.r.id));
  if (plan.immediate) {
    send_response(self, hdl, c, std::move(*plan.immediate), route_label(plan.r.id),
                  after::keep_alive);
    return;
  }
  if (std::holds_alternative<metrics_call>(plan.call)) {
    send_response(self, hdl, c,
                  make_response(200, "text/plain; version=0.0.4; charset=utf-8",
                                st.probe.render_prometheus()),
                  route_label(plan.r.id), after::keep_alive);
    return;
  }
  if (std::holds_alternative<std::monostate>(plan.call)) {
    send_response(self, hdl, c, make_empty(500), route_label(plan.r.id), after::keep_alive);
    return;
  }
  c.busy = true;
  c.busy_since = clock_type::now();
  std::visit(dispatcher{self, hdl, c.generation, plan.r.id, plan.format}, plan.call);
}

void reset_parser(const gateway_config& cfg, connection& c) {
  c.parser = std::make_unique<http::request_parser<http::string_body>>();
  c.parser->header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(cfg.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  c.parser->body_limit(static_cast<std::uint64_t>(cfg.max_body_bytes));
  c.parser->eager(true);
  c.continue_sent = false;
}

/// Feeds buffered bytes to the parser and handles every complete request,
/// one at a time, until a directory call is outstanding or input runs out.
void process_input(broker_ptr self, connection_handle hdl) {
  for (;;) {
    auto* c = find_conn(self, hdl);
    if (c == nullptr || c->busy || c->lingering || c->write_blocked || c->inbuf.empty())
      return;
    if (!c->parser)
      reset_parser(self->state.cfg, *c);
    if (!c->request_started)
      c->request_started = clock_type::now();
    boost::system::error_code ec;
    size_t consumed = 0;
    while (consumed < c->inbuf.size() && !c->parser->is_done()) {
      auto n = c->parser->put(
          boost::asio::const_buffer{c->inbuf.data() + consumed, c->inbuf.size() - consumed}, ec);
      consumed += n;
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || n == 0)
        break;
    }
    c->inbuf.erase(0, consumed);
    if (ec) {
      fail_request(self, hdl, *c, ec);
      return;
    }
    if (!c->parser->is_done()) {
      // Clients such as curl wait for "100 Continue" before a large body.
      if (c->parser->is_header_done() && !c->continue_sent) {
        auto& h = c->parser->get();
        auto i = h.find(http::field::expect);
        if (i != h.end() && boost::beast::iequals(i->value(), "100-continue")) {
          constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
          self->write(hdl, cont.size(), cont.data());
          self->flush(hdl);
          c->continue_sent = true;
        }
      }
      return;
    }
    auto req = c->parser->release();
    c->parser.reset();
    c->request_started.reset();
    handle_request(self, hdl, *c, req);
  }
}

void reject_connection(broker_ptr self, connection_handle hdl, uint64_t generation) {
  auto& st = self->state;
  st.probe.connection_rejected();
  ++st.rejected_since_sweep;
  auto& c = st.conns[hdl];
  c.generation = generation;
  c.counted = false;
  c.last_activity = clock_type::now();
  self->configure_read(hdl, caf::io::receive_policy::at_most(4096));
  write_response(self, hdl, make_text(503, "too many connections"), connection_header::close);
  start_linger(self, c);
}

/// Schedules the next sweep. Sent anonymously: a tick carrying the broker as
/// its sender would be a self-reference that can keep a terminated broker
/// alive if the tick is still queued at shutdown.
void arm_sweep(broker_ptr self) {
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), self->state.cfg.sweep_interval,
                         sweep_tick::value);
}

void sweep(broker_ptr self) {
  auto& st = self->state;
  auto now = clock_type::now();
  std::vector<connection_handle> to_close;
  std::vector<connection_handle> too_slow;
  std::vector<connection_handle> unanswered;
  // The directory answers in microseconds; this only catches a lost reply
  // (e.g. a registry actor that failed), so that no connection hangs forever.
  auto answer_timeout = 4 * st.cfg.request_timeout;
  uint64_t idle = 0;
  for (auto& [hdl, c] : st.conns) {
    if (c.lingering) {
      if (now >= c.linger_deadline)
        to_close.push_back(hdl);
    } else if (c.busy) {
      // Waiting for the directory is not the client's fault, but not forever.
      if (now - c.busy_since >= answer_timeout)
        unanswered.push_back(hdl);
    } else if (c.write_blocked && now - c.write_progress >= st.cfg.request_timeout) {
      log::info("gateway", "connection {}: client reads nothing, closing", hdl.id());
      to_close.push_back(hdl);
    } else if (c.request_started && now - *c.request_started >= st.cfg.request_timeout) {
      too_slow.push_back(hdl);
    } else if (!c.request_started && now - c.last_activity >= st.cfg.idle_timeout) {
      to_close.push_back(hdl);
      if (!c.write_blocked)
        ++idle;
    }
  }
  for (auto hdl : too_slow) {
    if (auto* c = find_conn(self, hdl)) {
      st.probe.timeout(timeout_kind::request);
      log::info("gateway", "connection {}: request not complete after {} ms, 408", hdl.id(),
                st.cfg.request_timeout.count());
      c->cur = request_ctx{};
      send_response(self, hdl, *c, make_text(408, "request timeout"), unrouted_label,
                    after::linger);
    }
  }
  for (auto hdl : unanswered) {
    if (auto* c = find_conn(self, hdl)) {
      st.probe.directory_error();
      log::error("gateway", "connection {}: no answer from the registry after {} ms, 503", hdl.id(),
                 answer_timeout.count());
      c->busy = false; // a late answer is dropped
      send_response(self, hdl, *c, make_text(503, "registry did not answer"),
                    route_label(c->cur.id), after::linger);
    }
  }
  for (uint64_t i = 0; i < idle; ++i)
    st.probe.timeout(timeout_kind::idle);
  for (auto hdl : to_close)
    close_connection(self, hdl);
  if (st.rejected_since_sweep > 0) {
    log::warn("gateway", "rejected {} connections: max_connections ({}) reached",
              st.rejected_since_sweep, st.cfg.max_connections);
    st.rejected_since_sweep = 0;
  }
}

caf::behavior gateway_broker(broker_ptr self, gateway_config cfg, caf::actor directory) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.directory = std::move(directory);
  st.start_ms = wall_ms();
  st.started = clock_type::now();
  // Unexpected messages (from anyone) are dropped, never printed (pitfall 14).
  self->set_default_handler(caf::drop);
  return {
      [=](caf::open_atom) -> caf::result<uint16_t> {
        auto& s = self->state;
        if (s.port != 0)
          return s.port;
        auto bound = self->add_tcp_doorman(s.cfg.port, s.cfg.bind_address.c_str(), true);
        if (!bound)
          return std::move(bound.error());
        s.port = bound->second;
        s.node = make_node_instance(s.cfg, s.port, s.start_ms);
        log::info("gateway", "listening on {}:{}", s.cfg.bind_address, s.port);
        arm_sweep(self);
        return s.port;
      },
      [=](const caf::io::new_connection_msg& msg) {
        auto& s = self->state;
        auto generation = s.next_generation++;
        if (s.active >= s.cfg.max_connections) {
          reject_connection(self, msg.handle, generation);
          return;
        }
        auto& c = s.conns[msg.handle];
        c = connection{};
        c.generation = generation;
        c.counted = true;
        c.last_activity = clock_type::now();
        ++s.active;
        s.probe.connection_opened();
        self->configure_read(msg.handle, caf::io::receive_policy::at_most(8192));
        log::debug("gateway", "connection {} from {}", msg.handle.id(),
                   self->remote_addr(msg.handle));
      },
      [=](caf::io::new_data_msg& msg) {
        auto& s = self->state;
        s.probe.bytes_in(msg.buf.size());
        auto* c = find_conn(self, msg.handle);
        if (c == nullptr || c->lingering)
          return;
        c->last_activity = clock_type::now();
        try {
          // While an answer is pending, input only accumulates: bound it.
          if ((c->busy || c->write_blocked)
              && c->inbuf.size() + msg.buf.size() > s.cfg.max_header_bytes + s.cfg.max_body_bytes) {
            log::warn("gateway", "connection {}: too much pipelined input, closing",
                      msg.handle.id());
            close_connection(self, msg.handle);
            return;
          }
          c->inbuf.append(msg.buf.data(), msg.buf.size());
          process_input(self, msg.handle);
        } catch (const std::exception& e) {
          log::warn("gateway", "connection {}: {}, closing", msg.handle.id(), e.what());
          close_connection(self, msg.handle);
        }
      },
      [=](const caf::io::data_transferred_msg& msg) {
        auto* c = find_conn(self, msg.handle);
        if (c == nullptr || !c->write_blocked)
          return;
        c->last_activity = clock_type::now();
        c->write_progress = c->last_activity;
        if (self->wr_buf(msg.handle).size() <= max_output_backlog / 2) {
          c->write_blocked = false;
          self->ack_writes(msg.handle, false);
          try {
            process_input(self, msg.handle);
          } catch (const std::exception& e) {
            log::warn("gateway", "connection {}: {}, closing", msg.handle.id(), e.what());
            close_connection(self, msg.handle);
          }
        }
      },
      [=](const caf::io::connection_closed_msg& msg) {
        log::debug("gateway", "connection {} closed by peer", msg.handle.id());
        close_connection(self, msg.handle);
      },
      [=](const caf::io::acceptor_closed_msg&) {
        log::warn("gateway", "listening socket closed, stopping");
        self->quit(caf::exit_reason::user_shutdown);
      },
      [=](sweep_tick) {
        try {
          sweep(self);
        } catch (const std::exception& e) {
          log::warn("gateway", "sweep failed: {}", e.what());
        }
        arm_sweep(self);
      },
      [=](caf::get_atom) -> std::string { return self->state.probe.render_prometheus(); },
  };
}

std::string detect_ip(const std::string& bind_address) {
  if (bind_address != "0.0.0.0" && bind_address != "::" && !bind_address.empty())
    return bind_address;
  std::string result = "127.0.0.1";
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0)
    return result;
  for (auto* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET)
      continue;
    sockaddr_in addr;
    std::memcpy(&addr, i->ifa_addr, sizeof(addr));
    char text[INET_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET, &addr.sin_addr, text, sizeof(text)) == nullptr)
      continue;
    if (std::string_view{text}.substr(0, 4) == "127.")
      continue;
    result = text;
    break;
  }
  freeifaddrs(list);
  return result;
}

} // namespace

caf::expected<http_frontend_handle>
start_http_frontend(caf::actor_system& sys, const gateway_config& cfg, caf::actor directory) {
  auto effective = cfg;
  if (effective.node_hostname.empty()) {
    char name[256] = {};
    if (gethostname(name, sizeof(name) - 1) == 0 && name[0] != '\0')
      effective.node_hostname = name;
    else
      effective.node_hostname = "localhost";
  }
  if (effective.node_ip.empty())
    effective.node_ip = detect_ip(effective.bind_address);
  auto broker =
      sys.middleman().spawn_broker(gateway_broker, std::move(effective), std::move(directory));
  caf::scoped_actor blocking{sys};
  std::optional<uint16_t> port;
  caf::error failure;
  // A finite timeout is fine here: this runs once at start-up, off the hot path.
  blocking->request(broker, std::chrono::seconds{30}, caf::open_atom::value)
      .receive([&](uint16_t p) { port = p; }, [&](caf::error& err) { failure = std::move(err); });
  if (!port) {
    caf::anon_send_exit(broker, caf::exit_reason::user_shutdown);
    if (!failure)
      failure = caf::make_error(caf::sec::cannot_open_port);
    return failure;
  }
  return http_frontend_handle{broker, *port};
}

void stop_http_frontend(caf::actor_system& sys, const http_frontend_handle& fe) {
  if (!fe.broker)
    return;
  caf::scoped_actor self{sys};
  self->send_exit(fe.broker, caf::exit_reason::user_shutdown);
  self->wait_for(fe.broker);
}

} // namespace eureka::gateway
