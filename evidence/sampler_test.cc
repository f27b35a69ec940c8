#include "evidence/sampler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "common/json_util.h"
#include "common/http_test_server.h"

namespace raftlab::evidence {
namespace {

const char* kDebugVars =
    R"({"cmdline":["etcd"],"memstats":{"Alloc":1},)"
    R"("raft.status": {"id":"a1","term":2,"vote":"a1","commit":8,"lead":"a1","raftState":"StateLeader",)"
    R"("applied":8,"progress":{"a1":{"match":8,"next":9,"state":"StateReplicate"},)"
    R"("b2":{"match":7,"next":8,"state":"StateReplicate"}},"leadtransferee":"0"}})";

const char* kMetrics =
    "# TYPE etcd_server_has_leader gauge\n"
    "etcd_server_has_leader 1\n"
    "etcd_server_leader_changes_seen_total 3\n";

struct JournalFile {
  std::string path = std::filesystem::temp_directory_path() / ("sampler_test." + std::to_string(getpid()) + ".jsonl");
  ~JournalFile() { std::filesystem::remove(path); }
  std::vector<Json> Samples() const {
    std::vector<Json> out;
    Result<std::string> text = ReadFile(path);
    std::istringstream in(text.ok() ? *text : "");
    for (std::string line; std::getline(in, line);) {
      Result<Json> j = ParseJson(line);
      if (j.ok() && (*j)["kind"] == "sample") out.push_back(*j);
    }
    return out;
  }
};

TEST(MemberNames, ReadersKeepTheSnapshotTheyLoaded) {
  MemberNames names;
  EXPECT_TRUE(names.Current()->empty());
  names.Publish({{0xa1, "n1"}});
  std::shared_ptr<const MemberNames::Map> held = names.Current();
  names.Publish({{0xa1, "n1"}, {0xb2, "n2"}});
  EXPECT_EQ(held->size(), 1u);
  EXPECT_EQ(names.Current()->at(0xb2), "n2");
}

// A member whose /metrics takes 400 ms to answer: raft.status is still read every 50 ms (the
// old single-thread loop waited for the page, a 400+ ms hole every metrics round), and the
// metrics ride on the samples taken after each reading. The bound is loose (a busy machine
// may delay a thread), but a stalled status loop is far outside it.
TEST(Sampler, SlowMetricsPageDoesNotDelayRaftStatus) {
  httptest::ScriptedServer member(
      [](int, const std::string& request) {
        if (request.rfind("GET /metrics ", 0) == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(400));
          return httptest::Sized(kMetrics);
        }
        return httptest::Sized(kDebugVars);
      },
      0);
  ASSERT_NE(member.port(), 0);
  JournalFile file;
  Result<std::unique_ptr<Journal>> journal = Journal::Open(file.path);
  ASSERT_TRUE(journal.ok());
  MemberNames names;
  names.Publish({{0xa1, "n1"}, {0xb2, "n2"}});
  SamplerOptions options;
  options.interval_ms = 50;
  options.metrics_interval_ms = 500;
  options.timeout_ms = 1000;
  {
    Sampler sampler(journal->get(), nullptr, options, &names);
    sampler.AddMember("n1", "127.0.0.1", member.port());
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    std::optional<RaftSample> latest = sampler.Latest("n1");
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(latest->commit, 8u);
    EXPECT_EQ(latest->progress.at(0xb2).match, 7u);
  }
  std::vector<Json> samples = file.Samples();
  ASSERT_GE(samples.size(), 20u);
  int64_t largest_gap_ns = 0;
  int with_metrics = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i]["ok"], true);
    if (i > 0) largest_gap_ns = std::max(largest_gap_ns, samples[i]["mono_ns"].get<int64_t>() - samples[i - 1]["mono_ns"].get<int64_t>());
    if (samples[i].contains("metrics")) {
      ++with_metrics;
      EXPECT_EQ(samples[i]["metrics"]["has_leader"], 1);
      EXPECT_EQ(samples[i]["metrics"]["leader_changes_seen_total"], 3);
    }
  }
  EXPECT_LT(largest_gap_ns, 250'000'000) << "raft.status waited for /metrics";
  EXPECT_GE(with_metrics, 2);
  EXPECT_LE(with_metrics, 5);   // at most one per 400+ ms page, never on every sample
  EXPECT_EQ(member.accepted(), 2);   // one kept-alive connection per page kind
}

TEST(Sampler, DownMemberIsJournaledAsFailedPolls) {
  int port = 0;
  {
    httptest::ScriptedServer gone([](int, const std::string&) { return std::string(); }, 0);
    port = gone.port();
  }
  JournalFile file;
  Result<std::unique_ptr<Journal>> journal = Journal::Open(file.path);
  ASSERT_TRUE(journal.ok());
  {
    Sampler sampler(journal->get(), nullptr, SamplerOptions{}, nullptr);
    sampler.AddMember("n3", "127.0.0.1", port);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(sampler.Latest("n3").has_value());
    sampler.RemoveMember("n3");
  }
  std::vector<Json> samples = file.Samples();
  ASSERT_FALSE(samples.empty());
  for (const Json& s : samples) {
    EXPECT_EQ(s["member"], "n3");
    EXPECT_EQ(s["ok"], false);
    EXPECT_TRUE(s.contains("error"));
    EXPECT_FALSE(s.contains("term"));
  }
}

}  // namespace
}  // namespace raftlab::evidence
