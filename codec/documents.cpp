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

std::string applications_framing::assemble(const std::vector<std::string_view>& parts) const {
  std::string out;
  out.reserve(total_size(parts) + parts.size() * (before_each.size() + between.size()) + head.size()
              + tail.size());
  out += head;
  bool first = true;
  for (auto p : parts) {
    if (!first)
      out += between;
    first = false;
    out += before_each;
    out += p;
  }
  out += tail;
  return out;
}

applications_framing applications_json_framing(std::string_view versions_delta,
                                               std::string_view hashcode) {
  applications_framing f;
  f.head = "{\"applications\":{\"versions__delta\":";
  detail::append_json_string(f.head, versions_delta);
  f.head += ",\"apps__hashcode\":";
  detail::append_json_string(f.head, hashcode);
  f.head += ",\"application\":[";
  f.between = ",";
  f.tail = "]}}";
  return f;
}

std::string applications_json(std::string_view versions_delta, std::string_view hashcode,
                              const std::vector<std::string_view>& application_objects) {
  return applications_json_framing(versions_delta, hashcode).assemble(application_objects);
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

applications_framing applications_xml_framing(std::string_view versions_delta,
                                              std::string_view hashcode) {
  applications_framing f;
  f.head = "<applications>\n  <versions__delta>";
  detail::append_xml_text(f.head, versions_delta);
  f.head += "</versions__delta>\n  <apps__hashcode>";
  detail::append_xml_text(f.head, hashcode);
  f.head += "</apps__hashcode>";
  f.before_each = "\n";
  f.tail = "\n</applications>";
  return f;
}

std::string applications_xml(std::string_view versions_delta, std::string_view hashcode,
                             const std::vector<std::string_view>& application_elements) {
  return applications_xml_framing(versions_delta, hashcode).assemble(application_elements);
}

std::string application_document_xml(std::string_view name,
                                     const std::vector<std::string_view>& xml_instances_depth1) {
  return application_xml(name, xml_instances_depth1, 0);
}

applications_framing applications_json_compact_framing(std::string_view versions_delta,
                                                       std::string_view hashcode) {
  applications_framing f;
  f.head = "{\"applications\":{\"application\":[";
  f.between = ",";
  f.tail = "],\"versions__delta\":";
  detail::append_json_string(f.tail, versions_delta);
  f.tail += ",\"apps__hashcode\":";
  detail::append_json_string(f.tail, hashcode);
  f.tail += "}}";
  return f;
}

std::string applications_json_compact(std::string_view versions_delta, std::string_view hashcode,
                                      const std::vector<std::string_view>& application_objects) {
  return applications_json_compact_framing(versions_delta, hashcode).assemble(application_objects);
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

applications_framing applications_xml_compact_framing(std::string_view versions_delta,
                                                      std::string_view hashcode) {
  applications_framing f;
  f.head = "<applications>";
  f.tail = "<versions__delta>";
  detail::append_jackson_xml_text(f.tail, versions_delta);
  f.tail += "</versions__delta><apps__hashcode>";
  detail::append_jackson_xml_text(f.tail, hashcode);
  f.tail += "</apps__hashcode></applications>";
  return f;
}

std::string applications_xml_compact(std::string_view versions_delta, std::string_view hashcode,
                                     const std::vector<std::string_view>& application_elements) {
  return applications_xml_compact_framing(versions_delta, hashcode).assemble(application_elements);
}

} // namespace eureka::codec
