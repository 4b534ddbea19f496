// The gateway broker. One connection processes one request at a time: bytes
// of pipelined requests wait in the connection's input buffer until the
// current answer is queued, so answers leave in request order. Answers are
// queued as shared bodies and handed to the socket as the client reads;
// every write is acknowledged, so the broker knows each connection's unsent
// bytes and never leaves CAF holding output for a client that does not read.
#include "http_gateway/http_frontend.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actors/time_anchor.hpp"
#include "common/log.hpp"
#include "common/version.hpp"
#include "http_gateway/admin_documents.hpp"
#include "http_gateway/descriptor_budget.hpp"
#include "http_gateway/gateway_probe.hpp"
#include "http_gateway/negotiation.hpp"
#include "http_gateway/output_queue.hpp"
#include "http_gateway/parsed_request.hpp"
#include "http_gateway/registry_metrics.hpp"
#include "http_gateway/renewal_batches.hpp"
#include "http_gateway/request_framing.hpp"
#include "http_gateway/request_plan.hpp"
#include "http_gateway/send_rate.hpp"
#include "http_gateway/status_document.hpp"
#include "messages/interfaces.hpp"
#include "messages/registry_stats.hpp"

namespace eureka::gateway {

namespace {

namespace http = boost::beast::http;
using time_point = caf::actor_clock::time_point;
using sweep_tick = caf::atom_constant<caf::atom("gwsweep")>;
/// Stop: answer what is in progress, then close (stop_http_frontend).
using drain_atom = caf::atom_constant<caf::atom("gwdrain")>;
/// The shutdown grace period is over: reset whatever is still open.
using drain_deadline = caf::atom_constant<caf::atom("gwdeadline")>;

/// Size of one piece of queued output handed to the socket layer, and the
/// most bytes kept copied there per connection (answers that fit are copied
/// at once: every write and most reads).
constexpr size_t socket_piece = 16 * 1024;
constexpr size_t socket_high_water = 32 * 1024;

/// What the broker remembers about the request in flight on a connection.
struct request_ctx {
  route_id id = route_id::not_found;
  payload_format format = payload_format::xml;
  bool keep_alive = true;
  bool http10 = false;
  bool head = false;
};

struct connection {
  explicit connection(body_pins* pins) : out(pins) {}

  /// Unique per accepted socket: replies for an earlier socket that had the
  /// same handle (fds are reused) must not be written to this one.
  uint64_t generation = 0;
  std::unique_ptr<http::request_parser<http::string_body>> parser;
  /// Header, chunk-size lines and trailers of the current request.
  framing_budget framing{0};
  bool framing_checked = false;
  /// Folded header lines of the current request (refused: 400).
  obs_fold_scanner folds;
  /// Received bytes not yet given to the parser (pipelined requests).
  std::string inbuf;
  /// A directory call for the current request is outstanding.
  bool busy = false;
  /// No further requests: closed once every output byte is written.
  bool closing = false;
  /// After that, keep draining input for linger_time (error answers).
  bool linger = false;
  /// Draining input until `linger_deadline`, then closed.
  bool lingering = false;
  bool continue_sent = false;
  /// With server.ssl.*: the connection's TLS state; everything below it
  /// (inbuf, the parser, out, in_socket) is plaintext but in_socket and
  /// sent, which count the bytes on the wire.
  std::unique_ptr<tls_session> tls;
  /// Counts towards max_connections (false for 503-rejected sockets).
  bool counted = false;
  request_ctx cur;
  /// Output not yet handed to the socket layer (shared bodies).
  output_queue out;
  /// Bytes handed to the socket layer and not yet written to the socket:
  /// writes are acknowledged, so this is exact.
  size_t in_socket = 0;
  /// Bytes written to the socket so far.
  uint64_t sent = 0;
  send_rate_guard rate;
  time_point last_activity;
  /// The client has sent something (a connection that has not is silent).
  bool heard = false;
  /// When the outstanding directory call started (valid while `busy`).
  time_point busy_since;
  std::optional<time_point> request_started;
  time_point linger_deadline;

  bool drained() const { return out.empty() && in_socket == 0; }
  size_t pending() const { return out.bytes() + in_socket; }
};

/// A socket CAF detached from the broker (the client half-closed) while it
/// still held unsent bytes of a complete answer: CAF goes on writing them,
/// and the sweep resets the socket if it is still open at `deadline`. The
/// inode tells whether the descriptor still names that socket (CAF closes
/// it on this same thread once done, and the number may be reused).
struct detached_socket {
  int fd = -1;
  ino_t inode = 0;
  time_point deadline;
};

/// What answering one batched heartbeat needs.
struct renewal_ticket {
  caf::io::connection_handle hdl;
  uint64_t gen = 0;
  route_id id = route_id::renew;
  payload_format format = payload_format::json;
};

struct gateway_state {
  gateway_config cfg;
  directory_actor directory;
  /// The node's replication actor, if it has one (GET /ready, /metrics).
  replication_actor replication;
  /// The node's eviction actor, if any (its report: /metrics, admin API).
  eviction_actor eviction;
  gateway_probe probe;
  /// Declared before `conns`: the connections' queues unpin on destruction.
  body_pins pins;
  std::unordered_map<caf::io::connection_handle, connection> conns;
  std::vector<detached_socket> detached;
  /// Counted connections, and 503-rejected sockets still lingering.
  size_t active = 0;
  size_t rejecting = 0;
  /// Sum of every connection's in_socket.
  size_t socket_bytes = 0;
  uint64_t next_generation = 1;
  uint16_t port = 0;
  caf::io::accept_handle acceptor;
  /// The listening socket exists, and is in the event loop.
  bool listening = false;
  bool accepting = false;
  /// Sweeps so far, and the sweep during which accepting last paused.
  uint64_t sweeps = 0;
  uint64_t paused_at_sweep = 0;
  /// Fewer than descriptor_low_water descriptors left: not accepting.
  bool descriptors_exhausted = false;
  /// Descriptors open besides the connections, and the limit, as measured
  /// by the last sweep; between sweeps the connections are counted exactly.
  size_t other_descriptors = 0;
  uint64_t descriptor_limit = std::numeric_limits<uint64_t>::max();
  /// Stopping: no new connections or requests.
  bool draining = false;
  instance_info node;
  time_anchor clock;
  int64_t start_ms = 0;
  time_point started;
  uint64_t rejected_since_sweep = 0;
  /// Stalled requests reset to make room for a new connection.
  uint64_t evicted_since_sweep = 0;
  uint64_t paused_since_sweep = 0;
  uint64_t refused_output_since_sweep = 0;
  /// Refusals worth a warning (request_plan::warning), rate-limited.
  log::warning_burst refusals;
  /// Verified credentials and the password-check budget (auth.hpp).
  authenticator auth;
  /// The certificate and settings of server.ssl.* (null: plain HTTP).
  std::shared_ptr<const tls_context> tls;
  /// The registry actor of each application, as the directory publishes it,
  /// and the heartbeats of this I/O poll waiting to be sent to them.
  route_table<app_registry_actor> routes;
  renewal_batches<renewal_ticket> renewals;
  static const char* name;
};

const char* gateway_state::name = "http_gateway";

using broker_ptr = caf::io::stateful_broker<gateway_state>*;
using caf::io::connection_handle;

/// Time as the actor clock tells it (the test coordinator's in tests).
time_point now(broker_ptr self) {
  return self->clock().now();
}

/// Wall-clock milliseconds for the wire, derived from the actor clock.
int64_t epoch_ms(broker_ptr self) {
  return self->state.clock.to_epoch_ms(now(self));
}

connection* find_conn(broker_ptr self, connection_handle hdl) {
  auto i = self->state.conns.find(hdl);
  return i == self->state.conns.end() ? nullptr : &i->second;
}

gateway_gauges gauges_of(const gateway_state& st) {
  return gateway_gauges{st.socket_bytes, st.pins.bytes(), st.accepting};
}

/// Unsent output of all connections: distinct bodies kept alive plus the
/// bytes copied into socket buffers.
size_t output_total(const gateway_state& st) {
  return st.pins.bytes() + st.socket_bytes;
}

/// Takes the listening socket out of the event loop while descriptors run
/// short (new clients then wait in the kernel's backlog instead of making
/// the network thread spin: CAF 0.17 retries a failed accept() at once,
/// forever) and puts it back once they are free. Two rules keep CAF's
/// deferred event changes straight: a halt() and a trigger() in the same
/// pass of the event loop cancel out or are lost (CAF applies them at the end
/// of the pass and ignores a trigger() while a removal is pending), so
/// accepting pauses only from the acceptor's own event or a sweep, and
/// resumes only from a sweep at least two sweeps later (a later pass).
void update_accepting(broker_ptr self, bool may_resume) {
  auto& st = self->state;
  if (!st.listening)
    return;
  bool want = !st.draining && !st.descriptors_exhausted;
  if (want == st.accepting)
    return;
  if (!want) {
    st.accepting = false;
    st.paused_at_sweep = st.sweeps;
    ++st.paused_since_sweep;
    self->halt(st.acceptor);
  } else if (may_resume && st.sweeps >= st.paused_at_sweep + 2) {
    st.accepting = true;
    self->trigger(st.acceptor);
  }
}

void reset_socket(int fd) {
  linger lg{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  ::shutdown(fd, SHUT_RDWR);
}

/// CAF 0.17's default multiplexer names a connection by its socket
/// (network::conn_hdl_from_socket).
int socket_of(connection_handle hdl) {
  return static_cast<int>(hdl.id());
}

/// The inode of the socket behind `fd`, or 0.
ino_t inode_of(int fd) {
  struct stat sb {};
  return fstat(fd, &sb) == 0 ? sb.st_ino : 0;
}

/// Resets the detached sockets whose deadline has passed (all with
/// `everything`) if they are still open; forgets those CAF has closed.
void reset_detached(broker_ptr self, bool everything) {
  auto& st = self->state;
  auto t = now(self);
  auto gone = [&](const detached_socket& d) {
    if (inode_of(d.fd) != d.inode)
      return true; // closed by CAF once written (the number may be reused)
    if (!everything && t < d.deadline)
      return false;
    reset_socket(d.fd);
    return true;
  };
  st.detached.erase(std::remove_if(st.detached.begin(), st.detached.end(), gone),
                    st.detached.end());
}

/// Forgets a connection whose output is fully written (or that must go
/// anyway) and closes it; CAF sends FIN once its buffer is empty.
void close_connection(broker_ptr self, connection_handle hdl) {
  auto& st = self->state;
  auto i = st.conns.find(hdl);
  if (i == st.conns.end())
    return;
  auto& c = i->second;
  if (c.counted) {
    --st.active;
    st.probe.connection_closed();
  } else {
    --st.rejecting;
  }
  st.socket_bytes -= c.in_socket;
  if (c.tls) {
    // close_notify: the client can tell the end of the answer from a cut.
    std::string alert;
    c.tls->close(alert);
    if (!alert.empty()) {
      self->write(hdl, alert.size(), alert.data());
      self->flush(hdl);
    }
  }
  st.conns.erase(i);
  self->close(hdl);
  if (st.draining && st.conns.empty()) {
    reset_detached(self, true);
    self->quit(caf::exit_reason::user_shutdown);
  }
}

/// Resets a connection that still holds unsent output: a graceful close
/// would leave CAF waiting forever to write to a client that does not read
/// (and the node's shutdown waiting for CAF). With SO_LINGER 0 the close
/// sends RST and the kernel drops the buffered bytes; shutdown() makes CAF's
/// pending write fail at once, so it lets go of the socket.
void abort_connection(broker_ptr self, connection_handle hdl) {
  if (find_conn(self, hdl) == nullptr)
    return;
  // The socket is still ours: the connection is still in our table.
  reset_socket(socket_of(hdl));
  close_connection(self, hdl);
}

void abort_all(broker_ptr self) {
  reset_detached(self, true);
  std::vector<connection_handle> hdls;
  hdls.reserve(self->state.conns.size());
  for (auto& entry : self->state.conns)
    hdls.push_back(entry.first);
  for (auto hdl : hdls)
    abort_connection(self, hdl);
}

/// Closes a closing connection once its output is written (after a linger
/// period for error answers, unless the node is stopping).
void finish_if_drained(broker_ptr self, connection_handle hdl) {
  auto* c = find_conn(self, hdl);
  if (c == nullptr || !c->closing || !c->drained() || c->lingering)
    return;
  if (c->linger && !self->state.draining) {
    c->lingering = true;
    c->linger_deadline = now(self) + self->state.cfg.linger_time;
    return;
  }
  close_connection(self, hdl);
}

/// No further requests on this connection: input is dropped from now on.
void stop_reading_requests(connection& c, bool linger) {
  c.closing = true;
  c.linger = c.linger || linger;
  c.busy = false;
  c.inbuf.clear();
  c.inbuf.shrink_to_fit();
  c.parser.reset();
  c.request_started.reset();
}

/// The body of every 503 for unsent output: one shared object, so refusals
/// pin nothing new.
const shared_body& busy_body() {
  static const shared_body body =
      std::make_shared<const std::string>("server busy: too much unsent output, retry later");
  return body;
}

/// A body not yet held for another client that would take the unsent output
/// of all connections beyond max_output_bytes is answered 503 instead (one
/// body is always admitted, so any payload can be served).
http_response admit_output(gateway_state& st, http_response resp) {
  auto n = resp.head_only ? size_t{0} : st.pins.unpinned_bytes(resp.body);
  if (n == 0 || st.pins.bytes() == 0 || output_total(st) + n <= st.cfg.max_output_bytes)
    return resp;
  st.probe.output_refused();
  ++st.refused_output_since_sweep;
  http_response refused;
  refused.status = 503;
  refused.content_type = "text/plain";
  refused.body = busy_body();
  refused.head_only = resp.head_only;
  return refused;
}

/// Whether the connection may start its next request: its own unsent output
/// is within max_connection_output_bytes, and while all connections' unsent
/// output is beyond max_output_bytes only a connection with nothing unsent
/// may (its answer then adds at most one response). Connections that wait
/// are looked at again as their own output drains.
bool may_start_request(const gateway_state& st, const connection& c) {
  auto pending = c.pending();
  return pending == 0
         || (pending <= st.cfg.max_connection_output_bytes
             && output_total(st) <= st.cfg.max_output_bytes);
}

/// Copies bytes as they go on the wire into the socket layer (CAF's write
/// buffer) and accounts for them; the acknowledgements of the writes count
/// them down again.
void write_raw(broker_ptr self, connection_handle hdl, connection& c, std::string_view bytes) {
  self->write(hdl, bytes.size(), bytes.data());
  c.in_socket += bytes.size();
  self->state.socket_bytes += bytes.size();
}

/// Writes plaintext: encrypted first on a TLS connection.
void write_to_socket(broker_ptr self, connection_handle hdl, connection& c,
                     std::string_view bytes) {
  if (!c.tls) {
    write_raw(self, hdl, c, bytes);
    return;
  }
  std::string records;
  // Into memory an established session cannot fail to encrypt; if OpenSSL
  // says otherwise the session is unusable and the sweep's timeouts close it.
  if (!c.tls->write(bytes, records))
    log::warn("gateway", "connection {}: TLS write failed: {}", hdl.id(), log::esc(c.tls->error()));
  if (!records.empty())
    write_raw(self, hdl, c, records);
}

/// Hands queued output to the socket layer, at most socket_high_water
/// bytes at a time (the rest stays shared in the queue).
void pump(broker_ptr self, connection_handle hdl, connection& c) {
  bool wrote = false;
  while (!c.out.empty() && c.in_socket < socket_high_water) {
    auto piece = c.out.peek(socket_piece);
    write_to_socket(self, hdl, c, piece);
    c.out.consume(piece.size());
    wrote = true;
  }
  if (wrote)
    self->flush(hdl);
}

/// Queues one answer (status line, headers, body) on the connection: while
/// the socket layer holds little, a small answer is copied to it at once;
/// anything else is queued (the body shared, not copied) and handed over as
/// the client reads.
void queue_answer(broker_ptr self, connection_handle hdl, connection& c, const http_response& resp,
                  connection_header conn_hdr) {
  auto head = serialize_head(resp, conn_hdr);
  auto n = resp.head_only ? size_t{0} : resp.body_size();
  if (c.out.empty() && c.in_socket + head.size() + n <= socket_high_water) {
    write_to_socket(self, hdl, c, head);
    if (n > 0)
      for (const auto& piece : resp.body.pieces())
        write_to_socket(self, hdl, c, *piece);
    self->flush(hdl);
  } else {
    c.out.push(std::make_shared<const std::string>(std::move(head)));
    if (n > 0)
      c.out.push(resp.body);
    pump(self, hdl, c);
  }
  auto t = now(self);
  c.rate.pending(t, c.sent);
  c.last_activity = t;
}

enum class after { keep_alive, close, linger };

/// Sends the answer of the current request and decides the connection's fate.
void send_response(broker_ptr self, connection_handle hdl, connection& c, http_response resp,
                   std::string_view label, after next) {
  auto& st = self->state;
  if (c.cur.head)
    resp.head_only = true;
  if (next == after::keep_alive && (!c.cur.keep_alive || st.draining))
    next = after::close;
  auto conn_hdr = next != after::keep_alive
                      ? connection_header::close
                      : (c.cur.http10 ? connection_header::keep_alive : connection_header::none);
  resp = admit_output(st, std::move(resp));
  st.probe.request(label, resp.status);
  queue_answer(self, hdl, c, resp, conn_hdr);
  switch (next) {
  case after::keep_alive:
    break;
  case after::close:
    stop_reading_requests(c, false);
    break;
  case after::linger:
    stop_reading_requests(c, true);
    break;
  }
}

/// Answers a request that cannot be read (malformed, too large, badly
/// framed) and closes the connection after a linger period.
void fail_request(broker_ptr self, connection_handle hdl, connection& c, unsigned status,
                  std::string_view reason, std::string_view detail) {
  log::info("gateway", "connection {}: {} ({})", hdl.id(), status, detail);
  c.cur = request_ctx{};
  send_response(self, hdl, c, make_text(status, reason), unrouted_label, after::linger);
}

void fail_parse(broker_ptr self, connection_handle hdl, connection& c,
                const boost::system::error_code& ec) {
  if (ec == http::error::header_limit)
    fail_request(self, hdl, c, 431, "request header too large", ec.message());
  else if (ec == http::error::body_limit)
    fail_request(self, hdl, c, 413, "request body too large", ec.message());
  else
    fail_request(self, hdl, c, 400, "malformed HTTP request", ec.message());
}

void process_input(broker_ptr self, connection_handle hdl);

/// Delivers the directory's answer for the request `gen` started on `hdl`;
/// dropped when that connection has since closed.
void complete(broker_ptr self, connection_handle hdl, uint64_t gen, http_response resp) {
  auto* c = find_conn(self, hdl);
  if (c == nullptr || c->generation != gen || !c->busy)
    return;
  c->busy = false;
  try {
    send_response(self, hdl, *c, std::move(resp), route_label(c->cur.id), after::keep_alive);
    process_input(self, hdl);
    finish_if_drained(self, hdl);
  } catch (const std::exception& e) {
    // A fault stays within its connection; the broker keeps serving.
    log::warn("gateway", "connection {}: {}, closing", hdl.id(), log::esc(e.what()));
    abort_connection(self, hdl);
  }
}

auto on_directory_error(broker_ptr self, connection_handle hdl, uint64_t gen) {
  return [=](caf::error& err) {
    self->state.probe.directory_error();
    log::warn("gateway", "directory call failed: {}", self->system().render(err));
    complete(self, hdl, gen, make_empty(500));
  };
}

/// GET /metrics: the gateway's figures, then the registry's and the
/// replication actor's.
http_response metrics_response(gateway_state& st, std::string_view appended) {
  auto text = st.probe.render_prometheus(gauges_of(st));
  text.append(appended.data(), appended.size());
  return make_response(200, "text/plain; version=0.0.4; charset=utf-8", std::move(text));
}

/// What one answer gathers from the actors (GET /metrics, the admin API):
/// every call is sent at once, each reply or error fills its part, and the
/// last one renders. A failed call leaves its part empty: the answer shows
/// what the others said.
struct gathered {
  std::optional<registry_stats> stats;
  std::optional<directory_report> directory;
  std::optional<eviction_report> eviction;
  std::optional<std::vector<peer_status>> peers;
  std::optional<sync_status> ready;
  std::optional<std::string> replication_metrics;
};

struct gathering {
  gathered parts;
  size_t pending = 0;
  std::function<void(gathered&)> render;

  void done() {
    if (--pending == 0)
      render(parts);
  }
};

using gathering_ptr = std::shared_ptr<gathering>;

/// Sends `msg` to `dest` and stores its reply with `store`; a failure is
/// counted with `count_error` and logged.
template <class Reply, class Dest, class Msg, class Store, class CountError>
void gather(broker_ptr self, const gathering_ptr& g, const Dest& dest, Msg msg,
            std::string_view what, Store store, CountError count_error) {
  self->request(dest, caf::infinite, msg)
      .then(
          [g, store](Reply& reply) {
            store(g->parts, reply);
            g->done();
          },
          [self, g, what, count_error](caf::error& err) {
            count_error(self->state.probe);
            log::warn("gateway", "{} unavailable: {}", what, self->system().render(err));
            g->done();
          });
}

/// Asks for the parts `wanted` sets (the replication parts only with a
/// replication actor, the eviction report only with an eviction actor),
/// then calls `render`.
struct gather_plan {
  bool stats = false;
  bool reports = false;
  bool peers = false;
  bool ready = false;
  bool replication_metrics = false;
};

void gather_parts(broker_ptr self, gather_plan want, std::function<void(gathered&)> render) {
  auto& st = self->state;
  auto g = std::make_shared<gathering>();
  g->render = std::move(render);
  auto replication = static_cast<bool>(st.replication);
  auto eviction = want.reports && static_cast<bool>(st.eviction);
  g->pending = (want.stats ? 1 : 0) + (want.reports ? 1 : 0) + (eviction ? 1 : 0)
               + (replication && want.peers ? 1 : 0) + (replication && want.ready ? 1 : 0)
               + (replication && want.replication_metrics ? 1 : 0);
  if (g->pending == 0) {
    g->render(g->parts);
    return;
  }
  auto directory_failed = [](gateway_probe& p) { p.directory_error(); };
  auto report_failed = [](gateway_probe& p) { p.report_error(); };
  auto replication_failed = [](gateway_probe& p) { p.replication_error(); };
  if (want.stats)
    gather<registry_stats>(
        self, g, st.directory, stats_atom::value, "directory figures",
        [](gathered& x, registry_stats& r) { x.stats = std::move(r); }, directory_failed);
  if (want.reports)
    gather<directory_report>(
        self, g, st.directory, admin_atom::value, "directory report",
        [](gathered& x, directory_report& r) { x.directory = std::move(r); }, report_failed);
  if (eviction)
    gather<eviction_report>(
        self, g, st.eviction, admin_atom::value, "eviction report",
        [](gathered& x, eviction_report& r) { x.eviction = std::move(r); }, report_failed);
  if (replication && want.peers)
    gather<std::vector<peer_status>>(
        self, g, st.replication, peers_atom::value, "replication peers",
        [](gathered& x, std::vector<peer_status>& r) { x.peers = std::move(r); },
        replication_failed);
  if (replication && want.ready)
    gather<sync_status>(
        self, g, st.replication, ready_atom::value, "replication readiness",
        [](gathered& x, sync_status& r) { x.ready = std::move(r); }, replication_failed);
  if (replication && want.replication_metrics)
    gather<std::string>(
        self, g, st.replication, metrics_atom::value, "replication metrics",
        [](gathered& x, std::string& r) { x.replication_metrics = std::move(r); },
        replication_failed);
}

int64_t uptime_ms(broker_ptr self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now(self) - self->state.started)
      .count();
}

/// The inputs of the status page (E15) and the admin overview, from the
/// gathered figures (`stats` present) and this node's configuration.
status_inputs status_inputs_of(broker_ptr self, gathered& x) {
  auto& st = self->state;
  status_inputs in;
  in.environment = st.cfg.environment;
  in.peer_urls = st.cfg.peer_urls;
  in.peers = std::move(x.peers);
  in.node = st.node;
  in.uptime_ms = uptime_ms(self);
  in.stats = std::move(*x.stats);
  return in;
}

/// E14 in progress: one result per item, filled as the directory answers.
struct batch_progress {
  std::vector<replication_result> results;
  size_t pending = 0;
};

void log_item(connection_handle hdl, size_t i, const planned_item& x,
              const replication_result& result) {
  log::debug("gateway", "connection {}: replication item {}: {} {}/{} -> {}{}{}", hdl.id(), i,
             to_string(x.action), log::esc(x.app), log::esc(x.id), result.status_code,
             x.note.empty() ? "" : ", ", log::esc(x.note));
}

/// Answers the heartbeats of one group from the reply of their registry
/// actor (or the directory), a write_reply per item in order.
void answer_renewals(broker_ptr self, const std::vector<renewal_ticket>& tickets,
                     std::vector<write_reply>& replies) {
  if (replies.size() != tickets.size()) {
    // Every handler answers item by item: anything else is a bug.
    log::error("gateway", "{} answers to {} heartbeats: answering 500", replies.size(),
               tickets.size());
    for (const auto& t : tickets)
      complete(self, t.hdl, t.gen, make_empty(500));
    return;
  }
  for (size_t i = 0; i < tickets.size(); ++i)
    complete(self, tickets[i].hdl, tickets[i].gen,
             respond_write(tickets[i].id, replies[i], tickets[i].format));
}

/// Sends a group of heartbeats to the directory, which routes them (no
/// route known, or the routed actor has stopped since).
void renew_through_directory(broker_ptr self, caf::message batch,
                             std::shared_ptr<std::vector<renewal_ticket>> tickets) {
  self->request(caf::actor_cast<caf::actor>(self->state.directory), caf::infinite, std::move(batch))
      .then([=](std::vector<write_reply>& replies) { answer_renewals(self, *tickets, replies); },
            [=](caf::error& err) {
              self->state.probe.directory_error();
              log::warn("gateway", "directory call failed: {}", self->system().render(err));
              for (const auto& t : *tickets)
                complete(self, t.hdl, t.gen, make_empty(500));
            });
}

/// The end of an I/O poll: the heartbeats it read leave, one message per
/// application, straight to its registry actor when the directory has
/// published one. The batch travels as a shared message, so that a group
/// whose actor stopped meanwhile (retired, its route not yet withdrawn
/// here) goes to the directory again without a copy.
void flush_renewals(broker_ptr self) {
  auto& st = self->state;
  for (auto& group : st.renewals.take()) {
    auto tickets = std::make_shared<std::vector<renewal_ticket>>(std::move(group.tickets));
    const auto* route = st.routes.find(group.batch.app);
    auto batch = caf::make_message(std::move(group.batch));
    if (route == nullptr) {
      renew_through_directory(self, std::move(batch), std::move(tickets));
      continue;
    }
    self->request(caf::actor_cast<caf::actor>(*route), caf::infinite, batch)
        .then([=](std::vector<write_reply>& replies) { answer_renewals(self, *tickets, replies); },
              [=](caf::error&) { renew_through_directory(self, batch, tickets); });
  }
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
  /// An admin action: answered and logged as one (request_plan::action).
  std::shared_ptr<const admin_action> action = nullptr;

  template <class Cmd>
  void write(Cmd cmd) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    auto id_ = id;
    auto format_ = format;
    auto action_ = action;
    self->request(self->state.directory, caf::infinite, std::move(cmd))
        .then(
            [=](write_reply& r) {
              if (action_) {
                log::info("gateway", "{}", admin_action_log(*action_, r));
                complete(self_, hdl_, gen_, respond_admin_action(*action_, r));
                return;
              }
              complete(self_, hdl_, gen_, respond_write(id_, r, format_));
            },
            on_directory_error(self, hdl, gen));
  }

  template <class Query>
  void read(Query q) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    auto id_ = id;
    auto format_ = format;
    self->request(self->state.directory, caf::infinite, std::move(q))
        .then([=](read_reply& r) { complete(self_, hdl_, gen_, respond_read(id_, r, format_)); },
              on_directory_error(self, hdl, gen));
  }

  void operator()(register_cmd& x) { write(std::move(x)); }
  /// Heartbeats wait for the end of the I/O poll (flush_renewals): they
  /// leave grouped per application, each group straight to its registry
  /// actor.
  void operator()(renew_cmd& x) {
    if (action) {
      write(std::move(x));
      return;
    }
    if (self->state.renewals.add(std::move(x), renewal_ticket{hdl, gen, id, format}))
      self->send(self, flush_atom::value);
  }
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
    gather_plan want;
    want.stats = true;
    // The replicas' availability comes from the replication actor.
    want.peers = true;
    gather_parts(self, want, [=](gathered& x) {
      if (!x.stats) {
        complete(self_, hdl_, gen_, make_empty(500));
        return;
      }
      auto in = status_inputs_of(self_, x);
      complete(self_, hdl_, gen_,
               make_response(200, content_type_of(format_), status_document(format_, in)));
    });
  }

  /// The gateway's figures, the registry's (directory and eviction reports)
  /// and the replication actor's; a part whose actor fails is left out and
  /// the error counted, the rest still serves.
  void operator()(metrics_call&) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    gather_plan want;
    want.reports = true;
    want.replication_metrics = true;
    gather_parts(self, want, [=](gathered& x) {
      auto text = render_registry_metrics(x.directory ? &*x.directory : nullptr,
                                          x.eviction ? &*x.eviction : nullptr);
      if (x.replication_metrics)
        text += *x.replication_metrics;
      complete(self_, hdl_, gen_, metrics_response(self_->state, text));
    });
  }

  // Only with a replication actor (handle_request answers without one).
  void operator()(ready_call&) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    self->request(self->state.replication, caf::infinite, ready_atom::value)
        .then([=](sync_status& s) { complete(self_, hdl_, gen_, respond_ready(s)); },
              [=](caf::error& err) {
                self_->state.probe.replication_error();
                auto detail = "replication actor did not answer: " + self_->system().render(err);
                log::warn("gateway", "GET /ready: {}", detail);
                complete(self_, hdl_, gen_, respond_ready(sync_status{false, detail}));
              });
  }

  /// E14: every command sent at once, in item order (the directory, and the
  /// registry actor of each application, receive them in that order); the
  /// answer goes out when the last result is in. handle_request answers a
  /// batch without commands itself.
  void operator()(replication_batch_call& call) {
    auto progress = std::make_shared<batch_progress>();
    progress->results.resize(call.items.size());
    for (size_t i = 0; i < call.items.size(); ++i) {
      if (auto* known = std::get_if<replication_result>(&call.items[i].step)) {
        progress->results[i] = *known;
        log_item(hdl, i, call.items[i], *known);
      } else {
        ++progress->pending;
      }
    }
    for (size_t i = 0; i < call.items.size(); ++i) {
      auto* cmd = std::get_if<cluster::replicated_command>(&call.items[i].step);
      if (cmd == nullptr)
        continue;
      auto self_ = self;
      auto hdl_ = hdl;
      auto gen_ = gen;
      auto item = std::make_shared<const planned_item>(planned_item{call.items[i].action,
                                                                    std::move(call.items[i].app),
                                                                    std::move(call.items[i].id),
                                                                    replication_result{},
                                                                    {}});
      auto done = [=](replication_result result) {
        log_item(hdl_, i, *item, result);
        progress->results[i] = std::move(result);
        if (--progress->pending == 0)
          complete(self_, hdl_, gen_, respond_replication_batch(progress->results));
      };
      std::visit(
          [&](auto& x) {
            self->request(self->state.directory, caf::infinite, std::move(x))
                .then([=](write_reply& r) { done(cluster::result_of(item->action, r)); },
                      [=](caf::error& err) {
                        self_->state.probe.directory_error();
                        log::warn("gateway", "directory call failed for a replicated item: {}",
                                  self_->system().render(err));
                        done(cluster::failed_item());
                      });
          },
          *cmd);
    }
  }

  /// GET /admin/api/overview: the directory's figures (500 without them),
  /// the peers and readiness when the node has a replication actor.
  void operator()(admin_overview_call&) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    gather_plan want;
    want.stats = true;
    want.peers = true;
    want.ready = true;
    gather_parts(self, want, [=](gathered& x) {
      if (!x.stats) {
        complete(self_, hdl_, gen_, admin_error(500, "the directory did not answer"));
        return;
      }
      auto& st = self_->state;
      overview_inputs in;
      in.status = status_inputs_of(self_, x);
      in.general = general_stats(in.status);
      auto replicas = application_stats(in.status);
      in.general.insert(in.general.end(), replicas.begin(), replicas.end());
      in.version = std::string{project_version};
      // Java's eureka.datacenter default; this node has no data centre key.
      in.data_center = "default";
      in.now_ms = epoch_ms(self_);
      in.started_ms = st.start_ms;
      in.ready = st.replication ? x.ready && x.ready->ready : true;
      in.base_paths = st.cfg.base_paths;
      in.cluster = st.cfg.cluster;
      complete(self_, hdl_, gen_, admin_json(200, overview_json(in)));
    });
  }

  /// GET /admin/api/actors: every report that arrived; a failed one is null.
  void operator()(admin_actors_call&) {
    auto self_ = self;
    auto hdl_ = hdl;
    auto gen_ = gen;
    gather_plan want;
    want.reports = true;
    want.peers = true;
    want.ready = true;
    gather_parts(self, want, [=](gathered& x) {
      auto& st = self_->state;
      actors_inputs in;
      in.directory = std::move(x.directory);
      in.eviction = std::move(x.eviction);
      if (st.replication) {
        replication_figures r;
        if (x.ready)
          r.ready = x.ready->ready;
        r.peers = std::move(x.peers);
        in.replication = std::move(r);
      }
      in.probe = &st.probe;
      in.gauges = gauges_of(st);
      complete(self_, hdl_, gen_, admin_json(200, actors_json(in)));
    });
  }

  // Answered by the broker itself; handled before dispatching.
  void operator()(std::monostate&) {}
};

/// Handles one complete request: answers at once or starts a directory call.
void handle_request(broker_ptr self, connection_handle hdl, connection& c,
                    http::request<http::string_body>& req) {
  auto& st = self->state;
  auto v = view_of(req);
  auto plan = plan_request(v, st.cfg, st.auth, epoch_ms(self));
  if (!plan.warning.empty() && st.refusals.note())
    log::warn("gateway", "{}", plan.warning);
  if (!plan.audit.empty())
    log::info("gateway", "{}", plan.audit);
  c.cur = request_ctx{plan.r.id, plan.format, req.keep_alive(), req.version() == 10, plan.r.head};
  log::debug("gateway", "connection {}: {} {} -> {}", hdl.id(), log::esc(v.method),
             log::esc(v.target), route_label(plan.r.id));
  if (plan.immediate) {
    send_response(self, hdl, c, std::move(*plan.immediate), route_label(plan.r.id),
                  after::keep_alive);
    return;
  }
  // Answered at once: GET /ready without a replication actor, and a batch
  // whose items are all answered without the registry.
  if (std::holds_alternative<ready_call>(plan.call) && !st.replication) {
    send_response(self, hdl, c, respond_ready(sync_status{true, {}}), route_label(plan.r.id),
                  after::keep_alive);
    return;
  }
  if (auto* batch = std::get_if<replication_batch_call>(&plan.call)) {
    auto commands = batch->commands();
    log::info("gateway", "connection {}: replication batch of {} items ({} to the registry)",
              hdl.id(), batch->items.size(), commands);
    if (commands == 0) {
      std::vector<replication_result> results;
      results.reserve(batch->items.size());
      for (size_t i = 0; i < batch->items.size(); ++i) {
        results.push_back(std::get<replication_result>(batch->items[i].step));
        log_item(hdl, i, batch->items[i], results.back());
      }
      send_response(self, hdl, c, respond_replication_batch(results), route_label(plan.r.id),
                    after::keep_alive);
      return;
    }
  }
  if (std::holds_alternative<std::monostate>(plan.call)) {
    send_response(self, hdl, c, make_empty(500), route_label(plan.r.id), after::keep_alive);
    return;
  }
  c.busy = true;
  c.busy_since = now(self);
  std::shared_ptr<const admin_action> action;
  if (plan.action)
    action = std::make_shared<const admin_action>(std::move(*plan.action));
  std::visit(dispatcher{self, hdl, c.generation, plan.r.id, plan.format, std::move(action)},
             plan.call);
}

void reset_parser(const gateway_config& cfg, connection& c) {
  c.parser = std::make_unique<http::request_parser<http::string_body>>();
  c.parser->header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(cfg.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  c.parser->body_limit(static_cast<std::uint64_t>(cfg.max_body_bytes));
  // Header first: its framing is checked before any body byte is read.
  c.parser->eager(false);
  c.framing = framing_budget{cfg.max_header_bytes};
  c.framing_checked = false;
  c.folds = obs_fold_scanner{};
  c.continue_sent = false;
}

/// Feeds buffered bytes to the parser and handles every complete request,
/// one at a time, until a directory call is outstanding or input runs out.
void process_input(broker_ptr self, connection_handle hdl) {
  for (;;) {
    auto* c = find_conn(self, hdl);
    if (c == nullptr || c->busy || c->closing || c->inbuf.empty()
        || !may_start_request(self->state, *c))
      return;
    if (!c->parser)
      reset_parser(self->state.cfg, *c);
    if (!c->request_started)
      c->request_started = now(self);
    auto& parser = *c->parser;
    boost::system::error_code ec;
    std::optional<framing_error> framing;
    size_t consumed = 0;
    while (consumed < c->inbuf.size() && !parser.is_done()) {
      auto body_before = parser.get().body().size();
      auto in_header = !parser.is_header_done();
      auto n = parser.put(
          boost::asio::const_buffer{c->inbuf.data() + consumed, c->inbuf.size() - consumed}, ec);
      if (in_header && c->folds.feed({c->inbuf.data() + consumed, n})) {
        consumed += n;
        framing = framing_error{400, "obsolete line folding in the header"};
        break;
      }
      consumed += n;
      c->framing.consumed(n, parser.get().body().size() - body_before);
      if (!c->framing_checked && parser.is_header_done()) {
        c->framing_checked = true;
        framing = check_framing(framing_of(parser.get()));
        if (framing)
          break;
        parser.eager(true);
      }
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || n == 0)
        break;
    }
    c->inbuf.erase(0, consumed);
    if (framing) {
      fail_request(self, hdl, *c, framing->status, framing->reason, framing->reason);
      return;
    }
    if (ec) {
      fail_parse(self, hdl, *c, ec);
      return;
    }
    // Chunk-size lines, extensions and trailers count against the header
    // limit, including an incomplete one the parser is still waiting on.
    if (parser.is_header_done() && c->framing.exceeded(parser.is_done() ? 0 : c->inbuf.size())) {
      fail_request(self, hdl, *c, 431, "request header too large",
                   "chunk-size lines, extensions and trailers beyond max-header-bytes");
      return;
    }
    if (!parser.is_done()) {
      // Clients such as curl wait for "100 Continue" before a large body.
      if (parser.is_header_done() && !c->continue_sent) {
        auto& h = parser.get();
        auto i = h.find(http::field::expect);
        if (i != h.end() && boost::beast::iequals(i->value(), "100-continue")) {
          write_to_socket(self, hdl, *c, "HTTP/1.1 100 Continue\r\n\r\n");
          self->flush(hdl);
          c->continue_sent = true;
        }
      }
      return;
    }
    auto req = parser.release();
    c->parser.reset();
    c->request_started.reset();
    handle_request(self, hdl, *c, req);
  }
}

/// Decrypts what a TLS connection delivered into `plaintext` and sends what
/// TLS answers (handshake records, alerts). False when the connection is
/// gone: a failed handshake closes it (after the alert that says why).
bool tls_input(broker_ptr self, connection_handle hdl, connection& c, std::string_view input,
               std::string& plaintext) {
  auto& st = self->state;
  auto was_done = c.tls->handshake_done();
  std::string records;
  auto ok = c.tls->feed(input, plaintext, records);
  if (!records.empty()) {
    write_raw(self, hdl, c, records);
    self->flush(hdl);
  }
  if (!ok) {
    if (!was_done)
      st.probe.tls_handshake_failed();
    log::debug("gateway", "connection {} from {}: TLS {} failed: {}", hdl.id(),
               self->remote_addr(hdl), was_done ? "session" : "handshake",
               log::esc(c.tls->error()));
    // Nothing can be answered over a failed session: the alert goes out,
    // then the connection closes.
    c.out.clear();
    close_connection(self, hdl);
    return false;
  }
  if (!was_done && c.tls->handshake_done()) {
    log::debug("gateway", "connection {}: {} established", hdl.id(), c.tls->protocol());
    // A client that connects ahead of its first request is idle, not slow.
    if (plaintext.empty() && c.inbuf.empty())
      c.request_started.reset();
  }
  return true;
}

/// How long a request must have been incomplete, or a connection silent,
/// before a new connection may take its slot (evict_stalled_request). Every
/// Eureka client sends its request at once; a 1 MB registration on a slow
/// link may take longer, but only while every slot is taken does this apply.
constexpr auto min_stalled_request = std::chrono::seconds{1};

/// At max_connections a new client would get 503 while slow clients hold
/// every slot, each for up to the request timeout (slowloris: a byte a second
/// keeps a request going, and an attacker reconnecting each cut connection
/// kept every new client out; found by test/system/hostile_clients.py), or
/// silent ones for up to the idle timeout. The connection whose request has
/// been incomplete the longest, or that has sent nothing since it was
/// accepted, for at least min_stalled_request, is reset instead and the new
/// client takes its slot. Keep-alive connections between requests and
/// requests being answered are left alone. True when a slot was freed.
bool evict_stalled_request(broker_ptr self) {
  auto& st = self->state;
  auto t = now(self);
  std::optional<connection_handle> victim;
  time_point oldest{};
  for (auto& [hdl, c] : st.conns) {
    if (!c.counted || c.busy || c.closing || c.lingering || !c.drained())
      continue;
    // Silent: last_activity is still the time it was accepted.
    auto since = c.request_started ? *c.request_started : c.last_activity;
    if ((!c.request_started && c.heard) || t - since < min_stalled_request)
      continue;
    if (!victim || since < oldest) {
      victim = hdl;
      oldest = since;
    }
  }
  if (!victim)
    return false;
  st.probe.timeout(timeout_kind::request);
  ++st.evicted_since_sweep;
  auto age = std::chrono::duration_cast<std::chrono::milliseconds>(t - oldest).count();
  log::debug("gateway",
             "connection {}: request incomplete or silent after {} ms, reset for a new connection",
             victim->id(), age);
  abort_connection(self, *victim);
  return true;
}

void reject_connection(broker_ptr self, connection_handle hdl, uint64_t generation) {
  auto& st = self->state;
  st.probe.connection_rejected();
  ++st.rejected_since_sweep;
  auto [i, added] = st.conns.emplace(hdl, connection{&st.pins});
  auto& c = i->second;
  c.generation = generation;
  c.counted = false;
  ++st.rejecting;
  c.last_activity = now(self);
  self->configure_read(hdl, caf::io::receive_policy::at_most(4096));
  self->ack_writes(hdl, true);
  queue_answer(self, hdl, c, make_text(503, "too many connections"), connection_header::close);
  stop_reading_requests(c, true);
}

/// Beyond max_connections and the sockets lingering after a 503: the 503 is
/// written and the socket closed at once. A fresh socket's send buffer is
/// empty, so the few bytes leave at once and the close cannot hang; the
/// client may see a reset instead if it sends more. Accepting never pauses
/// for capacity (see update_accepting): a flood is served, just briefly.
void refuse_at_once(broker_ptr self, connection_handle hdl) {
  auto& st = self->state;
  st.probe.connection_rejected();
  ++st.rejected_since_sweep;
  auto resp = make_text(503, "too many connections");
  if (!st.tls) {
    auto head = serialize_head(resp, connection_header::close);
    auto body = resp.body.str();
    self->write(hdl, head.size(), head.data());
    self->write(hdl, body.size(), body.data());
    self->flush(hdl);
  }
  self->close(hdl);
}

/// Schedules the next sweep. Sent anonymously: a tick carrying the broker as
/// its sender would be a self-reference that can keep a terminated broker
/// alive if the tick is still queued at shutdown.
void arm_sweep(broker_ptr self) {
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), self->state.cfg.sweep_interval,
                         sweep_tick::value);
}

/// Whether descriptors run out or came back; accepting follows. The count
/// is our connections plus what the last sweep measured besides them;
/// `remeasure` (each sweep) reads /proc and the limit again, and also probes
/// for a free descriptor in case something else took them all.
void check_descriptors(broker_ptr self, bool remeasure) {
  auto& st = self->state;
  if (remeasure) {
    auto open = count_open_descriptors();
    st.other_descriptors = open > st.conns.size() ? open - st.conns.size() : 0;
    st.descriptor_limit = descriptor_soft_limit();
  }
  auto in_use = static_cast<uint64_t>(st.other_descriptors + st.conns.size());
  bool exhausted = in_use + descriptor_low_water >= st.descriptor_limit
                   || (remeasure && !descriptor_available());
  if (exhausted != st.descriptors_exhausted) {
    st.descriptors_exhausted = exhausted;
    if (exhausted)
      log::warn("gateway",
                "file descriptors running out ({} of {} in use, {} connections): not accepting "
                "until some are free",
                in_use, st.descriptor_limit, st.conns.size());
    else
      log::info("gateway", "file descriptors available again ({} of {} in use): resuming", in_use,
                st.descriptor_limit);
  }
  update_accepting(self, remeasure);
}

void sweep(broker_ptr self) {
  auto& st = self->state;
  auto t = now(self);
  ++st.sweeps;
  check_descriptors(self, true);
  reset_detached(self, false);
  std::vector<connection_handle> to_close;
  std::vector<connection_handle> too_slow;
  std::vector<connection_handle> timed_out;
  std::vector<connection_handle> unanswered;
  // The directory answers in microseconds; this only catches a lost reply
  // (e.g. a registry actor that failed), so that no connection hangs forever.
  auto answer_timeout = 4 * st.cfg.request_timeout;
  uint64_t idle = 0;
  for (auto& [hdl, c] : st.conns) {
    if (c.lingering) {
      if (t >= c.linger_deadline)
        to_close.push_back(hdl);
    } else if (c.rate.too_slow(t, c.sent, st.cfg.min_send_rate, st.cfg.send_rate_window)) {
      too_slow.push_back(hdl);
    } else if (c.busy) {
      // Waiting for the directory is not the client's fault, but not forever.
      if (t - c.busy_since >= answer_timeout)
        unanswered.push_back(hdl);
    } else if (c.closing) {
      // Output still on its way: the rate rule above decides.
    } else if (c.request_started && t - *c.request_started >= st.cfg.request_timeout) {
      timed_out.push_back(hdl);
    } else if (!c.request_started && c.drained() && t - c.last_activity >= st.cfg.idle_timeout) {
      to_close.push_back(hdl);
      ++idle;
    }
  }
  for (auto hdl : too_slow) {
    if (auto* c = find_conn(self, hdl)) {
      st.probe.timeout(timeout_kind::slow_reader);
      log::info("gateway",
                "connection {}: client reads too slowly ({} bytes unsent, less than {} bytes/s "
                "over {} ms), closing",
                hdl.id(), c->pending(), st.cfg.min_send_rate, st.cfg.send_rate_window.count());
      abort_connection(self, hdl);
    }
  }
  for (auto hdl : timed_out) {
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
  if (st.evicted_since_sweep > 0) {
    log::warn("gateway",
              "reset {} connections whose requests were incomplete, or that were silent, for {} "
              "ms or more: max_connections ({}) reached",
              st.evicted_since_sweep,
              std::chrono::duration_cast<std::chrono::milliseconds>(min_stalled_request).count(),
              st.cfg.max_connections);
    st.evicted_since_sweep = 0;
  }
  if (st.rejected_since_sweep > 0) {
    log::warn("gateway", "rejected {} connections: max_connections ({}) reached",
              st.rejected_since_sweep, st.cfg.max_connections);
    st.rejected_since_sweep = 0;
  }
  if (st.paused_since_sweep > 0) {
    log::warn("gateway",
              "paused accepting {} times ({} connections, {} rejected sockets lingering, "
              "descriptors {}): new clients wait in the listen backlog",
              st.paused_since_sweep, st.active, st.rejecting,
              st.descriptors_exhausted ? "exhausted" : "available");
    st.paused_since_sweep = 0;
  }
  if (auto more = st.refusals.flush(); more > 0)
    log::warn("gateway", "... and {} more such refusals in the last {} ms", more,
              st.cfg.sweep_interval.count());
  if (st.refused_output_since_sweep > 0) {
    log::warn("gateway",
              "answered {} requests with 503: unsent output reached max-output-bytes ({}; "
              "{} bytes pinned, {} in socket buffers)",
              st.refused_output_since_sweep, st.cfg.max_output_bytes, st.pins.bytes(),
              st.socket_bytes);
    st.refused_output_since_sweep = 0;
  }
}

/// Stops the front end: no new connections, idle ones closed now, answers
/// in progress finished; whatever is left when the grace period ends is
/// reset (drain_deadline).
void start_draining(broker_ptr self) {
  auto& st = self->state;
  if (st.draining)
    return;
  st.draining = true;
  if (st.listening) {
    self->close(st.acceptor);
    st.listening = false;
    st.accepting = false;
  }
  log::info("gateway", "stopping: {} connections open, {} ms grace", st.conns.size(),
            st.cfg.shutdown_grace.count());
  std::vector<connection_handle> idle;
  for (auto& [hdl, c] : st.conns) {
    if (c.busy) {
      // The answer is still sent (with Connection: close), then closed.
      c.inbuf.clear();
      c.parser.reset();
      c.request_started.reset();
    } else if (c.drained()) {
      idle.push_back(hdl);
    } else {
      stop_reading_requests(c, false);
      c.linger = false;
    }
  }
  for (auto hdl : idle)
    close_connection(self, hdl); // the last one quits
  if (st.conns.empty()) {
    reset_detached(self, true);
    self->quit(caf::exit_reason::user_shutdown);
    return;
  }
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), st.cfg.shutdown_grace,
                         drain_deadline::value);
}

caf::behavior gateway_broker(broker_ptr self, gateway_config cfg, directory_actor directory,
                             replication_actor replication, eviction_actor eviction) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.directory = std::move(directory);
  st.replication = std::move(replication);
  st.eviction = std::move(eviction);
  st.clock = make_time_anchor(self->system());
  st.start_ms = st.clock.epoch_ms;
  if (st.cfg.tls.enabled()) {
    std::string error;
    st.tls = tls_context::create(st.cfg.tls, error);
    if (!st.tls)
      log::error("gateway", "TLS: {}", error); // open_atom refuses to listen
  }
  st.started = st.clock.origin;
  // The routing table for heartbeats: the directory sends it at once and
  // every change after (routes_atom below).
  if (st.directory)
    self->send(st.directory, routes_atom::value, caf::actor_cast<route_subscriber_actor>(self));
  // Unexpected messages (from anyone) are dropped, never printed (pitfall 14).
  self->set_default_handler(caf::drop);
  // Stopped from outside: reset every connection, so that no socket with
  // unsent output outlives the broker (CAF would wait for it forever).
  self->set_exit_handler([=](caf::exit_msg& em) {
    abort_all(self);
    self->quit(em.reason);
  });
  return {
      [=](caf::open_atom) -> caf::result<uint16_t> {
        auto& s = self->state;
        if (s.port != 0)
          return s.port;
        if (s.cfg.tls.enabled() && !s.tls)
          return caf::make_error(caf::sec::invalid_argument, "the TLS certificate or key of "
                                                             "server.ssl.* cannot be loaded");
        auto bound = self->add_tcp_doorman(s.cfg.port, s.cfg.bind_address.c_str(), true);
        if (!bound)
          return std::move(bound.error());
        s.acceptor = bound->first;
        s.port = bound->second;
        s.listening = true;
        s.accepting = true;
        s.node = make_node_instance(s.cfg, s.port, s.start_ms);
        log::info("gateway", "listening on {}:{} (at most {} connections{})", s.cfg.bind_address,
                  s.port, s.cfg.max_connections,
                  s.tls ? fmt::format(", HTTPS: TLS 1.2+ as {}{}", log::esc(s.tls->subject()),
                                      s.cfg.tls.clients == client_auth::need
                                          ? ", client certificates required"
                                      : s.cfg.tls.clients == client_auth::want
                                          ? ", client certificates verified when sent"
                                          : "")
                        : std::string{});
        check_descriptors(self, true);
        arm_sweep(self);
        return s.port;
      },
      [=](const caf::io::new_connection_msg& msg) {
        auto& s = self->state;
        auto generation = s.next_generation++;
        if (s.draining) {
          self->close(msg.handle);
          return;
        }
        if (s.active >= s.cfg.max_connections && !evict_stalled_request(self)) {
          // Over TLS a 503 would need a handshake first: refused at once.
          if (s.rejecting < s.cfg.max_rejecting_connections && !s.tls)
            reject_connection(self, msg.handle, generation);
          else
            refuse_at_once(self, msg.handle);
        } else {
          auto [i, added] = s.conns.emplace(msg.handle, connection{&s.pins});
          auto& c = i->second;
          c.generation = generation;
          c.counted = true;
          c.last_activity = now(self);
          if (s.tls) {
            c.tls = std::make_unique<tls_session>(s.tls);
            // The handshake counts towards the first request's time limit.
            c.request_started = c.last_activity;
          }
          ++s.active;
          s.probe.connection_opened();
          self->configure_read(msg.handle, caf::io::receive_policy::at_most(8192));
          // Every write is acknowledged: the broker always knows what is
          // still unsent, and closes only connections that hold nothing.
          self->ack_writes(msg.handle, true);
          log::debug("gateway", "connection {} from {}", msg.handle.id(),
                     self->remote_addr(msg.handle));
        }
        // Stop before an accept() can fail for want of a descriptor: CAF
        // would retry it at once, forever, spinning the network thread.
        check_descriptors(self, false);
      },
      [=](caf::io::new_data_msg& msg) {
        auto& s = self->state;
        s.probe.bytes_in(msg.buf.size());
        auto* c = find_conn(self, msg.handle);
        if (c == nullptr || c->closing)
          return; // closing or lingering: input is dropped
        c->last_activity = now(self);
        c->heard = true;
        std::string_view input{msg.buf.data(), msg.buf.size()};
        std::string plaintext;
        if (c->tls && !tls_input(self, msg.handle, *c, input, plaintext))
          return;
        if (c->tls)
          input = plaintext;
        if (input.empty())
          return;
        try {
          // While an answer is pending, input only accumulates: bound it.
          if ((c->busy || !may_start_request(s, *c))
              && c->inbuf.size() + input.size() > s.cfg.max_header_bytes + s.cfg.max_body_bytes) {
            log::warn("gateway", "connection {}: too much pipelined input, closing",
                      msg.handle.id());
            abort_connection(self, msg.handle);
            return;
          }
          c->inbuf.append(input);
          process_input(self, msg.handle);
          finish_if_drained(self, msg.handle);
        } catch (const std::exception& e) {
          log::warn("gateway", "connection {}: {}, closing", msg.handle.id(), log::esc(e.what()));
          abort_connection(self, msg.handle);
        }
      },
      [=](const caf::io::data_transferred_msg& msg) {
        auto& s = self->state;
        auto* c = find_conn(self, msg.handle);
        if (c == nullptr)
          return;
        s.probe.bytes_out(msg.written);
        c->sent += msg.written;
        s.socket_bytes -= c->in_socket;
        c->in_socket = msg.remaining;
        s.socket_bytes += c->in_socket;
        if (msg.written > 0)
          c->last_activity = now(self);
        if (c->drained()) {
          c->rate.drained();
          if (c->inbuf.empty() && !c->closing)
            return; // the common case: an answer fully written, nothing waiting
        }
        try {
          pump(self, msg.handle, *c);
          // Pipelined requests that waited for this output may go on now.
          process_input(self, msg.handle);
          finish_if_drained(self, msg.handle);
        } catch (const std::exception& e) {
          log::warn("gateway", "connection {}: {}, closing", msg.handle.id(), log::esc(e.what()));
          abort_connection(self, msg.handle);
        }
      },
      [=](const caf::io::connection_closed_msg& msg) {
        // The client closed (or half-closed) its side. CAF has detached the
        // connection but goes on writing what it holds: an answer already
        // handed over completes (watched until the send-rate window ends),
        // one still partly queued can no longer be finished and is reset.
        log::debug("gateway", "connection {} closed by peer", msg.handle.id());
        auto* c = find_conn(self, msg.handle);
        if (c != nullptr && !c->out.empty()) {
          abort_connection(self, msg.handle);
          return;
        }
        if (c != nullptr && c->in_socket > 0) {
          auto fd = socket_of(msg.handle);
          self->state.detached.push_back(
              detached_socket{fd, inode_of(fd), now(self) + self->state.cfg.send_rate_window});
        }
        close_connection(self, msg.handle);
      },
      [=](const caf::io::acceptor_closed_msg&) {
        if (self->state.draining)
          return;
        log::warn("gateway", "listening socket closed, stopping");
        abort_all(self);
        self->quit(caf::exit_reason::user_shutdown);
      },
      [=](sweep_tick) {
        try {
          sweep(self);
        } catch (const std::exception& e) {
          log::warn("gateway", "sweep failed: {}", log::esc(e.what()));
        }
        arm_sweep(self);
      },
      [=](flush_atom) { flush_renewals(self); },
      [=](routes_atom, const std::string& app, app_registry_actor& actor) {
        self->state.routes.update(app, std::move(actor));
      },
      [=](drain_atom) { start_draining(self); },
      [=](drain_deadline) {
        auto& s = self->state;
        if (!s.conns.empty())
          log::warn("gateway", "shutdown grace ({} ms) over: resetting {} connections",
                    s.cfg.shutdown_grace.count(), s.conns.size());
        abort_all(self);
        self->quit(caf::exit_reason::user_shutdown);
      },
      [=](caf::get_atom) -> std::string {
        return self->state.probe.render_prometheus(gauges_of(self->state));
      },
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

void detect_node_identity(gateway_config& cfg) {
  if (cfg.node_hostname.empty()) {
    char name[256] = {};
    if (gethostname(name, sizeof(name) - 1) == 0 && name[0] != '\0')
      cfg.node_hostname = name;
    else
      cfg.node_hostname = "localhost";
  }
  if (cfg.node_ip.empty())
    cfg.node_ip = detect_ip(cfg.bind_address);
}

caf::expected<http_frontend_handle>
start_http_frontend(caf::actor_system& sys, const gateway_config& cfg, directory_actor directory,
                    replication_actor replication, eviction_actor eviction) {
  auto effective = cfg;
  detect_node_identity(effective);
  auto broker =
      sys.middleman().spawn_broker(gateway_broker, std::move(effective), std::move(directory),
                                   std::move(replication), std::move(eviction));
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
  // Bounded by the shutdown grace: the broker resets whatever is left then.
  self->send(fe.broker, drain_atom::value);
  self->wait_for(fe.broker);
}

} // namespace eureka::gateway
