#include "registry/record_sequence.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace eureka {

namespace {

bool id_less(const instance_record& r, std::string_view id) {
  return r.id() < id;
}

} // namespace

record_sequence record_sequence::from_sorted(std::vector<instance_record> records) {
  record_sequence out;
  out.size_ = records.size();
  out.runs_.reserve((records.size() + max_run - 1) / max_run);
  for (size_t i = 0; i < records.size(); i += max_run) {
    auto last = std::min(records.size(), i + max_run);
    out.runs_.push_back(
        std::make_shared<const run>(std::make_move_iterator(records.begin() + i),
                                    std::make_move_iterator(records.begin() + last)));
  }
  return out;
}

size_t record_sequence::run_for(std::string_view id) const {
  auto it = std::partition_point(runs_.begin(), runs_.end(),
                                 [&](const run_ptr& r) { return r->back().id() < id; });
  auto k = static_cast<size_t>(it - runs_.begin());
  return k == runs_.size() && k > 0 ? k - 1 : k;
}

const instance_record* record_sequence::find(std::string_view id) const {
  if (runs_.empty())
    return nullptr;
  const auto& r = *runs_[run_for(id)];
  auto it = std::lower_bound(r.begin(), r.end(), id, id_less);
  return it != r.end() && it->id() == id ? &*it : nullptr;
}

void record_sequence::replace_run(size_t k, run records) {
  auto at = runs_.begin() + static_cast<std::ptrdiff_t>(k);
  if (records.empty()) {
    runs_.erase(at);
    return;
  }
  if (records.size() <= max_run) {
    *at = std::make_shared<const run>(std::move(records));
    return;
  }
  auto half = records.begin() + static_cast<std::ptrdiff_t>(records.size() / 2);
  auto second = std::make_shared<const run>(std::make_move_iterator(half),
                                            std::make_move_iterator(records.end()));
  records.erase(half, records.end());
  *at = std::make_shared<const run>(std::move(records));
  runs_.insert(at + 1, std::move(second));
}

std::optional<instance_record> record_sequence::upsert(instance_record r) {
  if (runs_.empty()) {
    runs_.push_back(std::make_shared<const run>(run{std::move(r)}));
    size_ = 1;
    return std::nullopt;
  }
  auto k = run_for(r.id());
  run copy = *runs_[k];
  auto it = std::lower_bound(copy.begin(), copy.end(), r.id(), id_less);
  std::optional<instance_record> replaced;
  if (it != copy.end() && it->id() == r.id()) {
    replaced = std::exchange(*it, std::move(r));
  } else {
    copy.insert(it, std::move(r));
    ++size_;
  }
  replace_run(k, std::move(copy));
  return replaced;
}

std::optional<instance_record> record_sequence::erase(std::string_view id) {
  if (runs_.empty())
    return std::nullopt;
  auto k = run_for(id);
  const auto& held = *runs_[k];
  auto pos = std::lower_bound(held.begin(), held.end(), id, id_less);
  if (pos == held.end() || pos->id() != id)
    return std::nullopt;
  auto index = pos - held.begin();
  run copy = held;
  std::optional<instance_record> removed = std::move(copy[static_cast<size_t>(index)]);
  copy.erase(copy.begin() + index);
  --size_;
  replace_run(k, std::move(copy));
  return removed;
}

bool record_sequence::well_formed() const {
  size_t n = 0;
  const instance_record* previous = nullptr;
  for (const auto& r : runs_) {
    if (r == nullptr || r->empty() || r->size() > max_run)
      return false;
    for (const auto& x : *r) {
      if (previous != nullptr && !(previous->id() < x.id()))
        return false;
      previous = &x;
    }
    n += r->size();
  }
  return n == size_;
}

} // namespace eureka
