// Configuration of a caf-eureka node: every key, its default, and where a
// value may come from. Precedence: command line > environment > file >
// default. Keys use Spring Cloud's names where the meaning matches, so an
// operator can carry a Spring configuration over.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_config.hpp"
#include "cluster/peer_tls.hpp"
#include "http_gateway/gateway_config.hpp"
#include "registry/registry_config.hpp"

namespace eureka {

struct node_config {
  registry_config registry;
  gateway::gateway_config gateway;
  cluster::cluster_config cluster;
  /// TLS of this node's own calls to https:// peers (eureka.client.tls.*).
  cluster::peer_tls_settings client_tls;
  /// debug, info, warn, error or off.
  std::string log_level = "info";
  /// text (one line as today) or json (one JSON object per line).
  std::string log_format = "text";
  /// CAF scheduler threads for the actors; 2 suits a 2-core machine (the
  /// broker runs on its own multiplexer thread).
  int32_t scheduler_threads = 2;
  /// glibc's M_MMAP_THRESHOLD: allocations this large and larger are mapped
  /// on their own and go back to the system when freed. Fixed (glibc's own
  /// threshold grows up to 32 MiB after the first large frees, after which
  /// large response bodies are carved from the heap and their pages are kept
  /// for good). 0: glibc's default. The environment's MALLOC_MMAP_THRESHOLD_
  /// wins over both.
  int64_t malloc_mmap_threshold_bytes = 64 * 1024;
  /// The reader (every registry-wide read) on a thread of its own rather
  /// than on the scheduler's workers, at nice value reader_nice (0..19): a
  /// long full-fetch encode then neither occupies a worker the registry
  /// actors need nor competes with the write path at equal priority.
  bool reader_thread = true;
  int32_t reader_nice = 10;
};

/// One configuration key.
struct option_spec {
  std::string key;
  std::string description;
  /// Parses `value` into the config; returns an error text or "".
  std::function<std::string(node_config&, std::string_view value)> apply;
  /// Renders the current value.
  std::function<std::string(const node_config&)> render;
};

/// Every key the node understands, in the order --help lists them.
const std::vector<option_spec>& node_options();

/// Other spellings accepted for a key, on the command line and in the file
/// (Spring's camelCase `eureka.client.service-url.defaultZone`); the
/// environment forms come from env_names() of the key and of each alias.
/// Empty for most keys.
std::vector<std::string> key_aliases(std::string_view key);

/// Environment variable names for a key: Spring's canonical form
/// (EUREKA_SERVER_ENABLESELFPRESERVATION) and the one keeping word breaks
/// (EUREKA_SERVER_ENABLE_SELF_PRESERVATION).
std::vector<std::string> env_names(std::string_view key);

struct config_load_result {
  node_config config;
  bool show_help = false;
  bool dump_config = false;
  /// Non-empty when the configuration is invalid: the node must not start.
  std::string error;
};

/// Reads a configuration. `getenv` is injectable for tests; `args` excludes
/// the program name. The file is a Java .properties file (`key=value`,
/// `#` comments), named by --config-file=PATH or CAF_EUREKA_CONFIG_FILE.
config_load_result load_node_config(const std::vector<std::string>& args,
                                    const std::function<const char*(const char*)>& getenv_fn);

/// The --help text: usage plus every key with its default.
std::string help_text();

/// The effective configuration as a .properties file (--dump-config).
std::string dump_config(const node_config& cfg);

} // namespace eureka
