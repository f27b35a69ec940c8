// lincheck_bench: time and peak RSS of the linearizability checker.
//
//   lincheck_bench [TESTDATA_DIR] [--ops N] [--clients C] [--keys K] [--seed S] [--timeout S]
//                  [--skip-testdata] [--verbose]
//
// 1. Checks every history listed in TESTDATA_DIR/expected.tsv (default: the porcupine test data
//    beside the source tree) and prints, per file, ops, verdict, milliseconds and the process's
//    peak RSS so far (getrusage ru_maxrss).
// 2. Generates a linearizable KV history (default 100000 ops, 50 clients, 100 keys, seed 1) from
//    a sequential simulation: each op takes effect at a point of a simulated timeline, its call
//    is drawn a little before that point and its return a little after, so intervals overlap;
//    then checks it and prints the same figures. Figures are printed, never asserted.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "evidence/history_formats.h"
#include "evidence/linearizability.h"

using namespace raftlab::evidence;
using raftlab::Result;

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

long PeakRssMiB() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;   // Linux: kilobytes
}

std::string ReadFile(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Sequential simulation with overlapping intervals. Each client runs one op at a time; an op's
// linearization point is strictly inside [call, return], and the simulation applies ops in the
// order of those points, so the history is linearizable by construction.
History Generate(size_t n_ops, int clients, int keys, uint64_t seed) {
  std::mt19937_64 rng(seed);
  History h;
  h.model = ModelKind::kKv;
  std::vector<std::string> store(keys);
  std::vector<bool> present(keys, false);
  std::vector<int64_t> free_at(clients, 0);   // time the client's previous op returned
  // Points are spaced by 10 time units; a client picks the next point after it is free.
  int64_t t = 0;
  h.ops.reserve(n_ops);
  std::uniform_int_distribution<int> pick_client(0, clients - 1);
  std::uniform_int_distribution<int> pick_key(0, keys - 1);
  std::uniform_int_distribution<int> pick_kind(0, 9);
  std::uniform_int_distribution<int64_t> spread(1, 400);   // overlaps ~40 points
  for (size_t i = 0; i < n_ops; ++i) {
    t += 10;
    int c = pick_client(rng);
    for (int tries = 0; free_at[c] >= t && tries < clients; ++tries) c = (c + 1) % clients;
    if (free_at[c] >= t) {   // everyone busy: move the timeline on
      t = *std::min_element(free_at.begin(), free_at.end()) + 10;
      c = int(std::min_element(free_at.begin(), free_at.end()) - free_at.begin());
    }
    int k = pick_key(rng);
    Operation op;
    op.client = c;
    op.input.key = "k" + std::to_string(k);
    op.call = std::max(free_at[c] + 1, t - spread(rng));
    op.ret = t + spread(rng);
    free_at[c] = *op.ret;
    int kind = pick_kind(rng);
    if (kind < 4) {
      op.input.kind = OpKind::kGet;
      op.output.found = present[k];
      op.output.value = store[k];
    } else if (kind < 6) {
      op.input.kind = OpKind::kPut;
      op.input.value = "p" + std::to_string(i);
      store[k] = op.input.value;
      present[k] = true;
    } else {
      op.input.kind = OpKind::kAppend;
      op.input.value = " a" + std::to_string(i);
      store[k] += op.input.value;
      present[k] = true;
    }
    h.ops.push_back(std::move(op));
  }
  return h;
}

void Report(const std::string& name, const LinResult& r, double ms, bool verbose) {
  std::printf("%-24s %7zu ops %5zu keys  %-9s %9.1f ms  %10llu steps  cache %7.1f MiB  "
              "peak RSS %5ld MiB\n",
              name.c_str(), r.ops, r.partitions_total, ValidityName(r.validity), ms,
              static_cast<unsigned long long>(r.steps), r.peak_memory_bytes / 1048576.0,
              PeakRssMiB());
  if (verbose) {
    for (const PartitionResult& p : r.partitions) {
      std::printf("    key %-8s %6zu ops %-9s %10llu steps %9llu cached\n", p.key.c_str(), p.ops,
                  ValidityName(p.validity), static_cast<unsigned long long>(p.steps),
                  static_cast<unsigned long long>(p.cache_entries));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = RAFTLAB_DEFAULT_TESTDATA;
  size_t n_ops = 100000;
  int clients = 50, keys = 100;
  uint64_t seed = 1;
  bool verbose = false;
  bool skip_testdata = false;
  double timeout_s = 60;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--ops") {
      n_ops = std::stoul(next());
    } else if (a == "--clients") {
      clients = std::stoi(next());
    } else if (a == "--keys") {
      keys = std::stoi(next());
    } else if (a == "--seed") {
      seed = std::stoull(next());
    } else if (a == "--timeout") {
      timeout_s = std::stod(next());
    } else if (a == "--skip-testdata") {
      skip_testdata = true;
    } else if (a == "--verbose") {
      verbose = true;
    } else {
      dir = a;
    }
  }
  LinOptions opt;
  opt.now_ns = NowNs;
  opt.time_budget_ns = static_cast<int64_t>(timeout_s * 1e9);

  std::istringstream tsv(ReadFile(dir + "/expected.tsv"));
  std::string line;
  double total_ms = 0;
  int files = 0, right = 0;
  while (!skip_testdata && std::getline(tsv, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::string name = line.substr(0, line.find('\t'));
    bool want = line.substr(line.find('\t') + 1) == "true";
    Result<History> h = ParseHistory(ReadFile(dir + "/" + name), name);
    if (!h.ok()) {
      std::printf("%-24s parse error: %s\n", name.c_str(), h.status().ToString().c_str());
      continue;
    }
    int64_t t0 = NowNs();
    Result<LinResult> r = CheckLinearizability(*h, opt);
    double ms = (NowNs() - t0) / 1e6;
    total_ms += ms;
    ++files;
    if (!r.ok()) {
      std::printf("%-24s error: %s\n", name.c_str(), r.status().ToString().c_str());
      continue;
    }
    right += (r->validity == (want ? Validity::kOk : Validity::kViolated));
    Report(name, *r, ms, verbose);
  }
  std::printf("porcupine testdata: %d files, %d verdicts as expected, %.1f ms total, peak RSS "
              "%ld MiB\n\n", files, right, total_ms, PeakRssMiB());

  int64_t g0 = NowNs();
  History gen = Generate(n_ops, clients, keys, seed);
  double gen_ms = (NowNs() - g0) / 1e6;
  int64_t t0 = NowNs();
  Result<LinResult> r = CheckLinearizability(gen, opt);
  double ms = (NowNs() - t0) / 1e6;
  if (!r.ok()) {
    std::printf("generated: error %s\n", r.status().ToString().c_str());
    return 1;
  }
  std::printf("generated KV history: %zu ops, %d clients, %d keys, seed %llu (built in %.1f ms)\n",
              n_ops, clients, keys, static_cast<unsigned long long>(seed), gen_ms);
  Report("generated", *r, ms, verbose);
  return r->validity == Validity::kOk ? 0 : 1;
}
