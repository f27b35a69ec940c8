#include "common/privileges.h"

#include <cstdlib>
#include <fstream>
#include <string>

namespace raftlab {

Status CheckNetAdmin() {
  constexpr int kCapNetAdmin = 12;
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    unsigned long long caps = strtoull(line.c_str() + 7, nullptr, 16);
    if (caps & (1ULL << kCapNetAdmin)) return Status::Ok();
  }
  return PermissionDenied("needs root (CAP_NET_ADMIN) to create network namespaces: run it as root or with sudo");
}

}  // namespace raftlab
