// Helpers for tests that drive a real lab through the real binaries (build/raftlab): run
// the CLI, read its JSON, snapshot what the host holds (namespaces, links, the root
// namespace's iptables, processes naming the state dir) to prove `down` leaves nothing.
//
// Tests that need CAP_NET_ADMIN call RequireLabPrivileges(): on a laptop without it they
// skip, under CI=true they fail, so CI cannot pass by skipping them.
#pragma once

#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/subprocess.h"
#include "common/test_guard.h"

namespace raftlab::testing {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
  Json json;          // parsed stdout when it is JSON, else null
};

class LabHarness {
 public:
  LabHarness();                      // fresh state dir under /tmp, journal dir beside it
  ~LabHarness();                     // `down` if a lab is still up, then removes the dirs

  CliRun Cli(const std::vector<std::string>& args) const;
  // Runs `raftlab` with extra environment and an optional uid (for the not-root test).
  CliRun CliAs(const std::vector<std::string>& args, const std::vector<std::string>& prefix) const;
  const std::string& state_dir() const { return state_dir_; }
  const std::string& work_dir() const { return work_dir_; }
  std::string BuildPath(const std::string& rel) const;

  // One line per namespace, link, root iptables rule and process that could belong to a lab.
  std::vector<std::string> HostSnapshot() const;

 private:
  std::string state_dir_;
  std::string work_dir_;
  int lock_fd_ = -1;                 // machine-wide: one lab at a time (names are global)
};

// Every process that brings up a lab for a test holds this lock (flock) while it does, so
// test runs from different build trees cannot collide. Shell users: `flock FILE cmd`.
inline constexpr char kLabLockFile[] = "/tmp/raftlab-labs.lock";

// Lines in `after` that are not in `before`.
std::vector<std::string> Added(const std::vector<std::string>& before, const std::vector<std::string>& after);

// GTEST_SKIP or FAIL (under CI=true) when this process lacks CAP_NET_ADMIN or etcd.
#define RAFTLAB_REQUIRE_LAB() \
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(::raftlab::testing::WhyNoLab())

// "" when this process can bring up a lab, else what it lacks (and how to get it).
std::string WhyNoLab();

// Reads a journal into its events.
std::vector<Json> ReadJournal(const std::string& path);

}  // namespace raftlab::testing
