#include "evidence/check_run_cli.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "evidence/checkers.h"
#include "evidence/run_loader.h"

namespace raftlab::evidence {
namespace {

constexpr char kUsage[] =
    "usage: raftlab check run RUN_DIR [--json]\n"
    "  Judge a run directory (journal.jsonl, logs/*.wal.jsonl) with every Raft checker,\n"
    "  write RUN_DIR/verdicts.json and print a summary (--json: print verdicts.json instead).\n"
    "  Exit: 0 all ok, 1 a property was violated, 2 bad input, 3 some verdicts unknown.\n";

constexpr size_t kSummaryLines = 3;   // evidence lines shown per checker

const char* Label(Validity v) {
  switch (v) {
    case Validity::kOk: return "PASS";
    case Validity::kViolated: return "FAIL";
    case Validity::kUnknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string VerdictsJson(const std::vector<Verdict>& verdicts) {
  nlohmann::json doc;
  doc["verdicts"] = nlohmann::json::array();
  for (const Verdict& v : verdicts) {
    doc["verdicts"].push_back({{"checker", v.checker},
                               {"property", v.property},
                               {"validity", ValidityName(v.validity)},
                               {"evidence", v.evidence}});
  }
  doc["overall"] = ValidityName(Overall(verdicts));
  // Evidence may quote keys and values that are not UTF-8: replace rather than throw.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

int ExitCodeFor(const std::vector<Verdict>& verdicts) {
  switch (Overall(verdicts)) {
    case Validity::kOk: return 0;
    case Validity::kViolated: return 1;
    case Validity::kUnknown: return 3;
  }
  return 3;
}

int RunCheckRun(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string dir;
  bool json = false;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      out << kUsage;
      return 0;
    }
    if (a == "--json") {
      json = true;
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

  Result<Run> run = LoadRun(dir);
  if (!run.ok()) {
    err << "raftlab check run: " << run.status().ToString() << "\n";
    return 2;
  }
  const std::vector<Verdict> verdicts = RunAllCheckers(*run);
  const std::string doc = VerdictsJson(verdicts);

  const std::string path = (std::filesystem::path(dir) / "verdicts.json").string();
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
    err << "raftlab check run: cannot write " << path << "\n";
    return 2;
  }

  if (json) {
    out << doc;
    return ExitCodeFor(verdicts);
  }
  size_t width = 0;
  for (const Verdict& v : verdicts) width = std::max(width, v.checker.size());
  size_t pass = 0, fail = 0, unknown = 0;
  for (const Verdict& v : verdicts) {
    pass += v.validity == Validity::kOk;
    fail += v.validity == Validity::kViolated;
    unknown += v.validity == Validity::kUnknown;
    out << Pad(Label(v.validity), 8) << Pad(v.checker, width + 2) << v.property << "\n";
    for (size_t i = 0; i < v.evidence.size() && i < kSummaryLines; ++i) {
      out << "        " << v.evidence[i] << "\n";
    }
    if (v.evidence.size() > kSummaryLines) {
      out << "        (" << v.evidence.size() - kSummaryLines << " more lines in verdicts.json)\n";
    }
  }
  out << "overall: " << ValidityName(Overall(verdicts)) << " (" << pass << " pass, " << fail
      << " fail, " << unknown << " unknown); verdicts in " << path << "\n";
  return ExitCodeFor(verdicts);
}

}  // namespace raftlab::evidence
