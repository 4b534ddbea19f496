// Assembly of Application / Applications documents from pre-encoded instance
// fragments, so a change re-encodes one instance, not the whole registry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace eureka::codec {

/// What surrounds the application parts of an <applications> document: the
/// head, a separator before each part and one between parts, the tail. One
/// home for each form's framing, used both to build a document at once and
/// to send it as pieces (the parts cached per application).
struct applications_framing {
  std::string head;
  std::string_view before_each;
  std::string_view between;
  std::string tail;

  /// head, parts with their separators, tail: the whole document.
  std::string assemble(const std::vector<std::string_view>& parts) const;
};

applications_framing applications_json_framing(std::string_view versions_delta,
                                               std::string_view hashcode);
applications_framing applications_xml_framing(std::string_view versions_delta,
                                              std::string_view hashcode);
applications_framing applications_json_compact_framing(std::string_view versions_delta,
                                                       std::string_view hashcode);
applications_framing applications_xml_compact_framing(std::string_view versions_delta,
                                                      std::string_view hashcode);

/// `{"applications":{"versions__delta":"V","apps__hashcode":"H","application":[...]}}`
/// from per-application `{"name":"APP","instance":[...]}` objects.
std::string applications_json(std::string_view versions_delta, std::string_view hashcode,
                              const std::vector<std::string_view>& application_objects);

/// `{"name":"APP","instance":[i1,i2]}`.
std::string application_object_json(std::string_view name,
                                    const std::vector<std::string_view>& instance_objects);

/// `{"application":{"name":...,"instance":[...]}}`, GET apps/{app}.
std::string application_document_json(std::string_view name,
                                      const std::vector<std::string_view>& instance_objects);

/// `<application>` at depth 1 with instance elements encoded at depth 2.
std::string application_element_xml(std::string_view name,
                                    const std::vector<std::string_view>& xml_instances_depth2);

/// Root `<applications>` document; `application_elements` are depth-1
/// `<application>` elements (each as produced by application_element_xml).
std::string applications_xml(std::string_view versions_delta, std::string_view hashcode,
                             const std::vector<std::string_view>& application_elements);

/// GET apps/{app} as XML: root `<application>` (depth 0) with instances
/// encoded at depth 1.
std::string application_document_xml(std::string_view name,
                                     const std::vector<std::string_view>& xml_instances_depth1);

// -- compact representation (X-Eureka-Accept: compact, contract §2.5) --------
// Jackson's mini codecs: the `application` list comes first, then
// versions__delta and apps__hashcode; XML is one line without indentation.
// Application objects (`{"name":..,"instance":[..]}`) and the JSON GET
// apps/{app} document have the full form's framing: use
// application_object_json / application_document_json with compact instances.

/// `{"applications":{"application":[...],"versions__delta":"V","apps__hashcode":"H"}}`.
std::string applications_json_compact(std::string_view versions_delta, std::string_view hashcode,
                                      const std::vector<std::string_view>& application_objects);

/// `<application><name>APP</name><instance>..</instance>..</application>`, both
/// inside `<applications>` and as the root of GET apps/{app}.
std::string application_xml_compact(std::string_view name,
                                    const std::vector<std::string_view>& xml_instances);

/// `<applications>` + application elements + `<versions__delta>V</versions__delta>
/// <apps__hashcode>H</apps__hashcode></applications>` (no line breaks).
std::string applications_xml_compact(std::string_view versions_delta, std::string_view hashcode,
                                     const std::vector<std::string_view>& application_elements);

} // namespace eureka::codec
