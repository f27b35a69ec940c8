// AgentService: serves any HostAgent over gRPC (proto/agent.proto); raftlab-agent
// (agent_main.cc) wraps a LocalAgent with it, tests wrap whatever they need.
//
// Every call must carry the lab's token (metadata `authorization: Bearer <token>`, compared
// in constant time); a call without it or with another one fails UNAUTHENTICATED and never
// reaches the agent. The agent's own errors travel as gRPC statuses (common/grpc_status.h)
// with their messages, marked with trailing metadata kAgentOriginKey (agent_wire.h).
//
// Thread-safe (gRPC calls it from many threads; the HostAgent must be thread-safe too). The
// HostAgent must outlive the service. Call Stop() before shutting the server down so that
// long polls (NextExit, WaitExit) return at once.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "cluster/agent_wire.h"
#include "cluster/host_agent.h"

namespace raftlab::cluster {

class AgentService final : public agent_pb::Agent::Service {
 public:
  using Log = std::function<void(const std::string&)>;
  // `token` must not be empty. `log` (optional) hears one line per refused call and per
  // change the agent makes on its host (hosts, processes, mounts, leftovers).
  AgentService(HostAgent* agent, std::string token, Log log = nullptr);

  // Long polls in progress and to come answer at once (no exit / Unavailable).
  void Stop();

  grpc::Status Hello(grpc::ServerContext* ctx, const agent_pb::HelloRequest* req, agent_pb::HelloReply* reply) override;
  grpc::Status CreateFabric(grpc::ServerContext* ctx, const agent_pb::Nothing* req, agent_pb::Nothing* reply) override;
  grpc::Status CreateHost(grpc::ServerContext* ctx, const agent_pb::HostRequest* req, agent_pb::Nothing* reply) override;
  grpc::Status RemoveHost(grpc::ServerContext* ctx, const agent_pb::HostRequest* req, agent_pb::Nothing* reply) override;
  grpc::Status HostIp(grpc::ServerContext* ctx, const agent_pb::HostRequest* req, agent_pb::HostIpReply* reply) override;
  grpc::Status RunOnHost(grpc::ServerContext* ctx, const agent_pb::RunRequest* req, agent_pb::RunReply* reply) override;
  grpc::Status StartOnHost(grpc::ServerContext* ctx, const agent_pb::StartRequest* req, agent_pb::Process* reply) override;
  grpc::Status Signal(grpc::ServerContext* ctx, const agent_pb::SignalRequest* req, agent_pb::Nothing* reply) override;
  grpc::Status WaitExit(grpc::ServerContext* ctx, const agent_pb::WaitExitRequest* req, agent_pb::WaitExitReply* reply) override;
  grpc::Status NextExit(grpc::ServerContext* ctx, const agent_pb::NextExitRequest* req, agent_pb::NextExitReply* reply) override;
  grpc::Status ReadFile(grpc::ServerContext* ctx, const agent_pb::PathRequest* req, grpc::ServerWriter<agent_pb::FileChunk>* writer) override;
  grpc::Status ReadTree(grpc::ServerContext* ctx, const agent_pb::PathRequest* req, grpc::ServerWriter<agent_pb::FileChunk>* writer) override;
  grpc::Status WriteFile(grpc::ServerContext* ctx, grpc::ServerReader<agent_pb::WriteChunk>* reader, agent_pb::Nothing* reply) override;
  grpc::Status MakeDirs(grpc::ServerContext* ctx, const agent_pb::PathRequest* req, agent_pb::Nothing* reply) override;
  grpc::Status MoveTree(grpc::ServerContext* ctx, const agent_pb::FromToRequest* req, agent_pb::Nothing* reply) override;
  grpc::Status CopyFile(grpc::ServerContext* ctx, const agent_pb::FromToRequest* req, agent_pb::Nothing* reply) override;
  grpc::Status RemoveTree(grpc::ServerContext* ctx, const agent_pb::PathRequest* req, agent_pb::Nothing* reply) override;
  grpc::Status MountSlowStore(grpc::ServerContext* ctx, const agent_pb::MountRequest* req, agent_pb::Process* reply) override;
  grpc::Status UnmountSlowStore(grpc::ServerContext* ctx, const agent_pb::UnmountRequest* req, agent_pb::Nothing* reply) override;
  grpc::Status RemoveLeftovers(grpc::ServerContext* ctx, const agent_pb::Nothing* req, agent_pb::LeftoversReply* reply) override;

 private:
  // OK when the call carries this lab's token; UNAUTHENTICATED (and a log line) otherwise.
  grpc::Status Authorize(grpc::ServerContext* ctx, const char* rpc) const;
  // The agent's Status as the call's answer, marked as the agent's own.
  static grpc::Status Answer(grpc::ServerContext* ctx, const Status& s);
  void Note(const std::string& line) const;
  bool Stopping(grpc::ServerContext* ctx) const;

  HostAgent* agent_;
  const std::string token_;
  const Log log_;
  std::atomic<bool> stopping_{false};
  // Exits taken from the agent for a NextExit call whose caller had gone away: the next
  // NextExit answers with them first, so an exit is never lost to a dropped call.
  std::mutex pending_mu_;
  std::deque<ProcessExit> pending_exits_;
};

}  // namespace raftlab::cluster
