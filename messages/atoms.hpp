// Atoms of caf-eureka, declared once. CAF 0.17 limits atom text to 10 chars.
// Each atom has one meaning: a request and a one-way message never share
// one (messages/interfaces.hpp lists who sends what to whom).
#pragma once

#include <caf/atom.hpp>

namespace eureka {

// -- registry actors ----------------------------------------------------------

/// Request (eviction → registry actor, with the compensation in ms): expired
/// leases and figures (sweep_report).
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
/// One-way (eviction → registry actor): evict these ids.
using evict_atom = caf::atom_constant<caf::atom("evict")>;
/// One-way (registry actor → itself): publish the pending changes.
using flush_atom = caf::atom_constant<caf::atom("flush")>;
/// One-way (registry actor → itself): relay the renewals of the last tick.
using relay_atom = caf::atom_constant<caf::atom("relay")>;
/// One-way (directory → registry actor): lease expiration on or off.
using expiry_atom = caf::atom_constant<caf::atom("expiry")>;
/// One-way (directory → registry actor): nothing is routed here any more;
/// answer what is queued, then quit.
using retire_atom = caf::atom_constant<caf::atom("retire")>;
/// One-way (registry actor → directory): an instance handed back by a
/// registry actor told to retire while it still held instances, and its
/// final report as it retires (app_registry_report: its write counters).
using handback_atom = caf::atom_constant<caf::atom("handback")>;

// -- directory ----------------------------------------------------------------

/// One-way (registry actor → directory): a new view of an application.
using view_atom = caf::atom_constant<caf::atom("view")>;
/// Request: the registry figures (registry_stats).
using stats_atom = caf::atom_constant<caf::atom("stats")>;
/// One-way (eviction → directory): the figures of the last eviction pass.
using figures_atom = caf::atom_constant<caf::atom("figures")>;
/// Request: the status override map (E17).
using overrides_atom = caf::atom_constant<caf::atom("overrides")>;
/// One-way (gateway → directory, with the gateway's handle): send me the
/// routing table. The directory answers with one `routes_atom` message per
/// application at once and again whenever a registry actor starts or stops
/// (directory → gateway: the application's name and its registry actor, an
/// invalid handle when it has none any more).
using routes_atom = caf::atom_constant<caf::atom("routes")>;
/// Request: the registry actors routed to.
using apps_atom = caf::atom_constant<caf::atom("apps")>;
/// One-way timers of the directory (and its tick to every registry actor):
/// response-cache refresh, and delta retention.
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using retain_atom = caf::atom_constant<caf::atom("retain")>;

// -- admin --------------------------------------------------------------------

/// Request (gateway → directory, eviction; directory → registry actor): the
/// actor's report for the admin console and /metrics (directory_report,
/// eviction_report, app_registry_report; messages/admin_messages.hpp).
using admin_atom = caf::atom_constant<caf::atom("admin")>;

// -- eviction -----------------------------------------------------------------

/// One-way (eviction → itself): start an eviction pass.
using pass_atom = caf::atom_constant<caf::atom("pass")>;

// -- cluster ------------------------------------------------------------------

/// Request: a digest of applications (registry_digest / app_digest).
using digest_atom = caf::atom_constant<caf::atom("digest")>;
/// Request: instances of applications (registry_export / app_export).
using export_atom = caf::atom_constant<caf::atom("export")>;
/// One-way (registry actor → replication): applied writes to replicate.
using replicate_atom = caf::atom_constant<caf::atom("replicate")>;
/// One-way (node → directory): the replication actor to publish to.
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;
/// Request: whether the node is ready (start-up sync done) (sync_status).
using ready_atom = caf::atom_constant<caf::atom("ready")>;
/// Request (→ replication): every peer and its link (peer_status).
using peers_atom = caf::atom_constant<caf::atom("peers")>;
/// Request: Prometheus text of an actor's figures.
using metrics_atom = caf::atom_constant<caf::atom("metrics")>;
/// Requests to a peer's HTTP worker: what the peer is (GET {base}cluster/
/// node), its full registry (GET {base}apps/), and a replication batch
/// (POST {base}peerreplication/batch/).
using discover_atom = caf::atom_constant<caf::atom("discover")>;
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
using batch_atom = caf::atom_constant<caf::atom("batch")>;
/// One-way timers of the replication actor: the heartbeat tick, another
/// attempt to reach a peer, and the bound of the start-up sync.
using beat_atom = caf::atom_constant<caf::atom("beat")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
/// One-way timer of the replication actor: the grace period for a peer's
/// hello is over (cluster/replication_rules.hpp, link_plan).
using grace_atom = caf::atom_constant<caf::atom("grace")>;
/// One-way (peer_frontend → replication, same node): this node's frontend.
using frontend_atom = caf::atom_constant<caf::atom("frontend")>;
/// One-way timer of a node's own registration (register-with-eureka): renew.
using selfrenew_atom = caf::atom_constant<caf::atom("selfrenew")>;

} // namespace eureka
