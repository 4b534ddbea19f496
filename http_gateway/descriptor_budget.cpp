#include "http_gateway/descriptor_budget.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace eureka::gateway {

std::optional<connection_budget> plan_connection_budget(uint64_t descriptor_limit, size_t open_now,
                                                        size_t requested) {
  auto reserved = static_cast<uint64_t>(open_now) + descriptor_headroom;
  if (descriptor_limit <= reserved)
    return std::nullopt;
  auto usable = descriptor_limit - reserved;
  // A sixteenth of what is usable lingers after a 503, within [1, 64].
  auto rejecting = std::clamp<uint64_t>(usable / 16, 1, max_rejecting_connections);
  if (usable < rejecting + 4)
    return std::nullopt;
  auto serving = usable - rejecting;
  connection_budget out;
  out.max_rejecting = static_cast<size_t>(rejecting);
  if (requested > serving) {
    out.max_connections = static_cast<size_t>(serving);
    out.lowered = true;
  } else {
    out.max_connections = requested;
  }
  return out;
}

descriptor_limit raise_descriptor_limit() {
  descriptor_limit out;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    out.error = std::string{"getrlimit: "} + std::strerror(errno);
    return out;
  }
  out.soft_before = lim.rlim_cur;
  out.soft = lim.rlim_cur;
  out.hard = lim.rlim_max;
  auto target = lim.rlim_max;
  if (target == RLIM_INFINITY) {
    // The kernel refuses more than fs.nr_open per process.
    rlim_t nr_open = 1024 * 1024;
    std::ifstream in{"/proc/sys/fs/nr_open"};
    if (unsigned long long v = 0; in >> v && v > 0)
      nr_open = static_cast<rlim_t>(v);
    target = nr_open;
  }
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur >= target)
    return out;
  lim.rlim_cur = target;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    out.error = std::string{"setrlimit: "} + std::strerror(errno);
    return out;
  }
  out.soft = target;
  return out;
}

size_t count_open_descriptors() {
  size_t n = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (auto* entry = readdir(dir))
      if (entry->d_name[0] != '.')
        ++n;
    closedir(dir);
    return n > 0 ? n - 1 : 0; // the directory stream's own descriptor
  }
  return 0;
}

uint64_t descriptor_soft_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY)
    return std::numeric_limits<uint64_t>::max();
  return lim.rlim_cur;
}

bool descriptor_available() {
  int probe = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
  if (probe < 0)
    return errno != EMFILE && errno != ENFILE;
  close(probe);
  return true;
}

} // namespace eureka::gateway
