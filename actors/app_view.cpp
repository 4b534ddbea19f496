#include "actors/app_view.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace eureka {

namespace {

bool by_id(const instance_record& a, const instance_record& b) {
  return a.id() < b.id();
}

} // namespace

app_view_ptr make_sorted_app_view(std::string name, std::vector<instance_record> instances,
                                  string_pairs overrides) {
  assert(std::is_sorted(instances.begin(), instances.end(), by_id));
  auto view = std::make_shared<app_view>();
  view->name = std::move(name);
  view->instances = std::move(instances);
  view->overrides = std::move(overrides);
  for (const auto& i : view->instances)
    view->counts.add(i.status());
  return view;
}

app_view_ptr make_app_view(std::string name, std::vector<instance_record> instances,
                           string_pairs overrides) {
  if (!std::is_sorted(instances.begin(), instances.end(), by_id))
    std::sort(instances.begin(), instances.end(), by_id);
  return make_sorted_app_view(std::move(name), std::move(instances), std::move(overrides));
}

const instance_record* find_instance(const app_view& view, std::string_view id) {
  auto it =
      std::lower_bound(view.instances.begin(), view.instances.end(), id,
                       [](const instance_record& i, std::string_view key) { return i.id() < key; });
  return it != view.instances.end() && it->id() == id ? &*it : nullptr;
}

bool lists_address(opt_packed_text addresses, std::string_view vip) {
  if (!addresses)
    return false;
  std::string_view rest = *addresses;
  for (;;) {
    auto pos = rest.find(',');
    if (rest.substr(0, pos) == vip)
      return true;
    if (pos == std::string_view::npos)
      return false;
    rest.remove_prefix(pos + 1);
  }
}

} // namespace eureka
