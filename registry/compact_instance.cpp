#include "registry/compact_instance.hpp"

#include <new>

namespace eureka {

namespace {

/// Metadata values at most this long are interned (ports, zones, versions
/// repeat across an application; ids and addresses, usually longer, do not).
constexpr size_t max_interned_value_bytes = 32;

} // namespace

/// Lays a record out in two runs of the same code: the first (`sizing`, on a
/// scratch record) counts the bytes behind the fixed part, the second writes
/// them. The allocation is [compact_instance][metadata entries][dc metadata
/// entries][inline text entries].
struct compact_builder {
  string_pool* pool;
  bool sizing = true;
  size_t pair_bytes = 0;
  size_t text_bytes = 0;
  char* pairs_at = nullptr;
  char* text_at = nullptr;

  const char* place(std::string_view s, size_t intern_limit) {
    if (s.empty())
      return packed_detail::empty_entry();
    if (pool != nullptr && intern_limit > 0)
      if (auto entry = pool->intern(s, intern_limit))
        return entry;
    if (sizing) {
      text_bytes += packed_detail::text_header_bytes + s.size();
      return packed_detail::empty_entry();
    }
    auto entry = text_at;
    text_at = packed_detail::write_entry(text_at, s);
    return entry;
  }

  packed_text own(std::string_view s) { return packed_text{place(s, 0)}; }
  packed_text shared(std::string_view s) {
    return packed_text{place(s, string_pool::max_interned_bytes)};
  }
  opt_packed_text own_opt(const opt_string& s) {
    return s ? opt_packed_text{place(*s, 0)} : opt_packed_text{};
  }
  opt_packed_text shared_opt(const opt_string& s) {
    return s ? opt_packed_text{place(*s, string_pool::max_interned_bytes)} : opt_packed_text{};
  }

  packed_pairs pairs(const string_pairs& in) {
    if (in.empty())
      return {};
    auto n = in.size() * sizeof(packed_pair);
    if (sizing) {
      pair_bytes += n;
      for (const auto& [k, v] : in) {
        place(k, string_pool::max_interned_bytes);
        place(v, max_interned_value_bytes);
      }
      return {};
    }
    auto first = reinterpret_cast<packed_pair*>(pairs_at);
    pairs_at += n;
    for (size_t i = 0; i < in.size(); ++i) {
      new (first + i) packed_pair{packed_text{place(in[i].first, string_pool::max_interned_bytes)},
                                  packed_text{place(in[i].second, max_interned_value_bytes)}};
    }
    return packed_pairs{first, static_cast<uint32_t>(in.size())};
  }

  void fill(compact_instance& r, const instance_info& x) {
    r.metadata = pairs(x.metadata);
    r.data_center.metadata = pairs(x.data_center.metadata);
    r.app = shared(x.app);
    r.app_group_name = shared_opt(x.app_group_name);
    r.vip_address = shared_opt(x.vip_address);
    r.secure_vip_address = shared_opt(x.secure_vip_address);
    r.sid = shared(x.sid);
    r.asg_name = shared_opt(x.asg_name);
    r.data_center.name = shared(x.data_center.name);
    r.instance_id = own_opt(x.instance_id);
    r.host_name = own(x.host_name);
    r.ip_addr = own(x.ip_addr);
    r.home_page_url = own_opt(x.home_page_url);
    r.status_page_url = own_opt(x.status_page_url);
    r.health_check_url = own_opt(x.health_check_url);
    r.secure_health_check_url = own_opt(x.secure_health_check_url);
    r.data_center.kind = x.data_center.kind;
    r.data_center.present = x.data_center.present;
    r.port = x.port;
    r.secure_port = x.secure_port;
    r.last_updated_timestamp = x.last_updated_timestamp;
    r.last_dirty_timestamp = x.last_dirty_timestamp;
    r.lease.renewal_interval_secs = x.lease.renewal_interval_secs;
    r.lease.duration_secs = x.lease.duration_secs;
    r.country_id = x.country_id;
    r.status = x.status;
    r.overridden_status = x.overridden_status;
    r.action = x.action;
    r.is_coordinating_discovery_server = x.is_coordinating_discovery_server;
  }

  compact_ptr build(const instance_info& x) {
    if (pool != nullptr)
      pool->renew_if_full();
    compact_instance scratch;
    fill(scratch, x);
    static_assert(sizeof(compact_instance) % alignof(packed_pair) == 0);
    auto total = sizeof(compact_instance) + pair_bytes + text_bytes;
    void* mem = ::operator new(total);
    auto r = new (mem) compact_instance();
    r->bytes_ = static_cast<uint32_t>(total);
    if (pool != nullptr)
      r->pool_ = pool->current();
    sizing = false;
    pairs_at = static_cast<char*>(mem) + sizeof(compact_instance);
    text_at = pairs_at + pair_bytes;
    fill(*r, x);
    return compact_ptr{r};
  }
};

compact_ptr::compact_ptr(const compact_ptr& other) : p_(other.p_) {
  if (p_ != nullptr)
    p_->refs_.fetch_add(1, std::memory_order_relaxed);
}

compact_ptr::~compact_ptr() {
  if (p_ != nullptr)
    p_->release();
}

void compact_instance::release() const {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    auto self = const_cast<compact_instance*>(this);
    self->~compact_instance();
    ::operator delete(self);
  }
}

compact_ptr compact_instance::make(const instance_info& x, string_pool* pool) {
  compact_builder b{pool};
  return b.build(x);
}

const compact_ptr& compact_instance::empty() {
  static const compact_ptr record = make(instance_info{});
  return record;
}

instance_info compact_instance::expand() const {
  instance_info x;
  x.instance_id = instance_id.to_opt();
  x.host_name = host_name.str();
  x.app = app.str();
  x.ip_addr = ip_addr.str();
  x.sid = sid.str();
  x.status = status;
  x.overridden_status = overridden_status;
  x.port = port;
  x.secure_port = secure_port;
  x.country_id = country_id;
  x.data_center.kind = data_center.kind;
  x.data_center.name = data_center.name.str();
  x.data_center.metadata = data_center.metadata.to_pairs();
  x.data_center.present = data_center.present;
  x.lease.renewal_interval_secs = lease.renewal_interval_secs;
  x.lease.duration_secs = lease.duration_secs;
  x.metadata = metadata.to_pairs();
  x.app_group_name = app_group_name.to_opt();
  x.home_page_url = home_page_url.to_opt();
  x.status_page_url = status_page_url.to_opt();
  x.health_check_url = health_check_url.to_opt();
  x.secure_health_check_url = secure_health_check_url.to_opt();
  x.vip_address = vip_address.to_opt();
  x.secure_vip_address = secure_vip_address.to_opt();
  x.is_coordinating_discovery_server = is_coordinating_discovery_server;
  x.last_updated_timestamp = last_updated_timestamp;
  x.last_dirty_timestamp = last_dirty_timestamp;
  x.action = action;
  x.asg_name = asg_name.to_opt();
  return x;
}

std::string_view compact_instance::id_view() const {
  return instance_id_of(*this);
}

bool same_fields(const compact_instance& a, const instance_info& b) {
  // The record keeps the registrant's lease intervals, not its timestamps
  // (the lease's own are shown instead): those are left out.
  auto expected = b;
  expected.lease = lease_info{};
  expected.lease.renewal_interval_secs = b.lease.renewal_interval_secs;
  expected.lease.duration_secs = b.lease.duration_secs;
  return a.expand() == expected;
}

size_t approximate_bytes(const compact_instance& x) {
  return x.allocated_bytes();
}

} // namespace eureka
