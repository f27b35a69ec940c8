// lincheck_bench: verdict, time, peak RSS and deciding path of the linearizability checker,
// one table row per input.
//
//   lincheck_bench [TESTDATA_DIR] [--timeout S] [--skip-testdata] [--skip-generated]
//                  [--search-only] [--only SUBSTRING] [--evidence]
//
// Inputs:
//   1. every history listed in TESTDATA_DIR/expected.tsv (default: the Porcupine test data beside
//      the source tree; skipped with a note when absent), with whether the verdict is expected;
//   2. generated histories of 10k and 100k operations on 10, 20 and 100 keys, 50 clients, in four
//      variants: "kv" (get/put/append, every value unique), "kv+crash" (5% of the writes time
//      out: they never return and took effect or not), "cas" (register read/write/cas, a cas
//      expecting the current value or the client's last read, so some fail) and "cas+crash".
//      Each comes from a sequential simulation: every op takes effect at a point of a simulated
//      timeline, its call a little before that point and its return a little after, so
//      intervals overlap by ~40 ops; the histories are linearizable by construction. Seeded:
//      the "kv" 100k/10-key input is the history the search alone leaves unknown. Last, "kv+stale":
//      the 100k/10-key kv history with one get late in it returning its key's first put
//      (violated; its time includes shrinking the key to a minimal failing sub-history).
// Each input is checked in a child process (fork), so "peak RSS" is that input's own peak
// (wait4 ru_maxrss; it includes the history itself). Time is the check alone, not the parse or
// generation. Path: which path decided the keys ("unique 10" = all 10 keys by the unique-value
// path). --search-only turns the unique-value path off, for comparison. Figures are printed,
// never asserted; the exit code is 0 when every verdict is as expected. --evidence prints each
// input's evidence lines (the violation report, with its minimal sub-history) above its row.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "evidence/history_formats.h"
#include "evidence/linearizability.h"

using namespace raftlab::evidence;
using raftlab::Result;

namespace {

bool g_print_evidence = false;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string ReadFile(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Variant {
  bool cas = false;     // register read/write/cas instead of kv get/put/append
  bool crash = false;   // 5% of the writes time out
  bool stale = false;   // one get at 90% of the history returns its key's first put: violated
};

// The sequential simulation (see the header). The base random sequence is that of the plain kv
// generator for every variant; the variant's own choices come from a second generator.
History Generate(size_t n_ops, int clients, int keys, uint64_t seed, Variant variant) {
  std::mt19937_64 rng(seed);
  std::mt19937_64 extra(seed * 7919 + 1);
  History h;
  h.model = variant.cas ? ModelKind::kRegister : ModelKind::kKv;
  std::vector<std::string> store(static_cast<size_t>(keys));
  std::vector<bool> present(static_cast<size_t>(keys), false);
  std::vector<int64_t> free_at(static_cast<size_t>(clients), 0);
  std::vector<std::string> last_read(static_cast<size_t>(clients));
  int64_t t = 0;
  h.ops.reserve(n_ops);
  std::uniform_int_distribution<int> pick_client(0, clients - 1);
  std::uniform_int_distribution<int> pick_key(0, keys - 1);
  std::uniform_int_distribution<int> pick_kind(0, 9);
  std::uniform_int_distribution<int64_t> spread(1, 400);   // overlaps ~40 points
  std::uniform_int_distribution<int> percent(0, 99);
  for (size_t i = 0; i < n_ops; ++i) {
    t += 10;
    int c = pick_client(rng);
    for (int tries = 0; free_at[size_t(c)] >= t && tries < clients; ++tries) c = (c + 1) % clients;
    if (free_at[size_t(c)] >= t) {   // everyone busy: move the timeline on
      t = *std::min_element(free_at.begin(), free_at.end()) + 10;
      c = int(std::min_element(free_at.begin(), free_at.end()) - free_at.begin());
    }
    size_t k = size_t(pick_key(rng));
    Operation op;
    op.client = c;
    op.input.key = "k" + std::to_string(k);
    op.call = std::max(free_at[size_t(c)] + 1, t - spread(rng));
    op.ret = t + spread(rng);
    free_at[size_t(c)] = *op.ret;
    int kind = pick_kind(rng);
    bool write = kind >= 4;
    bool crashed = write && variant.crash && percent(extra) < 5;
    bool takes_effect = !crashed || percent(extra) < 50;
    if (kind < 4) {
      op.input.kind = variant.cas ? OpKind::kRead : OpKind::kGet;
      op.output.found = present[k];
      op.output.value = store[k];
      last_read[size_t(c)] = store[k];
    } else if (kind < 6 || (variant.cas && !present[k])) {
      op.input.kind = variant.cas ? OpKind::kWrite : OpKind::kPut;
      op.input.value = "p" + std::to_string(i);
      if (takes_effect) store[k] = op.input.value, present[k] = true;
    } else if (!variant.cas) {
      op.input.kind = OpKind::kAppend;
      op.input.value = " a" + std::to_string(i);
      if (takes_effect) store[k] += op.input.value, present[k] = true;
    } else {
      op.input.kind = OpKind::kCas;
      bool current = percent(extra) < 60 || last_read[size_t(c)].empty();
      op.input.expected = current ? store[k] : last_read[size_t(c)];
      op.input.value = "c" + std::to_string(i);
      op.output.ok = store[k] == op.input.expected;
      if (takes_effect && op.output.ok) store[k] = op.input.value;
    }
    if (crashed) {   // the client gives up and a new process takes its place
      op.ret.reset();
      op.output = OpOutput{};
      op.output.known = false;
    }
    h.ops.push_back(std::move(op));
  }
  if (variant.stale) {
    for (size_t i = n_ops * 9 / 10; i < h.ops.size(); ++i) {
      Operation& get = h.ops[i];
      if (get.input.kind != OpKind::kGet || !get.output.found) continue;
      auto first_put = std::find_if(h.ops.begin(), h.ops.end(), [&](const Operation& o) {
        return o.input.kind == OpKind::kPut && o.input.key == get.input.key;
      });
      get.output.value = first_put->input.value;
      break;
    }
  }
  return h;
}

struct Row {
  std::string input;
  size_t ops = 0, keys = 0;
  std::string verdict;
  std::string expected;   // "" when nothing is expected
  double ms = 0;
  long rss_mib = 0;
  std::string path;
};

std::string Paths(const LinResult& r) {
  if (r.keys_unique_path + r.keys_search == 0) return "-";
  if (r.keys_search == 0) return "unique " + std::to_string(r.keys_unique_path);
  if (r.keys_unique_path == 0) return "search " + std::to_string(r.keys_search);
  return "unique " + std::to_string(r.keys_unique_path) + " + search " + std::to_string(r.keys_search);
}

// Builds and checks one input in a child process; the parent measures the child's peak RSS.
Row Measure(const std::string& name, const std::function<Result<History>()>& build,
            const LinOptions& opt) {
  Row row;
  row.input = name;
  int fds[2];
  if (pipe(fds) != 0) {
    row.verdict = "error: pipe";
    return row;
  }
  std::fflush(stdout);   // or the child repeats what is still buffered
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    Result<History> h = build();
    if (!h.ok()) {
      out = "error\t0\t0\t0\t" + h.status().message();
    } else {
      int64_t t0 = NowNs();
      Result<LinResult> r = CheckLinearizability(*h, opt);
      double ms = (NowNs() - t0) / 1e6;
      if (!r.ok()) {
        out = "error\t0\t0\t0\t" + r.status().message();
      } else {
        if (g_print_evidence) {
          for (const std::string& line : r->evidence) std::printf("  | %s\n", line.c_str());
          std::fflush(stdout);
        }
        out = std::string(ValidityName(r->validity)) + "\t" + std::to_string(ms) + "\t" +
              std::to_string(r->ops) + "\t" + std::to_string(r->partitions_total) + "\t" + Paths(*r);
      }
    }
    ssize_t unused = write(fds[1], out.data(), out.size());
    (void)unused;
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, size_t(n));
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  row.rss_mib = ru.ru_maxrss / 1024;
  std::vector<std::string> f;
  std::stringstream ss(got);
  for (std::string x; std::getline(ss, x, '\t');) f.push_back(x);
  if (f.size() < 5) {
    row.verdict = "error: child exited with status " + std::to_string(status);
    return row;
  }
  row.verdict = f[0];
  row.ms = std::stod(f[1]);
  row.ops = std::stoul(f[2]);
  row.keys = std::stoul(f[3]);
  row.path = f[4];
  return row;
}

void PrintHeader() {
  std::printf("%-28s %7s %5s  %-9s %-4s %11s %8s  %s\n", "input", "ops", "keys", "verdict",
              "as", "time ms", "RSS MiB", "path");
}
void Print(const Row& r) {
  const char* as = r.expected.empty() ? "" : (r.verdict == r.expected ? "yes" : "NO");
  std::printf("%-28s %7zu %5zu  %-9s %-4s %11.1f %8ld  %s\n", r.input.c_str(), r.ops, r.keys,
              r.verdict.c_str(), as, r.ms, r.rss_mib, r.path.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = RAFTLAB_DEFAULT_TESTDATA;
  double timeout_s = 60;
  bool skip_testdata = false, skip_generated = false, search_only = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--timeout") {
      timeout_s = std::stod(next());
    } else if (a == "--skip-testdata") {
      skip_testdata = true;
    } else if (a == "--skip-generated") {
      skip_generated = true;
    } else if (a == "--search-only") {
      search_only = true;
    } else if (a == "--evidence") {
      g_print_evidence = true;
    } else if (a == "--only") {
      only = next();
    } else {
      dir = a;
    }
  }
  LinOptions opt;
  opt.now_ns = NowNs;
  opt.time_budget_ns = static_cast<int64_t>(timeout_s * 1e9);
  opt.unique_value_path = !search_only;
  std::printf("lincheck_bench: time budget %.0f s per input%s\n\n", timeout_s,
              search_only ? ", search only (unique-value path off)" : "");
  PrintHeader();
  int rows = 0, as_expected = 0, with_expectation = 0;
  auto take = [&](Row r) {
    ++rows;
    if (!r.expected.empty()) {
      ++with_expectation;
      as_expected += r.verdict == r.expected;
    }
    Print(r);
  };

  if (!skip_testdata) {
    std::string tsv_text = ReadFile(dir + "/expected.tsv");
    if (tsv_text.empty()) {
      std::printf("(porcupine suite skipped: %s/expected.tsv not found)\n", dir.c_str());
    }
    std::istringstream tsv(tsv_text);
    double total_ms = 0, max_ms = 0;
    long max_rss = 0;
    int files = 0, right = 0, unique_keys = 0, keys = 0;
    for (std::string line; std::getline(tsv, line);) {
      if (line.empty() || line[0] == '#') continue;
      std::string name = line.substr(0, line.find('\t'));
      if (!only.empty() && name.find(only) == std::string::npos) continue;
      bool want = line.substr(line.find('\t') + 1) == "true";
      Row r = Measure(name, [&] { return ParseHistory(ReadFile(dir + "/" + name), name); }, opt);
      r.expected = want ? "ok" : "violated";
      ++files;
      right += r.verdict == r.expected;
      total_ms += r.ms;
      max_ms = std::max(max_ms, r.ms);
      max_rss = std::max(max_rss, r.rss_mib);
      keys += int(r.keys);
      if (r.path.rfind("unique ", 0) == 0) unique_keys += std::stoi(r.path.substr(7));
      take(r);
    }
    if (files > 0) {
      std::printf("porcupine suite: %d files, %d verdicts as expected, %.1f ms total (slowest "
                  "%.1f ms), peak RSS at most %ld MiB, %d of %d keys by the unique-value path\n\n",
                  files, right, total_ms, max_ms, max_rss, unique_keys, keys);
    }
  }

  if (!skip_generated) {
    struct Named {
      const char* name;
      Variant v;
    };
    for (size_t n : {size_t(10000), size_t(100000)}) {
      for (int keys : {10, 20, 100}) {
        for (Named nv : {Named{"kv", {false, false}}, Named{"kv+crash", {false, true}},
                         Named{"cas", {true, false}}, Named{"cas+crash", {true, true}}}) {
          std::string name = std::string(nv.name) + " " + std::to_string(n / 1000) + "k/" +
                             std::to_string(keys) + " keys";
          if (!only.empty() && name.find(only) == std::string::npos) continue;
          Row r = Measure(name, [&]() -> Result<History> { return Generate(n, 50, keys, 1, nv.v); },
                          opt);
          r.expected = "ok";
          take(r);
        }
      }
    }
    // One violation, to show what the shrinker costs on top of the decision.
    std::string name = "kv+stale 100k/10 keys";
    if (only.empty() || name.find(only) != std::string::npos) {
      Row r = Measure(name, []() -> Result<History> {
        return Generate(100000, 50, 10, 1, Variant{false, false, true});
      }, opt);
      r.expected = "violated";
      take(r);
    }
  }
  std::printf("\n%d inputs, %d of %d verdicts as expected\n", rows, as_expected, with_expectation);
  return as_expected == with_expectation ? 0 : 1;
}
