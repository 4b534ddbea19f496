#include "actors/read_model.hpp"

#include <algorithm>
#include <unordered_set>

#include "codec/documents.hpp"
#include "codec/gzip.hpp"
#include "codec/instance_codec.hpp"
#include "common/log.hpp"

namespace eureka {

namespace {

std::string cache_key(const read_query& q) {
  std::string key;
  key.reserve(q.name.size() + 4);
  key += static_cast<char>('0' + static_cast<int>(q.kind));
  key += q.format == payload_format::json ? 'j' : 'x';
  key += q.repr == representation::compact ? 'c' : 'f';
  key += q.name;
  return key;
}

/// The full registry's read in form `f`, plain (its cache key).
read_query all_apps_query(payload_form f) {
  read_query q;
  q.kind = read_kind::all_apps;
  q.format = f == payload_form::json || f == payload_form::json_compact ? payload_format::json
                                                                        : payload_format::xml;
  q.repr = f == payload_form::json_compact || f == payload_form::xml_compact
               ? representation::compact
               : representation::full;
  return q;
}

payload_form form_of(const read_query& q) {
  bool compact = q.repr == representation::compact;
  if (q.format == payload_format::json)
    return compact ? payload_form::json_compact : payload_form::json;
  return compact ? payload_form::xml_compact : payload_form::xml;
}

size_t index_of(payload_form f) {
  return static_cast<size_t>(f);
}

codec::applications_framing framing_of(payload_form f, std::string_view version,
                                       std::string_view hash) {
  switch (f) {
  case payload_form::json:
    return codec::applications_json_framing(version, hash);
  case payload_form::xml:
    return codec::applications_xml_framing(version, hash);
  case payload_form::json_compact:
    return codec::applications_json_compact_framing(version, hash);
  case payload_form::xml_compact:
    break;
  }
  return codec::applications_xml_compact_framing(version, hash);
}

/// The instances of `records` encoded one after the other in `buf`, and
/// where each one is (`depth`: of the full XML form's <instance>).
std::vector<std::string_view> encode_instances(const std::vector<const instance_record*>& records,
                                               payload_form f, int depth, std::string& buf) {
  std::vector<size_t> ends;
  ends.reserve(records.size());
  for (auto r : records) {
    switch (f) {
    case payload_form::json:
      codec::append_instance_json(buf, *r->holder, r->lease);
      break;
    case payload_form::xml:
      codec::append_instance_xml(buf, *r->holder, r->lease, depth);
      break;
    case payload_form::json_compact:
      codec::append_instance_json_compact(buf, *r->holder);
      break;
    case payload_form::xml_compact:
      codec::append_instance_xml_compact(buf, *r->holder);
      break;
    }
    ends.push_back(buf.size());
  }
  std::vector<std::string_view> out;
  out.reserve(ends.size());
  size_t begin = 0;
  for (auto end : ends) {
    out.emplace_back(buf.data() + begin, end - begin);
    begin = end;
  }
  return out;
}

/// One application inside <applications> (`{"name":..}` or `<application>`).
std::string encode_application(std::string_view name,
                               const std::vector<const instance_record*>& records, payload_form f) {
  std::string buf;
  auto instances = encode_instances(records, f, 2, buf);
  switch (f) {
  case payload_form::json:
  case payload_form::json_compact:
    return codec::application_object_json(name, instances);
  case payload_form::xml:
    return codec::application_element_xml(name, instances);
  case payload_form::xml_compact:
    break;
  }
  return codec::application_xml_compact(name, instances);
}

/// GET apps/{app}: the root <application> document.
std::string encode_document(std::string_view name,
                            const std::vector<const instance_record*>& records, payload_form f) {
  std::string buf;
  auto instances = encode_instances(records, f, 1, buf);
  switch (f) {
  case payload_form::json:
  case payload_form::json_compact:
    return codec::application_document_json(name, instances);
  case payload_form::xml:
    return codec::application_document_xml(name, instances);
  case payload_form::xml_compact:
    break;
  }
  return codec::application_xml_compact(name, instances);
}

std::vector<const instance_record*> all_of(const app_view& view) {
  std::vector<const instance_record*> out;
  out.reserve(view.instances.size());
  for (const auto& i : view.instances)
    out.push_back(&i);
  return out;
}

shared_body owned(std::string bytes) {
  return std::make_shared<const std::string>(std::move(bytes));
}

/// The deflated bytes of a segment as a piece sharing the segment.
shared_body piece_of(const codec::deflate_segment_ptr& s) {
  return shared_body{s, &s->deflated};
}

codec::deflate_segment_ptr deflated(std::string_view plain) {
  return std::make_shared<const codec::deflate_segment>(codec::deflate_alone(plain));
}

/// A framing separator (",", "\n") as a plain piece and a segment, made once.
struct separator_pieces {
  shared_body plain;
  codec::deflate_segment_ptr gz;
};

const separator_pieces& separator(std::string_view s) {
  static const separator_pieces comma{owned(","), deflated(",")};
  static const separator_pieces newline{owned("\n"), deflated("\n")};
  return s == "," ? comma : newline;
}

/// A full plain registry: the framing's head, the applications' parts with
/// the separators it asks for, its tail.
response_body assemble_plain(const codec::applications_framing& framing,
                             std::vector<shared_body> parts) {
  std::vector<shared_body> pieces;
  pieces.reserve(2 * parts.size() + 2);
  pieces.push_back(owned(framing.head));
  bool first = true;
  for (auto& part : parts) {
    if (!first && !framing.between.empty())
      pieces.push_back(separator(framing.between).plain);
    first = false;
    if (!framing.before_each.empty())
      pieces.push_back(separator(framing.before_each).plain);
    pieces.push_back(std::move(part));
  }
  pieces.push_back(owned(framing.tail));
  return response_body{std::move(pieces)};
}

shared_body gzip_of(const response_body& plain) {
  const auto& pieces = plain.pieces();
  if (pieces.size() == 1)
    return owned(codec::gzip_compress(*pieces.front()));
  return owned(codec::gzip_compress(plain.str()));
}

} // namespace

read_model::read_model(const registry_config& cfg)
    : cfg_(cfg), changes_(cfg.max_delta_queue_bytes) {
  // nop
}

// -- changes ------------------------------------------------------------------

void read_model::apply(app_view_update& update) {
  auto [it, added] = apps_.try_emplace(update.view->name);
  auto& e = it->second;
  if (added)
    e.name = std::make_shared<const std::string>(it->first);
  reindex(e, update);
  if (e.view)
    totals_ -= e.view->counts;
  e.view = std::move(update.view);
  totals_ += e.view->counts;
  forget_plain(e);
  e.parts = {};
  e.documents = {};
  for (auto& r : update.delta)
    changes_.push(update.timestamp_ms, e.name, std::move(r));
  cache_.clear(); // never stale (decisions.md §2)
  vip_cache_.clear();
}

void read_model::drop(const std::string& app) {
  auto it = apps_.find(app);
  if (it == apps_.end())
    return;
  if (it->second.view) {
    for (const auto& i : it->second.view->instances)
      unindex(&it->first, i.id());
    totals_ -= it->second.view->counts;
  }
  forget_plain(it->second);
  apps_.erase(it);
  cache_.clear();
  vip_cache_.clear();
}

size_t read_model::retain(int64_t cutoff_ms) {
  auto dropped = changes_.drop_older_than(cutoff_ms);
  if (dropped > 0)
    cache_.clear();
  return dropped;
}

void read_model::refresh_read_only(int64_t cutoff_ms) {
  for (auto& [key, entry] : read_only_) {
    const auto& q = entry.q;
    auto& held = entry.p;
    bool plain = !held.plain.empty() || entry.plain;
    bool gzipped = !held.gzipped.empty();
    cached_payload scratch;
    read_outcome outcome = read_outcome::ok;
    auto p = current(q, key, cutoff_ms, outcome, scratch);
    if (outcome != read_outcome::ok) {
      held = cached_payload{};
      entry.plain.reset();
      continue;
    }
    // The forms the key held are taken now: until the next tick they show
    // this moment, as Java's read-only cache does.
    auto each = q;
    each.gzip = false;
    if (q.kind == read_kind::all_apps)
      entry.plain = plain ? snapshot() : nullptr;
    else if (plain)
      fill(each, *p);
    each.gzip = true;
    if (gzipped)
      fill(each, *p);
    held = *p;
    if (q.kind == read_kind::all_apps)
      held.plain = {}; // held as entry.plain: its bytes would outlive the plain budget
  }
}

// -- index (GET instances/{id}) -------------------------------------------------

void read_model::reindex(const app_entry& e, const app_view_update& update) {
  // Every registration and removal is queued for the delta, so the ids of
  // an update's delta records are the only ones that can enter or leave.
  // One index entry per id an application holds: collisions stay exact.
  std::vector<std::string_view> ids;
  ids.reserve(update.delta.size());
  for (const auto& r : update.delta)
    ids.push_back(r.id());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  // The application's name as the index refers to it: apps_'s key, stable
  // while the application is there.
  const std::string* name = &apps_.find(update.view->name)->first;
  for (auto id : ids) {
    bool held = e.view && find_instance(*e.view, id) != nullptr;
    bool holds = find_instance(*update.view, id) != nullptr;
    if (!held && holds)
      index_.emplace(std::hash<std::string_view>{}(id), name);
    else if (held && !holds)
      unindex(name, id);
  }
}

void read_model::unindex(const std::string* app, std::string_view id) {
  auto [b, e] = index_.equal_range(std::hash<std::string_view>{}(id));
  for (auto i = b; i != e; ++i)
    if (i->second == app) {
      index_.erase(i);
      return;
    }
}

std::string read_model::app_of(std::string_view id) const {
  auto [b, e] = index_.equal_range(std::hash<std::string_view>{}(id));
  const std::string* first = nullptr;
  for (auto i = b; i != e; ++i)
    if ((first == nullptr || *i->second < *first) && holds(*i->second, id))
      first = i->second;
  return first == nullptr ? std::string{} : *first;
}

bool read_model::holds(const std::string& app, std::string_view id) const {
  auto it = apps_.find(app);
  return it != apps_.end() && it->second.view && find_instance(*it->second.view, id) != nullptr;
}

// -- reads ----------------------------------------------------------------------

const codec::deflate_segment_ptr& read_model::gz_part(app_entry& e, payload_form f) {
  auto& p = e.parts[index_of(f)];
  // No plain bytes are kept for a gzip read: those of a plain read if kept.
  if (!p.gz)
    p.gz = p.plain ? deflated(*p.plain) : deflated(encode_application(*e.name, all_of(*e.view), f));
  return p.gz;
}

shared_body read_model::plain_part(app_entry& e, payload_form f, bool& kept) {
  auto& p = e.parts[index_of(f)];
  if (p.plain) {
    plain_lru_.splice(plain_lru_.begin(), plain_lru_, p.lru);
    p.used = reads_;
    kept = true;
    return p.plain;
  }
  auto bytes = owned(encode_application(*e.name, all_of(*e.view), f));
  kept = keep_plain(e, f, bytes);
  return bytes;
}

bool read_model::keep_plain(app_entry& e, payload_form f, const shared_body& bytes) {
  auto budget = static_cast<uint64_t>(std::max<int64_t>(0, cfg_.max_plain_cache_bytes));
  if (bytes->size() > budget)
    return false;
  while (plain_bytes_ + bytes->size() > budget) {
    if (plain_lru_.empty()) {
      log::error("reader", "plain cache counts {} bytes but keeps no part", plain_bytes_);
      plain_bytes_ = 0;
      break;
    }
    auto [owner, form] = plain_lru_.back();
    auto& victim = owner->parts[index_of(form)];
    // The least recent part is this read's own: all kept ones are. Then the
    // earlier parts stay and this one is not kept (a read larger than the
    // budget would otherwise push out each part it keeps before the next
    // read of the same form could use it).
    if (victim.used == reads_)
      return false;
    plain_bytes_ -= victim.plain->size();
    victim.plain.reset();
    plain_lru_.pop_back();
    // A full registry holding it would keep it alive: built again when read.
    if (auto i = cache_.find(cache_key(all_apps_query(form))); i != cache_.end())
      i->second.plain = {};
  }
  auto& p = e.parts[index_of(f)];
  p.plain = bytes;
  p.used = reads_;
  p.lru = plain_lru_.insert(plain_lru_.begin(), plain_key{&e, f});
  plain_bytes_ += bytes->size();
  return true;
}

void read_model::touch_plain(payload_form f) {
  ++reads_;
  for (auto& [name, e] : apps_)
    if (auto& p = e.parts[index_of(f)]; p.plain) {
      plain_lru_.splice(plain_lru_.begin(), plain_lru_, p.lru);
      p.used = reads_;
    }
}

void read_model::forget_plain(app_entry& e) {
  for (auto& p : e.parts)
    if (p.plain) {
      plain_bytes_ -= p.plain->size();
      plain_lru_.erase(p.lru);
      p.plain.reset();
    }
}

cached_payload& read_model::document_of(app_entry& e, payload_form f) {
  auto& d = e.documents[index_of(f)];
  if (!d.present) {
    d.present = true;
    d.plain = owned(encode_document(*e.name, all_of(*e.view), f));
  }
  return d;
}

response_body read_model::full_registry(payload_form f, bool gzip, bool* complete) {
  auto framing = framing_of(f, "1", reconcile_hash(totals_));
  if (complete != nullptr)
    *complete = true;
  if (!gzip) {
    ++reads_;
    std::vector<shared_body> parts;
    parts.reserve(apps_.size());
    for (auto& [name, e] : apps_) {
      if (e.view->instances.empty())
        continue;
      bool kept = false;
      parts.push_back(plain_part(e, f, kept));
      if (!kept && complete != nullptr)
        *complete = false;
    }
    return assemble_plain(framing, std::move(parts));
  }
  std::vector<shared_body> pieces;
  pieces.reserve(2 * apps_.size() + 5);
  static const shared_body header = owned(std::string{codec::gzip_member_header()});
  codec::gzip_member_tail tail;
  auto add = [&](const codec::deflate_segment_ptr& s) {
    tail.add(*s);
    pieces.push_back(piece_of(s));
  };
  pieces.push_back(header);
  add(deflated(framing.head));
  bool first = true;
  for (auto& [name, e] : apps_) {
    if (e.view->instances.empty())
      continue;
    if (!first && !framing.between.empty())
      add(separator(framing.between).gz);
    first = false;
    if (!framing.before_each.empty())
      add(separator(framing.before_each).gz);
    add(gz_part(e, f));
  }
  add(deflated(framing.tail));
  pieces.push_back(owned(tail.finish()));
  return response_body{std::move(pieces)};
}

response_body read_model::plain_registry(payload_form f, const plain_snapshot& s) {
  ++reads_;
  std::vector<shared_body> parts;
  parts.reserve(s.apps.size());
  for (const auto& [name, view] : s.apps) {
    // While the application is as the snapshot saw it, its part is current.
    if (auto it = apps_.find(*name); it != apps_.end() && it->second.view == view) {
      bool kept = false;
      parts.push_back(plain_part(it->second, f, kept));
    } else {
      parts.push_back(owned(encode_application(*name, all_of(*view), f)));
    }
  }
  return assemble_plain(framing_of(f, "1", s.hash), std::move(parts));
}

std::unique_ptr<read_model::plain_snapshot> read_model::snapshot() const {
  auto s = std::make_unique<plain_snapshot>();
  s->hash = reconcile_hash(totals_);
  s->apps.reserve(apps_.size());
  for (const auto& [name, e] : apps_)
    if (!e.view->instances.empty())
      s->apps.emplace_back(e.name, e.view);
  return s;
}

read_outcome read_model::compute(const read_query& q, int64_t cutoff_ms, response_body& out,
                                 bool& worth_caching) {
  worth_caching = true;
  auto f = form_of(q);
  std::vector<std::string> parts;
  std::vector<std::string_view> views;
  auto finish = [&](std::string_view version, std::string_view hash) {
    views.assign(parts.begin(), parts.end());
    out = owned(framing_of(f, version, hash).assemble(views));
  };
  switch (q.kind) {
  case read_kind::all_apps:
  case read_kind::app:
    break; // built by full_registry and document_of, on demand
  case read_kind::delta: {
    if (cfg_.disable_delta)
      return read_outcome::forbidden;
    for (const auto& [name, records] : changes_.collapse()) {
      // Java adds each queued lease's *current* holder (§3.9): a live
      // instance shows its latest state (e.g. an override a peer handed over
      // on a renew, which queues nothing); a removed one its last queued one.
      const app_view* view = nullptr;
      if (auto v = apps_.find(name); v != apps_.end() && v->second.view)
        view = v->second.view.get();
      std::vector<const instance_record*> shown;
      shown.reserve(records.size());
      for (auto r : records) {
        const instance_record* current = view ? find_instance(*view, r->id()) : nullptr;
        shown.push_back(current != nullptr ? current : r);
      }
      parts.push_back(encode_application(name, shown, f));
    }
    // The version counts generated delta payloads (ResponseCacheImpl).
    auto version = std::to_string(++delta_version_);
    if (changes_.complete(cutoff_ms))
      finish(version, reconcile_hash(totals_));
    else
      finish(version, incomplete_delta_hashcode);
    return read_outcome::ok;
  }
  case read_kind::vip:
  case read_kind::svip: {
    status_counts matched;
    for (const auto& [name, e] : apps_) {
      std::vector<const instance_record*> hits;
      for (const auto& i : e.view->instances) {
        const auto& addresses =
            q.kind == read_kind::vip ? i.holder->vip_address : i.holder->secure_vip_address;
        if (lists_address(addresses, q.name)) {
          hits.push_back(&i);
          matched.add(i.status());
        }
      }
      if (!hits.empty())
        parts.push_back(encode_application(name, hits, f));
    }
    // A VIP document never sets its version: Applications' unset -1.
    finish("-1", reconcile_hash(matched));
    worth_caching = matched.total() > 0;
    return read_outcome::ok;
  }
  }
  return read_outcome::ok;
}

cached_payload* read_model::current(const read_query& q, const std::string& key, int64_t cutoff_ms,
                                    read_outcome& outcome, cached_payload& scratch) {
  outcome = read_outcome::ok;
  if (q.kind == read_kind::app) {
    auto it = apps_.find(q.name);
    if (it == apps_.end() || it->second.view->instances.empty()) {
      outcome = read_outcome::not_found;
      return &scratch;
    }
    return &document_of(it->second, form_of(q));
  }
  bool vip = q.kind == read_kind::vip || q.kind == read_kind::svip;
  auto& cache = vip ? vip_cache_ : cache_;
  if (auto i = cache.find(key); i != cache.end())
    return &i->second;
  bool worth_caching = true;
  outcome = compute(q, cutoff_ms, scratch.plain, worth_caching);
  if (outcome != read_outcome::ok)
    return &scratch;
  scratch.present = true;
  if (!worth_caching)
    return &scratch;
  if (cache.size() >= max_cached_payloads)
    cache.clear();
  return &(cache[key] = std::move(scratch));
}

response_body read_model::fill(const read_query& q, cached_payload& p) {
  auto& slot = q.gzip ? p.gzipped : p.plain;
  if (!slot.empty()) {
    if (q.kind == read_kind::all_apps && !q.gzip)
      touch_plain(form_of(q)); // its parts are used as much as if built again
    return slot;
  }
  if (q.kind == read_kind::all_apps) {
    bool complete = true;
    auto body = full_registry(form_of(q), q.gzip, &complete);
    // Kept only if it keeps no part alive that the plain budget let go.
    if (complete)
      slot = body;
    return body;
  }
  if (q.gzip)
    slot = gzip_of(p.plain);
  return slot;
}

read_reply read_model::serve(const read_query& q, read_outcome outcome, cached_payload& p) {
  if (outcome != read_outcome::ok)
    return read_reply{outcome, {}, false};
  return read_reply{read_outcome::ok, fill(q, p), q.gzip};
}

read_reply read_model::serve_read_only(read_only_entry& entry) {
  const auto& q = entry.q;
  if (!entry.p.present)
    return read_reply{read_outcome::not_found, {}, false};
  if (q.kind != read_kind::all_apps || q.gzip)
    return serve(q, read_outcome::ok, entry.p);
  // The first plain read of the key takes the registry now, as a read of a
  // form not held yet always did; the next ones show it until the refresh.
  if (!entry.plain)
    entry.plain = snapshot();
  return read_reply{read_outcome::ok, plain_registry(form_of(q), *entry.plain), false};
}

read_reply read_model::read(const read_query& q, int64_t cutoff_ms) {
  auto key = cache_key(q);
  cached_payload scratch;
  read_outcome outcome = read_outcome::ok;
  if (!cfg_.use_read_only_response_cache) {
    // current() sets `outcome`: call it before serve() reads it (the order in
    // which a call's arguments are evaluated is unspecified; clang takes
    // `outcome` first, still ok, and served 200 for an unknown application).
    auto p = current(q, key, cutoff_ms, outcome, scratch);
    return serve(q, outcome, *p);
  }
  // Java's read-only cache: a key serves what it held at the last refresh.
  if (auto i = read_only_.find(key); i != read_only_.end())
    return serve_read_only(i->second);
  auto p = current(q, key, cutoff_ms, outcome, scratch);
  if (outcome == read_outcome::forbidden || (p == &scratch && outcome == read_outcome::ok))
    return serve(q, outcome, *p);
  if (read_only_.size() >= max_cached_payloads)
    read_only_.clear();
  auto& slot = read_only_[key];
  slot = read_only_entry{q, *p, nullptr};
  if (q.kind == read_kind::all_apps)
    slot.p.plain = {}; // held as slot.plain: its bytes would outlive the plain budget
  return serve_read_only(slot);
}

// -- figures ----------------------------------------------------------------------

string_pairs read_model::overrides() const {
  string_pairs out;
  for (const auto& [name, e] : apps_)
    out.insert(out.end(), e.view->overrides.begin(), e.view->overrides.end());
  return out;
}

uint32_t read_model::applications() const {
  uint32_t n = 0;
  for (const auto& [name, e] : apps_)
    if (!e.view->instances.empty())
      ++n;
  return n;
}

void read_model::report(reader_report& r) const {
  r.applications = applications();
  r.instances = static_cast<uint32_t>(totals_.total());
  // Every distinct piece once, wherever it is kept (a payload shares the
  // parts of its applications, a read-only entry the current payloads').
  std::unordered_set<const std::string*> seen;
  auto add_piece = [&](const std::string* p) {
    if (p != nullptr && seen.insert(p).second)
      r.cached_payload_bytes += p->size();
  };
  auto add_body = [&](const response_body& b) {
    if (b.empty())
      return;
    ++r.cached_payloads;
    for (const auto& p : b.pieces())
      add_piece(p.get());
  };
  auto add_payload = [&](const cached_payload& p) {
    add_body(p.plain);
    add_body(p.gzipped);
  };
  for (const auto& entry : cache_)
    add_payload(entry.second);
  for (const auto& entry : vip_cache_)
    add_payload(entry.second);
  for (const auto& entry : read_only_) {
    add_payload(entry.second.p);
    if (entry.second.plain) // views, no bytes of its own
      ++r.cached_payloads;
  }
  for (const auto& [name, e] : apps_) {
    for (const auto& d : e.documents)
      add_payload(d);
    for (const auto& p : e.parts) {
      add_piece(p.plain.get());
      add_piece(p.gz ? &p.gz->deflated : nullptr);
    }
  }
  r.delta_queue_length = changes_.size();
  r.delta_queue_bytes = static_cast<uint64_t>(std::max<int64_t>(0, changes_.bytes()));
}

} // namespace eureka
