// RemoteAgent: a HostAgent whose host is served by a raftlab-agent elsewhere, over gRPC
// (proto/agent.proto, cluster/agent_service.h). The control plane uses it exactly like
// LocalAgent.
//
//   Result<std::unique_ptr<HostAgent>> agent = ConnectRemoteAgent("127.99.0.21:7070", token, 3000);
//
// The channel is insecure (no TLS) and goes to the given address only (no proxy, no name
// resolution beyond it); every call carries the lab's token (agent_token.h). Connecting says
// Hello, so an unreachable agent (Unavailable) or a refused token (PermissionDenied) fails
// there, with a message naming the address. Afterwards the agent's own errors come back with
// their code and message unchanged; a transport failure says which agent and which call.
//
// NextExit is a long poll (one call per NextExit, at most 30 s each): nothing is taken from
// the agent unless a caller asks, and an exit the agent took for a caller that went away is
// handed to the next call. Files travel in 1 MiB chunks. Thread-safe: calls share only the
// channel, which is.
#pragma once

#include <memory>
#include <string>

#include "cluster/host_agent.h"

namespace raftlab::cluster {

// `address` is HOST:PORT (IPv6 as [ADDR]:PORT); `timeout_ms` bounds the connect and Hello.
Result<std::unique_ptr<HostAgent>> ConnectRemoteAgent(const std::string& address, const std::string& token,
                                                      int timeout_ms);

}  // namespace raftlab::cluster
