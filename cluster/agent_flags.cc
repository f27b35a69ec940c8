#include "cluster/agent_flags.h"

#include <arpa/inet.h>

#include <cstring>

namespace raftlab::cluster {
namespace {

Status SplitListen(const std::string& listen, std::string* ip, int* port) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("--listen " + listen + ": " + why + " (want ADDR:PORT, e.g. 127.99.0.21:7070)");
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad("no ADDR:PORT");
  std::string host = listen.substr(0, colon), p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(p) < 1 || std::stoi(p) > 65535) {
    return bad("the port is not a number from 1 to 65535");
  }
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad("an IPv6 address goes in brackets, [ADDR]:PORT");
    host = host.substr(1, host.size() - 2);
    in6_addr a6{};
    if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) return bad("'" + host + "' is not an IPv6 address");
  } else {
    in_addr a4{};
    if (inet_pton(AF_INET, host.c_str(), &a4) != 1) {
      return bad("'" + host + "' is not a numeric IPv4 address (the agent listens on one address, named by number)");
    }
  }
  *ip = host;
  *port = std::stoi(p);
  return Status::Ok();
}

}  // namespace

Status CheckListenIp(const std::string& ip, bool allow_remote) {
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, ip.c_str(), &a4) == 1) {
    uint32_t host_order = ntohl(a4.s_addr);
    if (host_order == 0) {
      return InvalidArgument("--listen " + ip + " would listen on every address: give the one address the control plane reaches");
    }
    if ((host_order >> 24) == 127 || allow_remote) return Status::Ok();
  } else if (inet_pton(AF_INET6, ip.c_str(), &a6) == 1) {
    if (IN6_IS_ADDR_UNSPECIFIED(&a6)) {
      return InvalidArgument("--listen [" + ip + "] would listen on every address: give the one address the control plane reaches");
    }
    if (allow_remote) return Status::Ok();
  } else {
    return InvalidArgument("--listen: '" + ip + "' is not a numeric IP address");
  }
  return InvalidArgument("--listen " + ip + " is not a loopback address (127.0.0.0/8): on one machine the lab's "
                         "traffic stays on loopback; on a machine of its own pass --allow-remote");
}

Result<AgentFlags> ParseAgentFlags(const std::vector<std::string>& args) {
  AgentFlags f;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) -> Status {
      if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) return InvalidArgument(a + " needs a value");
      *out = args[++i];
      return Status::Ok();
    };
    if (a == "--help" || a == "-h") {
      f.help = true;
      return f;
    } else if (a == "--listen") {
      RL_RETURN_IF_ERROR(value(&f.listen));
    } else if (a == "--token-file") {
      RL_RETURN_IF_ERROR(value(&f.token_file));
    } else if (a == "--state-dir") {
      RL_RETURN_IF_ERROR(value(&f.state_dir));
    } else if (a == "--host-ip") {
      RL_RETURN_IF_ERROR(value(&f.host_ip));
    } else if (a == "--host-network") {
      f.host_network = true;
    } else if (a == "--allow-remote") {
      f.allow_remote = true;
    } else {
      return InvalidArgument("unknown argument '" + a + "' (see --help)");
    }
  }
  if (f.listen.empty()) return InvalidArgument("--listen ADDR:PORT is required");
  if (f.token_file.empty()) return InvalidArgument("--token-file F is required (the lab's token, mode 0600)");
  if (f.state_dir.empty() || f.state_dir.front() != '/') {
    return InvalidArgument("--state-dir must be an absolute path, not '" + f.state_dir + "'");
  }
  RL_RETURN_IF_ERROR(SplitListen(f.listen, &f.listen_ip, &f.port));
  RL_RETURN_IF_ERROR(CheckListenIp(f.listen_ip, f.allow_remote));
  if (f.host_ip.empty()) {
    f.host_ip = f.listen_ip;
  } else {
    in_addr a4{};
    in6_addr a6{};
    if (inet_pton(AF_INET, f.host_ip.c_str(), &a4) != 1 && inet_pton(AF_INET6, f.host_ip.c_str(), &a6) != 1) {
      return InvalidArgument("--host-ip '" + f.host_ip + "' is not a numeric IP address");
    }
  }
  return f;
}

std::string AgentUsage() {
  return R"(usage: raftlab-agent --listen ADDR:PORT --token-file F [--state-dir DIR] [--host-ip IP]
                     [--host-network] [--allow-remote]

Serves this host to a raftlab control plane over gRPC (proto/agent.proto): the control plane
starts etcd members here, runs fault tools (iptables, tc) here and reads their files, through
`raftlab up --agent NAME=ADDR:PORT --token-file F`.

  --listen ADDR:PORT   the one address to listen on (required). Never 0.0.0.0 or ::; only
                       127.0.0.0/8 unless --allow-remote (e.g. 127.99.0.21:7070 inside a lab
                       namespace on this machine)
  --token-file F       the lab's token (required); F must not be readable by group or others
                       (chmod 600). Every call must carry it; others are refused
  --state-dir DIR      where members' data dirs, logs and mounts live
                       (default /var/lib/raftlab-agent)
  --host-ip IP         the address members on this host listen on and are reached at
                       (default: the --listen address)
  --host-network       this agent owns the machine's own network namespace (a real host), so it
                       may put the lab's fault chain there; without it, it refuses to
  --allow-remote       allow a --listen address outside 127.0.0.0/8 (an agent on another machine)
  --help               this text

On SIGTERM or SIGINT it stops serving, removes everything the lab made here and exits 0.
)";
}

}  // namespace raftlab::cluster
