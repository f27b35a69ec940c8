#include "evidence/raft_status.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#ifndef RAFTLAB_TESTDATA
#error "RAFTLAB_TESTDATA must name evidence/testdata (recording.cmake sets it)"
#endif

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

// Captured from a member of a real 3-member lab (etcd 3.4.23, --metrics=extensive): the whole
// /debug/vars page, and an excerpt of /metrics (every family, histograms cut to 3 buckets).
std::string Testdata(const std::string& name) {
  Result<std::string> text = ReadFile(std::string(RAFTLAB_TESTDATA) + "/" + name);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? *text : "";
}

TEST(ParseDebugVars, RealPageAgreesWithParsingTheWholePage) {
  const std::string page = Testdata("etcd34_debug_vars.json");
  Result<RaftSample> s = ParseDebugVars(page);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // The dumb twin: parse everything, then pick raft.status.
  Result<Json> whole = ParseJson(page);
  ASSERT_TRUE(whole.ok());
  const Json& st = (*whole)["raft.status"];
  EXPECT_EQ(Json::parse(std::string(RaftStatusText(page))), st);
  EXPECT_EQ(s->id, strtoull(st["id"].get<std::string>().c_str(), nullptr, 16));
  EXPECT_EQ(s->term, st["term"].get<uint64_t>());
  EXPECT_EQ(s->commit, st["commit"].get<uint64_t>());
  EXPECT_EQ(s->applied, st["applied"].get<uint64_t>());
  EXPECT_EQ(s->lead, strtoull(st["lead"].get<std::string>().c_str(), nullptr, 16));
  EXPECT_EQ(s->state, st["raftState"].get<std::string>());
  EXPECT_TRUE(s->progress.empty());
}

TEST(RaftStatusText, IgnoresTheKeyInsideOtherValues) {
  // The name appears inside a string of cmdline (escaped) and as a nested key: neither is
  // the top-level object; a brace inside a string does not close it.
  const std::string page =
      R"({"cmdline":["etcd","--x="raft.status": {"term":9}"],"memstats":{"raft.status":{"term":7}},)"
      R"("raft.status": {"id":"a","term":3,"raftState":"Sta}te{Follower","progress":{"b":{"match":1}}}})";
  EXPECT_EQ(RaftStatusText(page), R"({"id":"a","term":3,"raftState":"Sta}te{Follower","progress":{"b":{"match":1}}})");
  Result<RaftSample> s = ParseDebugVars(page);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->term, 3u);
  EXPECT_EQ(s->progress.at(0xb).match, 1u);
}

TEST(RaftStatusText, CutOffPageHasNone) {
  const std::string page = Testdata("etcd34_debug_vars.json");
  const std::string cut = page.substr(0, page.size() - 20);   // inside raft.status
  EXPECT_TRUE(RaftStatusText(cut).empty());
  Result<RaftSample> s = ParseDebugVars(cut);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "/debug/vars has no raft.status");
  EXPECT_FALSE(ParseDebugVars(R"({"raft.status": {"term":}})").ok());
}

// The simple reading ParseMetrics replaced (getline, value after the last space): its twin on
// text without timestamps.
std::map<std::string, double> ParseMetricsTwin(const std::string& text, const std::vector<std::string>& wanted) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string::npos) continue;
    std::string name = line.substr(0, name_end);
    bool keep = false;
    for (const auto& w : wanted) keep = keep || w == name;
    if (keep) out[name] += strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
  }
  return out;
}

TEST(ParseMetrics, RealPageAgreesWithTheSimpleReading) {
  const std::string text = Testdata("etcd34_metrics_excerpt.txt");
  auto m = ParseMetrics(text, SampledMetricNames());
  EXPECT_EQ(m, ParseMetricsTwin(text, SampledMetricNames()));
  EXPECT_DOUBLE_EQ(m.at("etcd_server_has_leader"), 1);
  EXPECT_DOUBLE_EQ(m.at("etcd_network_peer_round_trip_time_seconds_count"), 4);   // 2 peers x 2
  EXPECT_EQ(m.count("etcd_network_snapshot_send_success"), 0u);   // never sent: no series yet
  // Every name the panels read from a sample's metrics is there, except the snapshot counters.
  EXPECT_EQ(m.size(), SampledMetricNames().size() - 2);
}

TEST(ParseMetrics, QuotedLabelsTimestampsAndSpecialValues) {
  const std::string text =
      "a{l=\"x y} z\",m=\"q\\\"}\"} 2 1700000000000\n"   // space and } inside quoted values; a timestamp
      "a{l=\"w\"} +Inf\r\n"
      "b NaN\n"
      "c -1.5e-3\n"
      "d{l=\"unterminated} 4\n"
      "e notanumber\n"
      "c 0.5";   // no final newline
  auto m = ParseMetrics(text, {"a", "b", "c", "d", "e"});
  EXPECT_TRUE(std::isinf(m.at("a")));
  EXPECT_TRUE(std::isnan(m.at("b")));
  EXPECT_DOUBLE_EQ(m.at("c"), -0.0015 + 0.5);
  EXPECT_EQ(m.count("d"), 0u);
  EXPECT_EQ(m.count("e"), 0u);
  auto only_a = ParseMetrics("a{l=\"x y} z\"} 2 1700000000000\n", {"a"});
  EXPECT_DOUBLE_EQ(only_a.at("a"), 2);
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
