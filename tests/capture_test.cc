// up --capture on a real lab: raftlab-capture runs on the bridge from before the members start,
// down stops it and leaves in the run folder a pcap that decodes, capture.json with the
// kernel's drop counters (0 here) and messages.jsonl with the messages of the puts, the
// isolation's elections and the heal, each with its delivered flag; nothing keeps running.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "common/clock.h"
#include "evidence/wire_decoder.h"
#include "tests/lab_harness.h"

namespace raftlab::testing {
namespace {

bool CaptureRunning(const std::string& state_dir) {
  Result<RunResult> r = Run({"pgrep", "-a", "raftlab-capture"});
  return r.ok() && r->out.find(state_dir) != std::string::npos;
}

TEST(Capture, UpCaptureKeepsADecodablePcapAndMessagesWithDeliveredFlags) {
  RAFTLAB_REQUIRE_LAB();
  LabHarness lab;
  const std::string run_dir = lab.work_dir() + "/run";
  CliRun up = lab.Cli({"up", "--members", "3", "--capture", "--journal", run_dir + "/journal.jsonl"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_NE((up.out + up.err).find("capturing the peer traffic on rl-br0"), std::string::npos) << up.out << up.err;
  EXPECT_TRUE(CaptureRunning(lab.state_dir())) << "no raftlab-capture naming the state dir";
  for (int i = 0; i < 5; ++i) ASSERT_EQ(lab.Cli({"put", "k" + std::to_string(i), "v"}).exit_code, 0);
  CliRun cut = lab.Cli({"partition", "--isolate", "leader", "--json"});
  ASSERT_EQ(cut.exit_code, 0) << cut.err;
  SleepMs(3000);   // the isolated side's elections, MsgApps into the cut
  ASSERT_EQ(lab.Cli({"heal"}).exit_code, 0);
  SleepMs(2000);
  CliRun down = lab.Cli({"down"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_NE(down.out.find("stopped raftlab-capture (exited 0"), std::string::npos) << down.out;
  EXPECT_FALSE(CaptureRunning(lab.state_dir())) << "raftlab-capture left running";

  // The pcap decodes on its own, by the standard reader.
  Result<evidence::WireCapture> decoded = evidence::DecodeWireFile(run_dir + "/wire.pcap", {});
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_GT(decoded->messages.size(), 20u);

  Result<std::string> stats_text = ReadFile(run_dir + "/capture.json");
  ASSERT_TRUE(stats_text.ok()) << stats_text.status().ToString();
  Json stats = Json::parse(*stats_text);
  EXPECT_EQ(stats["running"], false);
  EXPECT_EQ(stats["ps_drop"], 0) << "kernel drops: " << stats.dump();
  EXPECT_EQ(stats["ps_ifdrop"], 0);
  EXPECT_EQ(stats["truncated_at_bound"], false);
  EXPECT_GT(stats["packets_captured"].get<int64_t>(), 0);
  EXPECT_FALSE(stats.contains("decode_error")) << stats.dump();

  // messages.jsonl: the member names from the lab's addresses, the types the run must show.
  std::ifstream in(run_dir + "/messages.jsonl");
  std::set<std::string> types, names;
  int delivered = 0, dropped = 0;
  for (std::string line; std::getline(in, line);) {
    Json m = Json::parse(line);
    types.insert(m["type"].get<std::string>());
    names.insert(m["from"].get<std::string>());
    ASSERT_TRUE(m.contains("delivered")) << line;
    (m["delivered"].get<bool>() ? delivered : dropped)++;
  }
  for (const char* t : {"MsgApp", "MsgHeartbeat", "MsgVote"}) EXPECT_TRUE(types.count(t)) << t << " missing";
  EXPECT_EQ(names, (std::set<std::string>{"n1", "n2", "n3"}));
  EXPECT_GT(delivered, 0);
  // No EXPECT on `dropped`: an isolation drops in the member's own namespace, before the
  // bridge, so the capture on rl-br0 never sees those bytes (seen here: 0 undelivered).
  (void)dropped;
  EXPECT_EQ(stats["messages"]["MsgApp"].get<int64_t>() > 0, true) << stats.dump();

  // The journal has the capture's start and stop, the stop with the drop counter.
  bool started = false, stopped = false;
  for (const Json& e : ReadJournal(run_dir + "/journal.jsonl")) {
    if (e.value("kind", "") != "capture") continue;
    if (e.value("event", "") == "start") started = true;
    if (e.value("event", "") == "stop") {
      stopped = true;
      EXPECT_EQ(e["ps_drop"], 0);
    }
  }
  EXPECT_TRUE(started);
  EXPECT_TRUE(stopped);
}

}  // namespace
}  // namespace raftlab::testing
