// caf-eureka-admin's command line, node URLs and credentials: pure rules (the
// environment and files are read by the caller and passed in), so that every
// refusal is testable without a node.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/peer_tls.hpp"
#include "cluster/peer_url.hpp"
#include "common/password_hash.hpp"

namespace eureka::admin {

/// Exit codes, as --help documents them.
enum exit_code : int {
  exit_ok = 0,
  /// The server answered, but refused or failed (401, 403, 404, 429, 5xx...).
  exit_refused = 1,
  /// Bad command line (or a password that cannot be read).
  exit_usage = 2,
  /// A node could not be reached (connection refused, timeout, not HTTP).
  exit_unreachable = 3,
};

enum class command {
  help,
  version,
  status,
  actors,
  instances,
  instance,
  deregister,
  override_status,
  remove_override,
  hash_password,
};

/// The URL used when none is given.
constexpr std::string_view default_url = "http://localhost:8761";

/// The environment variable holding the password of --user.
constexpr std::string_view password_env = "CAF_EUREKA_ADMIN_PASSWORD";

struct options {
  command cmd = command::help;
  /// As given (--url, repeatable), or default_url.
  std::vector<std::string> urls;
  bool json = false;
  std::optional<std::string> user;
  std::optional<std::string> password_file;
  /// PEM file of the CAs an https:// node's certificate must chain to
  /// (default: the system's CAs).
  std::optional<std::string> ca_file;
  /// instances: --app (upper-cased, as the registry stores names), --status.
  std::optional<std::string> app_filter;
  std::optional<std::string> status_filter;
  /// instance, deregister, override, remove-override.
  std::string app;
  std::string id;
  /// override: the status to set; remove-override: --value, if given.
  std::optional<std::string> status_value;
  /// Longest wait for one node's answer.
  int64_t timeout_ms = 10000;
  /// hash-password: PBKDF2 iterations (--iterations).
  uint32_t iterations = default_password_iterations;
};

struct parse_result {
  options opts;
  /// Non-empty on a usage error (exit_usage): says what is wrong.
  std::string error;
};

/// Parses the arguments after the program name. Options may come before or
/// after the command; `--name=value` and `--name value` are both accepted.
parse_result parse_args(const std::vector<std::string_view>& args);

/// True for the commands that read state (and accept --json).
bool is_read_command(command c);

/// True for deregister, override and remove-override.
bool is_action(command c);

/// UP, DOWN, STARTING, OUT_OF_SERVICE or UNKNOWN (case-insensitive) in upper
/// case; nullopt for anything else.
std::optional<std::string> parse_status(std::string_view text);

/// One node to talk to.
struct node_target {
  /// The URL with its path replaced by "/" (the admin API is at the root,
  /// whatever Eureka base path was copied from a defaultZone) and, when
  /// credentials apply, `userinfo` set.
  cluster::peer_url url;
  /// scheme://host:port: in messages and as the key of --json output; never
  /// the credentials.
  std::string name;
  /// host:port: the column heading of a table.
  std::string short_name;
  /// The CAs of an https:// URL (--ca-file; null: the system's).
  std::shared_ptr<const cluster::peer_tls_context> tls;
  /// True when the password came from the URL (the caller warns: it is
  /// visible in ps and shell history).
  bool password_in_url = false;
};

/// Where --user's password comes from, as read by the caller.
struct password_source {
  /// The value of password_env, if set.
  std::optional<std::string> env;
  /// The content of --password-file, if given and read.
  std::optional<std::string> file;
};

struct targets_result {
  std::vector<node_target> nodes;
  /// Non-empty on a usage error.
  std::string error;
};

/// Resolves the URLs and credentials of `opts`. --user takes its password
/// from the file (its first line) or else the environment; a URL carrying
/// credentials of its own together with --user is refused (which one would
/// be meant?).
targets_result resolve_targets(const options& opts, const password_source& password);

/// `s` percent-encoded for one path segment (everything but RFC 3986's
/// unreserved characters), so that any application name or instance id
/// (Spring's are `host:app:port`) reaches the node as written.
std::string encode_segment(std::string_view s);

/// The request an API call sends: method and target below the node's root.
struct api_request {
  std::string method;
  std::string target;
};

/// The request of `opts.cmd` (not for help, version, hash-password).
api_request request_for(const options& opts);

/// The --help text.
std::string usage_text();

} // namespace eureka::admin
