// raftlab-probe: its pure core, and the real binary on the loopback of the test's own
// namespace (no lab, no privileges needed).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/clock.h"
#include "common/json_util.h"
#include "common/subprocess.h"
#include "tests/probe/probe_stats.h"

namespace raftlab::probe {
namespace {

std::string ProbePath() {
  const char* d = std::getenv("RAFTLAB_BUILD_DIR");
  return std::filesystem::absolute(std::string(d != nullptr ? d : "build") + "/tests/raftlab-probe").string();
}

TEST(ProbeStats, PercentilesAreNearestRank) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  EXPECT_EQ(Percentile(v, 0.5), 50);
  EXPECT_EQ(Percentile(v, 0.9), 90);
  EXPECT_EQ(Percentile(v, 0.99), 99);
  EXPECT_EQ(Percentile(v, 1.0), 100);
  EXPECT_EQ(Percentile(v, 0.0), 1);
  EXPECT_EQ(Percentile({}, 0.5), 0);
  EXPECT_EQ(Percentile({7}, 0.99), 7);
  RttSummary s = SummariseRtt({1, 2, 3, 10});
  EXPECT_EQ(s.n, 4u);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 10);
  EXPECT_DOUBLE_EQ(s.mean, 4);
  EXPECT_EQ(s.p50, 2);
}

TEST(ProbeStats, DatagramRoundTripsAndRejectsStrangers) {
  std::vector<unsigned char> buf(64);
  Encode({.seq = 123456, .sent_ns = 987654321012345}, &buf);
  Datagram d;
  ASSERT_TRUE(Decode(buf.data(), buf.size(), &d));
  EXPECT_EQ(d.seq, 123456u);
  EXPECT_EQ(d.sent_ns, 987654321012345);
  EXPECT_FALSE(Decode(buf.data(), 15, &d));
  buf[0] ^= 1;
  EXPECT_FALSE(Decode(buf.data(), buf.size(), &d));
}

TEST(Probe, BadArgumentsExitTwo) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {}, {"nonsense"}, {"udp"}, {"udp", "--to", "127.0.0.1"}, {"udp", "--to", "127.0.0.1:7000", "--count", "0"},
           {"udp", "--to", "127.0.0.1:7000", "--count", "1000000"}, {"serve"}, {"serve", "--port", "99999"},
           {"tcp", "--to", "1.2.3.4:5", "--timeout-ms", "abc"}, {"serve", "--port", "7000", "--bogus"}}) {
    args.insert(args.begin(), ProbePath());
    Result<RunResult> r = raftlab::Run(args);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->exit_code, 2) << JoinArgv(args);
    EXPECT_NE(r->err.find("usage"), std::string::npos) << r->err;
  }
}

// serve + udp --echo + tcp on 127.0.0.1: everything arrives, RTT is small, counts agree.
TEST(Probe, LoopbackEchoAndConnect) {
  const int port = 20000 + getpid() % 10000;
  const std::string out = "/tmp/raftlab-probe-test-" + std::to_string(getpid()) + ".out";
  Result<pid_t> server = Start({ProbePath(), "serve", "--port", std::to_string(port), "--duration-ms", "20000"},
                               {.stdout_path = out});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) {
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    ready = ss.str().find("\"ready\"") != std::string::npos;
    if (!ready) SleepMs(20);
  }
  ASSERT_TRUE(ready);
  const std::string to = "127.0.0.1:" + std::to_string(port);
  Result<RunResult> udp = raftlab::Run({ProbePath(), "udp", "--to", to, "--count", "50", "--interval-ms", "2", "--echo"});
  ASSERT_TRUE(udp.ok());
  ASSERT_EQ(udp->exit_code, 0) << udp->err;
  Result<Json> u = ParseJson(udp->out);
  ASSERT_TRUE(u.ok()) << udp->out;
  EXPECT_EQ((*u)["sent"], 50);
  EXPECT_EQ((*u)["replies"], 50);
  EXPECT_LT((*u)["rtt_ms"]["p50"].get<double>(), 50.0);
  Result<RunResult> tcp = raftlab::Run({ProbePath(), "tcp", "--to", to, "--timeout-ms", "1000"});
  ASSERT_TRUE(tcp.ok());
  Result<Json> t = ParseJson(tcp->out);
  ASSERT_TRUE(t.ok()) << tcp->out;
  EXPECT_TRUE((*t)["connected"].get<bool>()) << tcp->out;
  // A port nobody listens on: refused, quickly.
  Result<RunResult> refused = raftlab::Run({ProbePath(), "tcp", "--to", "127.0.0.1:1", "--timeout-ms", "1000"});
  Result<Json> rj = ParseJson(refused->out);
  ASSERT_TRUE(rj.ok());
  EXPECT_FALSE((*rj)["connected"].get<bool>());

  kill(*server, SIGTERM);
  int st = 0;
  waitpid(*server, &st, 0);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  std::ifstream in(out);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  std::filesystem::remove(out);
  Result<Json> done = ParseJson(last);
  ASSERT_TRUE(done.ok()) << last;
  EXPECT_EQ((*done)["event"], "done");
  EXPECT_EQ((*done)["received"], 50);
  EXPECT_EQ((*done)["by_source"]["127.0.0.1"], 50);
  EXPECT_GE((*done)["tcp_accepted"].get<int>(), 1);
}

}  // namespace
}  // namespace raftlab::probe
