#include "evidence/raft_status.h"

#include <gtest/gtest.h>

namespace raftlab::evidence {
namespace {

TEST(ParseDebugVars, LeaderWithProgress) {
  const std::string body = R"({"cmdline":["etcd"],"raft.status":{"id":"f23a2876337ec1a0","term":2,
    "vote":"f23a2876337ec1a0","commit":8,"lead":"f23a2876337ec1a0","raftState":"StateLeader","applied":8,
    "progress":{"56727d3668c06609":{"match":8,"next":9,"state":"StateReplicate"},
                "f23a2876337ec1a0":{"match":8,"next":9,"state":"StateReplicate"}},"leadtransferee":"0"}})";
  Result<RaftSample> s = ParseDebugVars(body);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->id, 0xf23a2876337ec1a0ULL);
  EXPECT_EQ(s->term, 2u);
  EXPECT_EQ(s->commit, 8u);
  EXPECT_EQ(s->lead, s->id);
  EXPECT_EQ(s->state, "StateLeader");
  ASSERT_EQ(s->progress.size(), 2u);
  EXPECT_EQ(s->progress.at(0x56727d3668c06609ULL).next, 9u);
  EXPECT_EQ(RoleFromState(s->state), "leader");
}

TEST(ParseDebugVars, FollowerWithoutLeader) {
  Result<RaftSample> s = ParseDebugVars(R"({"raft.status":{"id":"a","term":5,"vote":"0","commit":3,
    "lead":"0","raftState":"StatePreCandidate","applied":3,"progress":{}}})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->lead, 0u);
  EXPECT_TRUE(s->progress.empty());
  EXPECT_EQ(RoleFromState(s->state), "precandidate");
}

TEST(ParseDebugVars, RejectsOtherDocuments) {
  EXPECT_FALSE(ParseDebugVars("not json").ok());
  EXPECT_FALSE(ParseDebugVars(R"({"memstats":{}})").ok());
}

TEST(ParseMetrics, SumsLabelledSeriesAndSkipsComments) {
  const std::string text =
      "# HELP etcd_server_has_leader Whether or not a leader exists.\n"
      "# TYPE etcd_server_has_leader gauge\n"
      "etcd_server_has_leader 1\n"
      "etcd_network_peer_round_trip_time_seconds_sum{To=\"a\"} 0.25\n"
      "etcd_network_peer_round_trip_time_seconds_sum{To=\"b\"} 0.5\n"
      "etcd_server_has_leader_other 7\n";
  auto m = ParseMetrics(text, {"etcd_server_has_leader", "etcd_network_peer_round_trip_time_seconds_sum"});
  EXPECT_DOUBLE_EQ(m.at("etcd_server_has_leader"), 1);
  EXPECT_DOUBLE_EQ(m.at("etcd_network_peer_round_trip_time_seconds_sum"), 0.75);
  EXPECT_EQ(m.size(), 2u);
}

TEST(SampleToJson, UsesShortMetricNamesAndHexIds) {
  RaftSample s;
  s.member = "n1";
  s.id = 0xabc;
  s.lead = 0;
  Json j = SampleToJson(s, {{"etcd_server_has_leader", 0}});
  EXPECT_EQ(j["id"], "abc");
  EXPECT_EQ(j["lead"], "0");
  EXPECT_EQ(j["metrics"]["has_leader"], 0);
}

}  // namespace
}  // namespace raftlab::evidence
