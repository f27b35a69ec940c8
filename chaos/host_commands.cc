#include "chaos/host_commands.h"

#include <signal.h>

#include <algorithm>
#include <optional>

#include "common/subprocess.h"

namespace raftlab::chaos {
namespace {

std::string Failure(const HostCommand& c, const Result<RunResult>& r) {
  return "`" + JoinArgv(c.argv) + "` on " + c.host + " failed: " + (r.ok() ? r->Describe() : r.status().message());
}

bool Has(const std::vector<std::string>& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

// After `undo` failed: is what it removes already gone? nullopt when that cannot be told.
std::optional<bool> AlreadyGone(const HostCommand& undo, FaultContext& ctx) {
  const std::vector<std::string>& argv = undo.argv;
  if (!argv.empty() && argv[0] == "iptables") {
    auto op = std::find(argv.begin(), argv.end(), "-D");
    if (op == argv.end()) return std::nullopt;
    std::vector<std::string> check = argv;
    check[static_cast<size_t>(op - argv.begin())] = "-C";
    Result<RunResult> r = ctx.AgentOf(undo.host)->RunOnHost(undo.host, check);
    if (!r.ok()) return std::nullopt;
    if (r->exit_code == 0) return false;   // the rule is still there
    if (r->exit_code == 1) return true;    // no such rule (or no such chain)
    return std::nullopt;
  }
  if (argv.size() >= 6 && argv[0] == "tc" && argv[1] == "qdisc" && argv[2] == "del" && argv[3] == "dev" &&
      Has(argv, "root")) {
    Result<RunResult> r = ctx.AgentOf(undo.host)->RunOnHost(undo.host, {"tc", "qdisc", "show", "dev", argv[4], "root"});
    if (!r.ok() || !r->ok()) return std::nullopt;
    return r->out.find("qdisc netem") == std::string::npos && r->out.find("qdisc tbf") == std::string::npos;
  }
  return std::nullopt;
}

}  // namespace

Status ApplyPlan(const NetworkPlan& plan, FaultContext& ctx) {
  for (size_t i = 0; i < plan.apply.size(); ++i) {
    const HostCommand& c = plan.apply[i];
    Result<RunResult> r = ctx.AgentOf(c.host)->RunOnHost(c.host, c.argv);
    if (r.ok() && r->ok()) continue;
    // Undo what was applied so the failed call changes nothing.
    const size_t done = std::min(i, plan.revert.size());
    (void)RunUndo({plan.revert.begin(), plan.revert.begin() + static_cast<long>(done)}, ctx);
    return Internal(Failure(c, r));
  }
  return Status::Ok();
}

Status RunUndo(const std::vector<HostCommand>& undo, FaultContext& ctx) {
  Status first = Status::Ok();
  for (const auto& c : undo) {
    Result<RunResult> r = ctx.AgentOf(c.host)->RunOnHost(c.host, c.argv);
    if (r.ok() && r->ok()) continue;
    if (AlreadyGone(c, ctx).value_or(false)) continue;
    if (first.ok()) first = Internal(Failure(c, r));
  }
  return first;
}

Status StopHelper(cluster::HostAgent* agent, const cluster::ProcessRef& helper) {
  auto gone = [](const Status& s) { return s.code() == Code::kNotFound || s.code() == Code::kFailedPrecondition; };
  Status term = agent->Signal(helper, SIGTERM);
  if (gone(term)) return Status::Ok();
  if (!term.ok()) return term;
  Result<std::string> exit = agent->WaitExit(helper, 2000);
  if (exit.ok() || gone(exit.status())) return Status::Ok();
  Status kill = agent->Signal(helper, SIGKILL);
  if (gone(kill)) return Status::Ok();
  if (!kill.ok()) return kill;
  exit = agent->WaitExit(helper, 2000);
  if (exit.ok() || gone(exit.status())) return Status::Ok();
  return Internal("helper process " + std::to_string(helper.id) + " on " + helper.host +
                  " did not exit after SIGKILL: " + exit.status().message());
}

}  // namespace raftlab::chaos
