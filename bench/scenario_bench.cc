// scenario_bench: runs the whole catalogue on a real lab (as `raftlab lab` does) and prints the
// wall time of each scenario and of the whole lab, and the time from each fault to a new
// leader observed (DESIGN.md §6). Needs root and etcd; takes the machine-wide lab lock.
//
//   build/bench/scenario_bench [--out DIR] [--seed N] [--state-dir DIR]
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "common/clock.h"
#include "scenarios/report.h"
#include "scenarios/scenario.h"

using namespace raftlab;

int main(int argc, char** argv) {
  scenarios::ScenarioOptions o;
  o.out_dir = "/tmp/raftlab-scenario-bench";
  o.state_dir = "/tmp/raftlab-scenario-bench/state";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--out") o.out_dir = argv[i + 1];
    else if (a == "--seed") o.seed = std::stoull(argv[i + 1]);
    else if (a == "--state-dir") o.state_dir = argv[i + 1];
  }
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  o.self_path = (self.parent_path().parent_path() / "raftlab").string();   // build/bench/.. = build/
  int lock = open("/tmp/raftlab-labs.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0666);
  if (lock >= 0) flock(lock, LOCK_EX);
  const int64_t t0 = MonoNowNs();
  std::vector<scenarios::ScenarioResult> all;
  for (const auto& s : scenarios::Catalogue())
    for (auto& r : scenarios::RunScenario(s, o)) all.push_back(std::move(r));
  const double total = static_cast<double>(MonoNowNs() - t0) / 1e9;
  (void)scenarios::WriteReport(o.out_dir);
  if (lock >= 0) close(lock);
  bool ok = true;
  std::printf("\n%-14s %-6s %10s  %s\n", "scenario", "result", "wall (s)", "fault -> new leader observed");
  for (const auto& r : all) {
    std::string leader;
    for (const char* k : {"kill_to_new_leader_ms", "split_to_majority_leader_ms", "transfer_ms"})
      if (r.facts.contains(k)) leader += std::string(leader.empty() ? "" : ", ") + k + "=" + r.facts[k].dump();
    std::printf("%-14s %-6s %10.1f  %s\n", r.name.c_str(), r.passed ? "PASS" : "FAIL", r.wall_s, leader.c_str());
    ok = ok && r.passed;
  }
  std::printf("%-14s %-6s %10.1f\n", "whole lab", ok ? "PASS" : "FAIL", total);
  return ok ? 0 : 1;
}
