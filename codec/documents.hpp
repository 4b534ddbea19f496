// Assembly of Application / Applications documents from pre-encoded instance
// fragments, so a change re-encodes one instance, not the whole registry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace eureka::codec {

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

} // namespace eureka::codec
