#include "cluster/agent_service.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "cluster/agent_token.h"
#include "common/grpc_status.h"

namespace raftlab::cluster {
namespace {

using Clock = std::chrono::steady_clock;

// Long polls wait on the agent in slices this long, so a cancelled call or Stop() is noticed.
constexpr int kPollSliceMs = 200;
// A file sent by WriteFile larger than this is refused (a lab writes configs and WAL copies).
constexpr size_t kMaxWriteBytes = size_t{1} << 30;

std::string Name(const ProcessRef& p) { return p.host + "#" + std::to_string(p.id); }

int MsLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

}  // namespace

AgentService::AgentService(HostAgent* agent, std::string token, Log log)
    : agent_(agent), token_(std::move(token)), log_(std::move(log)) {}

void AgentService::Stop() { stopping_ = true; }

void AgentService::Note(const std::string& line) const {
  if (log_) log_(line);
}

bool AgentService::Stopping(grpc::ServerContext* ctx) const { return stopping_ || ctx->IsCancelled(); }

grpc::Status AgentService::Authorize(grpc::ServerContext* ctx, const char* rpc) const {
  const auto& md = ctx->client_metadata();
  auto it = md.find(kAuthorizationKey);
  std::string why;
  if (it == md.end()) {
    why = "the call carries no 'authorization: Bearer <token>' metadata";
  } else {
    std::string_view value(it->second.data(), it->second.size());
    std::string_view prefix(kBearerPrefix);
    if (value.substr(0, prefix.size()) != prefix) {
      why = "the authorization metadata is not 'Bearer <token>'";
    } else if (!TokensEqual(value.substr(prefix.size()), token_)) {
      why = "the token is not this agent's (both sides must read the same --token-file)";
    }
  }
  if (why.empty()) return grpc::Status::OK;
  Note("refused " + std::string(rpc) + " from " + ctx->peer() + ": " + why);
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "raftlab-agent refused the call: " + why);
}

grpc::Status AgentService::Answer(grpc::ServerContext* ctx, const Status& s) {
  if (s.ok()) return grpc::Status::OK;
  ctx->AddTrailingMetadata(kAgentOriginKey, kAgentOriginValue);
  return ToGrpcStatus(s);
}

#define RL_AUTHORIZE(rpc)                                      \
  do {                                                         \
    grpc::Status _rl_auth = Authorize(ctx, rpc);               \
    if (!_rl_auth.ok()) return _rl_auth;                       \
  } while (0)

grpc::Status AgentService::Hello(grpc::ServerContext* ctx, const agent_pb::HelloRequest*, agent_pb::HelloReply* reply) {
  RL_AUTHORIZE("Hello");
  reply->set_root_dir(agent_->RootDir());
  reply->set_description(agent_->Describe());
  Note("hello from " + ctx->peer());
  return grpc::Status::OK;
}

grpc::Status AgentService::CreateFabric(grpc::ServerContext* ctx, const agent_pb::Nothing*, agent_pb::Nothing*) {
  RL_AUTHORIZE("CreateFabric");
  return Answer(ctx, agent_->CreateFabric());
}

grpc::Status AgentService::CreateHost(grpc::ServerContext* ctx, const agent_pb::HostRequest* req, agent_pb::Nothing*) {
  RL_AUTHORIZE("CreateHost");
  Status s = agent_->CreateHost(req->host());
  Note("create host " + req->host() + (s.ok() ? "" : ": " + s.ToString()));
  return Answer(ctx, s);
}

grpc::Status AgentService::RemoveHost(grpc::ServerContext* ctx, const agent_pb::HostRequest* req, agent_pb::Nothing*) {
  RL_AUTHORIZE("RemoveHost");
  Status s = agent_->RemoveHost(req->host());
  Note("remove host " + req->host() + (s.ok() ? "" : ": " + s.ToString()));
  return Answer(ctx, s);
}

grpc::Status AgentService::HostIp(grpc::ServerContext* ctx, const agent_pb::HostRequest* req, agent_pb::HostIpReply* reply) {
  RL_AUTHORIZE("HostIp");
  Result<std::string> ip = agent_->HostIp(req->host());
  if (!ip.ok()) return Answer(ctx, ip.status());
  reply->set_ip(*ip);
  return grpc::Status::OK;
}

grpc::Status AgentService::RunOnHost(grpc::ServerContext* ctx, const agent_pb::RunRequest* req, agent_pb::RunReply* reply) {
  RL_AUTHORIZE("RunOnHost");
  std::vector<std::string> argv(req->argv().begin(), req->argv().end());
  Result<RunResult> r = agent_->RunOnHost(req->host(), argv);
  Note("run on " + req->host() + ": " + JoinArgv(argv) + " -> " +
       (r.ok() ? (r->ok() ? std::string("exit 0") : r->Describe()) : r.status().ToString()));
  if (!r.ok()) return Answer(ctx, r.status());
  *reply = ToProto(*r);
  return grpc::Status::OK;
}

grpc::Status AgentService::StartOnHost(grpc::ServerContext* ctx, const agent_pb::StartRequest* req, agent_pb::Process* reply) {
  RL_AUTHORIZE("StartOnHost");
  std::vector<std::string> argv(req->argv().begin(), req->argv().end());
  Result<ProcessRef> p = agent_->StartOnHost(req->host(), argv, req->log_path());
  Note("start on " + req->host() + ": " + JoinArgv(argv) + " -> " + (p.ok() ? Name(*p) : p.status().ToString()));
  if (!p.ok()) return Answer(ctx, p.status());
  *reply = ToProto(*p);
  return grpc::Status::OK;
}

grpc::Status AgentService::Signal(grpc::ServerContext* ctx, const agent_pb::SignalRequest* req, agent_pb::Nothing*) {
  RL_AUTHORIZE("Signal");
  ProcessRef p = FromProto(req->process());
  Status s = agent_->Signal(p, req->signal());
  Note("signal " + std::to_string(req->signal()) + " to " + Name(p) + (s.ok() ? "" : ": " + s.ToString()));
  return Answer(ctx, s);
}

grpc::Status AgentService::WaitExit(grpc::ServerContext* ctx, const agent_pb::WaitExitRequest* req, agent_pb::WaitExitReply* reply) {
  RL_AUTHORIZE("WaitExit");
  ProcessRef p = FromProto(req->process());
  int timeout_ms = std::max(0, req->timeout_ms());
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    Result<std::string> r = agent_->WaitExit(p, std::min(kPollSliceMs, MsLeft(deadline)));
    if (r.ok()) {
      reply->set_status(*r);
      return grpc::Status::OK;
    }
    if (r.status().code() != Code::kTimeout) return Answer(ctx, r.status());
    if (MsLeft(deadline) == 0) {
      return Answer(ctx, Timeout("process " + Name(p) + " still runs after " + std::to_string(timeout_ms) + " ms"));
    }
    if (ctx->IsCancelled()) return grpc::Status::CANCELLED;
    if (stopping_) return Answer(ctx, Unavailable("raftlab-agent is stopping"));
  }
}

grpc::Status AgentService::NextExit(grpc::ServerContext* ctx, const agent_pb::NextExitRequest* req, agent_pb::NextExitReply* reply) {
  RL_AUTHORIZE("NextExit");
  auto deadline = Clock::now() + std::chrono::milliseconds(std::clamp(req->timeout_ms(), 0, kAgentMaxPollMs));
  std::optional<ProcessExit> exit;
  {
    std::lock_guard<std::mutex> lock(pending_mu_);
    if (!pending_exits_.empty()) {
      exit = pending_exits_.front();
      pending_exits_.pop_front();
    }
  }
  while (!exit && !Stopping(ctx)) {
    exit = agent_->NextExit(std::min(kPollSliceMs, MsLeft(deadline)));
    if (MsLeft(deadline) == 0) break;
  }
  if (!exit) return grpc::Status::OK;   // has_exit = false
  if (ctx->IsCancelled()) {
    std::lock_guard<std::mutex> lock(pending_mu_);
    pending_exits_.push_front(*exit);
    return grpc::Status::CANCELLED;
  }
  Note("exit of " + Name(exit->process) + ": " + exit->status);
  reply->set_has_exit(true);
  *reply->mutable_process() = ToProto(exit->process);
  reply->set_status(exit->status);
  return grpc::Status::OK;
}

grpc::Status AgentService::ReadFile(grpc::ServerContext* ctx, const agent_pb::PathRequest* req,
                                    grpc::ServerWriter<agent_pb::FileChunk>* writer) {
  RL_AUTHORIZE("ReadFile");
  Result<std::string> bytes = agent_->ReadFile(req->host(), req->path());
  if (!bytes.ok()) return Answer(ctx, bytes.status());
  bool sent = EmitChunks("", *bytes, [&](const agent_pb::FileChunk& c) { return writer->Write(c); });
  return sent ? grpc::Status::OK : grpc::Status::CANCELLED;
}

grpc::Status AgentService::ReadTree(grpc::ServerContext* ctx, const agent_pb::PathRequest* req,
                                    grpc::ServerWriter<agent_pb::FileChunk>* writer) {
  RL_AUTHORIZE("ReadTree");
  Result<std::vector<FileEntry>> files = agent_->ReadTree(req->host(), req->path());
  if (!files.ok()) return Answer(ctx, files.status());
  for (const FileEntry& f : *files) {
    if (!EmitChunks(f.path, f.bytes, [&](const agent_pb::FileChunk& c) { return writer->Write(c); })) {
      return grpc::Status::CANCELLED;
    }
  }
  return grpc::Status::OK;
}

grpc::Status AgentService::WriteFile(grpc::ServerContext* ctx, grpc::ServerReader<agent_pb::WriteChunk>* reader,
                                     agent_pb::Nothing*) {
  RL_AUTHORIZE("WriteFile");
  agent_pb::WriteChunk chunk;
  std::string host, path, bytes;
  bool first = true;
  while (reader->Read(&chunk)) {
    if (first) {
      host = chunk.host();
      path = chunk.path();
      first = false;
    } else if (chunk.host() != host || chunk.path() != path) {
      return Answer(ctx, InvalidArgument("WriteFile: a chunk for " + chunk.host() + ":" + chunk.path() +
                                         " inside the write of " + host + ":" + path));
    }
    if (chunk.offset() != bytes.size()) {
      return Answer(ctx, InvalidArgument("WriteFile " + path + ": chunk at offset " + std::to_string(chunk.offset()) +
                                         " after " + std::to_string(bytes.size()) + " bytes"));
    }
    if (bytes.size() + chunk.bytes().size() > kMaxWriteBytes) {
      return Answer(ctx, InvalidArgument("WriteFile " + path + ": more than " + std::to_string(kMaxWriteBytes) + " bytes"));
    }
    bytes += chunk.bytes();
    if (chunk.last()) return Answer(ctx, agent_->WriteFile(host, path, bytes));
  }
  return Answer(ctx, InvalidArgument("WriteFile " + path + ": the stream ended before its last chunk; nothing was written"));
}

grpc::Status AgentService::MakeDirs(grpc::ServerContext* ctx, const agent_pb::PathRequest* req, agent_pb::Nothing*) {
  RL_AUTHORIZE("MakeDirs");
  return Answer(ctx, agent_->MakeDirs(req->host(), req->path()));
}

grpc::Status AgentService::MoveTree(grpc::ServerContext* ctx, const agent_pb::FromToRequest* req, agent_pb::Nothing*) {
  RL_AUTHORIZE("MoveTree");
  Status s = agent_->MoveTree(req->host(), req->from(), req->to());
  Note("move " + req->from() + " -> " + req->to() + " on " + req->host() + (s.ok() ? "" : ": " + s.ToString()));
  return Answer(ctx, s);
}

grpc::Status AgentService::CopyFile(grpc::ServerContext* ctx, const agent_pb::FromToRequest* req, agent_pb::Nothing*) {
  RL_AUTHORIZE("CopyFile");
  return Answer(ctx, agent_->CopyFile(req->host(), req->from(), req->to()));
}

grpc::Status AgentService::RemoveTree(grpc::ServerContext* ctx, const agent_pb::PathRequest* req, agent_pb::Nothing*) {
  RL_AUTHORIZE("RemoveTree");
  Status s = agent_->RemoveTree(req->host(), req->path());
  Note("remove " + req->path() + " on " + req->host() + (s.ok() ? "" : ": " + s.ToString()));
  return Answer(ctx, s);
}

grpc::Status AgentService::MountSlowStore(grpc::ServerContext* ctx, const agent_pb::MountRequest* req, agent_pb::Process* reply) {
  RL_AUTHORIZE("MountSlowStore");
  Result<ProcessRef> p = agent_->MountSlowStore(req->host(), FromProto(req->store()));
  Note("mount slow store " + req->store().mount() + " on " + req->host() + " -> " +
       (p.ok() ? Name(*p) : p.status().ToString()));
  if (!p.ok()) return Answer(ctx, p.status());
  *reply = ToProto(*p);
  return grpc::Status::OK;
}

grpc::Status AgentService::UnmountSlowStore(grpc::ServerContext* ctx, const agent_pb::UnmountRequest* req, agent_pb::Nothing*) {
  RL_AUTHORIZE("UnmountSlowStore");
  Status s = agent_->UnmountSlowStore(req->host(), FromProto(req->store()), FromProto(req->server()));
  Note("unmount slow store " + req->store().mount() + " on " + req->host() + (s.ok() ? "" : ": " + s.ToString()));
  return Answer(ctx, s);
}

grpc::Status AgentService::RemoveLeftovers(grpc::ServerContext* ctx, const agent_pb::Nothing*, agent_pb::LeftoversReply* reply) {
  RL_AUTHORIZE("RemoveLeftovers");
  for (const std::string& line : agent_->RemoveLeftovers()) {
    Note("leftover: " + line);
    reply->add_removed(line);
  }
  return grpc::Status::OK;
}

#undef RL_AUTHORIZE

}  // namespace raftlab::cluster
