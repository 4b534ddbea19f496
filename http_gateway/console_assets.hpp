// The admin console's static files (console/ in the source tree), compiled
// into the binary at build time so that a node serves its console with no
// files to install or find.
#pragma once

#include <string_view>

namespace eureka::gateway {

struct console_asset {
  /// Path served, e.g. "/console/app.js"; the page itself is "/".
  std::string_view path;
  std::string_view content_type;
  std::string_view body;
  /// The same bytes gzip-compressed at build time (served when accepted).
  std::string_view gzip_body;
};

/// The embedded file served at `path`, or nullptr.
const console_asset* find_console_asset(std::string_view path);

} // namespace eureka::gateway
