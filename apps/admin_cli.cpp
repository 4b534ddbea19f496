// caf-eureka-admin: the state of one node or a cluster side by side, and the
// admin actions, through the admin API (docs/admin-api.md). The rules live in
// admin_args (command line, URLs, credentials) and admin_view (tables, JSON);
// this file does the I/O: the terminal, files, the environment and HTTP.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "apps/admin_args.hpp"
#include "apps/admin_view.hpp"
#include "cluster/peer_http_client.hpp"
#include "common/log.hpp"
#include "common/password_hash.hpp"
#include "common/version.hpp"

namespace {

using namespace eureka;
using namespace eureka::admin;

constexpr std::string_view program = "caf-eureka-admin";

void error_line(std::string_view message) {
  std::cerr << program << ": " << message << '\n';
}

/// The first line of `s`, without its line break.
std::string first_line(std::string s) {
  if (auto nl = s.find('\n'); nl != std::string::npos)
    s.erase(nl);
  if (!s.empty() && s.back() == '\r')
    s.pop_back();
  return s;
}

/// Reads one line from stdin; on a terminal after `prompt` (on stderr) and
/// without echo. nullopt at end of input.
std::optional<std::string> read_password_line(std::string_view prompt) {
  bool tty = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    if (tcgetattr(STDIN_FILENO, &saved) == 0) {
      auto quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    } else {
      tty = false;
    }
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << '\n';
  }
  if (!got && line.empty())
    return std::nullopt;
  return first_line(std::move(line));
}

int hash_password_command(const options& opts) {
  bool tty = isatty(STDIN_FILENO) != 0;
  auto password = read_password_line("Password: ");
  if (!password) {
    error_line("hash-password: no password on standard input");
    return exit_usage;
  }
  if (password->empty()) {
    error_line("hash-password: the password is empty");
    return exit_usage;
  }
  if (tty) {
    auto again = read_password_line("Again: ");
    if (!again || *again != *password) {
      error_line("hash-password: the passwords differ");
      return exit_usage;
    }
  }
  auto hash = hash_password(*password, opts.iterations);
  if (!hash) {
    error_line("hash-password: the system's random source failed");
    return exit_refused;
  }
  std::cout << format_password_hash(*hash) << '\n';
  if (isatty(STDOUT_FILENO) != 0)
    std::cerr << "Add it to eureka.admin.users as NAME:admin:<hash> (or NAME:read:<hash>).\n";
  return exit_ok;
}

/// The client's messages name the peer ("peer h:8761: connect ..."): the
/// CLI names the URL instead.
std::string client_error(const node_target& node, const std::string& error) {
  auto prefix = fmt::format("peer {}: ", node.url.authority());
  if (error.compare(0, prefix.size(), prefix) == 0)
    return error.substr(prefix.size());
  return error;
}

struct outcome {
  node_answer answer;
  cluster::http_result http;
  int code = exit_ok;
};

outcome call(const node_target& node, const api_request& req, const options& opts) {
  cluster::http_limits limits;
  limits.tls = node.tls;
  limits.deadline = std::chrono::milliseconds{opts.timeout_ms};
  limits.connect_timeout = std::min(limits.connect_timeout, limits.deadline);
  outcome o;
  o.answer.name = node.short_name;
  o.answer.url = node.name;
  o.http = cluster::peer_http_request(node.url, req.method, req.target,
                                      {{"Accept", "application/json"}}, {}, limits);
  if (!o.http.ok) {
    o.answer.problem = "unreachable: " + client_error(node, o.http.error);
    o.code = exit_unreachable;
    error_line(fmt::format("cannot reach {}: {}", node.name, client_error(node, o.http.error)));
    return o;
  }
  if (o.http.status != 200) {
    auto why = error_text(o.http.body);
    o.answer.problem = fmt::format("HTTP {}: {}", o.http.status, why);
    o.code = exit_refused;
    // Without credentials, say how to give them; with them, the server's
    // reason says enough.
    std::string hint;
    if (o.http.status == 401 && node.url.userinfo.empty())
      hint = fmt::format(" (give --user NAME with {} or --password-file)", password_env);
    error_line(fmt::format("{} refused: HTTP {}: {}{}", node.name, o.http.status, why, hint));
    return o;
  }
  o.answer.body = std::move(o.http.body);
  return o;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int read_command(const options& opts, const std::vector<node_target>& nodes) {
  auto req = request_for(opts);
  // One thread per node: an unreachable node costs its timeout once, not
  // once per node before it.
  std::vector<std::future<outcome>> pending;
  for (const auto& node : nodes)
    pending.push_back(
        std::async(std::launch::async, [&node, &req, &opts] { return call(node, req, opts); }));
  std::vector<node_answer> answers;
  int code = exit_ok;
  for (auto& f : pending) {
    auto o = f.get();
    code = std::max(code, o.code); // unreachable (3) outranks refused (1)
    answers.push_back(std::move(o.answer));
  }
  bool any = std::any_of(answers.begin(), answers.end(), [](auto& a) { return a.body; });
  if (opts.json) {
    std::optional<instance_filter> filter;
    if (opts.cmd == command::instances)
      filter = instance_filter{opts.app_filter.value_or(""), opts.status_filter.value_or("")};
    std::cout << json_view(answers, filter);
    return code;
  }
  if (!any)
    return code;
  switch (opts.cmd) {
  case command::status:
    std::cout << status_view(answers, now_ms());
    break;
  case command::actors:
    std::cout << actors_view(answers, now_ms());
    break;
  case command::instances:
    std::cout << instances_view(
        answers, instance_filter{opts.app_filter.value_or(""), opts.status_filter.value_or("")});
    break;
  case command::instance:
    std::cout << instance_view(answers, now_ms());
    break;
  default:
    break;
  }
  return code;
}

int action_command(const options& opts, const std::vector<node_target>& nodes) {
  // Actions go to one node: it applies them as local writes and replicates
  // them like a client's (docs/admin-api.md).
  const auto& node = nodes.front();
  auto o = call(node, request_for(opts), opts);
  if (o.code != exit_ok)
    return o.code;
  std::string result = "done";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text;
  if (parser.parse(*o.answer.body).get(doc) == simdjson::SUCCESS
      && doc["result"].get_string().get(text) == simdjson::SUCCESS)
    result = std::string{text};
  std::cout << cell(fmt::format("{}: {} ({} {})", node.name, result, opts.app, opts.id)) << '\n';
  return exit_ok;
}

int run(const std::vector<std::string_view>& args) {
  auto parsed = parse_args(args);
  if (!parsed.error.empty()) {
    error_line(parsed.error);
    std::cerr << "Run '" << program << " --help' for usage.\n";
    return exit_usage;
  }
  const auto& opts = parsed.opts;
  switch (opts.cmd) {
  case command::help:
    std::cout << usage_text();
    return exit_ok;
  case command::version:
    std::cout << program << ' ' << project_version << '\n';
    return exit_ok;
  case command::hash_password:
    return hash_password_command(opts);
  default:
    break;
  }
  password_source password;
  if (const char* env = std::getenv(std::string{password_env}.c_str()); env != nullptr)
    password.env = env;
  if (opts.password_file) {
    std::ifstream in{*opts.password_file, std::ios::binary};
    std::stringstream content;
    if (!in || !(content << in.rdbuf())) {
      error_line(
          fmt::format("cannot read --password-file {}", log::printable(*opts.password_file)));
      return exit_usage;
    }
    password.file = first_line(content.str());
    if (password.file->empty()) {
      error_line(
          fmt::format("--password-file {} holds no password", log::printable(*opts.password_file)));
      return exit_usage;
    }
  }
  auto targets = resolve_targets(opts, password);
  if (!targets.error.empty()) {
    error_line(targets.error);
    return exit_usage;
  }
  if (opts.ca_file) {
    cluster::peer_tls_settings settings;
    settings.trust_certificate = *opts.ca_file;
    std::string error;
    auto tls = cluster::peer_tls_context::create(settings, error);
    if (!tls) {
      // The message names the node's key; the CLI's option is --ca-file.
      error_line(fmt::format("--ca-file {}: cannot load it as PEM CA certificates",
                             log::printable(*opts.ca_file)));
      return exit_usage;
    }
    for (auto& node : targets.nodes)
      node.tls = tls;
  }
  for (const auto& node : targets.nodes)
    if (node.password_in_url)
      error_line(fmt::format("warning: the password in the URL of {} is visible to other users "
                             "(ps, shell history); prefer --user with {} or --password-file",
                             node.name, password_env));
  if (is_action(opts.cmd))
    return action_command(opts, targets.nodes);
  return read_command(opts, targets.nodes);
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  try {
    return run(args);
  } catch (const std::exception& e) {
    error_line(fmt::format("unexpected failure: {}", e.what()));
  } catch (...) {
    error_line("unexpected failure");
  }
  return exit_refused;
}
