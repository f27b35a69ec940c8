// CLI commands for the scenario catalogue: scenario list, scenario run, lab, report.
// The scenarios themselves live in scenarios/ (scenario.h); these commands parse flags, run
// them with progress on stderr, print a summary (or --json) and rebuild report/index.html.
#include <filesystem>
#include <iomanip>

#include "common/json_util.h"
#include "driver/cli.h"
#include "driver/cli_scenario_output.h"
#include "scenarios/report.h"
#include "scenarios/scenario.h"
#include "scenarios/soak.h"

namespace raftlab::driver {
namespace {

Result<scenarios::ScenarioOptions> Options(const ParsedArgs& a, CliContext& ctx) {
  scenarios::ScenarioOptions o;
  Result<long> seed = a.GetInt("seed", 1);
  if (!seed.ok()) return seed.status();
  Result<long> members = a.GetInt("members", 0);
  if (!members.ok()) return members.status();
  if (*members != 0 && (*members < 3 || *members > 7))
    return InvalidArgument("--members must be between 3 and 7 (membership grows by two, up to n9)");
  o.seed = static_cast<uint64_t>(*seed);
  o.members = static_cast<int>(*members);
  o.out_dir = std::filesystem::absolute(a.Get("out", ".")).lexically_normal().string();
  o.state_dir = ctx.state_dir;
  o.self_path = ctx.self_path;
  o.progress = &ctx.err;
  if (a.Has("soak-duration")) {
    Result<long> soak = ParseDurationMs(a.Get("soak-duration", ""));
    if (!soak.ok()) return InvalidArgument("--soak-duration: " + soak.status().message());
    // The plan itself says whether the length leaves room for its faults (before any lab starts).
    Result<chaos::FaultPlan> plan =
        chaos::MakeFaultPlan(scenarios::SoakPlanOptions(o.seed, o.members > 0 ? o.members : 3, *soak));
    if (!plan.ok()) return InvalidArgument("--soak-duration: " + plan.status().message());
    o.soak_ms = *soak;
  }
  return o;
}

int List(const ParsedArgs& a, CliContext& ctx) {
  Json all = Json::array();
  for (const auto& s : scenarios::Catalogue()) {
    std::string cases;
    for (const auto& c : s.cases) cases += (cases.empty() ? "" : ", ") + std::to_string(c.members) + " members";
    if (a.Has("json")) {
      Json members = Json::array();
      for (const auto& c : s.cases) members.push_back(c.members);
      all.push_back({{"name", s.name}, {"summary", s.summary}, {"members", members}});
    } else {
      ctx.out << std::left << std::setw(14) << s.name << s.summary << " [" << cases << "]\n";
    }
  }
  if (a.Has("json")) ctx.out << all.dump(2) << "\n";
  return 0;
}

int RunOne(const ParsedArgs& a, CliContext& ctx) {
  const scenarios::ScenarioInfo* s = scenarios::FindScenario(a.positional[0]);
  if (s == nullptr) {
    std::string names;
    for (const auto& c : scenarios::Catalogue()) names += (names.empty() ? "" : ", ") + c.name;
    return ctx.Fail("scenario run", InvalidArgument("unknown scenario '" + a.positional[0] + "' (" + names + ")"));
  }
  Result<scenarios::ScenarioOptions> o = Options(a, ctx);
  if (!o.ok()) return ctx.Fail("scenario run", o.status());
  std::vector<scenarios::ScenarioResult> results = scenarios::RunScenario(*s, *o);
  double total = 0;
  for (const auto& r : results) total += r.wall_s;
  return ReportScenarioRuns(results, o->out_dir, total, a.Has("json"), ctx);
}

int Lab(const ParsedArgs& a, CliContext& ctx) {
  Result<scenarios::ScenarioOptions> o = Options(a, ctx);
  if (!o.ok()) return ctx.Fail("lab", o.status());
  std::vector<scenarios::ScenarioResult> results;
  double total = 0;
  for (const auto& s : scenarios::Catalogue()) {
    for (auto& r : scenarios::RunScenario(s, *o)) {
      ctx.err << "== " << r.name << ": " << (r.passed ? "PASS" : "FAIL") << " in " << std::fixed
              << std::setprecision(1) << r.wall_s << " s\n" << std::flush;
      total += r.wall_s;
      results.push_back(std::move(r));
    }
  }
  return ReportScenarioRuns(results, o->out_dir, total, a.Has("json"), ctx);
}

int Report(const ParsedArgs& a, CliContext& ctx) {
  std::string out = std::filesystem::absolute(a.Get("out", ".")).lexically_normal().string();
  if (!std::filesystem::is_directory(out + "/runs"))
    return ctx.Fail("report", InvalidArgument("no runs/ under " + out + " (run `raftlab scenario run` or `raftlab lab` first)"));
  Result<std::string> path = scenarios::WriteReport(out);
  if (!path.ok()) return ctx.Fail("report", path.status());
  ctx.out << "report: " << *path << "\n";
  return 0;
}

}  // namespace

std::vector<Command> ScenarioCommands() {
  const FlagSpec json{"json", false, "machine-readable output"};
  const FlagSpec out{"out", true, "DIR  runs/ and report/ go under DIR (default: the current directory)"};
  const FlagSpec seed{"seed", true, "N  seed for values, member picks and the load generator (default 1)"};
  const FlagSpec soak{"soak-duration", true, "D  length of the catalogue's soak, e.g. 40s or 2m (default 60s)"};
  const FlagSpec members{"members", true, "N  lab size (default: the scenario's; partition runs 5 then 3)"};
  return {
      {"scenario list", "", "the scenario catalogue", {json}, 0, 0, List},
      {"scenario run", "NAME", "run one scenario on a fresh lab: transcript, verdicts, panels under runs/",
       {seed, members, soak, out, json}, 1, 1, RunOne,
       "Scenarios: `raftlab scenario list` (replicate, election, leader-crash, partition, membership,\n"
       "slow-disk, snapshot, prevote, reads, soak ...).\n"
       "Each case brings a lab up, runs its steps, decodes the WALs, takes the lab down and writes\n"
       "runs/<time>-<name>/ (journal.jsonl, transcript.md, verdicts.json, panels/, logs/, etcd/) and\n"
       "report/index.html. Each scenario requires some verdicts (ok on a minimum of judged evidence);\n"
       "the rest are informative. Exit (as `check run`): 0 every expectation held and every required\n"
       "verdict was earned, 1 a violation, a failed expectation or an aborted run, 3 a required\n"
       "verdict unknown, not applicable or below its minimum, 2 bad input. Needs root;\n"
       "refuses to run while another lab is up in the same state directory."},
      {"lab", "", "run every scenario in order and write report/index.html", {seed, soak, out, json}, 0, 0, Lab,
       "Every case of `raftlab scenario list`, in its order (partition runs 5 then 3 members, prevote\n"
       "off then on); prints each run's wall time; exit as `scenario run`, the worst over all runs\n"
       "(1 over 3 over 0). --soak-duration shortens or lengthens the catalogue's soak (>= 35s)."},
      {"report", "", "(re)build report/index.html from runs/*", {out}, 0, 0, Report,
       "The report links every run folder, shows each verdict and embeds the panels by relative\n"
       "path: copy the directory anywhere and open report/index.html offline."},
  };
}

}  // namespace raftlab::driver
