#include "driver/lab_down.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>

#include "cluster/leftovers.h"
#include "cluster/topology.h"
#include "driver/lab_service.h"

namespace raftlab::driver {

LabDownOutcome TakeLabDown(const std::string& state_dir, DaemonClient* daemon,
                           const std::function<void(const std::string&)>& say) {
  LabDownOutcome out;
  if (daemon != nullptr) {
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::DownReply reply;
    grpc::Status s = daemon->stub()->Down(&call, v1::DownRequest(), &reply);
    out.removed.assign(reply.removed().begin(), reply.removed().end());
    out.journal_path = reply.journal_path();
    // raftlabd exits after a successful Down; the sweep below must not race its exit.
    out.daemon_status = s.ok() ? daemon->WaitForExit(15000, say) : FromGrpcStatus(s);
  }
  for (auto& line : cluster::SweepLab(state_dir)) out.removed.push_back(std::move(line));
  std::error_code ec;
  std::filesystem::remove(cluster::LabPaths{state_dir}.SocketPath(), ec);
  out.still = cluster::FindLeftovers(state_dir).descriptions;
  return out;
}

}  // namespace raftlab::driver
