// Building the views a registry actor publishes (messages/registry_views.hpp)
// and looking instances up in them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "messages/registry_views.hpp"

namespace eureka {

/// Builds a view from records ordered by id (counts derived from them);
/// records in another order are sorted, as find_instance relies on the order.
app_view_ptr make_app_view(std::string name, std::vector<instance_record> instances,
                           string_pairs overrides);

/// The instance `id` of a view (nullptr if absent); a binary search.
const instance_record* find_instance(const app_view& view, std::string_view id);

/// Whether the comma-separated `addresses` (vipAddress, secureVipAddress)
/// name `vip` (entries compared as they are, no trimming: contract §1.2).
bool lists_address(opt_packed_text addresses, std::string_view vip);

} // namespace eureka
