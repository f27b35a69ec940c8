// raftlab-delayer in real network namespaces: two namespaces rl-dt-a and rl-dt-b joined by
// a veth pair (127.99.250.1 <-> .2), a TCP echo measured from a to b before and while the
// delayer holds a's outgoing packets through `-j NFQUEUE --queue-num 7 --queue-bypass`.
// Only rl-dt-* namespaces are created and touched (never the root namespace's iptables);
// everything is deleted in TearDown, also after a failure. Needs root, ip and iptables:
// skipped without them, failed instead when CI=true.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "chaos/slowfs/child_process.h"
#include "common/test_guard.h"

namespace raftlab::chaos {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kNsA = "rl-dt-a";
constexpr const char* kNsB = "rl-dt-b";
constexpr const char* kAddrA = "127.99.250.1";
constexpr const char* kAddrB = "127.99.250.2";
constexpr const char* kQueue = "7";

// Moves the calling thread (only) into a named network namespace.
bool EnterNetns(const std::string& ns) {
  int fd = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = setns(fd, CLONE_NEWNET) == 0;
  close(fd);
  return ok;
}

// Accepts one connection on addr:port inside ns and echoes it until EOF.
void EchoServer(std::string ns, std::string addr, int port, std::promise<bool> ready) {
  int s = -1;
  auto fail = [&] {
    if (s >= 0) close(s);
    ready.set_value(false);
  };
  if (!EnterNetns(ns)) return fail();
  s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, addr.c_str(), &sa.sin_addr);
  if (bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(s, 1) != 0) {
    return fail();
  }
  ready.set_value(true);
  pollfd p{s, POLLIN, 0};
  if (poll(&p, 1, 10000) != 1) {
    close(s);
    return;
  }
  int c = accept4(s, nullptr, nullptr, SOCK_CLOEXEC);
  close(s);
  if (c < 0) return;
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char buf[256];
  for (;;) {
    pollfd q{c, POLLIN, 0};
    if (poll(&q, 1, 10000) != 1) break;
    ssize_t n = read(c, buf, sizeof buf);
    if (n <= 0 || write(c, buf, static_cast<size_t>(n)) != n) break;
  }
  close(c);
}

// Median round trip (ms) of `rounds` 32-byte echoes from ns_a to the echo in ns_b, or
// a negative value on any failure.
double MedianEchoRttMs(int port, int rounds) {
  std::promise<bool> ready;
  std::future<bool> is_ready = ready.get_future();
  std::thread server(EchoServer, kNsB, kAddrB, port, std::move(ready));
  double result = -1;
  std::thread client([&] {
    if (!is_ready.get() || !EnterNetns(kNsA)) return;
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{5, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, kAddrB, &sa.sin_addr);
    if (connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      close(c);
      return;
    }
    std::vector<double> rtts;
    char msg[32], back[32];
    std::memset(msg, 'r', sizeof msg);
    for (int i = 0; i < rounds; ++i) {
      auto t0 = Clock::now();
      if (write(c, msg, sizeof msg) != static_cast<ssize_t>(sizeof msg)) break;
      size_t got = 0;
      while (got < sizeof back) {
        ssize_t n = read(c, back + got, sizeof back - got);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      if (got != sizeof back) break;
      rtts.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    close(c);
    if (static_cast<int>(rtts.size()) != rounds) return;
    std::sort(rtts.begin(), rtts.end());
    result = rtts[rtts.size() / 2];
  });
  client.join();
  server.join();
  return result;
}

class DelayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0 || system("command -v ip >/dev/null && command -v iptables "
                                 ">/dev/null") != 0)
      RAFTLAB_SKIP_OR_FAIL_UNDER_CI("needs root, ip and iptables (apt-get install iproute2 iptables)");
    char tmpl[] = "/tmp/rl-dt-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    RemoveNamespaces();  // leftovers of a crashed earlier run, ours by name
    created_ = true;
    for (const auto& cmd : std::vector<std::vector<std::string>>{
             {"ip", "netns", "add", kNsA},
             {"ip", "netns", "add", kNsB},
             // Both ends are created directly inside the namespaces: nothing in the root.
             {"ip", "-n", kNsA, "link", "add", "rl-dt-va", "type", "veth", "peer", "name",
              "rl-dt-vb", "netns", kNsB},
             {"ip", "-n", kNsA, "addr", "add", std::string(kAddrA) + "/24", "dev", "rl-dt-va"},
             {"ip", "-n", kNsB, "addr", "add", std::string(kAddrB) + "/24", "dev", "rl-dt-vb"},
             // 127/8 addresses on a real link need route_localnet, else connect() EINVAL.
             {"ip", "netns", "exec", kNsA, "sysctl", "-qw",
              "net.ipv4.conf.rl-dt-va.route_localnet=1"},
             {"ip", "netns", "exec", kNsB, "sysctl", "-qw",
              "net.ipv4.conf.rl-dt-vb.route_localnet=1"},
             {"ip", "-n", kNsA, "link", "set", "lo", "up"},
             {"ip", "-n", kNsB, "link", "set", "lo", "up"},
             {"ip", "-n", kNsA, "link", "set", "rl-dt-va", "up"},
             {"ip", "-n", kNsB, "link", "set", "rl-dt-vb", "up"},
         }) {
      ASSERT_EQ(Run(cmd), 0) << Join(cmd) << "\n" << ReadFileOrEmpty(dir_ + "/cmd.log");
    }
  }

  void TearDown() override {
    if (delayer_.running()) delayer_.Terminate(std::chrono::milliseconds(3000));
    if (created_) {
      RemoveNamespaces();
      std::string list = Capture({"ip", "netns", "list"});
      EXPECT_EQ(list.find("rl-dt-"), std::string::npos) << list;
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  static std::string Join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
    return s;
  }

  // Runs argv to completion with output in dir_/cmd.log; returns the exit code.
  int Run(const std::vector<std::string>& argv) {
    auto child = ChildProcess::Spawn(argv, dir_ + "/cmd.log");
    if (!child.ok()) return -1;
    int st = 0;
    if (!child->WaitExit(std::chrono::seconds(30), &st)) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }

  std::string Capture(const std::vector<std::string>& argv) {
    std::string out = dir_ + "/capture.log";
    unlink(out.c_str());
    auto child = ChildProcess::Spawn(argv, out);
    if (child.ok()) child->WaitExit(std::chrono::seconds(30));
    return ReadFileOrEmpty(out);
  }

  void RemoveNamespaces() {
    // Deleting a namespace removes its veth end (and so the pair) and its iptables rules.
    Run({"ip", "netns", "del", kNsA});
    Run({"ip", "netns", "del", kNsB});
  }

  void StartDelayer(const std::string& delay_ms, const std::string& control) {
    log_ = dir_ + "/delayer.log";
    auto child = ChildProcess::Spawn({"ip", "netns", "exec", kNsA,
                                      ToolBinary("raftlab-delayer"), "--queue", kQueue,
                                      "--delay-ms", delay_ms, "--control", control},
                                     log_);
    ASSERT_TRUE(child.ok()) << child.status().ToString();
    delayer_ = std::move(*child);  // `ip netns exec` execs the delayer: same pid
    ASSERT_TRUE(PollUntil(std::chrono::seconds(5), [&] {
      return ReadFileOrEmpty(log_).find("bound") != std::string::npos ||
             delayer_.WaitExit(std::chrono::milliseconds(0));
    }));
    ASSERT_TRUE(delayer_.running()) << ReadFileOrEmpty(log_);
  }

  std::string dir_, log_;
  bool created_ = false;
  ChildProcess delayer_;
};

TEST_F(DelayerTest, HoldsPacketsForTheDelayAndFollowsTheControlFile) {
  // Warm up (ARP, first connection), then the baseline.
  ASSERT_GE(MedianEchoRttMs(17001, 3), 0);
  double before = MedianEchoRttMs(17002, 20);
  ASSERT_GE(before, 0) << "echo through the veth pair failed";

  ASSERT_EQ(Run({"ip", "netns", "exec", kNsA, "iptables", "-A", "OUTPUT", "-d", kAddrB,
                 "-j", "NFQUEUE", "--queue-num", kQueue, "--queue-bypass"}),
            0)
      << ReadFileOrEmpty(dir_ + "/cmd.log");
  // With --queue-bypass and nobody bound, traffic must still flow.
  double bypass = MedianEchoRttMs(17003, 5);
  ASSERT_GE(bypass, 0);
  EXPECT_LT(bypass - before, 10.0);

  std::string control = dir_ + "/delay_ms";
  StartDelayer("50", control);
  double during = MedianEchoRttMs(17004, 20);
  ASSERT_GE(during, 0) << ReadFileOrEmpty(log_);
  EXPECT_GE(during - before, 40.0) << "before " << before << " ms, during " << during;
  EXPECT_LE(during - before, 80.0) << "before " << before << " ms, during " << during;

  // Live change through the control file.
  std::ofstream(control, std::ios::trunc) << "100\n";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  double more = MedianEchoRttMs(17005, 10);
  ASSERT_GE(more, 0);
  EXPECT_GE(more - before, 90.0) << "with 100 ms: " << more;
  EXPECT_LE(more - before, 130.0) << "with 100 ms: " << more;

  int st = delayer_.Terminate(std::chrono::milliseconds(3000));
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 0);
  std::string log = ReadFileOrEmpty(log_);
  EXPECT_NE(log.find("raftlab-delayer: queue=7 packets="), std::string::npos) << log;
  EXPECT_NE(log.find(" overflow=0 "), std::string::npos) << log;

  // Unbound again: --queue-bypass lets traffic through undelayed.
  double after = MedianEchoRttMs(17006, 5);
  ASSERT_GE(after, 0);
  EXPECT_LT(after - before, 10.0);
  std::printf("echo RTT median: before %.2f ms, delay 50: %.2f ms, delay 100: %.2f ms, "
              "after %.2f ms\n%s", before, during, more, after, log.c_str());
}

TEST_F(DelayerTest, ReportsATakenQueue) {
  StartDelayer("10", dir_ + "/none");
  auto child = ChildProcess::Spawn({"ip", "netns", "exec", kNsA,
                                    ToolBinary("raftlab-delayer"), "--queue", kQueue,
                                    "--delay-ms", "10"},
                                   dir_ + "/second.log");
  ASSERT_TRUE(child.ok());
  int st = 0;
  ASSERT_TRUE(child->WaitExit(std::chrono::seconds(5), &st));
  EXPECT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 1) << ReadFileOrEmpty(dir_ + "/second.log");
}

}  // namespace
}  // namespace raftlab::chaos
