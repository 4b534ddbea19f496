// Application / Applications documents (contract §2.4, §2.6, §2.7), assembled
// from pre-encoded instance fragments. The XML framing reproduces what
// PrettyPrintWriter would write around those fragments.
#include "codec/documents.hpp"

#include "codec/text.hpp"

namespace eureka::codec {

namespace {

size_t total_size(const std::vector<std::string_view>& parts) {
  size_t n = 0;
  for (auto p : parts)
    n += p.size() + 1;
  return n;
}

void join(std::string& out, const std::vector<std::string_view>& parts, std::string_view sep) {
  bool first = true;
  for (auto p : parts) {
    if (!first)
      out += sep;
    first = false;
    out += p;
  }
}

void append_application_object(std::string& out, std::string_view name,
                               const std::vector<std::string_view>& instance_objects) {
  out += "{\"name\":";
  detail::append_json_string(out, name);
  out += ",\"instance\":[";
  join(out, instance_objects, ",");
  out += "]}";
}

/// `<application>` with `<name>`, opening tag at `depth`; instances must be
/// encoded at depth + 1.
std::string application_xml(std::string_view name, const std::vector<std::string_view>& instances,
                            int depth) {
  std::string indent(static_cast<size_t>(depth) * 2, ' ');
  std::string out;
  out.reserve(total_size(instances) + name.size() + 64);
  out += indent;
  out += "<application>\n";
  out += indent;
  out += "  <name>";
  detail::append_xml_text(out, name);
  out += "</name>";
  for (auto i : instances) {
    out += '\n';
    out += i;
  }
  out += '\n';
  out += indent;
  out += "</application>";
  return out;
}

} // namespace

std::string applications_json(std::string_view versions_delta, std::string_view hashcode,
                              const std::vector<std::string_view>& application_objects) {
  std::string out;
  out.reserve(total_size(application_objects) + 96);
  out += "{\"applications\":{\"versions__delta\":";
  detail::append_json_string(out, versions_delta);
  out += ",\"apps__hashcode\":";
  detail::append_json_string(out, hashcode);
  out += ",\"application\":[";
  join(out, application_objects, ",");
  out += "]}}";
  return out;
}

std::string application_object_json(std::string_view name,
                                    const std::vector<std::string_view>& instance_objects) {
  std::string out;
  out.reserve(total_size(instance_objects) + name.size() + 32);
  append_application_object(out, name, instance_objects);
  return out;
}

std::string application_document_json(std::string_view name,
                                      const std::vector<std::string_view>& instance_objects) {
  std::string out;
  out.reserve(total_size(instance_objects) + name.size() + 48);
  out += "{\"application\":";
  append_application_object(out, name, instance_objects);
  out += '}';
  return out;
}

std::string application_element_xml(std::string_view name,
                                    const std::vector<std::string_view>& xml_instances_depth2) {
  return application_xml(name, xml_instances_depth2, 1);
}

std::string applications_xml(std::string_view versions_delta, std::string_view hashcode,
                             const std::vector<std::string_view>& application_elements) {
  std::string out;
  out.reserve(total_size(application_elements) + 128);
  out += "<applications>\n  <versions__delta>";
  detail::append_xml_text(out, versions_delta);
  out += "</versions__delta>\n  <apps__hashcode>";
  detail::append_xml_text(out, hashcode);
  out += "</apps__hashcode>";
  for (auto a : application_elements) {
    out += '\n';
    out += a;
  }
  out += "\n</applications>";
  return out;
}

std::string application_document_xml(std::string_view name,
                                     const std::vector<std::string_view>& xml_instances_depth1) {
  return application_xml(name, xml_instances_depth1, 0);
}

std::string applications_json_compact(std::string_view versions_delta, std::string_view hashcode,
                                      const std::vector<std::string_view>& application_objects) {
  std::string out;
  out.reserve(total_size(application_objects) + 96);
  out += "{\"applications\":{\"application\":[";
  join(out, application_objects, ",");
  out += "],\"versions__delta\":";
  detail::append_json_string(out, versions_delta);
  out += ",\"apps__hashcode\":";
  detail::append_json_string(out, hashcode);
  out += "}}";
  return out;
}

std::string application_xml_compact(std::string_view name,
                                    const std::vector<std::string_view>& xml_instances) {
  std::string out;
  out.reserve(total_size(xml_instances) + name.size() + 48);
  out += "<application><name>";
  detail::append_jackson_xml_text(out, name);
  out += "</name>";
  join(out, xml_instances, "");
  out += "</application>";
  return out;
}

std::string applications_xml_compact(std::string_view versions_delta, std::string_view hashcode,
                                     const std::vector<std::string_view>& application_elements) {
  std::string out;
  out.reserve(total_size(application_elements) + 128);
  out += "<applications>";
  join(out, application_elements, "");
  out += "<versions__delta>";
  detail::append_jackson_xml_text(out, versions_delta);
  out += "</versions__delta><apps__hashcode>";
  detail::append_jackson_xml_text(out, hashcode);
  out += "</apps__hashcode></applications>";
  return out;
}

} // namespace eureka::codec
