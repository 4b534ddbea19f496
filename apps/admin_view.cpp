#include "apps/admin_view.hpp"

#include <algorithm>
#include <ctime>
#include <initializer_list>
#include <map>
#include <set>
#include <tuple>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <simdjson.h>

#include "codec/text.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "common/utf8.hpp"

namespace eureka::admin {

namespace {

namespace dom = simdjson::dom;

/// Characters shown, for padding: code points (cells are valid UTF-8 once
/// through cell(); a stray byte counts as one).
size_t width(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    char32_t cp = 0;
    auto len = utf8::decode(s, i, cp);
    i += len == 0 ? 1 : len;
  }
  return n;
}

// -- lenient JSON access: the API grows, and a field a node does not (yet)
// send shows "-" instead of failing the whole view ------------------------------

std::optional<dom::element> member(dom::element e, std::string_view key) {
  dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS)
    return std::nullopt;
  dom::element v;
  if (o.at_key(key).get(v) != simdjson::SUCCESS)
    return std::nullopt;
  return v;
}

std::optional<dom::element> at(dom::element e, std::initializer_list<std::string_view> keys) {
  std::optional<dom::element> cur = e;
  for (auto k : keys) {
    cur = member(*cur, k);
    if (!cur)
      return std::nullopt;
  }
  return cur;
}

std::string scalar(dom::element e) {
  switch (e.type()) {
  case dom::element_type::STRING:
    return std::string{e.get_string().value_unsafe()};
  case dom::element_type::INT64:
    return fmt::to_string(e.get_int64().value_unsafe());
  case dom::element_type::UINT64:
    return fmt::to_string(e.get_uint64().value_unsafe());
  case dom::element_type::DOUBLE:
    return fmt::format("{:.1f}", e.get_double().value_unsafe());
  case dom::element_type::BOOL:
    return e.get_bool().value_unsafe() ? "yes" : "no";
  case dom::element_type::NULL_VALUE:
    return "-";
  case dom::element_type::ARRAY:
  case dom::element_type::OBJECT:
    break;
  }
  return simdjson::minify(e);
}

/// The field at `keys` as text, "-" when absent.
std::string str(dom::element e, std::initializer_list<std::string_view> keys) {
  auto v = at(e, keys);
  return v ? scalar(*v) : "-";
}

int64_t num(dom::element e, std::initializer_list<std::string_view> keys, int64_t fallback = 0) {
  auto v = at(e, keys);
  if (!v)
    return fallback;
  int64_t i = 0;
  if (v->get_int64().get(i) == simdjson::SUCCESS)
    return i;
  double d = 0;
  if (v->get_double().get(d) == simdjson::SUCCESS)
    return static_cast<int64_t>(d);
  std::string_view s;
  if (v->get_string().get(s) == simdjson::SUCCESS && text::parse_long(s, i))
    return i;
  return fallback;
}

std::optional<bool> flag(dom::element e, std::initializer_list<std::string_view> keys) {
  auto v = at(e, keys);
  if (!v)
    return std::nullopt;
  bool b = false;
  if (v->get_bool().get(b) == simdjson::SUCCESS)
    return b;
  std::string_view s;
  if (v->get_string().get(s) == simdjson::SUCCESS)
    return s == "true";
  return std::nullopt;
}

std::string on_off(std::optional<bool> b) {
  return !b ? "-" : *b ? "on" : "off";
}

/// An array's elements, or a single object as one (XStream-style JSON).
std::vector<dom::element> elements(std::optional<dom::element> e) {
  std::vector<dom::element> out;
  if (!e)
    return out;
  dom::array a;
  if (e->get_array().get(a) == simdjson::SUCCESS) {
    for (auto x : a)
      out.push_back(x);
  } else if (e->is_object()) {
    out.push_back(*e);
  }
  return out;
}

/// A parsed answer; the parser must outlive the element.
struct parsed {
  dom::parser parser;
  dom::element root;
  bool ok = false;
};

bool parse(parsed& p, std::string_view body) {
  p.ok = p.parser.parse(body.data(), body.size()).get(p.root) == simdjson::SUCCESS;
  return p.ok;
}

std::vector<std::string> names_of(const std::vector<node_answer>& answers) {
  std::vector<std::string> names;
  for (const auto& a : answers)
    names.push_back(a.body ? a.name : a.name + " (failed)");
  return names;
}

std::string ms_text(int64_t ms) {
  return ms < 0 ? "-" : fmt::format("{} ms", ms);
}

/// "instances  12 (UP 11, DOWN 1)": the counts that are not zero.
std::string counts_text(dom::element e, std::initializer_list<std::string_view> total,
                        std::initializer_list<std::string_view> counts) {
  auto out = str(e, total);
  std::vector<std::string> parts;
  if (auto c = at(e, counts)) {
    dom::object o;
    if (c->get_object().get(o) == simdjson::SUCCESS)
      for (auto field : o) {
        int64_t n = 0;
        if (field.value.get_int64().get(n) == simdjson::SUCCESS && n != 0)
          parts.push_back(fmt::format("{} {}", field.key, n));
      }
  }
  if (!parts.empty())
    out += fmt::format(" ({})", fmt::join(parts, ", "));
  return out;
}

/// The actor_load object `key` of `e` in one line.
std::string load_text(dom::element e, const char* key = "load") {
  if (!member(e, key))
    return "-";
  return fmt::format("mailbox {}, {} msgs/s, {} handled", str(e, {key, "mailbox_depth"}),
                     str(e, {key, "messages_per_second"}), str(e, {key, "messages_total"}));
}

/// Title, then the table, then a blank line.
void section(std::string& out, std::string_view title, const table& t) {
  out += fmt::format("{}\n", title);
  if (t.rows.empty()) {
    out += "  (none)\n\n";
    return;
  }
  out += render(t);
  out += '\n';
}

void add_cells(key_values& kv, std::string key, std::string value) {
  kv.emplace_back(std::move(key), cell(value));
}

} // namespace

// -- tables ----------------------------------------------------------------------

std::string cell(std::string_view s) {
  std::string out;
  log::detail::append_escaped(out, s, false);
  return out;
}

std::string render(const table& t) {
  size_t columns = t.header.size();
  for (const auto& row : t.rows)
    columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], width(row[i]));
  };
  measure(t.header);
  for (const auto& row : t.rows)
    measure(row);
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string l;
    for (size_t i = 0; i < columns; ++i) {
      std::string_view text = i < row.size() ? std::string_view{row[i]} : std::string_view{};
      auto pad = std::string(widths[i] - width(text), ' ');
      bool right =
          std::find(t.right_aligned.begin(), t.right_aligned.end(), i) != t.right_aligned.end();
      if (i > 0)
        l += "  ";
      if (right)
        l += pad;
      l += text;
      if (!right)
        l += pad;
    }
    while (!l.empty() && l.back() == ' ')
      l.pop_back();
    out += l;
    out += '\n';
  };
  if (!t.header.empty())
    line(t.header);
  for (const auto& row : t.rows)
    line(row);
  return out;
}

table side_by_side(const std::vector<std::string>& node_names,
                   const std::vector<std::optional<key_values>>& per_node) {
  std::vector<std::string> keys;
  std::vector<std::map<std::string, std::string>> values(per_node.size());
  for (size_t n = 0; n < per_node.size(); ++n) {
    if (!per_node[n])
      continue;
    for (const auto& [k, v] : *per_node[n]) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        keys.push_back(k);
      values[n].emplace(k, v); // the first of a repeated key wins
    }
  }
  table t;
  if (per_node.size() > 1) {
    t.header.emplace_back();
    for (const auto& name : node_names)
      t.header.push_back(cell(name));
  }
  for (const auto& k : keys) {
    std::vector<std::string> row{k};
    for (size_t n = 0; n < per_node.size(); ++n) {
      auto it = values[n].find(k);
      row.push_back(it == values[n].end() ? "-" : it->second);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

// -- instances ------------------------------------------------------------------

namespace {

std::string port_text(dom::element inst, std::string_view key) {
  auto p = member(inst, key);
  if (!p)
    return {};
  if (auto v = member(*p, "$"))
    return scalar(*v);
  return scalar(*p); // a bare number
}

instance_row row_of(dom::element inst, std::string_view app_name) {
  instance_row r;
  r.app = str(inst, {"app"});
  if (r.app == "-")
    r.app = std::string{app_name};
  r.id = str(inst, {"instanceId"});
  if (r.id == "-")
    r.id = str(inst, {"hostName"}); // Eureka 1.x: the host name is the id
  r.status = str(inst, {"status"});
  r.overridden_status = str(inst, {"overriddenStatus"});
  if (r.overridden_status == "-")
    r.overridden_status = str(inst, {"overriddenstatus"});
  auto host = str(inst, {"hostName"});
  if (host == "-")
    host = str(inst, {"ipAddr"});
  auto port = port_text(inst, "port");
  auto port_on = flag(inst, {"port", "@enabled"}).value_or(true);
  auto secure_on = flag(inst, {"securePort", "@enabled"}).value_or(false);
  if (!port_on && secure_on)
    port = port_text(inst, "securePort");
  r.address = port.empty() ? host : host + ":" + port;
  if (auto z = at(inst, {"dataCenterInfo", "metadata", "availability-zone"}))
    r.zone = scalar(*z);
  else if (auto mz = at(inst, {"metadata", "zone"}))
    r.zone = scalar(*mz);
  return r;
}

bool matches(const instance_row& r, const instance_filter& f) {
  return (f.app.empty() || text::to_lower(r.app) == text::to_lower(f.app))
         && (f.status.empty() || r.status == f.status);
}

} // namespace

std::optional<std::vector<instance_row>> parse_instances(std::string_view apps_json,
                                                         std::string& error) {
  parsed p;
  if (!parse(p, apps_json)) {
    error = "the answer is not JSON";
    return std::nullopt;
  }
  auto apps = member(p.root, "applications");
  if (!apps || !apps->is_object()) {
    error = "the answer has no 'applications' object";
    return std::nullopt;
  }
  std::vector<instance_row> rows;
  for (auto app : elements(member(*apps, "application"))) {
    auto name = str(app, {"name"});
    for (auto inst : elements(member(app, "instance")))
      rows.push_back(row_of(inst, name));
  }
  std::sort(rows.begin(), rows.end(), [](const instance_row& a, const instance_row& b) {
    return std::tie(a.app, a.id) < std::tie(b.app, b.id);
  });
  return rows;
}

table merge_instances(const std::vector<std::string>& node_names,
                      const std::vector<std::optional<std::vector<instance_row>>>& per_node,
                      const instance_filter& filter) {
  auto show_override = [](const std::string& s) { return s == "UNKNOWN" || s.empty() ? "-" : s; };
  table t;
  if (per_node.size() == 1) {
    t.header = {"APP", "ID", "STATUS", "OVERRIDE", "HOST:PORT", "ZONE"};
    if (per_node[0])
      for (const auto& r : *per_node[0])
        if (matches(r, filter))
          t.rows.push_back({cell(r.app), cell(r.id), cell(r.status),
                            cell(show_override(r.overridden_status)), cell(r.address),
                            cell(r.zone.empty() ? "-" : r.zone)});
    return t;
  }
  // (app, id) -> the instance on each node.
  std::map<std::pair<std::string, std::string>, std::vector<const instance_row*>> merged;
  for (size_t n = 0; n < per_node.size(); ++n) {
    if (!per_node[n])
      continue;
    for (const auto& r : *per_node[n]) {
      auto& slot = merged[{r.app, r.id}];
      slot.resize(per_node.size(), nullptr);
      slot[n] = &r;
    }
  }
  t.header = {"", "APP", "ID"};
  for (const auto& name : node_names)
    t.header.push_back(cell(name));
  t.header.insert(t.header.end(), {"OVERRIDE", "HOST:PORT", "ZONE"});
  for (const auto& [key, on_node] : merged) {
    const instance_row* first = nullptr;
    bool any_match = false;
    bool differ = false;
    std::vector<std::string> overrides;
    std::vector<std::string> statuses;
    for (size_t n = 0; n < per_node.size(); ++n) {
      auto* r = on_node[n];
      if (!per_node[n]) {
        statuses.emplace_back("?");
        continue;
      }
      if (!r) {
        statuses.emplace_back("-");
        differ = true;
        continue;
      }
      if (!first)
        first = r;
      any_match = any_match || matches(*r, filter);
      statuses.push_back(cell(r->status));
      differ =
          differ || r->status != first->status || r->overridden_status != first->overridden_status;
      auto o = show_override(r->overridden_status);
      if (std::find(overrides.begin(), overrides.end(), o) == overrides.end())
        overrides.push_back(o);
    }
    if (!first || !any_match)
      continue;
    std::vector<std::string> row{differ ? "!" : "", cell(first->app), cell(first->id)};
    row.insert(row.end(), statuses.begin(), statuses.end());
    row.push_back(cell(fmt::format("{}", fmt::join(overrides, "|"))));
    row.push_back(cell(first->address));
    row.push_back(cell(first->zone.empty() ? "-" : first->zone));
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::optional<std::string> filter_apps_json(std::string_view apps_json,
                                            const instance_filter& filter) {
  parsed p;
  if (!parse(p, apps_json))
    return std::nullopt;
  auto apps = member(p.root, "applications");
  if (!apps || !apps->is_object())
    return std::nullopt;
  if (filter.app.empty() && filter.status.empty())
    return std::string{apps_json};
  dom::object apps_object;
  if (apps->get_object().get(apps_object) != simdjson::SUCCESS)
    return std::nullopt;
  std::string out = "{\"applications\":{";
  bool first_field = true;
  for (auto field : apps_object) {
    if (!first_field)
      out += ',';
    first_field = false;
    codec::detail::append_json_string(out, field.key);
    out += ':';
    if (field.key != "application") {
      out += simdjson::minify(field.value);
      continue;
    }
    out += '[';
    bool first_app = true;
    for (auto app : elements(field.value)) {
      dom::object app_object;
      if (app.get_object().get(app_object) != simdjson::SUCCESS)
        continue;
      auto name = str(app, {"name"});
      std::vector<std::string> kept;
      for (auto inst : elements(member(app, "instance")))
        if (matches(row_of(inst, name), filter))
          kept.push_back(simdjson::minify(inst));
      if (kept.empty())
        continue;
      if (!first_app)
        out += ',';
      first_app = false;
      out += '{';
      bool first_member = true;
      for (auto m : app_object) {
        if (!first_member)
          out += ',';
        first_member = false;
        codec::detail::append_json_string(out, m.key);
        out += ':';
        out += m.key == "instance" ? fmt::format("[{}]", fmt::join(kept, ","))
                                   : simdjson::minify(m.value);
      }
      out += '}';
    }
    out += ']';
  }
  out += "}}";
  return out;
}

// -- views ----------------------------------------------------------------------

std::string format_time(int64_t ms, int64_t now_ms) {
  if (ms <= 0)
    return "-";
  auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  auto diff = (now_ms - ms) / 1000;
  auto magnitude = diff < 0 ? -diff : diff;
  std::string span = magnitude < 120      ? fmt::format("{} s", magnitude)
                     : magnitude < 7200   ? fmt::format("{} min", magnitude / 60)
                     : magnitude < 172800 ? fmt::format("{} h", magnitude / 3600)
                                          : fmt::format("{} d", magnitude / 86400);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}Z ({})", tm, diff < 0 ? "in " + span : span + " ago");
}

std::string error_text(std::string_view body) {
  parsed p;
  if (parse(p, body))
    if (auto e = member(p.root, "error"))
      return log::printable(scalar(*e));
  auto t = text::trim(body);
  return t.empty() ? "(no message)" : log::printable(t);
}

std::string status_view(const std::vector<node_answer>& answers, int64_t now_ms) {
  std::vector<std::optional<key_values>> per_node;
  std::vector<std::string> banners;
  table replicas{{"REPLICA", "KIND", "AVAILABLE"}, {}, {}};
  for (const auto& a : answers) {
    parsed p;
    if (!a.body || !parse(p, *a.body)) {
      per_node.emplace_back();
      continue;
    }
    auto e = p.root;
    key_values kv;
    add_cells(kv, "version", str(e, {"node", "version"}));
    add_cells(kv, "host", fmt::format("{} ({})", str(e, {"node", "host"}), str(e, {"node", "ip"})));
    add_cells(kv, "environment", str(e, {"node", "environment"}));
    add_cells(kv, "uptime", str(e, {"node", "uptime"}));
    add_cells(kv, "started", format_time(num(e, {"node", "started_ms"}), now_ms));
    add_cells(kv, "ready", str(e, {"ready"}));
    add_cells(kv, "applications", str(e, {"registry", "applications"}));
    add_cells(kv, "instances",
              counts_text(e, {"registry", "instances"}, {"registry", "status_counts"}));
    add_cells(kv, "renews last minute / threshold",
              fmt::format("{} / {}", str(e, {"registry", "renews_last_minute"}),
                          str(e, {"registry", "renew_threshold"})));
    auto sp_on = flag(e, {"registry", "self_preservation_enabled"});
    auto sp_active = flag(e, {"registry", "self_preservation_active"});
    add_cells(kv, "self-preservation",
              !sp_on                    ? "-"
              : !*sp_on                 ? "off"
              : sp_active && *sp_active ? "on, ACTIVE (expired leases are kept)"
                                        : "on, not active");
    add_cells(kv, "lease expiration", on_off(flag(e, {"registry", "lease_expiration_enabled"})));
    add_cells(kv, "evictions", str(e, {"registry", "evictions_total"}));
    int available = 0;
    int unavailable = 0;
    for (auto r : elements(member(e, "replicas"))) {
      bool up = flag(r, {"available"}).value_or(false);
      (up ? available : unavailable)++;
      if (answers.size() == 1)
        replicas.rows.push_back({cell(str(r, {"url"})), cell(str(r, {"kind"})), up ? "yes" : "NO"});
    }
    add_cells(kv, "replicas", fmt::format("{} available, {} unavailable", available, unavailable));
    if (auto b = at(e, {"registry", "banner"}); b && b->is_string())
      banners.push_back(fmt::format("{}: {}", a.name, scalar(*b)));
    per_node.emplace_back(std::move(kv));
  }
  std::string out = render(side_by_side(names_of(answers), per_node));
  if (!replicas.rows.empty()) {
    out += '\n';
    out += render(replicas);
  }
  for (const auto& b : banners)
    out += fmt::format("\n{}\n", cell(b));
  return out;
}

std::string actors_view(const std::vector<node_answer>& answers, int64_t now_ms) {
  bool several = answers.size() > 1;
  std::vector<std::optional<key_values>> directory;
  std::vector<std::optional<key_values>> eviction;
  std::vector<std::optional<key_values>> gateway;
  auto with_node = [&](std::vector<std::string> header) {
    if (several)
      header.insert(header.begin(), "NODE");
    return table{std::move(header), {}, {}};
  };
  auto registries =
      with_node({"APP", "LEASES", "UP", "OVERRIDES", "MAILBOX", "MSGS/S", "MSGS TOTAL",
                 "RENEWS/MIN", "REGISTRATIONS", "CANCELS", "EVICTIONS"});
  auto replication = with_node({"PEER", "KIND", "LINK", "QUEUED", "QUEUED BYTES", "IN FLIGHT",
                                "BATCHES", "COALESCED", "FAILURES", "LAG", "LAST ACK"});
  auto requests = with_node({"ROUTE", "CODE", "COUNT"});
  std::vector<std::string> notes;
  for (const auto& a : answers) {
    parsed p;
    if (!a.body || !parse(p, *a.body)) {
      directory.emplace_back();
      eviction.emplace_back();
      gateway.emplace_back();
      continue;
    }
    auto e = p.root;
    auto row = [&](std::vector<std::string> cells) {
      if (several)
        cells.insert(cells.begin(), cell(a.name));
      return cells;
    };
    key_values d;
    if (auto directory_element = member(e, "directory")) {
      auto dir = *directory_element;
      add_cells(d, "applications", str(dir, {"applications"}));
      add_cells(d, "registry actors", str(dir, {"registry_actors"}));
      add_cells(d, "instances", str(dir, {"instances"}));
      add_cells(d, "cached payloads",
                fmt::format("{} ({} bytes)", str(dir, {"cached_payloads"}),
                            str(dir, {"cached_payload_bytes"})));
      add_cells(d, "delta queue",
                fmt::format("{} ({} bytes)", str(dir, {"delta_queue_length"}),
                            str(dir, {"delta_queue_bytes"})));
      add_cells(d, "registrations", str(dir, {"registrations_total"}));
      add_cells(d, "renewals", str(dir, {"renewals_total"}));
      add_cells(d, "cancels", str(dir, {"cancels_total"}));
      add_cells(d, "evictions", str(dir, {"evictions_total"}));
      add_cells(d, "status changes", str(dir, {"status_changes_total"}));
      add_cells(d, "load", load_text(dir));
      add_cells(d, "reader load", load_text(dir, "reader_load"));
    }
    if (auto unanswered = num(e, {"registries_unanswered"}); unanswered > 0)
      notes.push_back(fmt::format("{}: {} registry actors did not answer", a.name, unanswered));
    directory.emplace_back(std::move(d));
    for (auto r : elements(member(e, "registries")))
      registries.rows.push_back(
          row({cell(str(r, {"app"})), str(r, {"instances"}), str(r, {"status_counts", "UP"}),
               str(r, {"overrides"}), str(r, {"load", "mailbox_depth"}),
               str(r, {"load", "messages_per_second"}), str(r, {"load", "messages_total"}),
               str(r, {"renews_last_minute"}), str(r, {"registrations_total"}),
               str(r, {"cancels_total"}), str(r, {"evictions_total"})}));
    key_values ev;
    if (auto x = member(e, "eviction")) {
      add_cells(ev, "last sweep", format_time(num(*x, {"last_sweep_ms"}), now_ms));
      add_cells(ev, "next sweep", format_time(num(*x, {"next_sweep_ms"}), now_ms));
      add_cells(ev, "sweeps", str(*x, {"sweeps_total"}));
      add_cells(ev, "last sweep expired / evicted",
                fmt::format("{} / {}", str(*x, {"last_expired"}), str(*x, {"last_evicted"})));
      add_cells(ev, "evictions", str(*x, {"evictions_total"}));
      add_cells(ev, "leases", str(*x, {"leases"}));
      add_cells(
          ev, "renews last minute / threshold",
          fmt::format("{} / {}", str(*x, {"renews_last_minute"}), str(*x, {"renew_threshold"})));
      add_cells(ev, "lease expiration", on_off(flag(*x, {"lease_expiration_enabled"})));
      add_cells(
          ev, "self-preservation",
          fmt::format("{}{}", on_off(flag(*x, {"self_preservation_enabled"})),
                      flag(*x, {"self_preservation_active"}).value_or(false) ? ", ACTIVE" : ""));
      add_cells(ev, "decision", str(*x, {"decision"}));
      add_cells(ev, "load", load_text(*x));
    }
    eviction.emplace_back(std::move(ev));
    auto repl = member(e, "replication");
    if (!repl || repl->is_null()) {
      if (several)
        replication.rows.push_back(row({"(no peers)"}));
    } else {
      for (auto peer : elements(member(*repl, "peers"))) {
        auto up = flag(peer, {"link_up"}).value_or(false);
        std::string link = up ? "up" : "DOWN";
        if (flag(peer, {"catching_up"}).value_or(false))
          link += ", catching up";
        if (flag(peer, {"paused"}).value_or(false))
          link += ", paused";
        replication.rows.push_back(row(
            {cell(str(peer, {"url"})), cell(str(peer, {"kind"})), link, str(peer, {"queued_items"}),
             str(peer, {"queued_bytes"}), str(peer, {"batches_in_flight"}),
             str(peer, {"batches_sent"}), str(peer, {"heartbeats_coalesced"}),
             str(peer, {"failures"}), ms_text(num(peer, {"lag_ms"}, -1)),
             format_time(num(peer, {"last_ack_ms"}), now_ms)}));
      }
    }
    key_values gw;
    if (auto g = member(e, "gateway")) {
      add_cells(gw, "connections open", str(*g, {"connections_open"}));
      add_cells(gw, "connections accepted / rejected",
                fmt::format("{} / {}", str(*g, {"connections_accepted"}),
                            str(*g, {"connections_rejected"})));
      add_cells(gw, "accepting", str(*g, {"accepting"}));
      add_cells(gw, "bytes received / sent",
                fmt::format("{} / {}", str(*g, {"bytes_received"}), str(*g, {"bytes_sent"})));
      add_cells(gw, "output buffered / pinned bytes",
                fmt::format("{} / {}", str(*g, {"output_buffered_bytes"}),
                            str(*g, {"output_pinned_bytes"})));
      auto reqs = elements(member(*g, "requests"));
      std::stable_sort(reqs.begin(), reqs.end(), [](dom::element x, dom::element y) {
        return num(x, {"count"}) > num(y, {"count"});
      });
      for (auto r : reqs)
        requests.rows.push_back(
            row({cell(str(r, {"route"})), str(r, {"code"}), str(r, {"count"})}));
    }
    gateway.emplace_back(std::move(gw));
  }
  auto names = names_of(answers);
  auto first_numeric = several ? size_t{2} : size_t{1};
  for (size_t i = first_numeric; i < registries.header.size(); ++i)
    registries.right_aligned.push_back(i);
  // QUEUED to LAG.
  for (size_t i = first_numeric + 2; i + 1 < replication.header.size(); ++i)
    replication.right_aligned.push_back(i);
  requests.right_aligned = {requests.header.size() - 1};
  std::string out;
  section(out, "Directory", side_by_side(names, directory));
  section(out, "Registry actors", registries);
  section(out, "Eviction", side_by_side(names, eviction));
  if (replication.rows.empty())
    out += "Replication\n  (no peers)\n\n";
  else
    section(out, "Replication", replication);
  section(out, "Gateway", side_by_side(names, gateway));
  section(out, "Requests", requests);
  for (const auto& n : notes)
    out += cell(n) + "\n";
  while (out.size() > 1 && out.back() == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  return out;
}

std::string instances_view(const std::vector<node_answer>& answers, const instance_filter& filter) {
  std::vector<std::optional<std::vector<instance_row>>> per_node;
  for (const auto& a : answers) {
    std::string error;
    per_node.push_back(a.body ? parse_instances(*a.body, error) : std::nullopt);
  }
  auto t = merge_instances(names_of(answers), per_node, filter);
  if (t.rows.empty())
    return "no instances\n";
  return render(t);
}

std::string instance_view(const std::vector<node_answer>& answers, int64_t now_ms) {
  std::vector<std::optional<key_values>> per_node;
  for (const auto& a : answers) {
    parsed p;
    std::optional<dom::element> inst;
    if (a.body && parse(p, *a.body))
      inst = member(p.root, "instance");
    if (!inst) {
      per_node.emplace_back();
      continue;
    }
    auto e = *inst;
    auto r = row_of(e, "");
    key_values kv;
    add_cells(kv, "app", r.app);
    add_cells(kv, "id", r.id);
    add_cells(kv, "status", r.status);
    add_cells(kv, "override", r.overridden_status);
    add_cells(kv, "host name", str(e, {"hostName"}));
    add_cells(kv, "ip address", str(e, {"ipAddr"}));
    add_cells(kv, "port",
              fmt::format("{} ({})", port_text(e, "port"), on_off(flag(e, {"port", "@enabled"}))));
    add_cells(kv, "secure port",
              fmt::format("{} ({})", port_text(e, "securePort"),
                          on_off(flag(e, {"securePort", "@enabled"}))));
    add_cells(kv, "vip address", str(e, {"vipAddress"}));
    add_cells(kv, "secure vip address", str(e, {"secureVipAddress"}));
    add_cells(kv, "home page", str(e, {"homePageUrl"}));
    add_cells(kv, "status page", str(e, {"statusPageUrl"}));
    add_cells(kv, "health check", str(e, {"healthCheckUrl"}));
    add_cells(kv, "data center", str(e, {"dataCenterInfo", "name"}));
    add_cells(kv, "zone", r.zone.empty() ? "-" : r.zone);
    add_cells(kv, "lease renewal interval", str(e, {"leaseInfo", "renewalIntervalInSecs"}) + " s");
    add_cells(kv, "lease duration", str(e, {"leaseInfo", "durationInSecs"}) + " s");
    add_cells(kv, "registered",
              format_time(num(e, {"leaseInfo", "registrationTimestamp"}), now_ms));
    add_cells(kv, "last renewal",
              format_time(num(e, {"leaseInfo", "lastRenewalTimestamp"}), now_ms));
    add_cells(kv, "evicted", format_time(num(e, {"leaseInfo", "evictionTimestamp"}), now_ms));
    add_cells(kv, "service up", format_time(num(e, {"leaseInfo", "serviceUpTimestamp"}), now_ms));
    add_cells(kv, "last updated", format_time(num(e, {"lastUpdatedTimestamp"}), now_ms));
    add_cells(kv, "last dirty", format_time(num(e, {"lastDirtyTimestamp"}), now_ms));
    add_cells(kv, "action", str(e, {"actionType"}));
    if (auto md = member(e, "metadata")) {
      dom::object o;
      if (md->get_object().get(o) == simdjson::SUCCESS)
        for (auto field : o)
          if (field.key != "@class")
            add_cells(kv, "metadata." + std::string{field.key}, scalar(field.value));
    }
    if (auto md = at(e, {"dataCenterInfo", "metadata"})) {
      dom::object o;
      if (md->get_object().get(o) == simdjson::SUCCESS)
        for (auto field : o)
          add_cells(kv, "dataCenterInfo." + std::string{field.key}, scalar(field.value));
    }
    // Keys are names the client chose: escape them too.
    for (auto& [k, v] : kv)
      k = cell(k);
    per_node.emplace_back(std::move(kv));
  }
  return render(side_by_side(names_of(answers), per_node));
}

std::string json_view(const std::vector<node_answer>& answers,
                      const std::optional<instance_filter>& filter) {
  auto body_of = [&](const node_answer& a) -> std::string {
    std::string out;
    if (!a.body) {
      out = "{\"error\":";
      codec::detail::append_json_string(out, a.problem);
      return out + "}";
    }
    auto b = text::trim(*a.body);
    if (filter)
      if (auto f = filter_apps_json(b, *filter))
        return *f;
    parsed p;
    if (parse(p, b))
      return std::string{b};
    codec::detail::append_json_string(out, b); // not JSON: still valid output
    return out;
  };
  if (answers.size() == 1) {
    if (!answers[0].body)
      return {};
    return body_of(answers[0]) + "\n";
  }
  std::string out = "{";
  for (size_t i = 0; i < answers.size(); ++i) {
    if (i > 0)
      out += ",\n ";
    codec::detail::append_json_string(out, answers[i].url);
    out += ": ";
    out += body_of(answers[i]);
  }
  out += "}\n";
  return out;
}

} // namespace eureka::admin
