// Atoms of caf-eureka, declared once. CAF 0.17 limits atom text to 10 chars.
#pragma once

#include <caf/atom.hpp>

namespace eureka {

using register_atom = caf::atom_constant<caf::atom("register")>;
using renew_atom = caf::atom_constant<caf::atom("renew")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using unstatus_atom = caf::atom_constant<caf::atom("unstatus")>;
using metadata_atom = caf::atom_constant<caf::atom("metadata")>;
using read_atom = caf::atom_constant<caf::atom("read")>;
using instance_atom = caf::atom_constant<caf::atom("instance")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
using evict_atom = caf::atom_constant<caf::atom("evict")>;
using view_atom = caf::atom_constant<caf::atom("view")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using overrides_atom = caf::atom_constant<caf::atom("overrides")>;
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using retain_atom = caf::atom_constant<caf::atom("retain")>;
using expiry_atom = caf::atom_constant<caf::atom("expiry")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using apps_atom = caf::atom_constant<caf::atom("apps")>;
using retire_atom = caf::atom_constant<caf::atom("retire")>;

} // namespace eureka
