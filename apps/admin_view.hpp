// What caf-eureka-admin prints: tables for people and JSON for scripts, from
// the answers of one node or several side by side. Pure: the answers, and
// the time to show ages against, are passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eureka::admin {

// -- tables ----------------------------------------------------------------------

struct table {
  /// Column headings; none (an empty vector) for a plain key/value list.
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  /// Columns aligned to the right (numbers), by index.
  std::vector<size_t> right_aligned;
};

/// `s` safe to print to a terminal: control, C1 and bidi characters and
/// bytes that are not UTF-8 escaped (a registered name or metadata value
/// must not drive the terminal or fake a line).
std::string cell(std::string_view s);

/// The table as lines of text, columns separated by two blanks, padded by
/// characters (not bytes), no trailing blanks. Cells are printed as they are:
/// pass them through cell() first.
std::string render(const table& t);

using key_values = std::vector<std::pair<std::string, std::string>>;

/// The side-by-side view of several nodes: one row per key (in the order
/// keys first appear), one column per node after the key column; a node
/// without a key (or without an answer: nullopt) shows "-" there. With one
/// node there is no header.
table side_by_side(const std::vector<std::string>& node_names,
                   const std::vector<std::optional<key_values>>& per_node);

// -- one node's answer ----------------------------------------------------------

/// What one node answered, as the views need it.
struct node_answer {
  /// host:port, the column heading.
  std::string name;
  /// scheme://host:port, the --json key.
  std::string url;
  /// The body of a 200 answer; nullopt when the node failed (see problem).
  std::optional<std::string> body;
  /// Why there is no body ("unreachable: ...", "401: ..."), for the JSON
  /// output; the caller prints it.
  std::string problem;
};

// -- instances ------------------------------------------------------------------

struct instance_row {
  std::string app;
  std::string id;
  std::string status;
  std::string overridden_status;
  /// host:port (hostName, else ipAddr; the secure port when only it is on).
  std::string address;
  /// dataCenterInfo's availability-zone, else metadata `zone`; "" if none.
  std::string zone;
};

/// The instances of a GET apps JSON document (Jackson's arrays, or a single
/// object where XStream-style JSON writes one), sorted by app and id. On a
/// document that is not one: nullopt and `error`.
std::optional<std::vector<instance_row>> parse_instances(std::string_view apps_json,
                                                         std::string& error);

struct instance_filter {
  /// Upper case; empty for all.
  std::string app;
  /// Empty for all.
  std::string status;
};

/// One node: APP ID STATUS OVERRIDE HOST:PORT ZONE. Several: APP ID, one
/// status column per node ("-" where the node lacks the instance), OVERRIDE,
/// HOST:PORT, ZONE, and a first column "!" on rows where the nodes disagree
/// (missing somewhere, or another status or override). The status filter
/// keeps an instance when any node has that status. Nodes without an answer
/// (nullopt) show "?" and count for no disagreement.
table merge_instances(const std::vector<std::string>& node_names,
                      const std::vector<std::optional<std::vector<instance_row>>>& per_node,
                      const instance_filter& filter);

/// The GET apps document with only the matching instances (and applications
/// left with none dropped); the other fields as they are. The document
/// unchanged without a filter. nullopt when it is not a GET apps document.
std::optional<std::string> filter_apps_json(std::string_view apps_json,
                                            const instance_filter& filter);

// -- views of each command --------------------------------------------------------

/// The output of a read command for `answers` (one per --url, in order):
/// status (GET overview), actors (GET actors), instances (GET apps),
/// instance (GET apps/{app}/{id}). `now_ms` (Unix ms) dates ages ("5 s ago").
std::string status_view(const std::vector<node_answer>& answers, int64_t now_ms);
std::string actors_view(const std::vector<node_answer>& answers, int64_t now_ms);
std::string instances_view(const std::vector<node_answer>& answers, const instance_filter& filter);
std::string instance_view(const std::vector<node_answer>& answers, int64_t now_ms);

/// --json: one node's body as it is (plus a newline); several nodes as one
/// object keyed by URL, a failed node as {"error": problem}, a body that is
/// not JSON as a string. For instances, `filter` applies (filter_apps_json).
std::string json_view(const std::vector<node_answer>& answers,
                      const std::optional<instance_filter>& filter = std::nullopt);

/// An epoch-ms timestamp as "2025-12-02 18:13:20Z (5 s ago)"; "-" for 0 or
/// less (Eureka's "never").
std::string format_time(int64_t ms, int64_t now_ms);

/// The `error` member of a JSON error body, else the body itself (trimmed,
/// shortened, escaped for the terminal).
std::string error_text(std::string_view body);

} // namespace eureka::admin
