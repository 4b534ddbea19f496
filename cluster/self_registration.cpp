#include "cluster/self_registration.hpp"

#include <chrono>
#include <utility>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "common/log.hpp"
#include "common/text.hpp"

namespace eureka::cluster {

namespace {

struct self_registration_state {
  self_identity me;
  time_anchor clock;
  directory_actor directory;
  static const char* name;
};

const char* self_registration_state::name = "self_registration";

using self_ptr = self_registration_actor::stateful_pointer<self_registration_state>;

int64_t now_ms(self_ptr self) {
  return self->state.clock.to_epoch_ms(self->clock().now());
}

void register_self(self_ptr self) {
  auto& st = self->state;
  self->request(st.directory, caf::infinite,
                register_cmd{self_instance(st.me, now_ms(self)), false, false})
      .then(
          [self](write_reply& r) {
            if (r.outcome == write_outcome::ok)
              log::info("cluster", "registered this node as {}", log::esc(self->state.me.app));
            else
              log::warn("cluster", "could not register this node (refused by a registry limit)");
          },
          [self](caf::error& err) {
            log::warn("cluster", "could not register this node: {}", self->system().render(err));
          });
}

} // namespace

instance_info self_instance(const self_identity& me, int64_t now_ms) {
  instance_info x;
  auto vip = text::to_lower(me.app);
  x.instance_id = fmt::format("{}:{}:{}", me.host_name, vip, me.port);
  x.host_name = me.host_name;
  x.app = me.app;
  x.ip_addr = me.ip;
  x.status = instance_status::up;
  x.port = port_info{static_cast<int32_t>(me.port), !me.https};
  x.secure_port = me.https ? port_info{static_cast<int32_t>(me.port), true} : port_info{443, false};
  x.vip_address = vip;
  x.secure_vip_address = vip;
  auto root = fmt::format("{}://{}:{}", me.https ? "https" : "http", me.host_name, me.port);
  x.home_page_url = root + "/";
  x.status_page_url = root + me.base_path + "/status";
  x.health_check_url = root + "/health";
  x.metadata = {{"caf-eureka.cluster", me.cluster}, {"caf-eureka.node-id", me.node_id}};
  x.lease.renewal_interval_secs = 30;
  x.lease.duration_secs = 90;
  x.last_updated_timestamp = now_ms;
  x.last_dirty_timestamp = now_ms;
  return x;
}

self_registration_actor spawn_self_registration(caf::actor_system& sys, self_identity me,
                                                time_anchor clock, directory_actor directory) {
  return sys.spawn(
      [](self_ptr self, self_identity who, time_anchor anchor,
         directory_actor dir) -> self_registration_actor::behavior_type {
        self->state.me = std::move(who);
        self->state.clock = anchor;
        self->state.directory = std::move(dir);
        self->set_default_handler(caf::drop);
        register_self(self);
        self->delayed_send(self, std::chrono::seconds{30}, selfrenew_atom::value);
        return {
            [=](selfrenew_atom) {
              auto& st = self->state;
              auto id = self_instance(st.me, 0).id();
              self->request(st.directory, caf::infinite,
                            renew_cmd{st.me.app, id, false, caf::none, caf::none})
                  .then([self](write_reply& r) {
                    // Evicted or cancelled meanwhile: register again, as a
                    // client does on a 404.
                    if (r.outcome == write_outcome::not_found)
                      register_self(self);
                  });
              self->delayed_send(self, std::chrono::seconds{30}, selfrenew_atom::value);
            },
        };
      },
      std::move(me), clock, std::move(directory));
}

} // namespace eureka::cluster
