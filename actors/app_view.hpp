// Building the views a registry actor publishes (messages/registry_views.hpp)
// and the application-level documents the directory serves from them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "messages/registry_views.hpp"

namespace eureka {

/// Encodes an instance snapshot in every form the read paths need.
encoded_instance_ptr encode_instance(const instance_info& snapshot);

/// Builds a view from encoded instances ordered by id (counts derived from
/// them); instances in another order are sorted, as find_instance relies on
/// the order.
app_view_ptr make_app_view(std::string name, std::vector<encoded_instance_ptr> instances,
                           string_pairs overrides);

/// The instance `id` of a view (nullptr if absent); a binary search.
const encoded_instance* find_instance(const app_view& view, const std::string& id);

/// Application-level documents of a view, built by the directory when a
/// read first needs them (writes never pay for them).
struct app_documents {
  /// `{"name":..,"instance":[..]}` for <applications>.
  std::string json_object;
  /// `<application>` at depth 1.
  std::string xml_element;
  /// GET apps/{app} bodies.
  shared_body json_document;
  shared_body xml_document;
};

app_documents make_app_documents(const app_view& view);

/// The same documents in the compact representation (built separately, so a
/// full read never pays for them; `xml_element` and `xml_document` are then
/// the same bytes).
app_documents make_app_documents_compact(const app_view& view);

} // namespace eureka
