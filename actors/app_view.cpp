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

status_counts count_statuses(const record_sequence& records) {
  status_counts counts;
  for (const auto& i : records)
    counts.add(i.status());
  return counts;
}

app_view_ptr make_app_view(std::string name, record_sequence instances, status_counts counts,
                           string_pairs overrides) {
  assert(instances.well_formed());
  assert(count_statuses(instances).by_status == counts.by_status);
  auto view = std::make_shared<app_view>();
  view->name = std::move(name);
  view->instances = std::move(instances);
  view->counts = counts;
  view->overrides = std::move(overrides);
  return view;
}

app_view_ptr make_app_view(std::string name, std::vector<instance_record> instances,
                           string_pairs overrides) {
  if (!std::is_sorted(instances.begin(), instances.end(), by_id))
    std::sort(instances.begin(), instances.end(), by_id);
  auto sequence = record_sequence::from_sorted(std::move(instances));
  auto counts = count_statuses(sequence);
  return make_app_view(std::move(name), std::move(sequence), counts, std::move(overrides));
}

const instance_record* find_instance(const app_view& view, std::string_view id) {
  return view.instances.find(id);
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
