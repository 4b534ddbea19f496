// The registry as reads see it: the latest view of every application, the
// delta queue, and the payloads built from them. Pure (no actors, time
// passed in): the reader actor (actors/reader.hpp) holds one and answers
// every registry-wide read from it.
//
// Nothing is encoded ahead of a read. A read encodes each application in
// the one form it asks for (JSON or XML, full or compact) and keeps that
// part until the application changes; a gzip read keeps each application's
// part deflated on its own (codec/gzip_stream.hpp) and, unless a plain read
// also asked, not its plain bytes. A full registry is then its framing plus
// the parts, sent as pieces (response_body): after one change, one
// application is encoded and compressed again, whatever the registry's size.
//
// Plain parts are large (a full XML registry is ~1.5 KB per instance) and
// rarely read (clients ask for gzip), so they are kept within a byte budget
// (registry_config::max_plain_cache_bytes, all forms together): beyond it
// the least recently used leave, and a read encodes those it misses for its
// response only (the response's pieces go once it is sent). A full plain
// registry is kept as a payload only while every part it holds is kept, and
// the read-only cache (decisions.md §2) keeps its plain one as the views it
// showed, not as bytes: no payload keeps plain parts alive beyond the
// budget. Gzip segments are a few % of the plain bytes and stay as they are.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/app_view.hpp"
#include "codec/gzip_stream.hpp"
#include "messages/admin_messages.hpp"
#include "messages/registry_messages.hpp"
#include "messages/registry_views.hpp"
#include "registry/delta_queue.hpp"
#include "registry/hashcode.hpp"
#include "registry/registry_config.hpp"

namespace eureka {

/// A payload with its gzip form, each computed on first demand.
struct cached_payload {
  /// The payload exists (the read's outcome was ok).
  bool present = false;
  response_body plain;
  response_body gzipped;
};

/// The forms of an application in a payload: JSON or XML, full or compact.
enum class payload_form : uint8_t { json, xml, json_compact, xml_compact };
inline constexpr size_t payload_form_count = 4;

/// The apps__hashcode of a delta served while the delta queue is incomplete
/// (its byte budget pushed changes out early). No registry has it (a real
/// one lists STATUS_count_ pairs of known statuses), so every client that
/// reconciles (Java, Spring, Python, Steeltoe) finds a mismatch and fetches
/// the full registry instead of missing the changes that were pushed out.
inline constexpr std::string_view incomplete_delta_hashcode = "INCOMPLETE_DELTA_0_";

/// Most cache entries kept per cache before it is reset (VIP names come
/// from requests: the bound keeps memory bounded).
inline constexpr size_t max_cached_payloads = 1024;

class read_model {
public:
  explicit read_model(const registry_config& cfg);

  read_model(const read_model&) = delete;
  read_model& operator=(const read_model&) = delete;

  // -- changes -----------------------------------------------------------------

  /// A registry actor's publication: its view replaces the application's
  /// (and what was built from it), its delta records join the queue.
  void apply(app_view_update& update);

  /// Forgets the view of `app` (its actor retired or failed).
  void drop(const std::string& app);

  /// Drops delta entries older than `cutoff_ms`; returns how many.
  size_t retain(int64_t cutoff_ms);

  /// The read-only cache's tick (decisions.md §2 switch): each key served
  /// since takes what a read would now get.
  void refresh_read_only(int64_t cutoff_ms);

  // -- reads -------------------------------------------------------------------

  /// The payload of `q`. `cutoff_ms`: now minus the delta retention (a
  /// delta is complete only if nothing younger was pushed out).
  read_reply read(const read_query& q, int64_t cutoff_ms);

  /// The application holding instance `id` (the first by name if several
  /// do), or "" (GET instances/{id}): by index, not by scan.
  std::string app_of(std::string_view id) const;

  /// Every application's override entries, by application.
  string_pairs overrides() const;

  const status_counts& totals() const { return totals_; }

  /// Applications with at least one instance.
  uint32_t applications() const;

  /// The read figures of the admin report: applications, instances, cached
  /// payloads, delta queue length and bytes.
  void report(reader_report& r) const;

  /// Bytes of the plain parts kept (at most max_plain_cache_bytes).
  uint64_t plain_cache_bytes() const { return plain_bytes_; }

private:
  /// Whether `app`'s view holds instance `id`.
  bool holds(const std::string& app, std::string_view id) const;
  struct app_entry;
  /// A kept plain part: its application and form.
  using plain_key = std::pair<app_entry*, payload_form>;

  /// One application in one form, as much of it as reads asked for.
  struct part {
    /// Kept within the plain budget; then `lru` is its place in plain_lru_
    /// and `used` the read that last used it.
    shared_body plain;
    codec::deflate_segment_ptr gz;
    std::list<plain_key>::iterator lru;
    uint64_t used = 0;
  };

  struct app_entry {
    app_view_ptr view;
    std::shared_ptr<const std::string> name;
    std::array<part, payload_form_count> parts;
    /// GET apps/{app} in each form.
    std::array<cached_payload, payload_form_count> documents;
  };

  /// A full plain registry as the read-only cache showed it: its
  /// applications' views (encoded again, or taken from their kept parts
  /// while current, on each read) instead of bytes that would keep parts
  /// alive beyond the plain budget.
  struct plain_snapshot {
    std::string hash;
    std::vector<std::pair<std::shared_ptr<const std::string>, app_view_ptr>> apps;
  };

  struct read_only_entry {
    read_query q;
    cached_payload p;
    /// All applications, plain: the registry as of the last refresh.
    std::unique_ptr<plain_snapshot> plain;
  };

  read_outcome compute(const read_query& q, int64_t cutoff_ms, response_body& out,
                       bool& worth_caching);
  cached_payload* current(const read_query& q, const std::string& key, int64_t cutoff_ms,
                          read_outcome& outcome, cached_payload& scratch);
  read_reply serve(const read_query& q, read_outcome outcome, cached_payload& p);
  response_body fill(const read_query& q, cached_payload& p);
  response_body full_registry(payload_form f, bool gzip, bool* complete = nullptr);
  response_body plain_registry(payload_form f, const plain_snapshot& s);
  std::unique_ptr<plain_snapshot> snapshot() const;
  read_reply serve_read_only(read_only_entry& entry);
  const codec::deflate_segment_ptr& gz_part(app_entry& e, payload_form f);
  shared_body plain_part(app_entry& e, payload_form f, bool& kept);
  bool keep_plain(app_entry& e, payload_form f, const shared_body& bytes);
  void touch_plain(payload_form f);
  void forget_plain(app_entry& e);
  cached_payload& document_of(app_entry& e, payload_form f);
  void reindex(const app_entry& e, const app_view_update& update);
  void unindex(const std::string* app, std::string_view id);

  registry_config cfg_;
  /// Latest view per application, ordered by name.
  std::map<std::string, app_entry, std::less<>> apps_;
  status_counts totals_;
  delta_queue changes_;
  int64_t delta_version_ = 0;
  /// Current payloads by read key (full registry, delta), dropped on every
  /// change; VIP/SVIP reads apart and bounded: their keys come from requests
  /// and must not push the hot payloads out.
  std::unordered_map<std::string, cached_payload> cache_;
  std::unordered_map<std::string, cached_payload> vip_cache_;
  /// decisions.md §2 switch: Java's read-only cache, refreshed on a timer.
  std::unordered_map<std::string, read_only_entry> read_only_;
  /// Kept plain parts, most recently used first, and their bytes; `reads_`
  /// numbers the reads (a read never pushes out a part it uses itself).
  std::list<plain_key> plain_lru_;
  uint64_t plain_bytes_ = 0;
  uint64_t reads_ = 0;
  /// Instance id hash → application name (the map's key, stable while the
  /// application is in apps_); several when ids collide or repeat.
  std::unordered_multimap<size_t, const std::string*> index_;
};

} // namespace eureka
