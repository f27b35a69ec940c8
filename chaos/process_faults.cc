// Process faults: kill (SIGKILL, SIGTERM or SIGINT to the member's etcd; heal restarts it on
// its own data) and pause (SIGSTOP; heal sends SIGCONT). One process fault per member at a
// time (exclusive "process:<member>"): healing a kill must not restart a member another fault
// paused. After a crash nothing is reverted: the member belonged to the crashed lab, and the
// leftover sweep stops it (SIGKILL reaches a stopped process too).
#include <signal.h>

#include "chaos/fault_family.h"
#include "chaos/family_util.h"

namespace raftlab::chaos {
namespace {

std::string SignalName(int sig) {
  switch (sig) {
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGSTOP: return "SIGSTOP";
    case SIGCONT: return "SIGCONT";
    default: return "signal " + std::to_string(sig);
  }
}

class ProcessFaults : public FaultFamily {
 public:
  std::vector<FaultKind> Kinds() const override { return {v1::FAULT_KILL, v1::FAULT_PAUSE}; }

  Status Plan(const FaultSpec& spec, FaultContext& ctx, ActiveFault* fault) override {
    if (spec.targets.size() != 1) return InvalidArgument(std::string(FaultKindName(spec.kind)) + " takes one member");
    int sig = SIGSTOP;
    if (spec.kind == v1::FAULT_KILL) {
      sig = spec.params.signal != 0 ? spec.params.signal : SIGKILL;
      if (sig != SIGKILL && sig != SIGTERM && sig != SIGINT)
        return InvalidArgument("kill's signal must be KILL, TERM or INT, got " + SignalName(sig));
    } else if (spec.kind != v1::FAULT_PAUSE) {
      return InvalidArgument(std::string("not a process fault: ") + FaultKindName(spec.kind));
    }
    fault->spec = spec;
    fault->info.kind = FaultKindName(spec.kind);
    Result<std::string> target = ResolveRecorded(ctx, spec.targets[0], fault);
    if (!target.ok()) return target.status();
    fault->spec.targets = {*target};
    fault->spec.params.signal = sig;
    fault->info.targets = {*target};
    fault->info.mechanism = SignalName(sig);
    fault->info.detail["signal"] = SignalName(sig);
    fault->applied.member = *target;
    fault->applied.signal = sig;
    fault->exclusive = "process:" + *target;
    fault->info.description = Describe(*fault);
    return Status::Ok();
  }

  Status Apply(ActiveFault* fault, FaultContext& ctx) override {
    return ctx.SignalMember(fault->applied.member, fault->applied.signal);
  }

  Status Revert(ActiveFault* fault, FaultContext& ctx, RevertMode mode) override {
    if (mode == RevertMode::kFromState) return Status::Ok();
    const std::string& m = fault->applied.member;
    if (fault->spec.kind == v1::FAULT_PAUSE) return ctx.SignalMember(m, SIGCONT);   // harmless when running
    if (ctx.IsRunning(m)) return Status::Ok();
    return ctx.RestartMember(m);
  }

  std::string Describe(const ActiveFault& f) const override {
    return std::string(f.spec.kind == v1::FAULT_PAUSE ? "pause " : "kill ") + f.spec.targets.at(0) + " (" +
           SignalName(f.spec.params.signal) + ")";
  }
};

}  // namespace

std::unique_ptr<FaultFamily> MakeProcessFaults() { return std::make_unique<ProcessFaults>(); }

}  // namespace raftlab::chaos
