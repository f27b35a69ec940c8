#include "cluster/etcd_client.h"

#include <grpcpp/grpcpp.h>

#include <cstdlib>

#include "etcd/etcdserver/etcdserverpb/rpc.grpc.pb.h"

namespace raftlab::driver {

struct EtcdClient::Stubs {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<etcdserverpb::KV::Stub> kv;
  std::unique_ptr<etcdserverpb::Cluster::Stub> cluster;
  std::unique_ptr<etcdserverpb::Maintenance::Stub> maintenance;
};

namespace {

// etcd reports its own request timeout as Unavailable "etcdserver: request timed out": the
// proposal may still commit later, so it is a timeout (outcome unknown), like a deadline.
raftlab::Status FromGrpc(const grpc::Status& s, const std::string& endpoint, const char* what) {
  if (s.ok()) return raftlab::Status::Ok();
  std::string msg = std::string(what) + " via " + endpoint + ": " + s.error_message();
  const std::string& em = s.error_message();
  bool etcd_timeout = em.find("timed out") != std::string::npos ||
                      em.find("took too long") != std::string::npos;
  switch (s.error_code()) {
    case grpc::StatusCode::DEADLINE_EXCEEDED: return Timeout(msg);
    case grpc::StatusCode::UNAVAILABLE: return etcd_timeout ? Timeout(msg) : Unavailable(msg);
    case grpc::StatusCode::FAILED_PRECONDITION: return FailedPrecondition(msg);
    case grpc::StatusCode::INVALID_ARGUMENT: return InvalidArgument(msg);
    case grpc::StatusCode::NOT_FOUND: return NotFound(msg);
    default: return etcd_timeout ? Timeout(msg) : Internal(msg);
  }
}

void SetDeadline(grpc::ClientContext* ctx, Millis timeout) {
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
}

ResponseHeader FromHeader(const etcdserverpb::ResponseHeader& h) {
  return ResponseHeader{h.cluster_id(), h.member_id(), h.revision(), h.raft_term()};
}

EtcdMember FromMember(const etcdserverpb::Member& m) {
  EtcdMember out;
  out.id = m.id();
  out.name = m.name();
  out.peer_urls.assign(m.peerurls().begin(), m.peerurls().end());
  out.client_urls.assign(m.clienturls().begin(), m.clienturls().end());
  out.is_learner = m.islearner();
  return out;
}

}  // namespace

EtcdClient::EtcdClient(std::string endpoint, Millis default_timeout)
    : endpoint_(std::move(endpoint)), default_timeout_(default_timeout), stubs_(new Stubs) {
  grpc::ChannelArguments args;
  // Fail fast on a dead member instead of backing off for up to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  stubs_->channel = grpc::CreateCustomChannel(endpoint_, grpc::InsecureChannelCredentials(), args);
  stubs_->kv = etcdserverpb::KV::NewStub(stubs_->channel);
  stubs_->cluster = etcdserverpb::Cluster::NewStub(stubs_->channel);
  stubs_->maintenance = etcdserverpb::Maintenance::NewStub(stubs_->channel);
}

EtcdClient::~EtcdClient() = default;

Result<PutResult> EtcdClient::Put(const std::string& key, const std::string& value, Millis timeout) {
  etcdserverpb::PutRequest req;
  req.set_key(key);
  req.set_value(value);
  etcdserverpb::PutResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  RL_RETURN_IF_ERROR(FromGrpc(stubs_->kv->Put(&ctx, req, &resp), endpoint_, "put"));
  return PutResult{FromHeader(resp.header())};
}

Result<GetResult> EtcdClient::Get(const std::string& key, bool serializable, Millis timeout) {
  etcdserverpb::RangeRequest req;
  req.set_key(key);
  req.set_serializable(serializable);
  etcdserverpb::RangeResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  RL_RETURN_IF_ERROR(FromGrpc(stubs_->kv->Range(&ctx, req, &resp), endpoint_, "get"));
  GetResult out;
  out.header = FromHeader(resp.header());
  if (resp.kvs_size() > 0) {
    const auto& kv = resp.kvs(0);
    out.found = true;
    out.value = kv.value();
    out.mod_revision = kv.mod_revision();
    out.create_revision = kv.create_revision();
    out.version = kv.version();
  }
  return out;
}

Result<int64_t> EtcdClient::Delete(const std::string& key, Millis timeout) {
  etcdserverpb::DeleteRangeRequest req;
  req.set_key(key);
  etcdserverpb::DeleteRangeResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  RL_RETURN_IF_ERROR(FromGrpc(stubs_->kv->DeleteRange(&ctx, req, &resp), endpoint_, "delete"));
  return static_cast<int64_t>(resp.deleted());
}

Result<bool> EtcdClient::CompareAndSwap(const std::string& key, const std::string& expected,
                                        const std::string& value, Millis timeout) {
  etcdserverpb::TxnRequest req;
  auto* cmp = req.add_compare();
  cmp->set_key(key);
  if (expected.empty()) {
    cmp->set_target(etcdserverpb::Compare::VERSION);
    cmp->set_version(0);
  } else {
    cmp->set_target(etcdserverpb::Compare::VALUE);
    cmp->set_value(expected);
  }
  cmp->set_result(etcdserverpb::Compare::EQUAL);
  auto* put = req.add_success()->mutable_request_put();
  put->set_key(key);
  put->set_value(value);
  etcdserverpb::TxnResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  RL_RETURN_IF_ERROR(FromGrpc(stubs_->kv->Txn(&ctx, req, &resp), endpoint_, "txn"));
  return resp.succeeded();
}

Result<std::vector<EtcdMember>> EtcdClient::MemberList(Millis timeout) {
  etcdserverpb::MemberListRequest req;
  etcdserverpb::MemberListResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  RL_RETURN_IF_ERROR(FromGrpc(stubs_->cluster->MemberList(&ctx, req, &resp), endpoint_, "member list"));
  std::vector<EtcdMember> out;
  for (const auto& m : resp.members()) out.push_back(FromMember(m));
  return out;
}

Result<EtcdMember> EtcdClient::MemberAdd(const std::vector<std::string>& peer_urls, bool learner,
                                         Millis timeout) {
  etcdserverpb::MemberAddRequest req;
  for (const auto& u : peer_urls) req.add_peerurls(u);
  req.set_islearner(learner);
  etcdserverpb::MemberAddResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  RL_RETURN_IF_ERROR(FromGrpc(stubs_->cluster->MemberAdd(&ctx, req, &resp), endpoint_, "member add"));
  return FromMember(resp.member());
}

Status EtcdClient::MemberRemove(uint64_t id, Millis timeout) {
  etcdserverpb::MemberRemoveRequest req;
  req.set_id(id);
  etcdserverpb::MemberRemoveResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  return FromGrpc(stubs_->cluster->MemberRemove(&ctx, req, &resp), endpoint_, "member remove");
}

Status EtcdClient::MemberPromote(uint64_t id, Millis timeout) {
  etcdserverpb::MemberPromoteRequest req;
  req.set_id(id);
  etcdserverpb::MemberPromoteResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  return FromGrpc(stubs_->cluster->MemberPromote(&ctx, req, &resp), endpoint_, "member promote");
}

Result<MaintenanceStatus> EtcdClient::ServerStatus(Millis timeout) {
  etcdserverpb::StatusRequest req;
  etcdserverpb::StatusResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  RL_RETURN_IF_ERROR(FromGrpc(stubs_->maintenance->Status(&ctx, req, &resp), endpoint_, "status"));
  MaintenanceStatus out;
  out.header = FromHeader(resp.header());
  out.version = resp.version();
  out.db_size = resp.dbsize();
  out.leader = resp.leader();
  out.raft_index = resp.raftindex();
  out.raft_term = resp.raftterm();
  out.raft_applied_index = resp.raftappliedindex();
  out.errors.assign(resp.errors().begin(), resp.errors().end());
  return out;
}

Result<HashKvResult> EtcdClient::HashKV(int64_t revision, Millis timeout) {
  etcdserverpb::HashKVRequest req;
  req.set_revision(revision);
  etcdserverpb::HashKVResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  RL_RETURN_IF_ERROR(FromGrpc(stubs_->maintenance->HashKV(&ctx, req, &resp), endpoint_, "hashkv"));
  return HashKvResult{FromHeader(resp.header()), resp.hash(), resp.compact_revision()};
}

raftlab::Status EtcdClient::MoveLeader(uint64_t target, Millis timeout) {
  etcdserverpb::MoveLeaderRequest req;
  req.set_targetid(target);
  etcdserverpb::MoveLeaderResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Effective(timeout));
  return FromGrpc(stubs_->maintenance->MoveLeader(&ctx, req, &resp), endpoint_, "move leader");
}

}  // namespace raftlab::driver
