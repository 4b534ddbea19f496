// The directory's bookkeeping of its registry actors, one slot per
// application: the capacity limits (eureka.server.max-applications and
// max-instances) and which actors of empty applications may be retired.
// Pure: no messaging, time passed in, the actor handle a template parameter,
// so every rule is unit-tested directly.
//
// Views arrive asynchronously: a registration the directory delegated may
// still sit in the actor's mailbox while its latest view says "no
// instances". So each slot counts the registrations delegated to its actor,
// and each view says how many the actor has applied; the difference is in
// flight. An application is live while its latest view has instances or a
// registration is in flight. Only a slot that is not live is empty, and only
// an empty slot is ever retired: nothing delegated can then still add an
// instance (only registrations add instances). The same counts make the
// admission rule conservative: instances in views plus registrations in
// flight never undercount what the actors hold.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace eureka {

enum class admission : uint8_t {
  admitted,
  /// A new live application beyond max-applications.
  too_many_applications,
  /// A new instance beyond max-instances.
  too_many_instances,
  /// At max-instances, for a live application (instances, or registrations
  /// in flight that may have added some): admitted only
  /// if it replaces one of them, which only its registry actor knows
  /// (register_cmd::only_replacing).
  only_replacing,
};

template <class Handle>
class app_slots {
public:
  struct slot {
    Handle actor;
    /// Registrations delegated to the actor.
    uint64_t delegated = 0;
    /// Registrations the actor had applied when it published its latest view.
    uint64_t applied = 0;
    /// Instances in its latest view.
    size_t instances = 0;
    /// Since when the slot is empty (not live).
    int64_t empty_since_ms = 0;

    bool live() const { return instances > 0 || delegated != applied; }
  };

  app_slots(size_t max_applications, size_t max_instances)
      : max_applications_(max_applications), max_instances_(max_instances) {
    // nop
  }

  const slot* find(const std::string& app) const {
    auto i = slots_.find(app);
    return i == slots_.end() ? nullptr : &i->second;
  }

  /// Whether a registration for `app` may be delegated. A registration
  /// that replaces an instance adds none, so at max-instances it is still
  /// admitted where the application holds instances (only_replacing).
  admission admit(const std::string& app) const {
    auto s = find(app);
    if ((s == nullptr || !s->live()) && live_ >= max_applications_)
      return admission::too_many_applications;
    if (instances_ + in_flight_ >= max_instances_)
      return s != nullptr && s->live() ? admission::only_replacing : admission::too_many_instances;
    return admission::admitted;
  }

  /// Before adding a slot: the oldest empty slot, taken out, when the slots
  /// already number max-applications (so create/cancel churn cannot pile up
  /// actors); its actor is to be retired. nullopt: room enough, or no empty
  /// slot (then every slot is live and admit() has refused already).
  std::optional<std::pair<std::string, Handle>> make_room() {
    if (slots_.size() < max_applications_ || empty_.empty())
      return std::nullopt;
    return take(empty_.begin()->second);
  }

  /// A slot for a newly spawned actor (empty until its first delegation).
  void add(const std::string& app, Handle actor, int64_t now_ms) {
    auto [i, added] = slots_.emplace(app, slot{std::move(actor), 0, 0, 0, now_ms});
    if (added)
      empty_.emplace(now_ms, app);
  }

  /// A registration was delegated to the actor of `app` (which has a slot).
  void delegated(const std::string& app) {
    auto i = slots_.find(app);
    if (i == slots_.end())
      return;
    auto& s = i->second;
    bool was_live = s.live();
    ++s.delegated;
    ++in_flight_;
    if (!was_live)
      became_live(app, s);
  }

  /// The actor of `app` published a view with `instances` instances after
  /// applying `applied` registrations in all. Returns false when `applied`
  /// exceeds what was delegated (impossible; counted as all applied).
  bool viewed(const std::string& app, size_t instances, uint64_t applied, int64_t now_ms) {
    auto i = slots_.find(app);
    if (i == slots_.end())
      return true;
    auto& s = i->second;
    bool consistent = applied <= s.delegated;
    applied = std::min(applied, s.delegated);
    bool was_live = s.live();
    in_flight_ -= s.delegated - s.applied;
    instances_ -= s.instances;
    s.applied = std::max(s.applied, applied);
    s.instances = instances;
    in_flight_ += s.delegated - s.applied;
    instances_ += s.instances;
    if (was_live && !s.live()) {
      --live_;
      s.empty_since_ms = now_ms;
      empty_.emplace(now_ms, app);
    } else if (!was_live && s.live()) {
      became_live(app, s);
    }
    return consistent;
  }

  /// Takes out the slots empty since before `cutoff_ms`, oldest first;
  /// their actors are to be retired.
  std::vector<std::pair<std::string, Handle>> take_empty_before(int64_t cutoff_ms) {
    std::vector<std::pair<std::string, Handle>> out;
    while (!empty_.empty() && empty_.begin()->first < cutoff_ms)
      out.push_back(take(empty_.begin()->second));
    return out;
  }

  /// Forgets the slot of `app` (its actor failed or is retired by the
  /// caller); returns its actor.
  std::optional<Handle> erase(const std::string& app) {
    if (slots_.count(app) == 0)
      return std::nullopt;
    return take(app).second;
  }

  template <class F>
  void for_each(F f) const {
    for (const auto& [name, s] : slots_)
      f(name, s);
  }

  /// Slots, i.e. registry actors.
  size_t size() const { return slots_.size(); }

  /// Applications with instances or registrations in flight.
  size_t live() const { return live_; }

  /// Instances in the latest views.
  uint64_t instances() const { return instances_; }

  /// Registrations delegated but not yet in a view.
  uint64_t in_flight() const { return in_flight_; }

private:
  void became_live(const std::string& app, slot& s) {
    empty_.erase({s.empty_since_ms, app});
    ++live_;
  }

  std::pair<std::string, Handle> take(std::string app) {
    auto i = slots_.find(app);
    auto& s = i->second;
    if (s.live())
      --live_;
    else
      empty_.erase({s.empty_since_ms, app});
    in_flight_ -= s.delegated - s.applied;
    instances_ -= s.instances;
    std::pair<std::string, Handle> out{std::move(app), std::move(s.actor)};
    slots_.erase(i);
    return out;
  }

  size_t max_applications_;
  size_t max_instances_;
  std::unordered_map<std::string, slot> slots_;
  /// Empty slots by (empty since, name): the oldest first.
  std::set<std::pair<int64_t, std::string>> empty_;
  size_t live_ = 0;
  uint64_t instances_ = 0;
  uint64_t in_flight_ = 0;
};

} // namespace eureka
