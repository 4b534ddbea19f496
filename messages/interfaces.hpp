// The typed interfaces of caf-eureka's actors, declared once: the compiler
// checks every send, every test fake and every remote handle against them.
//
//   gateway ──writes, reads──▶ directory ──delegates writes──▶ app_registry (one per app)
//                              directory ──delegates reads──▶ reader
//   gateway ──heartbeats, batched per app──▶ app_registry (routes the directory publishes)
//   eviction ──pass──▶ directory (apps) ──sweep/evict──▶ app_registry
//   app_registry ──view──▶ reader    app_registry ──counts──▶ directory
//   app_registry ──replicate──▶ replication
//   replication ──batches over BASP──▶ peer's peer_frontend ──writes──▶ its directory
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/admin_messages.hpp"
#include "messages/atoms.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/registry_messages.hpp"
#include "messages/registry_stats.hpp"
#include "messages/registry_views.hpp"

namespace eureka {

/// The replication actor as registry actors and the gateway see it (its
/// timers and link events extend it in cluster/).
using replication_actor = caf::typed_actor<
    // Applied writes and coalesced renewals of one application, with the
    // number of client renewals those heartbeat items stand for.
    caf::reacts_to<replicate_atom, std::vector<replication_item>, uint64_t>,
    caf::replies_to<ready_atom>::with<sync_status>,
    caf::replies_to<peers_atom>::with<std::vector<peer_status>>,
    caf::replies_to<metrics_atom>::with<std::string>>;

/// The registry actor of one application.
using app_registry_actor = caf::typed_actor<
    caf::replies_to<register_cmd>::with<write_reply>, caf::replies_to<renew_cmd>::with<write_reply>,
    caf::replies_to<renew_batch>::with<std::vector<write_reply>>,
    caf::replies_to<cancel_cmd>::with<write_reply>, caf::replies_to<status_cmd>::with<write_reply>,
    caf::replies_to<metadata_cmd>::with<write_reply>,
    caf::replies_to<instance_query>::with<read_reply>,
    caf::replies_to<sweep_atom, int64_t>::with<sweep_report>,
    caf::reacts_to<evict_atom, std::vector<std::string>, int64_t>,
    caf::replies_to<digest_atom>::with<app_digest>, caf::replies_to<export_atom>::with<app_export>,
    caf::reacts_to<expiry_atom, bool>, caf::reacts_to<cluster_atom, replication_actor>,
    caf::reacts_to<refresh_atom>, caf::reacts_to<retire_atom>, caf::reacts_to<flush_atom>,
    caf::reacts_to<relay_atom>, caf::replies_to<admin_atom>::with<app_registry_report>>;

/// Who follows the directory's routing table (the gateway): told the
/// registry actor of each application, and again whenever it changes (an
/// invalid handle when the application has none any more).
using route_subscriber_actor =
    caf::typed_actor<caf::reacts_to<routes_atom, std::string, app_registry_actor>>;

/// The reader: holds the views the registry actors publish and serves every
/// registry-wide read from them, so no read, however large, waits in the
/// mailbox of anything that writes. Follows the directory's routing table
/// (a view counts only from the application's current registry actor).
using reader_actor = caf::typed_actor<caf::reacts_to<view_atom, app_view_update>,
                                      caf::reacts_to<routes_atom, std::string, app_registry_actor>,
                                      caf::replies_to<read_query>::with<read_reply>,
                                      caf::replies_to<instance_query>::with<read_reply>,
                                      caf::replies_to<overrides_atom>::with<string_pairs>,
                                      caf::replies_to<stats_atom>::with<registry_stats>,
                                      caf::reacts_to<figures_atom, registry_stats>,
                                      caf::reacts_to<retain_atom>, caf::reacts_to<refresh_atom>,
                                      caf::replies_to<admin_atom>::with<reader_report>>;

/// The directory: admits and routes writes, hands reads to the reader.
using directory_actor = caf::typed_actor<
    caf::replies_to<register_cmd>::with<write_reply>, caf::replies_to<renew_cmd>::with<write_reply>,
    caf::replies_to<renew_batch>::with<std::vector<write_reply>>,
    caf::replies_to<cancel_cmd>::with<write_reply>, caf::replies_to<status_cmd>::with<write_reply>,
    caf::replies_to<metadata_cmd>::with<write_reply>, caf::reacts_to<handback_atom, register_cmd>,
    caf::reacts_to<view_atom, app_view_count>, caf::replies_to<read_query>::with<read_reply>,
    caf::replies_to<instance_query>::with<read_reply>,
    caf::replies_to<overrides_atom>::with<string_pairs>,
    caf::replies_to<stats_atom>::with<registry_stats>, caf::reacts_to<figures_atom, registry_stats>,
    caf::replies_to<apps_atom>::with<std::vector<app_registry_actor>>,
    caf::replies_to<digest_atom>::with<registry_digest>,
    caf::replies_to<export_atom, std::vector<std::string>>::with<registry_export>,
    caf::reacts_to<cluster_atom, replication_actor>, caf::reacts_to<retain_atom>,
    caf::reacts_to<refresh_atom>, caf::replies_to<admin_atom>::with<directory_report>,
    // A gateway subscribing to the routing table (routes_atom).
    caf::reacts_to<routes_atom, route_subscriber_actor>,
    // A retiring registry actor's final report: its write counters stay in
    // the node-wide totals.
    caf::reacts_to<handback_atom, app_registry_report>>;

/// The eviction actor (driven by its own timer).
using eviction_actor =
    caf::typed_actor<caf::reacts_to<pass_atom>, caf::replies_to<admin_atom>::with<eviction_report>>;

/// What a caf-eureka node publishes on its BASP port for its peers.
using peer_frontend_actor =
    caf::typed_actor<caf::replies_to<peer_hello>::with<peer_welcome>,
                     caf::replies_to<replication_batch>::with<replication_ack>,
                     caf::replies_to<digest_atom>::with<registry_digest>,
                     caf::replies_to<export_atom, std::vector<std::string>>::with<registry_export>>;

/// Where a node's peer_frontend hands the frontends its callers offer: the
/// replication actor of the same node. The frontend introduces itself first
/// (frontend_atom): hellos carry it to peers.
using peer_offer_actor = caf::typed_actor<caf::reacts_to<peer_offer>,
                                          caf::reacts_to<frontend_atom, peer_frontend_actor>>;

} // namespace eureka
