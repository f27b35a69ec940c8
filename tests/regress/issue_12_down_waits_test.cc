// Issue 12: `raftlab down` returned while raftlabd was still exiting; right after it, `ps` could
// show a <defunct> raftlabd. Now `down` returns only once raftlabd is gone from the process
// table: not running, not a zombie. Runs a real lab (netns).
#include <dirent.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/process_state.h"
#include "tests/lab_harness.h"

namespace raftlab::testing {
namespace {

// The raftlabd serving `state_dir`: its pid and start time, from /proc (0 when none).
std::pair<pid_t, uint64_t> FindDaemon(const std::string& state_dir) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return {0, 0};
  std::pair<pid_t, uint64_t> found{0, 0};
  while (dirent* e = readdir(proc)) {
    const pid_t pid = atoi(e->d_name);
    if (pid <= 1) continue;
    std::error_code ec;
    const std::string exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).filename();
    if (ec || exe != "raftlabd") continue;
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    const std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.find(state_dir) == std::string::npos) continue;
    if (std::optional<ProcessState> s = ReadProcessState(pid)) found = {pid, s->start_ticks};
  }
  closedir(proc);
  return found;
}

TEST(Issue12, DownReturnsOnlyOnceRaftlabdIsGone) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  for (int round = 0; round < 2; ++round) {   // twice: the exit is a race, give it two chances to show
    CliRun up = lab.Cli({"up", "--members", "1"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    const auto [pid, start] = FindDaemon(lab.state_dir());
    ASSERT_GT(pid, 1) << "no raftlabd for " << lab.state_dir();

    CliRun down = lab.Cli({"down"});
    ASSERT_EQ(down.exit_code, 0) << down.err;
    std::optional<ProcessState> after = ReadProcessState(pid);
    EXPECT_FALSE(after.has_value() && after->start_ticks == start)
        << "raftlabd " << pid << " still in the process table after down (state " << after->state << ")\n"
        << down.out << down.err;
  }
}

}  // namespace
}  // namespace raftlab::testing
