// raftlab-slowfs against a real FUSE mount: passthrough of the calls etcd makes, the live
// fsync delay, clean unmount on SIGTERM, and a clear failure when the mount cannot happen.
// Needs root and /dev/fuse: skipped without them, failed instead when CI=true.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "chaos/slowfs/child_process.h"
#include "chaos/slowfs/slowfs_harness.h"
#include "common/test_guard.h"

namespace raftlab::chaos {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string Slurp(const std::string& p) { return ReadFileOrEmpty(p); }

class SlowfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0 || access("/dev/fuse", R_OK | W_OK) != 0)
      RAFTLAB_SKIP_OR_FAIL_UNDER_CI("needs root and /dev/fuse (run as root; apt-get install fuse3)");
    auto m = SlowfsMount::Create();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    m_ = std::move(*m);
  }

  std::string M(const std::string& rel) { return m_->mount() + "/" + rel; }
  std::string B(const std::string& rel) { return m_->backing() + "/" + rel; }

  // Milliseconds taken by one fsync (or fdatasync) of an open file on the mount.
  double TimedSync(int fd, bool data_only) {
    auto t0 = Clock::now();
    int rc = data_only ? fdatasync(fd) : fsync(fd);
    auto t1 = Clock::now();
    EXPECT_EQ(rc, 0) << strerror(errno);
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
  }

  std::unique_ptr<SlowfsMount> m_;
};

TEST_F(SlowfsTest, MountIsNamedRaftlabInProcMounts) {
  std::string mounts = Slurp("/proc/self/mounts");
  EXPECT_NE(mounts.find("raftlab-slowfs " + m_->mount() + " fuse.raftlab-slowfs"),
            std::string::npos)
      << mounts;
}

TEST_F(SlowfsTest, PassesThroughFileOperations) {
  // create + write + read back, through the mount and on the backing dir
  {
    std::ofstream out(M("a.txt"));
    out << "hello slowfs";
  }
  EXPECT_EQ(Slurp(M("a.txt")), "hello slowfs");
  EXPECT_EQ(Slurp(B("a.txt")), "hello slowfs");

  // rename
  ASSERT_EQ(rename(M("a.txt").c_str(), M("b.txt").c_str()), 0) << strerror(errno);
  EXPECT_FALSE(fs::exists(B("a.txt")));
  EXPECT_EQ(Slurp(B("b.txt")), "hello slowfs");

  // mkdir + readdir
  ASSERT_EQ(mkdir(M("dir").c_str(), 0750), 0) << strerror(errno);
  std::ofstream(M("dir/inner")) << "x";
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(m_->mount())) names.insert(e.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"b.txt", "dir"}));
  EXPECT_TRUE(fs::is_directory(M("dir")));
  struct stat st;
  ASSERT_EQ(stat(M("dir").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);

  // fallocate the way etcd preallocates a WAL segment (64 MB, size changes)
  int fd = open(M("0000000000000000-0000000000000000.wal").c_str(),
                O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0) << strerror(errno);
  EXPECT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0) << strerror(errno);
  ASSERT_EQ(fallocate(fd, 0, 0, 64 << 20), 0) << strerror(errno);
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 64 << 20);
  ASSERT_EQ(stat(B("0000000000000000-0000000000000000.wal").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 64 << 20);
  EXPECT_GE(st.st_blocks * 512, 64 << 20);  // really allocated, not sparse
  // a second descriptor cannot take the WAL lock while the first holds it
  int fd2 = open(M("0000000000000000-0000000000000000.wal").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd2, 0);
  EXPECT_EQ(flock(fd2, LOCK_EX | LOCK_NB), -1);
  EXPECT_EQ(errno, EWOULDBLOCK);
  close(fd2);
  EXPECT_EQ(pwrite(fd, "rec", 3, 4096), 3);
  EXPECT_EQ(fdatasync(fd), 0);

  // truncate through an open fd and by path
  ASSERT_EQ(ftruncate(fd, 8192), 0) << strerror(errno);
  close(fd);
  ASSERT_EQ(stat(B("0000000000000000-0000000000000000.wal").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 8192);
  ASSERT_EQ(truncate(M("b.txt").c_str(), 5), 0) << strerror(errno);
  EXPECT_EQ(Slurp(B("b.txt")), "hello");

  // utimens, chmod, statfs
  timespec times[2] = {{1000000, 0}, {2000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, M("b.txt").c_str(), times, 0), 0) << strerror(errno);
  ASSERT_EQ(chmod(M("b.txt").c_str(), 0604), 0);
  ASSERT_EQ(stat(B("b.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 2000000);
  EXPECT_EQ(st.st_mode & 0777, 0604u);
  struct statvfs vfs;
  EXPECT_EQ(statvfs(m_->mount().c_str(), &vfs), 0);
  EXPECT_GT(vfs.f_blocks, 0u);

  // directory fsync as etcd does after creating a WAL file
  int dfd = open(m_->mount().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dfd, 0);
  EXPECT_EQ(fsync(dfd), 0) << strerror(errno);
  close(dfd);

  // unlink of an open file, rmdir
  fd = open(M("b.txt").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(unlink(M("b.txt").c_str()), 0) << strerror(errno);
  char buf[8] = {};
  EXPECT_EQ(pread(fd, buf, 5, 0), 5);  // still readable after unlink
  EXPECT_EQ(std::string(buf), "hello");
  close(fd);
  EXPECT_FALSE(fs::exists(B("b.txt")));
  EXPECT_NE(rmdir(M("dir").c_str()), 0);  // not empty
  ASSERT_EQ(unlink(M("dir/inner").c_str()), 0);
  ASSERT_EQ(rmdir(M("dir").c_str()), 0) << strerror(errno);
  EXPECT_FALSE(fs::exists(B("dir")));
  // nothing hidden left behind (hard_remove)
  names.clear();
  for (const auto& e : fs::directory_iterator(m_->backing())) names.insert(e.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"0000000000000000-0000000000000000.wal"}));
}

TEST_F(SlowfsTest, FsyncDelayFollowsControlFileLive) {
  int fd = open(M("wal").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0) << strerror(errno);
  ASSERT_EQ(write(fd, "x", 1), 1);
  EXPECT_LT(TimedSync(fd, false), 100.0);  // no control file yet: delay 0

  ASSERT_TRUE(m_->SetDelayMs(200).ok());
  double f = TimedSync(fd, false);
  EXPECT_GE(f, 180.0);
  EXPECT_LT(f, 1000.0);
  ASSERT_EQ(write(fd, "y", 1), 1);
  double d = TimedSync(fd, true);
  EXPECT_GE(d, 180.0);
  EXPECT_LT(d, 1000.0);
  int dfd = open(m_->mount().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dfd, 0);
  double dir = TimedSync(dfd, false);
  EXPECT_GE(dir, 180.0);
  EXPECT_LT(dir, 1000.0);

  ASSERT_TRUE(m_->SetDelayMs(0).ok());
  EXPECT_LT(TimedSync(fd, false), 100.0);
  EXPECT_LT(TimedSync(fd, true), 100.0);
  EXPECT_LT(TimedSync(dfd, false), 100.0);
  close(dfd);
  close(fd);
}

TEST_F(SlowfsTest, SigtermUnmountsAndExitsZero) {
  std::ofstream(M("kept")) << "data";
  int st = m_->Stop();
  ASSERT_TRUE(WIFEXITED(st)) << "status " << st << "\n" << Slurp(m_->log());
  EXPECT_EQ(WEXITSTATUS(st), 0) << Slurp(m_->log());
  EXPECT_FALSE(IsMountPoint(m_->mount()));
  EXPECT_EQ(Slurp(B("kept")), "data");
}

TEST(SlowfsStartTest, MountFailureExitsNonZeroWithMessage) {
  char tmpl[] = "/tmp/rl-slowfs-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string root = tmpl;
  std::string log = root + "/log";
  auto child = ChildProcess::Spawn({ToolBinary("raftlab-slowfs"), "--backing", root,
                                    "--mount", root + "/does-not-exist", "--control",
                                    root + "/c", "--foreground"},
                                   log);
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  int st = 0;
  ASSERT_TRUE(child->WaitExit(std::chrono::seconds(10), &st));
  EXPECT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 1);
  EXPECT_NE(Slurp(log).find("does-not-exist"), std::string::npos) << Slurp(log);
  std::error_code ec;
  fs::remove_all(root, ec);
}

}  // namespace
}  // namespace raftlab::chaos
