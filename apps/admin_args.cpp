#include "apps/admin_args.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "common/log.hpp"
#include "common/text.hpp"

namespace eureka::admin {

namespace {

struct command_spec {
  std::string_view name;
  command cmd;
  /// Positional arguments after the command: exactly `min_args` (or up to
  /// `max_args`).
  size_t min_args;
  size_t max_args;
};

constexpr std::array<command_spec, 10> commands = {{
    {"help", command::help, 0, 0},
    {"version", command::version, 0, 0},
    {"status", command::status, 0, 0},
    {"actors", command::actors, 0, 0},
    {"instances", command::instances, 0, 0},
    {"instance", command::instance, 2, 2},
    {"deregister", command::deregister, 2, 2},
    {"override", command::override_status, 3, 3},
    {"remove-override", command::remove_override, 2, 2},
    {"hash-password", command::hash_password, 0, 0},
}};

constexpr std::string_view valued_options[] = {"--url",        "--user",       "--password-file",
                                               "--app",        "--status",     "--value",
                                               "--timeout-ms", "--iterations", "--ca-file"};

bool takes_value(std::string_view name) {
  return std::find(std::begin(valued_options), std::end(valued_options), name)
         != std::end(valued_options);
}

std::string upper(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
         || c == '.' || c == '_' || c == '~';
}

} // namespace

bool is_read_command(command c) {
  return c == command::status || c == command::actors || c == command::instances
         || c == command::instance;
}

bool is_action(command c) {
  return c == command::deregister || c == command::override_status || c == command::remove_override;
}

std::optional<std::string> parse_status(std::string_view text) {
  auto s = upper(text);
  if (s == "UP" || s == "DOWN" || s == "STARTING" || s == "OUT_OF_SERVICE" || s == "UNKNOWN")
    return s;
  return std::nullopt;
}

parse_result parse_args(const std::vector<std::string_view>& args) {
  parse_result r;
  auto& o = r.opts;
  auto fail = [&](std::string why) {
    r.error = std::move(why);
    return r;
  };
  std::vector<std::string_view> positional;
  bool help = false;
  bool version = false;
  bool options_done = false;
  std::optional<std::string> value_option; // --value, checked once the command is known
  std::optional<std::string> timeout_text;
  std::optional<std::string> iterations_text;
  for (size_t i = 0; i < args.size(); ++i) {
    auto arg = args[i];
    if (options_done || arg.size() < 2 || arg.front() != '-') {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      help = true;
      continue;
    }
    if (arg == "--version") {
      version = true;
      continue;
    }
    if (arg == "--json") {
      o.json = true;
      continue;
    }
    auto name = arg;
    std::optional<std::string_view> value;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (name == "--password")
      return fail("there is no --password option (a password on the command line is visible in "
                  "ps): set CAF_EUREKA_ADMIN_PASSWORD or give --password-file FILE");
    if (!takes_value(name))
      return fail(fmt::format("unknown option '{}'", log::printable(name)));
    if (!value) {
      if (i + 1 == args.size())
        return fail(fmt::format("option {} needs a value", name));
      value = args[++i];
    }
    std::string v{*value};
    if (name == "--url") {
      o.urls.push_back(std::move(v));
    } else if (name == "--user") {
      if (v.empty() || v.find(':') != std::string::npos)
        return fail("--user needs a name without ':' (HTTP basic auth cannot carry one)");
      o.user = std::move(v);
    } else if (name == "--password-file") {
      o.password_file = std::move(v);
    } else if (name == "--ca-file") {
      o.ca_file = std::move(v);
    } else if (name == "--app") {
      o.app_filter = upper(v);
    } else if (name == "--status") {
      auto s = parse_status(v);
      if (!s)
        return fail(fmt::format("--status '{}' is not one of UP, DOWN, STARTING, OUT_OF_SERVICE, "
                                "UNKNOWN",
                                log::printable(v)));
      o.status_filter = std::move(s);
    } else if (name == "--value") {
      value_option = std::move(v);
    } else if (name == "--timeout-ms") {
      timeout_text = std::move(v);
    } else if (name == "--iterations") {
      iterations_text = std::move(v);
    }
  }
  if (help) {
    o.cmd = command::help;
    return r;
  }
  if (version) {
    o.cmd = command::version;
    return r;
  }
  if (positional.empty())
    return fail("no command given");
  auto spec = std::find_if(commands.begin(), commands.end(),
                           [&](const command_spec& c) { return c.name == positional.front(); });
  if (spec == commands.end())
    return fail(fmt::format("unknown command '{}'", log::printable(positional.front())));
  o.cmd = spec->cmd;
  auto nargs = positional.size() - 1;
  if (nargs < spec->min_args || nargs > spec->max_args) {
    static constexpr std::string_view synopsis[] = {
        "", "", "", "", "", "APP ID", "APP ID", "APP ID STATUS", "APP ID", ""};
    auto index = static_cast<size_t>(spec - commands.begin());
    if (spec->max_args == 0)
      return fail(fmt::format("{} takes no arguments", spec->name));
    return fail(fmt::format("usage: {} {}", spec->name, synopsis[index]));
  }
  if (nargs >= 2) {
    o.app = std::string{positional[1]};
    o.id = std::string{positional[2]};
    if (o.app.empty() || o.id.empty())
      return fail(fmt::format("{}: APP and ID must not be empty", spec->name));
  }
  if (o.cmd == command::override_status) {
    o.status_value = parse_status(positional[3]);
    if (!o.status_value)
      return fail(fmt::format("override: '{}' is not one of UP, DOWN, STARTING, OUT_OF_SERVICE, "
                              "UNKNOWN",
                              log::printable(positional[3])));
  }
  if (value_option) {
    if (o.cmd != command::remove_override)
      return fail("--value applies to remove-override only");
    o.status_value = parse_status(*value_option);
    if (!o.status_value)
      return fail(fmt::format("--value '{}' is not one of UP, DOWN, STARTING, OUT_OF_SERVICE, "
                              "UNKNOWN",
                              log::printable(*value_option)));
  }
  if (o.json && !is_read_command(o.cmd))
    return fail(fmt::format("--json applies to status, actors, instances and instance, not {}",
                            spec->name));
  if ((o.app_filter || o.status_filter) && o.cmd != command::instances)
    return fail("--app and --status apply to instances only");
  bool talks_to_nodes = is_read_command(o.cmd) || is_action(o.cmd);
  if (!talks_to_nodes
      && (!o.urls.empty() || o.user || o.password_file || timeout_text || o.ca_file))
    return fail(fmt::format("{} talks to no node: --url, --user, --password-file, --ca-file and "
                            "--timeout-ms do not apply",
                            spec->name));
  if (o.password_file && !o.user)
    return fail("--password-file needs --user NAME");
  if (timeout_text) {
    int64_t ms = 0;
    if (!text::parse_long(*timeout_text, ms) || ms < 1 || ms > 3'600'000)
      return fail("--timeout-ms needs a number of milliseconds from 1 to 3600000");
    o.timeout_ms = ms;
  }
  if (iterations_text) {
    int64_t n = 0;
    if (o.cmd != command::hash_password)
      return fail("--iterations applies to hash-password only");
    if (!text::parse_long(*iterations_text, n) || n < min_password_iterations
        || n > max_password_iterations)
      return fail(fmt::format("--iterations needs a number from {} to {}", min_password_iterations,
                              max_password_iterations));
    o.iterations = static_cast<uint32_t>(n);
  }
  if (talks_to_nodes && o.urls.empty())
    o.urls.emplace_back(default_url);
  return r;
}

targets_result resolve_targets(const options& opts, const password_source& password) {
  targets_result r;
  std::optional<std::string> userinfo;
  if (opts.user) {
    std::optional<std::string> secret = password.file ? password.file : password.env;
    if (!secret) {
      r.error = fmt::format("--user {} needs its password in {} or in --password-file FILE",
                            log::printable(*opts.user), password_env);
      return r;
    }
    userinfo = *opts.user + ":" + *secret;
  }
  for (const auto& text : opts.urls) {
    std::string error;
    auto url = cluster::parse_peer_url(text, error);
    if (!url) {
      r.error = fmt::format("--url {}", error);
      r.nodes.clear();
      return r;
    }
    node_target t;
    t.url = std::move(*url);
    t.url.base_path = "/";
    t.url.text = fmt::format("{}://{}/", t.url.scheme, t.url.authority());
    t.name = fmt::format("{}://{}", t.url.scheme, t.url.authority());
    t.short_name = t.url.authority();
    if (!t.url.userinfo.empty()) {
      if (userinfo) {
        r.error =
            fmt::format("{} carries credentials and --user is given: use one of them", t.name);
        r.nodes.clear();
        return r;
      }
      t.password_in_url = t.url.userinfo.find(':') != std::string::npos;
    } else if (userinfo) {
      t.url.userinfo = *userinfo;
    }
    r.nodes.push_back(std::move(t));
  }
  return r;
}

std::string encode_segment(std::string_view s) {
  constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      auto b = static_cast<unsigned char>(c);
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0xF];
    }
  }
  return out;
}

api_request request_for(const options& opts) {
  auto instance_path = [&] {
    return fmt::format("admin/api/apps/{}/{}", encode_segment(opts.app), encode_segment(opts.id));
  };
  switch (opts.cmd) {
  case command::status:
    return {"GET", "admin/api/overview"};
  case command::actors:
    return {"GET", "admin/api/actors"};
  case command::instances:
    return {"GET", "admin/api/apps"};
  case command::instance:
    return {"GET", instance_path()};
  case command::deregister:
    return {"DELETE", instance_path()};
  case command::override_status:
    return {"PUT", fmt::format("{}/status?value={}", instance_path(), *opts.status_value)};
  case command::remove_override:
    if (opts.status_value)
      return {"DELETE", fmt::format("{}/status?value={}", instance_path(), *opts.status_value)};
    return {"DELETE", instance_path() + "/status"};
  case command::help:
  case command::version:
  case command::hash_password:
    break;
  }
  return {};
}

std::string usage_text() {
  return fmt::format(R"(Usage: caf-eureka-admin [OPTIONS] COMMAND [ARGS]

Shows the state of a caf-eureka node, or of several side by side, and acts on
instances, through the node's admin API (/admin/api/, docs/admin-api.md).

Read commands (a table, or with --json the raw JSON of each node; with several
--url an object keyed by URL):
  status                      version, uptime, readiness, registry figures,
                              renewals and threshold, self-preservation,
                              replicas
  actors                      the directory, every registry actor (leases,
                              mailbox, msgs/s), eviction, replication per
                              peer, gateway connections and requests
  instances [--app APP] [--status STATUS]
                              app, id, status, override, host:port, zone;
                              with several nodes one status column per node,
                              rows that differ marked '!'
  instance APP ID             one instance: metadata, lease timestamps

Actions (sent to the first --url only; the node replicates them):
  deregister APP ID           cancel the instance's lease
  override APP ID STATUS      set a status override (UP, DOWN, STARTING,
                              OUT_OF_SERVICE, UNKNOWN)
  remove-override APP ID [--value STATUS]
                              remove the override (status UNKNOWN until the
                              client's next heartbeat, or STATUS)

Other:
  hash-password               read a password from stdin (asked twice, without
                              echo, on a terminal) and print its hash for
                              eureka.admin.users (NAME:ROLES:HASH);
                              --iterations N sets the PBKDF2 iterations
                              (default {})
  help, --help, -h            this text
  version, --version          the version

Options:
  --url URL         a node (repeatable; default http://localhost:8761). The
                    path is ignored: the admin API is at the node's root.
  --user NAME       HTTP basic auth as NAME, the password taken from
                    --password-file FILE (its first line) or else from the
                    environment variable CAF_EUREKA_ADMIN_PASSWORD. There is
                    no --password option: ps would show it. Credentials in
                    the URL (http://alice:secret@host:8761) work too, with a
                    warning, since they are visible the same way.
  --password-file FILE
  --json            print JSON instead of a table (read commands)
  --timeout-ms MS   longest wait for each node (default 10000)
  --ca-file FILE    PEM CAs an https:// node's certificate must chain to
                    (default: the system's CAs)

Exit codes:
  0  success
  1  a node answered but refused or failed (401, 403, 404, 429, 5xx...): its
     error is printed
  2  usage error
  3  a node could not be reached (the URL is printed)

Examples:
  caf-eureka-admin status
  caf-eureka-admin --url http://eureka-1:8761 --url http://eureka-2:8761 instances
  CAF_EUREKA_ADMIN_PASSWORD=... caf-eureka-admin --user alice override ORDER i-1 OUT_OF_SERVICE
  caf-eureka-admin hash-password < password.txt
)",
                     default_password_iterations);
}

} // namespace eureka::admin
