// Figures the registry reports about itself (status page, dashboards, logs).
#pragma once

#include <cstdint>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace eureka {

struct registry_stats {
  uint32_t applications = 0;
  uint32_t instances = 0;
  /// Self-preservation figures (contract §3.7 with decisions §3).
  int64_t renews_last_minute = 0;
  int64_t renew_threshold = 0;
  bool lease_expiration_enabled = true;
  bool self_preservation_enabled = true;
  uint64_t evictions_total = 0;
  /// Instances per status, indexed by instance_status's value (the
  /// directory's totals; the admin overview shows them).
  std::vector<uint32_t> status_counts;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registry_stats& x) {
  return f(caf::meta::type_name("eureka.registry_stats"), x.applications, x.instances,
           x.renews_last_minute, x.renew_threshold, x.lease_expiration_enabled,
           x.self_preservation_enabled, x.evictions_total, x.status_counts);
}

} // namespace eureka
