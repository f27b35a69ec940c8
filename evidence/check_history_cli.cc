#include "evidence/check_history_cli.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "evidence/history_formats.h"
#include "evidence/linearizability.h"

namespace raftlab::evidence {
namespace {

constexpr int kExitLinearizable = 0;
constexpr int kExitViolated = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitUnknown = 3;

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool ParsePositive(const std::string& s, double* out) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v > 0)) return false;
  *out = v;
  return true;
}

struct Flags {
  std::string file;
  std::optional<HistoryFormat> format;
  bool json = false;
  bool help = false;
  double timeout_s = 60;
  double memory_mib = 2048;
};

// "" on success, else the usage problem.
std::string ParseFlags(const std::vector<std::string>& args, Flags* f) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) -> bool {
      size_t eq = a.find('=');
      if (eq != std::string::npos) {
        *v = a.substr(eq + 1);
        return true;
      }
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    std::string name = a.substr(0, a.find('='));
    std::string v;
    if (a == "--help" || a == "-h") {
      f->help = true;
    } else if (a == "--json") {
      f->json = true;
    } else if (name == "--format") {
      if (!value(&v)) return "--format needs a value";
      Result<HistoryFormat> fmt = ParseHistoryFormatName(v);
      if (!fmt.ok()) return fmt.status().message();
      f->format = *fmt;
    } else if (name == "--timeout") {
      if (!value(&v) || !ParsePositive(v, &f->timeout_s)) return "--timeout needs seconds > 0";
    } else if (name == "--memory") {
      if (!value(&v) || !ParsePositive(v, &f->memory_mib)) return "--memory needs MiB > 0";
    } else if (a.size() > 1 && a[0] == '-') {
      return "unknown flag " + a;
    } else if (f->file.empty()) {
      f->file = a;
    } else {
      return "more than one FILE: " + f->file + ", " + a;
    }
  }
  if (!f->help && f->file.empty()) return "no FILE given";
  return "";
}

}  // namespace

const char* CheckHistoryUsage() {
  return "usage: raftlab check history FILE [--format jsonl|jepsen|edn-kv] [--json]\n"
         "                                  [--timeout S] [--memory MIB]\n"
         "Checks a client history for linearizability (per key; Wing & Gong / Lowe search).\n"
         "  FILE       journal.jsonl of a run, a Jepsen etcd register log, or an EDN KV history\n"
         "  --format   the file's format (default: detected from its first line)\n"
         "  --json     print one JSON object instead of text\n"
         "  --timeout  time budget in seconds (default 60); over it the verdict is unknown\n"
         "  --memory   memory budget of the search in MiB (default 2048)\n"
         "exit: 0 linearizable, 1 not linearizable, 2 bad input, 3 unknown\n";
}

int RunCheckHistory(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Flags flags;
  std::string problem = ParseFlags(args, &flags);
  if (flags.help) {
    out << CheckHistoryUsage();
    return 0;
  }
  if (!problem.empty()) {
    err << "check history: " << problem << "\n" << CheckHistoryUsage();
    return kExitBadInput;
  }
  std::ifstream in(flags.file, std::ios::binary);
  if (!in) {
    err << "check history: cannot read " << flags.file << "\n";
    return kExitBadInput;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();

  std::optional<HistoryFormat> format = flags.format;
  if (!format) {
    Result<HistoryFormat> f = DetectHistoryFormat(text, flags.file);
    if (!f.ok()) {
      err << "check history: " << f.status().message() << "\n";
      return kExitBadInput;
    }
    format = *f;
  }
  Result<History> history = ParseHistory(text, flags.file, format);
  if (!history.ok()) {
    err << "check history: " << history.status().message() << "\n";
    return kExitBadInput;
  }

  LinOptions opt;
  opt.now_ns = SteadyNowNs;
  opt.time_budget_ns = static_cast<int64_t>(flags.timeout_s * 1e9);
  opt.memory_budget_bytes = static_cast<uint64_t>(flags.memory_mib * 1024 * 1024);
  int64_t t0 = SteadyNowNs();
  Result<LinResult> res = CheckLinearizability(*history, opt);
  double elapsed_ms = (SteadyNowNs() - t0) / 1e6;
  if (!res.ok()) {
    err << "check history: " << flags.file << ": " << res.status().message() << "\n";
    return kExitBadInput;
  }

  if (flags.json) {
    nlohmann::json j;
    j["file"] = flags.file;
    j["format"] = HistoryFormatName(*format);
    j["model"] = res->model;
    j["validity"] = ValidityName(res->validity);
    j["ops"] = res->ops;
    j["keys"] = res->partitions_total;
    j["steps"] = res->steps;
    j["elapsed_ms"] = elapsed_ms;
    j["peak_memory_bytes"] = res->peak_memory_bytes;
    j["evidence"] = res->evidence;
    out << j.dump() << "\n";
  } else {
    const char* word = res->validity == Validity::kOk         ? "LINEARIZABLE"
                       : res->validity == Validity::kViolated ? "NOT LINEARIZABLE"
                                                              : "UNKNOWN";
    std::ostringstream ms;
    ms.precision(1);
    ms << std::fixed << elapsed_ms;
    out << flags.file << " (" << HistoryFormatName(*format) << "): " << word << " in "
        << ms.str() << " ms\n";
    for (const std::string& line : res->evidence) out << line << "\n";
  }
  switch (res->validity) {
    case Validity::kOk: return kExitLinearizable;
    case Validity::kViolated: return kExitViolated;
    case Validity::kUnknown: return kExitUnknown;
  }
  return kExitUnknown;
}

}  // namespace raftlab::evidence
