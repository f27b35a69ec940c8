#include "cluster/topology.h"

#include <cstdlib>

namespace raftlab::cluster {

int MemberOrdinal(const std::string& name) {
  if (name.size() != 2 || name[0] != 'n' || name[1] < '1' || name[1] > '0' + kMaxMembers) return 0;
  return name[1] - '0';
}

std::string MemberName(int ordinal) { return "n" + std::to_string(ordinal); }
std::string MemberNetns(const std::string& name) { return std::string(kPrefix) + name; }
std::string MemberIp(const std::string& name) { return "127.99.0." + std::to_string(10 + MemberOrdinal(name)); }
std::string MemberBridgePort(const std::string& name) { return std::string(kPrefix) + name + "-b"; }
std::string MemberVethTemp(const std::string& name) { return std::string(kPrefix) + name + "-m"; }
std::string ClientEndpoint(const std::string& name) { return MemberIp(name) + ":" + std::to_string(kClientPort); }
std::string ClientUrl(const std::string& name) { return "http://" + ClientEndpoint(name); }
std::string PeerUrl(const std::string& name) { return "http://" + MemberIp(name) + ":" + std::to_string(kPeerPort); }

std::string DefaultStateDir() {
  const char* env = std::getenv("RAFTLAB_STATE_DIR");
  return env != nullptr && *env != '\0' ? env : "/var/lib/raftlab";
}

}  // namespace raftlab::cluster
