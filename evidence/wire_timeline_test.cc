// The timeline view of messages: exact lines for hand-built messages of each kind, the filters
// and their bad input, the time base, and the lines of a real capture (shared/testdata/wire:
// skipped when absent, failed under CI=true, common/test_guard.h).
#include "evidence/wire_timeline.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/test_guard.h"
#include "evidence/wire_decoder.h"

namespace raftlab::evidence {
namespace {

constexpr int64_t kZero = 1'700'000'000'000'000'000;   // a wall-clock instant
constexpr int64_t kMs = 1'000'000;

WireMessage Msg(const std::string& type, const std::string& from, const std::string& to, int64_t at_ms) {
  WireMessage m;
  m.type = type;
  m.from = from;
  m.to = to;
  m.from_id = from == "n1" ? 0x11 : from == "n2" ? 0x22 : 0x33;
  m.to_id = to == "n1" ? 0x11 : to == "n2" ? 0x22 : 0x33;
  m.time_ns = kZero + at_ms * kMs;
  m.delivered = true;
  m.delivered_ns = m.time_ns + kMs;
  return m;
}

LogEntry Entry(uint64_t index, uint64_t term) {
  LogEntry e;
  e.index = index;
  e.term = term;
  return e;
}

TEST(WireTimelineLine, MsgAppAsTheIssueWritesIt) {
  WireMessage m = Msg("MsgApp", "n1", "n2", 12345);
  m.term = 3, m.index = 10, m.log_term = 2, m.commit = 10;
  m.entries = {Entry(11, 3), Entry(12, 3)};
  EXPECT_EQ(WireTimelineLine(m, kZero, {}), "12.345s n1 -> n2 MsgApp term 3 index 10 logterm 2 entries [11..12] commit 10");
  m.entries = {Entry(11, 3)};
  EXPECT_EQ(WireTimelineLine(m, kZero, {}), "12.345s n1 -> n2 MsgApp term 3 index 10 logterm 2 entries [11] commit 10");
  m.entries.clear();
  m.delivered = false;
  EXPECT_EQ(WireTimelineLine(m, kZero, {}), "12.345s n1 -> n2 MsgApp term 3 index 10 logterm 2 entries [] commit 10 DROPPED");
}

TEST(WireTimelineLine, RejectVotesSnapshotAndHeartbeats) {
  WireMessage r = Msg("MsgAppResp", "n2", "n1", 12346);
  r.term = 3, r.index = 10, r.reject = true, r.reject_hint = 7;
  EXPECT_EQ(WireTimelineLine(r, kZero, {}), "12.346s n2 -> n1 MsgAppResp term 3 index 10 reject hint 7");

  WireMessage v = Msg("MsgPreVote", "n3", "n1", 2000);
  v.term = 5, v.index = 20, v.log_term = 4;
  EXPECT_EQ(WireTimelineLine(v, kZero, {}), "2.000s n3 -> n1 MsgPreVote term 5 index 20 logterm 4");
  WireMessage vr = Msg("MsgPreVoteResp", "n1", "n3", 2001);
  vr.term = 4, vr.reject = true;
  EXPECT_EQ(WireTimelineLine(vr, kZero, {}), "2.001s n1 -> n3 MsgPreVoteResp term 4 rejected");
  vr.type = "MsgVoteResp", vr.reject = false, vr.term = 5;
  EXPECT_EQ(WireTimelineLine(vr, kZero, {}), "2.001s n1 -> n3 MsgVoteResp term 5 granted");

  WireMessage s = Msg("MsgSnap", "n1", "n2", 40120);
  s.term = 8;
  s.snapshot = WireSnapshot{};
  s.snapshot->index = 5414, s.snapshot->term = 8, s.snapshot->voters = {0x11, 0x22, 0x33};
  std::vector<WireMessage> all = {s, Msg("MsgHeartbeat", "n1", "n3", 0)};
  EXPECT_EQ(WireTimelineLine(s, kZero, WireMemberNames(all)),
            "40.120s n1 -> n2 MsgSnap term 8 snap index 5414 term 8 voters n1,n2,n3");
  s.snapshot->voters.push_back(0xabc);   // an id no message names stays hex
  EXPECT_EQ(WireTimelineLine(s, kZero, WireMemberNames(all)),
            "40.120s n1 -> n2 MsgSnap term 8 snap index 5414 term 8 voters n1,n2,n3,abc");

  WireMessage p = Msg("MsgProp", "n2", "n1", 10);
  p.entries = {Entry(0, 0)};
  EXPECT_EQ(WireTimelineLine(p, kZero, {}), "0.010s n2 -> n1 MsgProp 1 entry");

  WireMessage h = Msg("MsgHeartbeat", "n1", "n3", -250);
  h.term = 3, h.commit = 12;
  EXPECT_EQ(WireTimelineLine(h, kZero, {}), "-0.250s n1 -> n3 MsgHeartbeat term 3 commit 12");
}

TEST(WireFilter, WindowTypesAndMembers) {
  std::vector<WireMessage> ms = {Msg("MsgHeartbeat", "n1", "n2", 1000), Msg("MsgVote", "n2", "n3", 2000),
                                 Msg("MsgAppResp", "n3", "n1", 3000), Msg("MsgSnap", "n1", "n3", 4000)};
  WireFilter f;
  ASSERT_TRUE(ParseWireTypes("vote,app", &f).ok());
  EXPECT_EQ(FilterWireMessages(ms, f, kZero).size(), 2u);
  f.from_ns = 2500 * kMs;
  ASSERT_EQ(FilterWireMessages(ms, f, kZero).size(), 1u);
  EXPECT_EQ(FilterWireMessages(ms, f, kZero)[0].type, "MsgAppResp");

  WireFilter g;
  ASSERT_TRUE(ParseWireMembers("n2", &g).ok());
  EXPECT_EQ(FilterWireMessages(ms, g, kZero).size(), 2u);   // from or to n2
  ASSERT_TRUE(ParseWireTypes("MsgSnap", &g).ok());
  EXPECT_TRUE(FilterWireMessages(ms, g, kZero).empty());
  g.members.clear();
  EXPECT_EQ(FilterWireMessages(ms, g, kZero).size(), 1u);
  g.to_ns = 3 * 1000 * kMs;
  EXPECT_TRUE(FilterWireMessages(ms, g, kZero).empty());    // MsgSnap at 4 s is after --to
}

TEST(WireFilter, BadInputNamesTheProblem) {
  WireFilter f;
  Status s = ParseWireTypes("vote,votes", &f);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown message type 'votes'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("prevote"), std::string::npos) << s.message();
  WireFilter empty;
  EXPECT_FALSE(ParseWireTypes(",", &empty).ok());
  f.from_ns = 14 * 1000 * kMs;
  f.to_ns = 12300 * kMs;
  s = CheckWireWindow(f);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "--from 14.000s is after --to 12.300s");
  EXPECT_FALSE(ParseTimelineTimeNs("soon").ok());
  EXPECT_FALSE(ParseTimelineTimeNs("3h").ok());
  EXPECT_EQ(*ParseTimelineTimeNs("12.345s"), 12345 * kMs);
  EXPECT_EQ(*ParseTimelineTimeNs("12.3"), 12300 * kMs);
  EXPECT_EQ(*ParseTimelineTimeNs("800ms"), 800 * kMs);
}

TEST(WireTimeBase, RunStartFromTheJournalElseTheFirstPacket) {
  EXPECT_EQ(*ParseWallIsoNs("1970-01-01T00:00:01.250Z"), 1250 * kMs);
  EXPECT_FALSE(ParseWallIsoNs("1970-01-01 00:00:01").has_value());
  std::vector<Json> events = {
      Json::parse(R"({"kind":"note","mono_ns":900,"wall":"2026-12-02T00:54:07.100Z"})"),
      Json::parse(R"({"kind":"session","event":"start","mono_ns":1000000000,"wall":"2026-12-02T00:54:07.208Z"})")};
  std::optional<int64_t> start = RunStartWallNs(events);
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(*start, *ParseWallIsoNs("2026-12-02T00:54:07.208Z"));

  std::vector<WireMessage> ms = {Msg("MsgHeartbeat", "n1", "n2", 0)};
  ms[0].time_ns = *start + 3 * 1000 * kMs;
  WireTimeBase b = ChooseWireTimeBase(start, ms);
  EXPECT_EQ(b.zero_ns, *start);
  EXPECT_NE(b.describe.find("run's start"), std::string::npos);
  b = ChooseWireTimeBase(*start - 2 * 3600 * 1000 * kMs, ms);   // a journal from another day
  EXPECT_EQ(b.zero_ns, ms[0].time_ns);
  b = ChooseWireTimeBase(std::nullopt, ms);
  EXPECT_EQ(b.zero_ns, ms[0].time_ns);
  EXPECT_NE(b.describe.find("first packet"), std::string::npos);
}

TEST(WireTimelineJson, TheFileLinePlusSeconds) {
  WireMessage m = Msg("MsgHeartbeat", "n1", "n2", 1500);
  Json j = Json::parse(WireTimelineJson(m, kZero));
  EXPECT_DOUBLE_EQ(j["t"].get<double>(), 1.5);
  EXPECT_EQ(j["type"], "MsgHeartbeat");
  EXPECT_EQ(j["from"], "n1");
}

// A real capture: every line names its members and type, the votes of the two elections are
// there, and the heartbeats the isolated leader sent that nobody acknowledged say DROPPED.
TEST(WireTimelineRealCapture, ElectionUnderPartition) {
  std::string missing;
  std::string dir = testguard::SharedTestdataDir("wire", "RAFTLAB_WIRE_TESTDATA", &missing);
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing);
  Result<WireCapture> c = DecodeWireFile((std::filesystem::path(dir) / "election-partition.pcap").string(),
                                         {{"127.99.0.11", "n1"}, {"127.99.0.12", "n2"}, {"127.99.0.13", "n3"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  WireTimeBase base = ChooseWireTimeBase(std::nullopt, c->messages);
  auto names = WireMemberNames(c->messages);
  int votes = 0, dropped = 0;
  for (const WireMessage& m : c->messages) {
    std::string line = WireTimelineLine(m, base.zero_ns, names);
    EXPECT_NE(line.find(" " + m.from + " -> " + m.to + " " + m.type), std::string::npos) << line;
    votes += m.type == "MsgVote";
    dropped += line.find(" DROPPED") != std::string::npos;
  }
  EXPECT_EQ(votes, 7);     // the README's MsgVote count
  EXPECT_EQ(dropped, 6);   // UNACKED message-stream MsgHeartbeat 6
  WireFilter votes_only;
  ASSERT_TRUE(ParseWireTypes("vote", &votes_only).ok());
  for (const WireMessage& m : FilterWireMessages(c->messages, votes_only, base.zero_ns))
    std::cout << WireTimelineLine(m, base.zero_ns, names) << "\n";
}

}  // namespace
}  // namespace raftlab::evidence
