// ReadProcessState on real processes: this one, a child that exited (a zombie until reaped),
// and the same pid once reaped.
#include "common/process_state.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace raftlab {
namespace {

TEST(ProcessState, ThisProcessRuns) {
  std::optional<ProcessState> s = ReadProcessState(getpid());
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->state, 'R');
  EXPECT_EQ(s->ppid, getppid());
  EXPECT_GT(s->start_ticks, 0u);
  EXPECT_TRUE(SameProcessPresent(getpid(), s->start_ticks));
  EXPECT_FALSE(SameProcessPresent(getpid(), s->start_ticks + 1));   // a reused pid is another process
}

TEST(ProcessState, ExitedChildIsAZombieUntilReaped) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  std::optional<ProcessState> s;
  for (int i = 0; i < 200; ++i) {   // up to 2 s for the child to exit
    s = ReadProcessState(child);
    if (s && s->state == 'Z') break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->state, 'Z');
  EXPECT_EQ(s->ppid, getpid());
  EXPECT_TRUE(SameProcessPresent(child, s->start_ticks));   // a zombie is still present
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  EXPECT_FALSE(ReadProcessState(child).has_value());
  EXPECT_FALSE(SameProcessPresent(child, s->start_ticks));
}

TEST(FlockHolder, NamesTheProcessHoldingTheLock) {
  const std::string path = ::testing::TempDir() + "/flock_holder_test.lock";
  int fd = open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(FlockHolder(path), 0);   // nobody holds it yet
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  EXPECT_EQ(FlockHolder(path), getpid());
  close(fd);   // releases it
  EXPECT_EQ(FlockHolder(path), 0);
  EXPECT_EQ(FlockHolder(path + ".missing"), 0);
}

TEST(ProcessState, NoSuchPid) {
  EXPECT_FALSE(ReadProcessState(0).has_value());
  EXPECT_FALSE(ReadProcessState(-1).has_value());
}

}  // namespace
}  // namespace raftlab
