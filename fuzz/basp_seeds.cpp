// Writes the seed corpus of basp_message_fuzz: one serialized caf::message
// per message a peer sends to our BASP port (peer_frontend_actor), as CAF
// serializes it. Run it again when a message type changes (after a
// scripts/fuzz.sh run has configured build/fuzz):
//   ninja -C build/fuzz basp_seeds && build/fuzz/fuzz/basp_seeds fuzz/corpus/basp_message
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/io/middleman.hpp>

#include "messages/atoms.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/registry_messages.hpp"

namespace {

struct seed_config : caf::actor_system_config {
  seed_config() {
    load<caf::io::middleman>();
    eureka::register_message_types(*this);
  }
};

eureka::instance_info sample_instance() {
  eureka::instance_info x;
  x.instance_id = "host-1:orders:8080";
  x.host_name = "host-1";
  x.app = "ORDERS";
  x.ip_addr = "10.0.0.1";
  x.vip_address = std::string{"orders"};
  x.metadata.emplace_back("zone", "a");
  return x;
}

} // namespace

int main(int argc, char** argv) {
  using namespace eureka;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT-DIRECTORY\n", argv[0]);
    return 2;
  }
  seed_config cfg;
  caf::actor_system sys{cfg};
  std::vector<std::pair<std::string, caf::message>> seeds;
  // A hello carries the caller's frontend: an actor reference on the wire.
  // (With an argument: CAF 0.17 dereferences a null tuple for one without.)
  auto frontend = sys.spawn([](int) { return caf::behavior{[](int) {}}; }, 0);
  seeds.emplace_back("peer_hello",
                     caf::make_message(peer_hello{
                         "prod", "node-a", "http://10.0.0.1:8761/eureka/", cluster_protocol_version,
                         caf::actor_cast<caf::strong_actor_ptr>(frontend)}));
  replication_batch batch;
  batch.seq = 7;
  replication_item reg;
  reg.app = "ORDERS";
  reg.id = "host-1:orders:8080";
  reg.info = sample_instance();
  batch.items.push_back(reg);
  replication_item beat;
  beat.action = replication_action::heartbeat;
  beat.app = "ORDERS";
  beat.id = "host-1:orders:8080";
  beat.last_dirty_timestamp = int64_t{1700000000000};
  beat.status = instance_status::up;
  batch.items.push_back(beat);
  replication_item cancel;
  cancel.action = replication_action::cancel;
  cancel.app = "ORDERS";
  cancel.id = "host-2:orders:8080";
  batch.items.push_back(cancel);
  seeds.emplace_back("replication_batch", caf::make_message(batch));
  seeds.emplace_back("digest", caf::make_message(digest_atom::value));
  seeds.emplace_back("export", caf::make_message(export_atom::value,
                                                 std::vector<std::string>{"ORDERS", "BILLING"}));
  for (const auto& [name, msg] : seeds) {
    std::vector<char> bytes;
    caf::binary_serializer sink{sys, bytes};
    if (auto err = sink(const_cast<caf::message&>(msg))) {
      std::fprintf(stderr, "cannot serialize %s: %s\n", name.c_str(), sys.render(err).c_str());
      return 1;
    }
    std::ofstream out(std::string{argv[1]} + "/" + name, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  caf::anon_send_exit(frontend, caf::exit_reason::user_shutdown);
  return 0;
}
