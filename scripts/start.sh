#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs one node on port
# 8761 with the built-in defaults. Extra arguments go to the node, e.g.
#   scripts/start.sh --eureka.server.enable-self-preservation=false
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" release caf-eureka-node
exec "$root/build/release/apps/caf-eureka-node" "$@"
