// Disk faults: slow-disk writes a delay into the control file of the member's raftlab-slowfs
// mount (its WAL must be on it: `up --slow-wal` or `restart --wal-dir slow`); every WAL fsync
// then waits that long. Revert writes 0 back, unless the file is gone with its lab. One disk
// fault per member (exclusive "disk:<member>").
#include "chaos/fault_family.h"
#include "chaos/family_util.h"

namespace raftlab::chaos {
namespace {

class DiskFaults : public FaultFamily {
 public:
  std::vector<FaultKind> Kinds() const override { return {v1::FAULT_SLOW_DISK}; }

  Status Plan(const FaultSpec& spec, FaultContext& ctx, ActiveFault* fault) override {
    if (spec.kind != v1::FAULT_SLOW_DISK) return InvalidArgument(std::string("not a disk fault: ") + FaultKindName(spec.kind));
    RL_RETURN_IF_ERROR(ValidateParams(spec));
    if (spec.targets.size() != 1) return InvalidArgument("slow-disk takes one member");
    fault->spec = spec;
    fault->info.kind = FaultKindName(spec.kind);
    Result<std::string> target = ResolveRecorded(ctx, spec.targets[0], fault);
    if (!target.ok()) return target.status();
    Result<std::string> control = ctx.FsyncControlFile(*target);
    if (!control.ok()) return control.status();
    fault->spec.targets = {*target};
    fault->info.targets = {*target};
    fault->info.mechanism = "raftlab-slowfs fsync delay";
    fault->info.detail["control_file"] = *control;
    fault->info.detail["fsync_ms"] = spec.params.fsync_ms;
    fault->applied.files = {{*target, *control, "0\n"}};
    fault->exclusive = "disk:" + *target;
    fault->info.description = Describe(*fault);
    return Status::Ok();
  }

  Status Apply(ActiveFault* fault, FaultContext& ctx) override {
    const FileReset& f = fault->applied.files.at(0);
    return ctx.AgentOf(f.host)->WriteFile(f.host, f.path, std::to_string(fault->spec.params.fsync_ms) + "\n");
  }

  Status Revert(ActiveFault* fault, FaultContext& ctx, RevertMode) override {
    Status first = Status::Ok();
    for (const auto& f : fault->applied.files) {
      cluster::HostAgent* agent = ctx.AgentOf(f.host);
      // WriteFile would create a file (and its directories) that is gone with its lab.
      Result<std::string> now = agent->ReadFile(f.host, f.path);
      if (!now.ok() && now.status().code() == Code::kNotFound) continue;
      Status s = now.ok() ? agent->WriteFile(f.host, f.path, f.bytes) : now.status();
      if (!s.ok() && first.ok()) first = Internal("resetting " + f.path + " on " + f.host + ": " + s.message());
    }
    return first;
  }

  std::string Describe(const ActiveFault& f) const override {
    return "slow disk on " + f.spec.targets.at(0) + ": WAL fsync +" + std::to_string(f.spec.params.fsync_ms) + " ms";
  }
};

}  // namespace

std::unique_ptr<FaultFamily> MakeDiskFaults() { return std::make_unique<DiskFaults>(); }

}  // namespace raftlab::chaos
