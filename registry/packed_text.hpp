// Strings of the stored instance record (registry/compact_instance.hpp): an
// 8-byte handle to text that lives either inside the record's own allocation
// or in its application's string pool, never copied, never changed.
//
// A text entry is its length (4 bytes, native order, unaligned) followed by
// its bytes. The handles read like the std::string / opt_string fields of
// instance_info (implicit std::string_view, ==, size, empty; an opt_packed_text
// tests as a bool and dereferences), so the encoders and the code that reads
// a lease's registrant are written once for both types.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "registry/instance_info.hpp"

namespace eureka {

namespace packed_detail {

inline constexpr size_t text_header_bytes = sizeof(uint32_t);

inline std::string_view entry_view(const char* entry) {
  if (entry == nullptr)
    return {};
  uint32_t n;
  std::memcpy(&n, entry, sizeof n);
  return {entry + text_header_bytes, n};
}

/// Writes `s` as an entry at `dst`; returns the byte after it.
inline char* write_entry(char* dst, std::string_view s) {
  auto n = static_cast<uint32_t>(s.size());
  std::memcpy(dst, &n, sizeof n);
  if (!s.empty())
    std::memcpy(dst + text_header_bytes, s.data(), s.size());
  return dst + text_header_bytes + s.size();
}

/// The entry of "" every empty present text may point at.
inline const char* empty_entry() {
  static const char zeros[text_header_bytes] = {};
  return zeros;
}

} // namespace packed_detail

/// A required text field (nullptr reads as "").
class packed_text {
public:
  packed_text() = default;
  explicit packed_text(const char* entry) : entry_(entry) {}

  std::string_view view() const { return packed_detail::entry_view(entry_); }
  operator std::string_view() const { return view(); }
  std::string str() const { return std::string{view()}; }
  size_t size() const { return view().size(); }
  bool empty() const { return view().empty(); }
  const char* entry() const { return entry_; }

  friend bool operator==(packed_text a, packed_text b) { return a.view() == b.view(); }
  friend bool operator!=(packed_text a, packed_text b) { return a.view() != b.view(); }
  friend bool operator==(packed_text a, std::string_view b) { return a.view() == b; }
  friend bool operator!=(packed_text a, std::string_view b) { return a.view() != b; }
  friend bool operator==(std::string_view a, packed_text b) { return a == b.view(); }
  friend bool operator!=(std::string_view a, packed_text b) { return a != b.view(); }
  friend std::ostream& operator<<(std::ostream& os, packed_text t) { return os << t.view(); }

private:
  const char* entry_ = nullptr;
};

/// An optional text field: absent (nullptr) is Java's null, distinct from "".
class opt_packed_text {
public:
  opt_packed_text() = default;
  explicit opt_packed_text(const char* entry) : entry_(entry) {}

  explicit operator bool() const { return entry_ != nullptr; }
  std::string_view operator*() const { return packed_detail::entry_view(entry_); }
  opt_string to_opt() const { return entry_ ? opt_string{std::string{**this}} : opt_string{}; }
  const char* entry() const { return entry_; }

  friend bool operator==(opt_packed_text a, const opt_string& b) {
    return static_cast<bool>(a) == static_cast<bool>(b) && (!a || *a == *b);
  }
  friend std::ostream& operator<<(std::ostream& os, opt_packed_text t) {
    return t ? os << '"' << *t << '"' : os << "null";
  }

private:
  const char* entry_ = nullptr;
};

/// One metadata entry (structured bindings give key and value).
struct packed_pair {
  packed_text first;
  packed_text second;
};

/// An ordered string map of the record: its entries sit inside the record.
class packed_pairs {
public:
  packed_pairs() = default;
  packed_pairs(const packed_pair* first, uint32_t n) : first_(first), size_(n) {}

  const packed_pair* begin() const { return first_; }
  const packed_pair* end() const { return first_ + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  string_pairs to_pairs() const {
    string_pairs out;
    out.reserve(size_);
    for (const auto& [k, v] : *this)
      out.emplace_back(k.str(), v.str());
    return out;
  }

  friend bool operator==(const packed_pairs& a, const string_pairs& b) {
    if (a.size() != b.size())
      return false;
    for (size_t i = 0; i < b.size(); ++i)
      if (a.first_[i].first != b[i].first || a.first_[i].second != b[i].second)
        return false;
    return true;
  }
  friend bool operator!=(const packed_pairs& a, const string_pairs& b) { return !(a == b); }

private:
  const packed_pair* first_ = nullptr;
  uint32_t size_ = 0;
};

/// The strings an application's instances share (its name, VIPs, data
/// center name, metadata keys and common values), each kept once.
///
/// Owned and written by one table (one registry actor): no locks. Records
/// point into its storage and keep that alive by a shared pointer, so they
/// outlive the table and are read from any thread; the storage only grows
/// (entries never move nor change), and the index, which only the owner
/// touches, is never read elsewhere. When the storage passes `capacity`
/// bytes the pool starts a new one (renew_if_full): strings of instances
/// long gone then stop costing memory once the records of the old storage
/// are gone too.
class string_pool {
public:
  /// Strings longer than this are not interned (rarely shared, and they
  /// would fill the pool).
  static constexpr size_t max_interned_bytes = 128;

  struct storage {
    std::vector<std::unique_ptr<char[]>> chunks;
    size_t used_in_last = 0;
    size_t last_chunk_bytes = 0;
    size_t bytes = 0;
  };

  explicit string_pool(size_t capacity = 64 * 1024) : capacity_(capacity) { renew(); }

  /// The entry of `s`, added if new; nullptr when `s` is longer than
  /// `limit` (at most max_interned_bytes).
  const char* intern(std::string_view s, size_t limit = max_interned_bytes) {
    if (s.size() > std::min(limit, max_interned_bytes))
      return nullptr;
    if (s.empty())
      return packed_detail::empty_entry();
    if (auto i = index_.find(s); i != index_.end())
      return i->data() - packed_detail::text_header_bytes;
    auto need = packed_detail::text_header_bytes + s.size();
    auto& st = *storage_;
    if (st.chunks.empty() || st.used_in_last + need > st.last_chunk_bytes) {
      // Small first (an application of one instance needs a few strings),
      // doubling up to max_chunk_bytes.
      st.last_chunk_bytes =
          st.chunks.empty() ? min_chunk_bytes : std::min(st.last_chunk_bytes * 2, max_chunk_bytes);
      st.chunks.emplace_back(new char[st.last_chunk_bytes]);
      st.used_in_last = 0;
    }
    char* at = st.chunks.back().get() + st.used_in_last;
    packed_detail::write_entry(at, s);
    st.used_in_last += need;
    st.bytes += need;
    index_.insert(std::string_view{at + packed_detail::text_header_bytes, s.size()});
    return at;
  }

  /// Starts a new storage when this one has passed the capacity. Call it
  /// before interning the strings of one record (a record keeps only the
  /// storage it was built from alive).
  void renew_if_full() {
    if (storage_->bytes > capacity_)
      renew();
  }

  const std::shared_ptr<storage>& current() const { return storage_; }

  /// Distinct strings and their bytes in the current storage.
  size_t size() const { return index_.size(); }
  size_t bytes() const { return storage_->bytes; }

private:
  static constexpr size_t min_chunk_bytes = 256;
  static constexpr size_t max_chunk_bytes = 4096;
  static_assert(max_interned_bytes + packed_detail::text_header_bytes <= min_chunk_bytes);

  void renew() {
    storage_ = std::make_shared<storage>();
    index_.clear();
  }

  size_t capacity_;
  std::shared_ptr<storage> storage_;
  std::unordered_set<std::string_view> index_;
};

} // namespace eureka
