// raftlab-agent's command line: parsing and the rules on where it may listen. Pure functions
// (no sockets, no files); thread-safe.
//
// Listen rules: one numeric address and port, never a wildcard (0.0.0.0, ::); on this machine
// only loopback (127.0.0.0/8), where the lab's traffic stays; any other address only with
// --allow-remote (an agent on a machine of its own).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace raftlab::cluster {

struct AgentFlags {
  std::string listen;        // as given: "127.99.0.21:7070", "[fd00::1]:7070"
  std::string listen_ip;     // "127.99.0.21", "fd00::1"
  int port = 0;
  std::string token_file;
  std::string state_dir = "/var/lib/raftlab-agent";
  std::string host_ip;       // where members on this host are reached; default listen_ip
  bool host_network = false; // the agent owns this machine's network (its initial namespace)
  bool allow_remote = false;
  bool help = false;
};

// args without the program name. InvalidArgument naming the flag and the rule broken.
Result<AgentFlags> ParseAgentFlags(const std::vector<std::string>& args);

// Ok when the agent may listen on ip (numeric IPv4 or IPv6) under the rules above.
Status CheckListenIp(const std::string& ip, bool allow_remote);

std::string AgentUsage();

}  // namespace raftlab::cluster
