#include "driver/cli_scenario_output.h"

#include <iomanip>
#include <ostream>

#include "scenarios/report.h"

namespace raftlab::driver {
namespace {

void PrintResult(const scenarios::ScenarioResult& r, std::ostream& out) {
  out << std::left << std::setw(14) << r.name << (r.passed ? "PASS" : "FAIL") << "  " << std::fixed
      << std::setprecision(1) << std::setw(7) << r.wall_s << " s  expectations "
      << (r.expectations - r.failed_expectations) << "/" << r.expectations << ", verdicts "
      << (r.policy.empty() ? "-" : r.policy);
  if (!r.run_dir.empty()) out << "  " << r.run_dir;
  out << "\n";
  if (!r.error.empty()) out << "  stopped early: " << r.error << "\n";
  for (const auto& v : r.verdicts) {
    if (v.required && !v.earned) out << "  required " << v.checker << " not earned: " << v.validity << "\n";
    else if (v.validity == "violated") out << "  checker " << v.checker << ": violated\n";
  }
}

}  // namespace

Json ScenarioResultJson(const scenarios::ScenarioResult& r) {
  Json verdicts = Json::object();
  for (const auto& v : r.verdicts) {
    verdicts[v.checker] = {{"validity", v.validity}, {"required", v.required}, {"earned", v.earned},
                           {"judged", v.judged}, {"of", v.of}, {"unit", v.unit}};
  }
  return {{"scenario", r.name}, {"passed", r.passed}, {"exit_code", r.exit_code}, {"required", r.required},
          {"policy", r.policy}, {"run_dir", r.run_dir}, {"wall_s", r.wall_s},
          {"expectations", r.expectations}, {"failed_expectations", r.failed_expectations},
          {"overall", r.overall}, {"verdicts", verdicts}, {"error", r.error}, {"facts", r.facts}};
}

int CombinedExitCode(const std::vector<scenarios::ScenarioResult>& results) {
  if (results.empty()) return 1;
  int code = 0;
  for (const auto& r : results) {
    if (r.exit_code == 1) return 1;
    if (r.exit_code != 0) code = r.exit_code;
  }
  return code;
}

int ReportScenarioRuns(const std::vector<scenarios::ScenarioResult>& results, const std::string& out_dir,
                       double total_s, bool json, CliContext& ctx) {
  Result<std::string> report = scenarios::WriteReport(out_dir);
  const int code = CombinedExitCode(results);
  const bool ok = code == 0;
  if (json) {
    Json runs = Json::array();
    for (const auto& r : results) runs.push_back(ScenarioResultJson(r));
    ctx.out << Json{{"passed", ok}, {"exit_code", code}, {"runs", runs}, {"wall_s", total_s},
                    {"report", report.ok() ? *report : ""}}.dump(2) << "\n";
  } else {
    ctx.out << "\n";
    for (const auto& r : results) PrintResult(r, ctx.out);
    if (results.size() > 1)
      ctx.out << std::left << std::setw(14) << "all" << (ok ? "PASS" : "FAIL") << "  " << std::fixed
              << std::setprecision(1) << std::setw(7) << total_s << " s\n";
    if (report.ok()) ctx.out << "report: " << *report << "\n";
  }
  if (!report.ok()) ctx.err << "raftlab: report not written: " << report.status().message() << "\n";
  return code;
}

}  // namespace raftlab::driver
