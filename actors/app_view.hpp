// Building the views a registry actor publishes (messages/registry_views.hpp)
// and looking instances up in them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "messages/registry_views.hpp"

namespace eureka {

/// Builds a view from records (counts derived from them), sorted by id as
/// find_instance relies on the order.
app_view_ptr make_app_view(std::string name, std::vector<instance_record> instances,
                           string_pairs overrides);

/// Builds a view from a sequence and its status counts, as a registry actor
/// keeps them between publications (nothing is visited per instance; the
/// order and the counts are checked in debug builds).
app_view_ptr make_app_view(std::string name, record_sequence instances, status_counts counts,
                           string_pairs overrides);

/// The status counts of `records`.
status_counts count_statuses(const record_sequence& records);

/// The instance `id` of a view (nullptr if absent); binary searches.
const instance_record* find_instance(const app_view& view, std::string_view id);

/// Whether the comma-separated `addresses` (vipAddress, secureVipAddress)
/// name `vip` (entries compared as they are, no trimming: contract §1.2).
bool lists_address(opt_packed_text addresses, std::string_view vip);

} // namespace eureka
