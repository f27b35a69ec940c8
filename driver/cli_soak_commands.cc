// CLI command `soak`: a seeded fault plan of any length against a fresh lab, with clients
// throughout, judged by every checker (scenarios/soak.h). The plan is made (or read with --plan)
// and checked before any lab comes up, so bad input costs nothing; the run is a normal scenario
// run folder (runs/<time>-soak/ with plan.json beside the journal) and report/index.html is
// rebuilt. Progress on stderr once a second; the summary (or --json) on stdout.
#include <filesystem>

#include "chaos/fault_plan.h"
#include "common/json_util.h"
#include "driver/cli.h"
#include "driver/cli_scenario_output.h"
#include "scenarios/soak.h"

namespace raftlab::driver {
namespace {

struct SoakRequest {
  scenarios::ScenarioOptions options;
  scenarios::SoakSpec spec;
};

// Every flag checked, the plan made or read and validated; nothing started.
Result<SoakRequest> RequestFromFlags(const ParsedArgs& a, CliContext& ctx) {
  SoakRequest r;
  Result<long> seed = a.GetInt("seed", 1);
  if (!seed.ok()) return seed.status();
  Result<long> members = a.GetInt("members", 0);
  if (!members.ok()) return members.status();
  if (*members != 0 && (*members < 3 || *members > 7))
    return InvalidArgument("--members must be between 3 and 7 (a member change adds n<members+1>, up to n9)");
  Result<long> rate = a.GetInt("rate", 150);
  if (!rate.ok()) return rate.status();
  if (*rate < 1 || *rate > 5000) return InvalidArgument("--rate must be between 1 and 5000 client ops/s");
  r.spec.rate = static_cast<double>(*rate);
  if (a.Has("plan")) {
    if (a.Has("duration")) return InvalidArgument("--plan fixes the duration (the plan's duration_ms): drop --duration");
    const std::string path = a.Get("plan");
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) return InvalidArgument("--plan " + path + ": " + text.status().message());
    Result<chaos::FaultPlan> plan = chaos::ParseFaultPlan(*text);
    if (!plan.ok()) return InvalidArgument("--plan " + path + ": " + plan.status().message());
    if (*members != 0 && *members != plan->members)
      return InvalidArgument("--plan " + path + " was made for " + std::to_string(plan->members) +
                             " members; drop --members or pass --members " + std::to_string(plan->members));
    r.spec.plan = *plan;
    r.spec.plan_source = std::filesystem::absolute(path).lexically_normal().string();
    r.options.members = plan->members;
  } else {
    Result<long> duration = ParseDurationMs(a.Get("duration", "5m"));
    if (!duration.ok()) return InvalidArgument("--duration: " + duration.status().message());
    r.options.members = *members != 0 ? static_cast<int>(*members) : 3;
    Result<chaos::FaultPlan> plan = chaos::MakeFaultPlan(
        scenarios::SoakPlanOptions(static_cast<uint64_t>(*seed), r.options.members, *duration));
    if (!plan.ok()) return InvalidArgument("--duration " + a.Get("duration", "5m") + ": " + plan.status().message());
    r.spec.plan = *plan;
    r.spec.duration_ms = *duration;
  }
  r.options.seed = static_cast<uint64_t>(*seed);
  r.options.out_dir = std::filesystem::absolute(a.Get("out", ".")).lexically_normal().string();
  r.options.state_dir = ctx.state_dir;
  r.options.self_path = ctx.self_path;
  r.options.progress = &ctx.err;
  return r;
}

int Soak(const ParsedArgs& a, CliContext& ctx) {
  Result<SoakRequest> r = RequestFromFlags(a, ctx);
  if (!r.ok()) return ctx.Fail("soak", r.status());
  const scenarios::ScenarioInfo* catalogue = scenarios::FindScenario("soak");
  if (catalogue == nullptr) return ctx.Fail("soak", Internal("the catalogue has no soak scenario"));
  // The catalogue's soak with this plan: its own required verdicts (membership only when the
  // plan changes membership) and the lab size the plan was made for.
  scenarios::ScenarioInfo info = *catalogue;
  const scenarios::SoakSpec spec = r->spec;
  info.run = [spec](scenarios::ScenarioContext& c) { return scenarios::RunSoakWith(c, spec); };
  info.required = scenarios::SoakRequired(*spec.plan);
  info.summary = std::to_string(spec.plan->duration_ms / 1000) + " s of a fault plan (" +
                 std::to_string(spec.plan->steps.size()) + " steps, " +
                 (spec.plan_source.empty() ? "made from seed " + std::to_string(spec.plan->seed)
                                           : "replayed from " + spec.plan_source) +
                 ") under clients with unique values and linearizable and serializable reads through every member; "
                 "every checker over the whole run";
  scenarios::LabSpec lab = info.cases.front();
  lab.members = r->options.members;
  lab.run_name = "soak";
  std::vector<scenarios::ScenarioResult> results = {scenarios::RunCase(info, lab, r->options)};
  return ReportScenarioRuns(results, r->options.out_dir, results.front().wall_s, a.Has("json"), ctx);
}

}  // namespace

std::vector<Command> SoakCommands() {
  return {
      {"soak", "", "a seeded fault plan of any length under concurrent clients, judged by every checker",
       {{"duration", true, "D  how long the plan lasts, e.g. 90s or 5m (default 5m)"},
        {"seed", true, "N  the plan's seed, and the clients' (default 1)"},
        {"plan", true, "FILE  replay a plan.json (from a run folder, or written by hand) instead of making one"},
        {"members", true, "N  lab size, 3 to 7 (default 3, or the plan's)"},
        {"rate", true, "N  client ops per second (default 150)"},
        {"out", true, "DIR  runs/ and report/ go under DIR (default: the current directory)"},
        {"json", false, "machine-readable output"}},
       0, 0, Soak,
       "The plan is made from the seed before the lab comes up (the same seed, duration and size give\n"
       "the same plan), printed, journaled and saved as plan.json in the run folder; --plan replays one.\n"
       "It draws from the whole chaos catalogue: isolation of the leader or a follower, minority/majority\n"
       "splits, one-way cuts, a bridge, loss, delay, bandwidth, kill, pause (SIGSTOP), restart, leader\n"
       "transfer and a member change (learner add, promote, remove), with quiet periods between, and\n"
       "always pauses the leader for 1-3 s while followers serve linearizable reads. Targets (\"the\n"
       "leader\", \"a follower\") are resolved when a step starts. Clients write unique values and read\n"
       "(linearizable and serializable) through every member for the whole plan. Progress once a\n"
       "second: elapsed, faults applied, ops ok/fail/info, current leader. Every checker judges the\n"
       "whole run; a linearizability violation puts its minimal failing sub-history and the members'\n"
       "log lines around it in the transcript.\n"
       "Exit (as `scenario run`): 0 every expectation held and every required verdict was earned,\n"
       "1 a violation, a failed expectation or an aborted run, 3 a required verdict not earned,\n"
       "2 bad input. Needs root; refuses to run while another lab is up in the same state directory.\n"
       "Examples:\n  raftlab soak --duration 5m --seed 7\n  raftlab soak --plan runs/latest/plan.json"},
  };
}

}  // namespace raftlab::driver
