// The encoders on a lease's stored record (registry/compact_instance.hpp)
// write exactly the bytes they write for the instance_info it was built
// from, in every form, so storing the compact record changes no output.
#define BOOST_TEST_MODULE codec_record_test
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "codec/instance_codec.hpp"
#include "codec_test_util.hpp"
#include "registry/compact_instance.hpp"

using namespace eureka;
using namespace codec_fixtures;

namespace {

/// The forms a read encodes an instance in, from either type.
template <class Instance>
std::vector<std::string> all_forms(const Instance& x, const lease_info& lease) {
  std::vector<std::string> out(5);
  codec::append_instance_json(out[0], x, lease);
  codec::append_instance_xml(out[1], x, lease, 0);
  codec::append_instance_xml(out[2], x, lease, 2);
  codec::append_instance_json_compact(out[3], x);
  codec::append_instance_xml_compact(out[4], x);
  return out;
}

void check_same_bytes(const instance_info& x) {
  string_pool pool;
  for (auto* p : {&pool, static_cast<string_pool*>(nullptr)}) {
    auto r = compact_instance::make(x, p);
    auto expected = all_forms(x, x.lease);
    auto got = all_forms(*r, x.lease);
    for (size_t i = 0; i < expected.size(); ++i)
      BOOST_TEST(got[i] == expected[i]);
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(every_field_set) {
  check_same_bytes(everything_set());
}

BOOST_AUTO_TEST_CASE(spec_examples) {
  check_same_bytes(spec_host1_full());
  check_same_bytes(spec_host1());
  check_same_bytes(spec_host2());
  check_same_bytes(spec_host3());
}

BOOST_AUTO_TEST_CASE(defaults_and_absent_fields) {
  check_same_bytes(instance_info{});
  auto x = spec_host1();
  x.data_center.present = false;
  x.metadata.clear();
  x.sid = "unknown";
  x.action = action_type::none;
  check_same_bytes(x);
  x.data_center.kind = data_center_kind::netflix;
  x.data_center.present = true;
  x.sid = "";
  check_same_bytes(x);
}

BOOST_AUTO_TEST_CASE(spring_instance_id_from_metadata) {
  // No instanceId, the metadata's: Spring's rule applies on output.
  auto x = spec_host1();
  x.instance_id = caf::none;
  x.metadata = {{"instanceId", "svc:8080"}};
  check_same_bytes(x);
  x.metadata = {{"instanceId", x.host_name + ":8080"}};
  check_same_bytes(x);
  x.metadata = {{"instanceId", "  "}};
  check_same_bytes(x);
}
