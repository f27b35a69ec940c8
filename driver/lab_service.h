// LabService: the gRPC face of a Lab (proto/raftlab.proto). Turns requests into Lab calls
// and Status into grpc::Status. Besides the Lab it serves it owns the lab's prometheus
// (`up --prometheus`), started after Up and stopped before Down with the scrape targets the
// Lab reports. `on_down` is called after a successful Down so raftlabd can exit.
// Thread-safe: gRPC calls arrive on several threads; the prometheus has its own mutex.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "chaos/fault_manager.h"
#include "cluster/lab.h"
#include "driver/prometheus_server.h"
#include "proto/raftlab.grpc.pb.h"

namespace raftlab::driver {

class LabService final : public raftlab::v1::LabControl::Service {
 public:
  LabService(cluster::Lab* lab, chaos::FaultManager* faults, std::function<void()> on_down)
      : lab_(lab), faults_(faults), on_down_(std::move(on_down)) {}

  grpc::Status Up(grpc::ServerContext*, const v1::UpRequest*, grpc::ServerWriter<v1::UpProgress>*) override;
  grpc::Status Down(grpc::ServerContext*, const v1::DownRequest*, v1::DownReply*) override;
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*, v1::StatusReply*) override;
  grpc::Status Put(grpc::ServerContext*, const v1::PutRequest*, v1::PutReply*) override;
  grpc::Status Get(grpc::ServerContext*, const v1::GetRequest*, v1::GetReply*) override;
  grpc::Status Env(grpc::ServerContext*, const v1::EnvRequest*, v1::EnvReply*) override;
  grpc::Status MemberInfo(grpc::ServerContext*, const v1::MemberInfoRequest*, v1::MemberInfoReply*) override;
  grpc::Status ApplyFault(grpc::ServerContext*, const v1::FaultRequest*, v1::FaultInfo*) override;
  grpc::Status Heal(grpc::ServerContext*, const v1::HealRequest*, v1::FaultList*) override;
  grpc::Status ListFaults(grpc::ServerContext*, const v1::ListFaultsRequest*, v1::FaultList*) override;
  grpc::Status Restart(grpc::ServerContext*, const v1::RestartRequest*, grpc::ServerWriter<v1::UpProgress>*) override;
  grpc::Status MemberChange(grpc::ServerContext*, const v1::MemberChangeRequest*, grpc::ServerWriter<v1::UpProgress>*) override;
  grpc::Status MemberList(grpc::ServerContext*, const v1::MemberListRequest*, v1::MemberListReply*) override;
  grpc::Status HashKv(grpc::ServerContext*, const v1::HashKvRequest*, v1::HashKvReply*) override;
  grpc::Status TransferLeader(grpc::ServerContext*, const v1::TransferLeaderRequest*, v1::TransferLeaderReply*) override;

  // Heals every fault, stops prometheus and takes the lab down; one line per item removed.
  // The Down RPC and raftlabd's exit path both end a lab through it.
  Result<std::vector<std::string>> TakeDown();
  // Reverts the faults a crashed raftlabd persisted in lab.json (before Up sweeps its
  // leftovers, and in a Down without a live lab); one line per fault.
  std::vector<std::string> RevertCrashedLabFaults();

 private:
  raftlab::Status StartPrometheus(const v1::LabFlags& flags, const std::function<void(const std::string&)>& progress);
  // Rewrites the scrape targets after a membership change.
  void ReloadPrometheus();
  cluster::Lab* lab_;
  chaos::FaultManager* faults_;
  std::function<void()> on_down_;
  std::mutex prometheus_mu_;
  std::unique_ptr<PrometheusServer> prometheus_;
};

// raftlab Status -> grpc::Status with a matching code; the message is kept as is.
grpc::Status ToGrpc(const raftlab::Status& s);
// and back, for the CLI.
raftlab::Status FromGrpcStatus(const grpc::Status& s);

void FillStatusReply(const std::vector<cluster::MemberView>& views, v1::StatusReply* reply);

}  // namespace raftlab::driver
