// GET apps (JSON) of a Java peer, for start-up sync: the Java client's
// Applications/Application deserializers' structure, each instance through the
// registration-body reader (json_reader.hpp).
#include "codec/applications_reader.hpp"

#include <exception>
#include <utility>

#include "codec/json_reader.hpp"

namespace eureka::codec {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

class applications_reader {
public:
  applications_reader(applications_decode_result& result, int64_t now_ms, size_t max_instances)
      : result_(result), now_ms_(now_ms), max_instances_(max_instances) {}

  bool document(element doc) {
    object root;
    element apps;
    if (doc.get_object().get(root) != simdjson::SUCCESS
        || root.at_key("applications").get(apps) != simdjson::SUCCESS)
      return fail("expected {\"applications\":{...}}");
    object apps_obj;
    if (apps.get_object().get(apps_obj) != simdjson::SUCCESS)
      return fail("field 'applications': expected an object");
    for (auto member : apps_obj) {
      if (member.key != "application")
        continue; // versions__delta, apps__hashcode, unknown fields
      if (!one_or_many(member.value, "application",
                       [this](element app) { return application(app); }))
        return false;
    }
    return true;
  }

private:
  bool fail(std::string why) {
    result_.error = std::move(why);
    return false;
  }

  /// An array of entries or a single object entry; anything else (null, a
  /// scalar) holds none, as in Java's deserializers.
  template <class F>
  bool one_or_many(element e, std::string_view field, F&& each) {
    switch (e.type()) {
    case element_type::ARRAY: {
      array list;
      if (e.get_array().get(list) != simdjson::SUCCESS)
        return fail("field '" + std::string(field) + "': bad array");
      for (element x : list)
        if (!each(x))
          return false;
      return true;
    }
    case element_type::OBJECT:
      return each(e);
    default:
      return true;
    }
  }

  bool application(element e) {
    object app;
    if (e.get_object().get(app) != simdjson::SUCCESS)
      return fail("field 'application': expected an object");
    for (auto member : app) {
      if (member.key != "instance")
        continue; // name (each instance carries its own app), unknown fields
      if (!one_or_many(member.value, "instance", [this](element x) { return instance(x); }))
        return false;
    }
    return true;
  }

  bool instance(element e) {
    if (++seen_ > max_instances_)
      return fail("more than " + std::to_string(max_instances_) + " instances");
    instance_info info;
    std::string error;
    if (detail::read_json_instance(e, now_ms_, info, error)) {
      result_.instances.push_back(std::move(info));
    } else {
      if (result_.skipped++ == 0)
        result_.first_skip_error = std::move(error);
    }
    return true;
  }

  applications_decode_result& result_;
  int64_t now_ms_;
  size_t max_instances_;
  size_t seen_ = 0;
};

} // namespace

applications_decode_result decode_applications_json(std::string_view body, int64_t now_ms,
                                                    size_t max_instances) {
  applications_decode_result result;
  try {
    element doc;
    auto err = detail::json_parser().parse(body.data(), body.size(), true).get(doc);
    if (err != simdjson::SUCCESS) {
      result.error = "invalid JSON: ";
      result.error += simdjson::error_message(err);
    } else {
      result.ok = applications_reader(result, now_ms, max_instances).document(doc);
    }
  } catch (const std::exception& e) {
    result.ok = false;
    result.error = std::string("cannot decode: ") + e.what();
  } catch (...) {
    result.ok = false;
    result.error = "cannot decode";
  }
  if (!result.ok) {
    result.instances.clear();
    result.skipped = 0;
    result.first_skip_error.clear();
  }
  return result;
}

} // namespace eureka::codec
