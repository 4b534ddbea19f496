// The instances of one application's view, ordered by id, held in runs of
// consecutive records that successive views share.
//
// Why: a registry actor publishes a new view after every change. Built whole,
// a view cost a pointer copy (a reference count, and at large registries a
// cache miss) per instance of the application on every publication, so one
// registration cost O(instances of its application): 1,000 copies each at a
// million instances in 1,000 applications. Here a publication copies the
// runs a change touches (at most max_run records each) and the run pointers.
// Immutable once published: a change makes a new sequence (copying this one
// is cheap), never alters one a reader holds. Pure: no actors.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "registry/instance_record.hpp"

namespace eureka {

class record_sequence {
public:
  /// Most records in one run (a run beyond it splits in two).
  static constexpr size_t max_run = 64;

  /// Consecutive records, ordered by id; never empty once stored.
  using run = std::vector<instance_record>;
  using run_ptr = std::shared_ptr<const run>;

  class const_iterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = instance_record;
    using difference_type = std::ptrdiff_t;
    using pointer = const instance_record*;
    using reference = const instance_record&;

    const_iterator() = default;

    reference operator*() const { return (*(*runs_)[run_])[pos_]; }
    pointer operator->() const { return &**this; }

    const_iterator& operator++() {
      if (++pos_ == (*runs_)[run_]->size()) {
        ++run_;
        pos_ = 0;
      }
      return *this;
    }

    const_iterator operator++(int) {
      auto before = *this;
      ++*this;
      return before;
    }

    bool operator==(const const_iterator& o) const { return run_ == o.run_ && pos_ == o.pos_; }
    bool operator!=(const const_iterator& o) const { return !(*this == o); }

  private:
    friend class record_sequence;
    const_iterator(const std::vector<run_ptr>* runs, size_t r) : runs_(runs), run_(r) {}
    const std::vector<run_ptr>* runs_ = nullptr;
    size_t run_ = 0;
    size_t pos_ = 0;
  };

  record_sequence() = default;

  /// From records ordered by id (runs of max_run).
  static record_sequence from_sorted(std::vector<instance_record> records);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// Runs held (for tests).
  size_t runs() const { return runs_.size(); }
  /// Whether run `k` of this and of `other` is the same shared run (tests:
  /// what a change copied).
  bool shares_run(size_t k, const record_sequence& other, size_t other_k) const {
    return runs_.at(k) == other.runs_.at(other_k);
  }

  const_iterator begin() const { return const_iterator{&runs_, 0}; }
  const_iterator end() const { return const_iterator{&runs_, runs_.size()}; }

  /// The record with `id`, or nullptr: two binary searches.
  const instance_record* find(std::string_view id) const;

  /// Puts `r` in place of the record with its id, or in order if none has
  /// it; returns the record replaced.
  std::optional<instance_record> upsert(instance_record r);

  /// Takes out the record with `id`; returns it, or nullopt if none.
  std::optional<instance_record> erase(std::string_view id);

  /// Whether the records are ordered by id (strictly) and the runs well
  /// formed (none empty, none beyond max_run, size() their sum): for tests
  /// and debug builds.
  bool well_formed() const;

private:
  /// The run that holds `id` or where it belongs: the first whose last id
  /// is not less than `id`, or the last run when every id is less.
  size_t run_for(std::string_view id) const;

  /// Puts `records` in place of run `k` (none if empty; two beyond max_run).
  void replace_run(size_t k, run records);

  std::vector<run_ptr> runs_;
  size_t size_ = 0;
};

} // namespace eureka
