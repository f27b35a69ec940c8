// load_bench: how far the async load generator (driver/async_load.h) drives a real 3-member lab
// on this machine, per read path, and etcd's own `etcdctl check perf --load=m` on the same lab.
//
// For each read path (serializable, linearizable, log; 9 reads to 1 put) and for puts alone,
// open-loop steps of --step-s seconds at doubling rates find the first rate that is not
// sustained (below 95% of the target, an arrival skipped, or an op not ok); two bisections
// between the last sustained step and that one give the highest sustained rate. Then a run at
// 50% of it gives the latencies of an unsaturated lab. The generator's own CPU (this process:
// its loop thread, gRPC's threads and the journal writer) is reported for every row, because
// the members, raftlabd (with its 50 ms sampler) and the generator share the machine's cores.
// Finally `etcdctl check perf --load=m` (60 s of 1000 puts/s from 200 clients, 1 KiB values)
// runs against the same lab, beside this generator at the same 1000 puts/s with 1 KiB values.
//
// Takes /tmp/raftlab-lab.lock (and the test harness's /tmp/raftlab-labs.lock) for the whole run,
// so run it plainly: build/bench/load_bench [--step-s 3] [--members 3] [--raftlab PATH]. Brings
// a lab up with `raftlab up` on a temporary state dir and takes it down; needs root and etcd.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/json_util.h"
#include "common/subprocess.h"
#include "driver/async_load.h"

namespace raftlab {
namespace {

using driver::ReadPath;

struct Options {
  int members = 3;
  double step_s = 3;
  std::string raftlab = std::string(RAFTLAB_BUILD_DIR) + "/raftlab";
  bool etcdctl = true;
};

struct Row {
  std::string name;
  double max_rate = 0;               // highest sustained target
  driver::LoadReport at_max, at_half;
  std::string first_failure;         // why the first unsustained step fell short
};

std::string KindOf(const std::string& row) { return row == "puts" ? "put" : "get/" + row; }

class Bench {
 public:
  Bench(const Options& o, std::string dir) : o_(o), dir_(std::move(dir)) {}

  Status Up() {
    RL_RETURN_IF_ERROR(Cli({"up", "--members", std::to_string(o_.members), "--journal", dir_ + "/run/journal.jsonl"}));
    for (int i = 1; i <= o_.members; ++i) {
      std::string name = "n" + std::to_string(i);
      targets_.push_back({name, cluster::ClientEndpoint(name)});
    }
    Result<std::unique_ptr<driver::LoadJournal>> j = driver::LoadJournal::Open(dir_ + "/run/journal.jsonl", "load_bench");
    if (!j.ok()) return j.status();
    journal_ = std::move(*j);
    return Status::Ok();
  }
  void Down() {
    if (journal_) (void)journal_->Close();
    (void)Cli({"down"});
  }

  Result<driver::LoadReport> Step(const std::string& row, double rate, double seconds, int value_size = 0) {
    driver::AsyncLoadOptions lo;
    lo.targets = targets_;
    lo.rate = rate;
    lo.read_ratio = row == "puts" ? 0 : 0.9;
    ReadPath p = ReadPath::kLinearizable;
    if (row != "puts" && !driver::ParseReadPath(row, &p)) return InvalidArgument("no read path " + row);
    lo.read_paths = {p};
    lo.keys = 100;
    lo.key_prefix = "bench/";
    lo.value_size = value_size;
    lo.duration_ms = static_cast<int64_t>(seconds * 1000);
    lo.timeout_ms = 3000;
    lo.max_in_flight = 4096;
    lo.seed = static_cast<uint64_t>(rate);
    Result<driver::LoadReport> r = driver::AsyncLoad::Run(lo, journal_.get());
    if (r.ok()) {
      std::string why;
      bool ok = driver::Sustained(*r, 0.05, &why);
      const driver::KindStats& k = r->kinds[KindOf(row)];
      std::fprintf(stderr, "  %-13s %7.0f/s -> %7.0f/s  p50 %7.2f ms  p99 %8.2f ms  CPU %3.0f%%  %s\n", row.c_str(), rate,
                   r->Rate(), k.ok_latency.PercentileMs(50), k.ok_latency.PercentileMs(99), r->CpuPercent(),
                   ok ? "sustained" : ("NOT sustained: " + why).c_str());
    }
    SleepMs(1000);   // let the lab drain and settle between steps
    return r;
  }

  Result<Row> Ramp(const std::string& row) {
    Row out;
    out.name = row;
    double good = 0, bad = 0;
    driver::LoadReport good_report;
    for (double rate = 500; rate <= 64000; rate *= 2) {
      Result<driver::LoadReport> r = Step(row, rate, o_.step_s);
      if (!r.ok()) return r.status();
      std::string why;
      if (driver::Sustained(*r, 0.05, &why)) {
        good = rate;
        good_report = *r;
      } else {
        bad = rate;
        out.first_failure = why;
        break;
      }
    }
    for (int i = 0; i < 2 && bad > 0 && good > 0; ++i) {
      double mid = (good + bad) / 2;
      Result<driver::LoadReport> r = Step(row, mid, o_.step_s);
      if (!r.ok()) return r.status();
      std::string why;
      if (driver::Sustained(*r, 0.05, &why)) {
        good = mid;
        good_report = *r;
      } else {
        bad = mid;
        out.first_failure = why;
      }
    }
    out.max_rate = good;
    out.at_max = good_report;
    if (good > 0) {
      Result<driver::LoadReport> half = Step(row, good / 2, std::max(5.0, o_.step_s));
      if (!half.ok()) return half.status();
      out.at_half = *half;
    }
    return out;
  }

  // etcdctl check perf --load=m against every member; its verdict lines.
  std::string CheckPerf() {
    std::string endpoints;
    for (const auto& t : targets_) endpoints += (endpoints.empty() ? "" : ",") + std::string("http://") + t.endpoint;
    Result<RunResult> r = Run({"etcdctl", "--endpoints=" + endpoints, "check", "perf", "--load=m"}, {.env = {"ETCDCTL_API=3"}});
    if (!r.ok()) return "etcdctl check perf did not run: " + r.status().message();
    std::string lines;
    for (const std::string& text : {r->out, r->err}) {
      size_t at = 0;
      while (at < text.size()) {
        size_t end = text.find_first_of("\r\n", at);
        std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (line.find("PASS") != std::string::npos || line.find("FAIL") != std::string::npos ||
            line.find("Slowest") != std::string::npos || line.find("Stddev") != std::string::npos)
          lines += (lines.empty() ? "" : "; ") + line;
        if (end == std::string::npos) break;
        at = end + 1;
      }
    }
    return (lines.empty() ? r->Describe() : lines) + " (exit " + std::to_string(r->exit_code) + ")";
  }

 private:
  Status Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {o_.raftlab, "--state-dir", dir_ + "/state"});
    SpawnOptions so;
    so.cwd = dir_;
    Result<RunResult> r = Run(args, so);
    if (!r.ok()) return r.status();
    if (!r->ok()) return Internal(JoinArgv(args) + ": " + r->Describe());
    return Status::Ok();
  }

  Options o_;
  std::string dir_;
  std::vector<driver::LoadTarget> targets_;
  std::unique_ptr<driver::LoadJournal> journal_;
};

void PrintRow(const Row& r) {
  const std::string kind = KindOf(r.name);
  auto lat = [&](const driver::LoadReport& rep, double p) {
    auto it = rep.kinds.find(kind);
    return it == rep.kinds.end() ? 0.0 : it->second.ok_latency.PercentileMs(p);
  };
  std::printf("%-14s %10.0f/s %9.2f %9.2f %7.0f%%  | %7.0f/s %8.2f %8.2f %9.2f %7.0f%%\n", r.name.c_str(), r.max_rate,
              lat(r.at_max, 50), lat(r.at_max, 99), r.at_max.CpuPercent(), r.at_half.Rate(), lat(r.at_half, 50),
              lat(r.at_half, 99), lat(r.at_half, 99.9), r.at_half.CpuPercent());
}

int Main(const Options& o) {
  if (!IsExecutable(o.raftlab)) {
    std::cerr << "load_bench: no raftlab at " << o.raftlab << " (build the targets raftlab raftlabd)\n";
    return 2;
  }
  std::vector<int> locks;
  for (const char* path : {"/tmp/raftlab-lab.lock", "/tmp/raftlab-labs.lock"}) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
      std::cerr << "load_bench: cannot take " << path << ": " << strerror(errno) << "\n";
      return 1;
    }
    locks.push_back(fd);
  }
  char tmpl[] = "/tmp/raftlab-load-bench-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  Bench bench(o, dir);
  const int64_t t0 = MonoNowNs();
  std::fprintf(stderr, "load_bench: bringing up %d members in %s\n", o.members, dir.c_str());
  if (Status s = bench.Up(); !s.ok()) {
    std::cerr << "load_bench: " << s.ToString() << "\n";
    bench.Down();
    return 1;
  }
  std::vector<Row> rows;
  int code = 0;
  for (const char* row : {"serializable", "linearizable", "log", "puts"}) {
    Result<Row> r = bench.Ramp(row);
    if (!r.ok()) {
      std::cerr << "load_bench: " << row << ": " << r.status().ToString() << "\n";
      code = 1;
      break;
    }
    rows.push_back(*r);
  }
  std::string perf = "skipped";
  Result<driver::LoadReport> same = Unsupported("not run");
  if (code == 0 && o.etcdctl) {
    std::fprintf(stderr, "  etcdctl check perf --load=m (60 s) ...\n");
    perf = bench.CheckPerf();
    same = bench.Step("puts", 1000, 10, 1024);
  }
  bench.Down();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  for (int fd : locks) close(fd);

  std::printf("\nload_bench: %d-member lab, 2 cores shared by the members, raftlabd (sampler every 50 ms) and this "
              "generator; steps of %.0f s, open loop, 9 reads : 1 put over 100 keys through every member\n"
              "(puts: no reads); sustained = rate >= 95%% of the target, nothing skipped, every op ok\n\n",
              o.members, o.step_s);
  std::printf("%-14s %12s %9s %9s %8s  | %9s %8s %8s %9s %8s\n", "read path", "max sustained", "p50 ms", "p99 ms",
              "gen CPU", "50% rate", "p50 ms", "p99 ms", "p99.9 ms", "gen CPU");
  for (const Row& r : rows) PrintRow(r);
  std::printf("(latencies are of the row's kind: its reads, or the puts; CPU is this process as %% of one core)\n\n");
  std::printf("etcdctl check perf --load=m (1000 puts/s, 200 clients, 1 KiB values, 60 s): %s\n", perf.c_str());
  if (same.ok()) {
    const driver::KindStats& k = same->kinds["put"];
    std::printf("raftlab load, same lab, 1000 puts/s, 1 KiB values, 10 s: %.0f/s, %llu ok, %llu fail, %llu info; "
                "p50 %.2f ms, p99 %.2f ms, slowest %.3f s; gen CPU %.0f%%\n",
                same->Rate(), static_cast<unsigned long long>(k.ok), static_cast<unsigned long long>(k.fail),
                static_cast<unsigned long long>(k.info), k.ok_latency.PercentileMs(50), k.ok_latency.PercentileMs(99),
                static_cast<double>(k.ok_latency.max_ns()) / 1e9, same->CpuPercent());
  }
  std::printf("wall time %.0f s\n", static_cast<double>(MonoNowNs() - t0) / 1e9);
  return code;
}

}  // namespace
}  // namespace raftlab

int main(int argc, char** argv) {
  raftlab::Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--members") o.members = std::atoi(value().c_str());
    else if (a == "--step-s") o.step_s = std::atof(value().c_str());
    else if (a == "--raftlab") o.raftlab = value();
    else if (a == "--no-etcdctl") o.etcdctl = false;
    else {
      std::cerr << "usage: load_bench [--members N] [--step-s S] [--raftlab PATH] [--no-etcdctl]\n";
      return 2;
    }
  }
  if (o.members < 1 || o.members > 9 || o.step_s < 1) {
    std::cerr << "load_bench: --members 1-9, --step-s >= 1\n";
    return 2;
  }
  return raftlab::Main(o);
}
