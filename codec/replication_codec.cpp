// ReplicationList / ReplicationListResponse (contract §2.8), read with the
// instance reader's building blocks (json_reader.hpp) so a nested InstanceInfo
// follows the registration-body rules exactly, and written with
// append_instance_json.
#include "codec/replication_codec.hpp"

#include <exception>
#include <limits>
#include <utility>

#include "codec/instance_codec.hpp"
#include "codec/json_reader.hpp"
#include "codec/text.hpp"

namespace eureka::codec {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

/// Parses `body` and returns the array under `root_key` of its root object,
/// or sets `error`. The elements live until this thread's next parse.
bool parse_root_array(std::string_view body, std::string_view root_key, array& out,
                      std::string& error) {
  element doc;
  auto err = detail::json_parser().parse(body.data(), body.size(), true).get(doc);
  if (err != simdjson::SUCCESS) {
    error = "invalid JSON: ";
    error += simdjson::error_message(err);
    return false;
  }
  object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    error = "expected a JSON object";
    return false;
  }
  element list;
  bool found = false;
  for (auto member : root) // unknown fields ignored; a repeated key: the last wins
    if (member.key == root_key) {
      list = member.value;
      found = true;
    }
  if (!found || list.is_null()) {
    error = "field '" + std::string(root_key) + "': missing";
    return false;
  }
  if (list.get_array().get(out) != simdjson::SUCCESS) {
    error = "field '" + std::string(root_key) + "': expected an array";
    return false;
  }
  return true;
}

/// The members of one ReplicationInstance, gathered before any is read,
/// because what an item must carry depends on its action, which Java's sender
/// writes last. A repeated key: the last wins (Jackson).
struct item_fields {
  element app_name;
  element id;
  element last_dirty_timestamp;
  element overridden_status;
  element status;
  element info;
  element action;
  bool has_app_name = false;
  bool has_id = false;
  bool has_last_dirty_timestamp = false;
  bool has_overridden_status = false;
  bool has_status = false;
  bool has_info = false;
  bool has_action = false;

  explicit item_fields(object obj) {
    for (auto member : obj) {
      if (member.value.is_null())
        continue; // Jackson: null creator property
      auto k = member.key;
      auto set = [&](element& e, bool& has) {
        e = member.value;
        has = true;
      };
      if (k == "appName")
        set(app_name, has_app_name);
      else if (k == "id")
        set(id, has_id);
      else if (k == "lastDirtyTimestamp")
        set(last_dirty_timestamp, has_last_dirty_timestamp);
      else if (k == "overriddenStatus")
        set(overridden_status, has_overridden_status);
      else if (k == "status")
        set(status, has_status);
      else if (k == "instanceInfo")
        set(info, has_info);
      else if (k == "action")
        set(action, has_action);
      // Unknown properties are ignored (Java: 400 for the whole body).
    }
  }
};

/// Marks `item` invalid with the first reason given.
void invalid(decoded_replication_item& item, std::string why) {
  if (item.valid) {
    item.valid = false;
    item.error = std::move(why);
  }
}

/// Reads an optional status field into `out`. A malformed value makes the
/// item invalid only when its action `reads` the field; otherwise it is
/// dropped.
void read_status(element e, bool present, std::string_view field, bool reads,
                 caf::optional<instance_status>& out, decoded_replication_item& item) {
  if (!present)
    return;
  std::string error;
  std::string text;
  instance_status s = instance_status::unknown;
  if (!detail::read_json_text(e, field, text, error)) {
    if (reads)
      invalid(item, std::move(error));
  } else if (!parse_status_exact(text, s)) {
    if (reads)
      invalid(item, "field '" + std::string(field) + "': unknown status");
  } else {
    out = s;
  }
}

void read_item(object obj, int64_t now_ms, decoded_replication_item& item) {
  item_fields f(obj);
  std::string error;
  // Identity first, so that even an invalid item says what it was about.
  std::string text;
  bool action_known = false;
  if (!f.has_action) {
    invalid(item, "field 'action': missing");
  } else if (!detail::read_json_text(f.action, "action", text, error)) {
    invalid(item, std::move(error));
  } else if (!parse_replication_action(text, item.action)) {
    invalid(item, "field 'action': unknown action");
  } else {
    action_known = true;
  }
  error.clear();
  if (!f.has_app_name)
    invalid(item, "field 'appName': missing");
  else if (!detail::read_json_text(f.app_name, "appName", text, error))
    invalid(item, std::move(error));
  else if (text.empty())
    invalid(item, "field 'appName': empty");
  else
    item.app = to_upper_ascii(text);
  error.clear();
  if (!f.has_id)
    invalid(item, "field 'id': missing");
  else if (!detail::read_json_text(f.id, "id", item.id, error))
    invalid(item, std::move(error));
  else if (item.id.empty())
    invalid(item, "field 'id': empty");
  if (!action_known)
    return; // nothing more is meaningful

  using act = replication_action;
  const auto a = item.action;
  // What PeerReplicationResource.dispatch reads per action (contract §1.5 E14).
  const bool reads_timestamp =
      a == act::heartbeat || a == act::status_update || a == act::delete_status_override;
  const bool reads_status = a == act::status_update || a == act::delete_status_override;
  const bool reads_overridden = a == act::heartbeat;

  if (f.has_last_dirty_timestamp) {
    error.clear();
    int64_t ts = 0;
    if (detail::read_json_int64(f.last_dirty_timestamp, "lastDirtyTimestamp", ts, error))
      item.last_dirty_timestamp = ts;
    else if (reads_timestamp)
      invalid(item, std::move(error));
  }
  if (a == act::delete_status_override && !item.last_dirty_timestamp)
    invalid(item, "field 'lastDirtyTimestamp': missing"); // Java: NullPointerException
  read_status(f.status, f.has_status, "status", reads_status, item.status, item);
  if (a == act::status_update && !f.has_status)
    invalid(item, "field 'status': missing"); // Java: InstanceStatus.valueOf(null)
  read_status(f.overridden_status, f.has_overridden_status, "overriddenStatus", reads_overridden,
              item.overridden_status, item);

  if (a != act::register_instance)
    return; // instanceInfo is read by Register alone
  if (!f.has_info) {
    invalid(item, "field 'instanceInfo': missing"); // Java: NullPointerException
    return;
  }
  instance_info info;
  error.clear();
  if (!detail::read_json_instance(f.info, now_ms, info, error)) {
    invalid(item, "field 'instanceInfo': " + error);
    return;
  }
  if (!item.valid)
    return;
  if (info.app != item.app) {
    // (Error texts never quote values: they go to logs.)
    invalid(item, "field 'instanceInfo': app differs from appName");
    return;
  }
  if (info.id() != item.id) {
    invalid(item, "field 'instanceInfo': id differs from the item's id");
    return;
  }
  item.info = std::move(info);
}

/// Runs `decode(result)` for untrusted input: any exception becomes a failed
/// result without items (as detail::guarded_decode does for instances).
template <class Result, class Decode>
Result guarded(Decode&& decode) {
  Result result;
  try {
    decode(result);
  } catch (const std::exception& e) {
    result.ok = false;
    result.error = std::string("cannot decode: ") + e.what();
  } catch (...) {
    result.ok = false;
    result.error = "cannot decode";
  }
  if (!result.ok) {
    if (result.error.empty())
      result.error = "cannot decode";
    result.items.clear();
  }
  return result;
}

void key(std::string& out, std::string_view name, bool& first) {
  if (!first)
    out += ',';
  first = false;
  out += '"';
  out += name; // plain ASCII constants
  out += "\":";
}

} // namespace

bool operator==(const decoded_replication_item& a, const decoded_replication_item& b) {
  return static_cast<const replication_item&>(a) == static_cast<const replication_item&>(b)
         && a.valid == b.valid && a.error == b.error;
}

replication_list_result decode_replication_list(std::string_view body, int64_t now_ms,
                                                size_t max_items) {
  return guarded<replication_list_result>([&](replication_list_result& result) {
    array list;
    if (!parse_root_array(body, "replicationList", list, result.error))
      return;
    // simdjson counts up to 0xFFFFFF elements in O(1), then walks the array.
    size_t n = list.size();
    if (n > max_items) {
      result.too_many_items = true;
      result.error = "replicationList has " + std::to_string(n) + " items (at most "
                     + std::to_string(max_items) + ")";
      return;
    }
    result.items.reserve(n);
    for (element e : list) {
      object obj;
      if (e.get_object().get(obj) != simdjson::SUCCESS) {
        result.error =
            "replicationList[" + std::to_string(result.items.size()) + "]: expected an object";
        return;
      }
      read_item(obj, now_ms, result.items.emplace_back());
    }
    result.ok = true;
  });
}

std::string encode_replication_list(const std::vector<replication_item>& items) {
  std::string out;
  out.reserve(32 + items.size() * 160);
  out += "{\"replicationList\":[";
  bool first_item = true;
  for (const auto& x : items) {
    if (!first_item)
      out += ',';
    first_item = false;
    // ReplicationInstance's @JsonCreator order; NON_NULL inclusion.
    out += '{';
    bool first = true;
    key(out, "appName", first);
    detail::append_json_string(out, x.app);
    key(out, "id", first);
    detail::append_json_string(out, x.id);
    if (x.last_dirty_timestamp) {
      key(out, "lastDirtyTimestamp", first);
      detail::append_int(out, *x.last_dirty_timestamp);
    }
    if (x.overridden_status) {
      key(out, "overriddenStatus", first);
      detail::append_json_string(out, to_string(*x.overridden_status));
    }
    if (x.status) {
      key(out, "status", first);
      detail::append_json_string(out, to_string(*x.status));
    }
    if (x.info) {
      key(out, "instanceInfo", first);
      append_instance_json(out, *x.info);
    }
    key(out, "action", first);
    detail::append_json_string(out, to_string(x.action));
    out += '}';
  }
  out += "]}";
  return out;
}

std::string encode_replication_response(const std::vector<replication_result>& items) {
  std::string out;
  out.reserve(32 + items.size() * 20);
  out += "{\"responseList\":[";
  bool first_item = true;
  for (const auto& x : items) {
    if (!first_item)
      out += ',';
    first_item = false;
    out += "{\"statusCode\":";
    detail::append_int(out, x.status_code);
    if (x.entity) {
      out += ",\"responseEntity\":";
      append_instance_json(out, *x.entity);
    }
    out += '}';
  }
  out += "]}";
  return out;
}

replication_response_result decode_replication_response(std::string_view body, int64_t now_ms) {
  return guarded<replication_response_result>([&](replication_response_result& result) {
    array list;
    if (!parse_root_array(body, "responseList", list, result.error))
      return;
    for (element e : list) {
      const auto index = "responseList[" + std::to_string(result.items.size()) + "]";
      object obj;
      if (e.get_object().get(obj) != simdjson::SUCCESS) {
        result.error = index + ": expected an object";
        return;
      }
      auto& item = result.items.emplace_back();
      for (auto member : obj) { // a repeated key: the last wins (Jackson)
        if (member.key == "statusCode") {
          item.status_code = 0; // null: the int's default
          int64_t v = 0;
          std::string error;
          if (member.value.is_null())
            continue;
          if (!detail::read_json_int64(member.value, "statusCode", v, error)
              || v < std::numeric_limits<int32_t>::min()
              || v > std::numeric_limits<int32_t>::max()) {
            result.error = index + ": field 'statusCode': expected an integer";
            return;
          }
          item.status_code = static_cast<int32_t>(v);
        } else if (member.key == "responseEntity") {
          item.entity = caf::none;
          instance_info info;
          std::string error;
          // One that does not decode is dropped: the caller then treats the
          // item as a failure without entity, as for a null one.
          if (!member.value.is_null()
              && detail::read_json_instance(member.value, now_ms, info, error))
            item.entity = std::move(info);
        }
      }
    }
    result.ok = true;
  });
}

} // namespace eureka::codec
