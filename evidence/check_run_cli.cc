#include "evidence/check_run_cli.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/run_loader.h"
#include "evidence/verdict_policy.h"
#include "evidence/verdict_report.h"

namespace raftlab::evidence {
namespace {

constexpr char kUsage[] =
    "usage: raftlab check run RUN_DIR [--require SPEC] [--json]\n"
    "  Judge a run directory (journal.jsonl, logs/*.wal.jsonl) with every Raft checker, write\n"
    "  RUN_DIR/verdicts.json and print the verdicts, required ones first (--json: print\n"
    "  verdicts.json instead).\n"
    "  --require SPEC  the verdicts that must be earned, e.g. durability:all,commit_quorum:5,\n"
    "                  log_matching (a bare name: ok on at least 1 judged instance; :N at least\n"
    "                  N; :all every instance the run held). Default: what the run's scenario\n"
    "                  recorded in result.json, else every checker the run exercised.\n"
    "  Exit: 0 every required verdict earned, 1 a property was violated, 2 bad input,\n"
    "        3 a required verdict unknown, not applicable or below its minimum.\n";

constexpr size_t kSummaryLines = 3;   // evidence lines shown per checker

// The "required" spec a scenario recorded in RUN_DIR/result.json; "" when there is none.
std::string RecordedRequirements(const std::string& dir) {
  std::ifstream in(std::filesystem::path(dir) / "result.json");
  if (!in) return "";
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("required") || !doc["required"].is_string()) return "";
  return doc["required"].get<std::string>();
}

Status WriteAtomically(const std::string& path, const std::string& doc) {
  const std::string tmp = path + ".tmp";
  bool written = false;
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << doc;
    f.flush();
    written = static_cast<bool>(f);
  }
  std::error_code ec;
  if (written) std::filesystem::rename(tmp, path, ec);
  if (!written || ec) {
    std::filesystem::remove(tmp, ec);
    return Unavailable("cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace

int RunCheckRun(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string dir, require;
  bool json = false, require_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out << kUsage;
      return 0;
    }
    if (a == "--json") {
      json = true;
    } else if (a == "--require") {
      if (i + 1 >= args.size()) {
        err << "raftlab check run: --require needs a list of checkers\n" << kUsage;
        return 2;
      }
      require = args[++i];
      require_given = true;
    } else if (!a.empty() && a[0] == '-') {
      err << "raftlab check run: unknown flag " << a << "\n" << kUsage;
      return 2;
    } else if (dir.empty()) {
      dir = a;
    } else {
      err << "raftlab check run: one RUN_DIR only (got " << dir << " and " << a << ")\n" << kUsage;
      return 2;
    }
  }
  if (dir.empty()) {
    err << "raftlab check run: RUN_DIR is missing\n" << kUsage;
    return 2;
  }
  std::string source = "--require";
  if (!require_given) {
    require = RecordedRequirements(dir);
    source = "result.json";
  }
  std::vector<Requirement> requirements;
  if (require_given || !require.empty()) {
    Result<std::vector<Requirement>> parsed = ParseRequirements(require, CheckerNames());
    if (!parsed.ok()) {
      err << "raftlab check run: " << source << ": " << parsed.status().message() << "\n";
      return 2;
    }
    requirements = std::move(*parsed);
  }

  Result<Run> run = LoadRun(dir);
  if (!run.ok()) {
    err << "raftlab check run: " << run.status().ToString() << "\n";
    return 2;
  }
  const std::vector<Verdict> verdicts = RunAllCheckers(*run);
  if (!require_given && require.empty()) {
    requirements = DefaultRequirements(verdicts);
    source = "every checker the run exercised";
  }
  const PolicyResult policy = ApplyPolicy(verdicts, requirements);
  const std::vector<MemberSampleGaps> sampling = SampleGaps(*run, checkutil::TimeOrigin(*run));
  const std::string doc = VerdictsJson(verdicts, requirements, policy, sampling);

  const std::string path = (std::filesystem::path(dir) / "verdicts.json").string();
  if (Status s = WriteAtomically(path, doc); !s.ok()) {
    err << "raftlab check run: " << s.message() << "\n";
    return 2;
  }
  if (json) {
    out << doc;
    return policy.exit_code;
  }
  out << "required (" << source << "): " << FormatRequirements(requirements) << "\n";
  for (const std::string& line : VerdictTable(policy, kSummaryLines)) out << line << "\n";
  for (const MemberSampleGaps& g : sampling) out << "sampling " << DescribeSampleGaps(g) << "\n";
  out << "overall: " << ValidityName(Overall(verdicts)) << "; verdicts in " << path << "\n";
  return policy.exit_code;
}

}  // namespace raftlab::evidence
