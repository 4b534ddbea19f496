// The registry's figures in Prometheus text format (GET /metrics, after the
// gateway's own): rendered from the directory's and the eviction actor's
// reports (admin_atom, messages/admin_messages.hpp). Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http_gateway/gateway_probe.hpp"
#include "messages/admin_messages.hpp"

namespace eureka::gateway {

/// Every registry metric the node exports, declared once (docs/metrics.md
/// lists them). Dashboards depend on these names: change them only on
/// purpose.
inline constexpr metric_def registry_metrics[] = {
    // From the directory's report.
    {"eureka_registry_applications", "gauge", "Applications with instances"},
    {"eureka_registry_actors", "gauge",
     "Registry actors alive (an empty application's actor lingers until it retires)"},
    {"eureka_registry_instances", "gauge", "Instances, by application and status"},
    {"eureka_registry_registrations_total", "counter",
     "Registrations applied (local and replicated) since the node started, node-wide"},
    {"eureka_registry_renewals_total", "counter",
     "Renewals applied (local and replicated) since the node started, node-wide"},
    {"eureka_registry_cancels_total", "counter",
     "Cancels applied (local and replicated) since the node started, node-wide"},
    {"eureka_registry_evictions_total", "counter",
     "Leases evicted since the node started, node-wide"},
    {"eureka_registry_status_changes_total", "counter",
     "Status and status override changes applied since the node started, node-wide"},
    {"eureka_registry_cached_payloads", "gauge",
     "Read payloads cached until the next change (each format and encoding counts once)"},
    {"eureka_registry_cached_payload_bytes", "gauge", "Bytes of the cached read payloads"},
    {"eureka_registry_delta_queue_length", "gauge",
     "Changes in the recently-changed queue behind GET apps/delta"},
    {"eureka_registry_delta_queue_bytes", "gauge",
     "Encoded bytes of the recently-changed queue behind GET apps/delta"},
    // From the eviction actor's report.
    {"eureka_registry_renewals_last_minute", "gauge",
     "Renewals in the last minute, as the last eviction sweep counted them"},
    {"eureka_registry_renewal_threshold", "gauge",
     "Renewals per minute below which self-preservation keeps expired leases"},
    {"eureka_registry_self_preservation_active", "gauge",
     "1 while self-preservation withholds evictions (renewals at or below the threshold)"},
    {"eureka_registry_lease_expiration_enabled", "gauge",
     "1 while expired leases are evicted (the last sweep's decision)"},
    {"eureka_eviction_last_sweep_timestamp_seconds", "gauge",
     "Unix time of the last completed eviction sweep (0: none yet)"},
    {"eureka_eviction_sweeps_total", "counter", "Eviction sweeps completed"},
    // Both.
    {"eureka_actor_mailbox_depth", "gauge",
     "Messages waiting in an actor's mailbox, by actor (directory, eviction, app_registry with "
     "its app)"},
    {"eureka_actor_messages_total", "counter",
     "Messages an actor handled since it started, by actor (directory, eviction, app_registry "
     "with its app)"},
};

/// Appends `v` as a Prometheus label value (text format 0.0.4, without the
/// quotes): backslash, double quote and line feed escaped; a byte that is
/// not part of well-formed UTF-8 becomes U+FFFD, since Prometheus rejects a
/// scrape whose labels are not UTF-8.
void append_label_value(std::string& out, std::string_view v);

/// The registry metrics of the reports at hand: a null report leaves out
/// the metrics it feeds (samples of the actor metrics included).
std::string render_registry_metrics(const directory_report* directory,
                                    const eviction_report* eviction);

} // namespace eureka::gateway
