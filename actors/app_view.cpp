#include "actors/app_view.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "codec/documents.hpp"
#include "codec/instance_codec.hpp"

namespace eureka {

namespace {

std::vector<std::string> split_commas(const opt_string& text) {
  std::vector<std::string> out;
  if (!text)
    return out;
  std::string_view rest{*text};
  for (;;) {
    auto pos = rest.find(',');
    out.emplace_back(rest.substr(0, pos));
    if (pos == std::string_view::npos)
      break;
    rest.remove_prefix(pos + 1);
  }
  return out;
}

} // namespace

encoded_instance_ptr encode_instance(const instance_info& snapshot) {
  auto out = std::make_shared<encoded_instance>();
  out->id = snapshot.id();
  out->status = snapshot.status;
  codec::append_instance_json(out->json, snapshot);
  codec::append_instance_xml(out->xml_depth2, snapshot, 2);
  codec::append_instance_xml(out->xml_depth1, snapshot, 1);
  codec::append_instance_json_compact(out->json_compact, snapshot);
  codec::append_instance_xml_compact(out->xml_compact, snapshot);
  out->vips = split_commas(snapshot.vip_address);
  out->svips = split_commas(snapshot.secure_vip_address);
  return out;
}

app_view_ptr make_app_view(std::string name, std::vector<encoded_instance_ptr> instances,
                           string_pairs overrides) {
  auto view = std::make_shared<app_view>();
  view->name = std::move(name);
  view->instances = std::move(instances);
  auto by_id = [](const encoded_instance_ptr& a, const encoded_instance_ptr& b) {
    return a->id < b->id;
  };
  if (!std::is_sorted(view->instances.begin(), view->instances.end(), by_id))
    std::sort(view->instances.begin(), view->instances.end(), by_id);
  view->overrides = std::move(overrides);
  for (const auto& i : view->instances)
    view->counts.add(i->status);
  return view;
}

const encoded_instance* find_instance(const app_view& view, const std::string& id) {
  auto it = std::lower_bound(
      view.instances.begin(), view.instances.end(), id,
      [](const encoded_instance_ptr& i, const std::string& key) { return i->id < key; });
  return it != view.instances.end() && (*it)->id == id ? it->get() : nullptr;
}

app_documents make_app_documents(const app_view& view) {
  app_documents out;
  std::vector<std::string_view> json, xml2, xml1;
  json.reserve(view.instances.size());
  xml2.reserve(view.instances.size());
  xml1.reserve(view.instances.size());
  for (const auto& i : view.instances) {
    json.emplace_back(i->json);
    xml2.emplace_back(i->xml_depth2);
    xml1.emplace_back(i->xml_depth1);
  }
  out.json_object = codec::application_object_json(view.name, json);
  out.xml_element = codec::application_element_xml(view.name, xml2);
  out.json_document =
      std::make_shared<const std::string>(codec::application_document_json(view.name, json));
  out.xml_document =
      std::make_shared<const std::string>(codec::application_document_xml(view.name, xml1));
  return out;
}

app_documents make_app_documents_compact(const app_view& view) {
  app_documents out;
  std::vector<std::string_view> json, xml;
  json.reserve(view.instances.size());
  xml.reserve(view.instances.size());
  for (const auto& i : view.instances) {
    json.emplace_back(i->json_compact);
    xml.emplace_back(i->xml_compact);
  }
  out.json_object = codec::application_object_json(view.name, json);
  out.xml_element = codec::application_xml_compact(view.name, xml);
  out.json_document =
      std::make_shared<const std::string>(codec::application_document_json(view.name, json));
  out.xml_document = std::make_shared<const std::string>(out.xml_element);
  return out;
}

} // namespace eureka
