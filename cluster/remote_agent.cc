#include "cluster/remote_agent.h"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <thread>

#include "cluster/agent_token.h"
#include "cluster/agent_wire.h"
#include "common/grpc_status.h"

namespace raftlab::cluster {
namespace {

// Deadlines for one call: ordinary calls (a host, a tool, a mount, a sweep), file streams
// (64 MB WALs), and the slack a long poll gets beyond the wait it asks for.
constexpr int kCallMs = 120'000;
constexpr int kStreamMs = 600'000;
constexpr int kPollSlackMs = 10'000;

struct Target {
  std::string grpc_target;   // "ipv4:127.99.0.21:7070", or the name for DNS
};

Result<Target> ParseAddress(const std::string& address) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("agent address '" + address + "': " + why + " (want HOST:PORT, e.g. 127.99.0.21:7070)");
  };
  size_t colon = address.rfind(':');
  if (address.empty() || colon == std::string::npos || colon == 0) return bad("no HOST:PORT");
  std::string host = address.substr(0, colon), port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return bad("the port is not a number from 1 to 65535");
  }
  if (address.find('/') != std::string::npos || address.find("://") != std::string::npos) return bad("not a plain address");
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return Target{"ipv4:" + address};
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) == 1) return Target{"ipv6:" + address};
    return bad("not an IPv6 address in brackets");
  }
  if (host.find_first_of("[]: ") != std::string::npos) return bad("not a host name or IP address");
  return Target{"dns:///" + address};
}

class RemoteAgent final : public HostAgent {
 public:
  RemoteAgent(std::string address, std::string token, std::shared_ptr<grpc::Channel> channel)
      : address_(std::move(address)), bearer_(BearerValue(token)), channel_(std::move(channel)),
        stub_(agent_pb::Agent::NewStub(channel_)) {}

  // Says Hello within timeout_ms; remembers the agent's RootDir.
  Status Hello(int timeout_ms) {
    grpc::ClientContext ctx;
    Prepare(&ctx, timeout_ms);
    agent_pb::HelloReply reply;
    grpc::Status s = stub_->Hello(&ctx, agent_pb::HelloRequest(), &reply);
    if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED || s.error_code() == grpc::StatusCode::UNAVAILABLE) {
      return Unavailable(Describe() + " is unreachable: no answer within " + std::to_string(timeout_ms) +
                         " ms (" + s.error_message() + "); is raftlab-agent running and listening on that address?");
    }
    RL_RETURN_IF_ERROR(Finish("Hello", ctx, s, timeout_ms));
    root_dir_ = reply.root_dir();
    return Status::Ok();
  }

  std::string RootDir() const override { return root_dir_; }
  std::string Describe() const override { return "agent " + address_; }

  Status CreateFabric() override {
    agent_pb::Nothing reply;
    return Unary("CreateFabric", &agent_pb::Agent::Stub::CreateFabric, agent_pb::Nothing(), &reply);
  }

  Status CreateHost(const std::string& host) override {
    agent_pb::Nothing reply;
    return Unary("CreateHost", &agent_pb::Agent::Stub::CreateHost, HostRequest(host), &reply);
  }

  Status RemoveHost(const std::string& host) override {
    agent_pb::Nothing reply;
    return Unary("RemoveHost", &agent_pb::Agent::Stub::RemoveHost, HostRequest(host), &reply);
  }

  Result<std::string> HostIp(const std::string& host) override {
    agent_pb::HostIpReply reply;
    RL_RETURN_IF_ERROR(Unary("HostIp", &agent_pb::Agent::Stub::HostIp, HostRequest(host), &reply));
    return reply.ip();
  }

  Result<RunResult> RunOnHost(const std::string& host, const std::vector<std::string>& argv) override {
    agent_pb::RunRequest req;
    req.set_host(host);
    for (const auto& a : argv) req.add_argv(a);
    agent_pb::RunReply reply;
    RL_RETURN_IF_ERROR(Unary("RunOnHost", &agent_pb::Agent::Stub::RunOnHost, req, &reply));
    return FromProto(reply);
  }

  Result<ProcessRef> StartOnHost(const std::string& host, const std::vector<std::string>& argv,
                                 const std::string& log_path) override {
    agent_pb::StartRequest req;
    req.set_host(host);
    for (const auto& a : argv) req.add_argv(a);
    req.set_log_path(log_path);
    agent_pb::Process reply;
    RL_RETURN_IF_ERROR(Unary("StartOnHost", &agent_pb::Agent::Stub::StartOnHost, req, &reply));
    return FromProto(reply);
  }

  Status Signal(const ProcessRef& process, int signal) override {
    agent_pb::SignalRequest req;
    *req.mutable_process() = ToProto(process);
    req.set_signal(signal);
    agent_pb::Nothing reply;
    return Unary("Signal", &agent_pb::Agent::Stub::Signal, req, &reply);
  }

  Result<std::string> WaitExit(const ProcessRef& process, int timeout_ms) override {
    agent_pb::WaitExitRequest req;
    *req.mutable_process() = ToProto(process);
    req.set_timeout_ms(timeout_ms);
    agent_pb::WaitExitReply reply;
    RL_RETURN_IF_ERROR(Unary("WaitExit", &agent_pb::Agent::Stub::WaitExit, req, &reply, timeout_ms + kPollSlackMs));
    return reply.status();
  }

  std::optional<ProcessExit> NextExit(int timeout_ms) override {
    auto start = std::chrono::steady_clock::now();
    agent_pb::NextExitRequest req;
    req.set_timeout_ms(std::min(timeout_ms, kAgentMaxPollMs));
    agent_pb::NextExitReply reply;
    Status s = Unary("NextExit", &agent_pb::Agent::Stub::NextExit, req, &reply, req.timeout_ms() + kPollSlackMs);
    if (s.ok() && reply.has_exit()) return ProcessExit{FromProto(reply.process()), reply.status()};
    // The interface has no error here: an unreachable agent reads as "no exit", but only after
    // the wait the caller asked for, so a caller's poll loop does not spin.
    if (!s.ok()) std::this_thread::sleep_until(start + std::chrono::milliseconds(timeout_ms));
    return std::nullopt;
  }

  Result<std::string> ReadFile(const std::string& host, const std::string& path) override {
    Result<std::vector<FileEntry>> files = ReadChunks("ReadFile", &agent_pb::Agent::Stub::ReadFile, host, path);
    if (!files.ok()) return files.status();
    if (files->size() != 1) {
      return Internal(Describe() + " sent " + std::to_string(files->size()) + " files for ReadFile " + path);
    }
    return std::move((*files)[0].bytes);
  }

  Result<std::vector<FileEntry>> ReadTree(const std::string& host, const std::string& dir) override {
    return ReadChunks("ReadTree", &agent_pb::Agent::Stub::ReadTree, host, dir);
  }

  Status WriteFile(const std::string& host, const std::string& path, const std::string& bytes) override {
    grpc::ClientContext ctx;
    Prepare(&ctx, kStreamMs);
    agent_pb::Nothing reply;
    std::unique_ptr<grpc::ClientWriter<agent_pb::WriteChunk>> writer = stub_->WriteFile(&ctx, &reply);
    EmitChunks(path, bytes, [&](const agent_pb::FileChunk& c) {
      agent_pb::WriteChunk w;
      w.set_host(host);
      w.set_path(path);
      w.set_offset(c.offset());
      w.set_bytes(c.bytes());
      w.set_last(c.last());
      return writer->Write(w);   // false: the call ended; Finish says why
    });
    writer->WritesDone();
    return Finish("WriteFile", ctx, writer->Finish(), kStreamMs);
  }

  Status MakeDirs(const std::string& host, const std::string& dir) override {
    agent_pb::Nothing reply;
    return Unary("MakeDirs", &agent_pb::Agent::Stub::MakeDirs, PathRequest(host, dir), &reply);
  }

  Status MoveTree(const std::string& host, const std::string& from, const std::string& to) override {
    agent_pb::Nothing reply;
    return Unary("MoveTree", &agent_pb::Agent::Stub::MoveTree, FromTo(host, from, to), &reply, kStreamMs);
  }

  Status CopyFile(const std::string& host, const std::string& from, const std::string& to) override {
    agent_pb::Nothing reply;
    return Unary("CopyFile", &agent_pb::Agent::Stub::CopyFile, FromTo(host, from, to), &reply, kStreamMs);
  }

  Status RemoveTree(const std::string& host, const std::string& path) override {
    agent_pb::Nothing reply;
    return Unary("RemoveTree", &agent_pb::Agent::Stub::RemoveTree, PathRequest(host, path), &reply);
  }

  Result<ProcessRef> MountSlowStore(const std::string& host, const SlowStore& store) override {
    agent_pb::MountRequest req;
    req.set_host(host);
    *req.mutable_store() = ToProto(store);
    agent_pb::Process reply;
    RL_RETURN_IF_ERROR(Unary("MountSlowStore", &agent_pb::Agent::Stub::MountSlowStore, req, &reply));
    return FromProto(reply);
  }

  Status UnmountSlowStore(const std::string& host, const SlowStore& store, const ProcessRef& server) override {
    agent_pb::UnmountRequest req;
    req.set_host(host);
    *req.mutable_store() = ToProto(store);
    *req.mutable_server() = ToProto(server);
    agent_pb::Nothing reply;
    return Unary("UnmountSlowStore", &agent_pb::Agent::Stub::UnmountSlowStore, req, &reply);
  }

  std::vector<std::string> RemoveLeftovers() override {
    agent_pb::LeftoversReply reply;
    Status s = Unary("RemoveLeftovers", &agent_pb::Agent::Stub::RemoveLeftovers, agent_pb::Nothing(), &reply);
    // The interface reports lines only; a failed sweep must not pass for a clean one.
    if (!s.ok()) return {"could not sweep " + Describe() + ": " + s.ToString()};
    return {reply.removed().begin(), reply.removed().end()};
  }

 private:
  static agent_pb::HostRequest HostRequest(const std::string& host) {
    agent_pb::HostRequest req;
    req.set_host(host);
    return req;
  }
  static agent_pb::PathRequest PathRequest(const std::string& host, const std::string& path) {
    agent_pb::PathRequest req;
    req.set_host(host);
    req.set_path(path);
    return req;
  }
  static agent_pb::FromToRequest FromTo(const std::string& host, const std::string& from, const std::string& to) {
    agent_pb::FromToRequest req;
    req.set_host(host);
    req.set_from(from);
    req.set_to(to);
    return req;
  }

  void Prepare(grpc::ClientContext* ctx, int deadline_ms) const {
    ctx->AddMetadata(kAuthorizationKey, bearer_);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
  }

  // The call's outcome as a Status: the agent's own answer unchanged, gRPC's failures (the
  // agent unreachable, the deadline passed, the token refused) naming the agent and the call.
  Status Finish(const char* rpc, grpc::ClientContext& ctx, const grpc::Status& s, int deadline_ms) const {
    if (s.ok()) return Status::Ok();
    const auto& trailers = ctx.GetServerTrailingMetadata();
    auto origin = trailers.find(kAgentOriginKey);
    if (origin != trailers.end() && origin->second == kAgentOriginValue) return FromGrpcStatus(s);
    std::string where = Describe() + ", " + rpc + ": ";
    switch (s.error_code()) {
      case grpc::StatusCode::UNAUTHENTICATED:
        return PermissionDenied(Describe() + " refused the token: " + s.error_message());
      case grpc::StatusCode::UNAVAILABLE:
        return Unavailable(where + "unreachable (" + s.error_message() + ")");
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        return Timeout(where + "no answer within " + std::to_string(deadline_ms) + " ms");
      default: {
        Status mapped = FromGrpcStatus(s);
        return Status(mapped.code(), where + s.error_message());
      }
    }
  }

  template <typename Req, typename Reply>
  using UnaryMethod = grpc::Status (agent_pb::Agent::Stub::*)(grpc::ClientContext*, const Req&, Reply*);

  template <typename Req, typename Reply>
  Status Unary(const char* rpc, UnaryMethod<Req, Reply> method, const Req& req, Reply* reply,
               int deadline_ms = kCallMs) const {
    grpc::ClientContext ctx;
    Prepare(&ctx, deadline_ms);
    grpc::Status s = (stub_.get()->*method)(&ctx, req, reply);
    return Finish(rpc, ctx, s, deadline_ms);
  }

  using StreamMethod = std::unique_ptr<grpc::ClientReader<agent_pb::FileChunk>> (agent_pb::Agent::Stub::*)(
      grpc::ClientContext*, const agent_pb::PathRequest&);

  Result<std::vector<FileEntry>> ReadChunks(const char* rpc, StreamMethod method, const std::string& host,
                                            const std::string& path) const {
    grpc::ClientContext ctx;
    Prepare(&ctx, kStreamMs);
    std::unique_ptr<grpc::ClientReader<agent_pb::FileChunk>> reader =
        (stub_.get()->*method)(&ctx, PathRequest(host, path));
    ChunkAssembler assembler;
    agent_pb::FileChunk chunk;
    Status bad;
    while (reader->Read(&chunk)) {
      if (bad.ok()) bad = assembler.Add(chunk);
      if (!bad.ok()) ctx.TryCancel();
    }
    grpc::Status s = reader->Finish();
    if (!bad.ok()) return Status(bad.code(), Describe() + ", " + rpc + " " + path + ": " + bad.message());
    RL_RETURN_IF_ERROR(Finish(rpc, ctx, s, kStreamMs));
    Result<std::vector<FileEntry>> files = assembler.Finish();
    if (!files.ok()) return Status(files.status().code(), Describe() + ", " + rpc + " " + path + ": " + files.status().message());
    return files;
  }

  const std::string address_;
  const std::string bearer_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<agent_pb::Agent::Stub> stub_;
  std::string root_dir_;   // set by Hello before the agent is handed out
};

}  // namespace

Result<std::unique_ptr<HostAgent>> ConnectRemoteAgent(const std::string& address, const std::string& token,
                                                      int timeout_ms) {
  Result<Target> target = ParseAddress(address);
  if (!target.ok()) return target.status();
  if (token.empty()) return InvalidArgument("no token for agent " + address + ": the lab's token file is empty");
  if (timeout_ms <= 0) return InvalidArgument("connect timeout must be positive, not " + std::to_string(timeout_ms));
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);   // to this address only, whatever http_proxy says
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(target->grpc_target, grpc::InsecureChannelCredentials(), args);
  auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms);
  if (!channel->WaitForConnected(deadline)) {
    return Unavailable("agent " + address + " is unreachable: no connection within " + std::to_string(timeout_ms) +
                       " ms; is raftlab-agent running and listening on that address?");
  }
  auto agent = std::make_unique<RemoteAgent>(address, token, std::move(channel));
  RL_RETURN_IF_ERROR(agent->Hello(timeout_ms));
  return std::unique_ptr<HostAgent>(std::move(agent));
}

}  // namespace raftlab::cluster
