#include "evidence/run_loader.h"

#include <gtest/gtest.h>

#include "evidence/check_test_util.h"
#include "evidence/journal_test_util.h"
#include "evidence/snap_json.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

constexpr char kJournal[] = R"({"mono_ns":1000000000,"wall":"2024-06-11T10:00:00.000Z","kind":"session","event":"start","seed":7}
{"mono_ns":1000000000,"kind":"membership","voters":["n1","n2","n3"],"learners":[],"ids":{"n1":"1a","n2":"2b","n3":"f23a2876337ec1a0"}}
{"mono_ns":1010000000,"kind":"sample","member":"n1","ok":true,"id":"1a","term":2,"vote":"1a","commit":4,"applied":4,"lead":"1a","state":"StateLeader","progress":{"1a":{"match":4,"next":5,"state":"StateReplicate"},"f23a2876337ec1a0":{"match":3,"next":4,"state":"StateProbe"}},"metrics":{"has_leader":1}}
{"mono_ns":1020000000,"kind":"sample","member":"n2","ok":false,"error":"connection refused"}

{"mono_ns":1030000000,"kind":"sample","member":"n3","ok":true,"id":"f23a2876337ec1a0","term":2,"vote":"0","commit":3,"applied":3,"lead":"1a","state":"StateFollower","progress":{}}
{"mono_ns":1040000000,"kind":"op","op_id":1,"client":0,"phase":"invoke","f":"put","key":"a","value":"1","via":"n1","serializable":false}
{"mono_ns":1041000000,"kind":"op","op_id":2,"client":1,"phase":"invoke","f":"get","key":"a","via":"n3","serializable":true}
{"mono_ns":1042000000,"kind":"op","op_id":3,"client":2,"phase":"invoke","f":"put","key":"b","value":"2","via":"n2"}
{"mono_ns":1050000000,"kind":"op","op_id":1,"phase":"ok","revision":2}
{"mono_ns":1051000000,"kind":"op","op_id":2,"phase":"ok","value":"1","found":true,"revision":2}
{"mono_ns":1060000000,"kind":"op","op_id":3,"phase":"info","error":"context deadline exceeded"}
{"mono_ns":1070000000,"kind":"fault","phase":"start","id":"f1","fault":"partition","targets":["n2"]}
{"mono_ns":1080000000,"kind":"hashkv","member":"n1","revision":2,"hash":4294967295,"compact_revision":0}
{"mono_ns":1090000000,"kind":"member","member":"n4","event":"started","pid":123,"id":"4d"}
)";

TEST(ParseHexId, EtcdIds) {
  EXPECT_EQ(*ParseHexId("0"), 0u);
  EXPECT_EQ(*ParseHexId("f23a2876337ec1a0"), 0xf23a2876337ec1a0ull);
  EXPECT_FALSE(ParseHexId("").ok());
  EXPECT_FALSE(ParseHexId("xyz").ok());
  EXPECT_FALSE(ParseHexId("1f23a2876337ec1a0").ok());   // 17 digits
}

TEST(RunFromJournal, ReadsEveryKindItNeeds) {
  Result<evidence::Run> r = RunFromJournal(kJournal);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const evidence::Run& run = *r;
  ASSERT_EQ(run.samples.size(), 2u);   // the ok:false sample is skipped
  const RaftSample& s = run.samples[0];
  EXPECT_EQ(s.mono_ns, 1010000000);
  EXPECT_EQ(s.member, "n1");
  EXPECT_EQ(s.id, 0x1au);
  EXPECT_EQ(s.term, 2u);
  EXPECT_EQ(s.vote, 0x1au);
  EXPECT_EQ(s.commit, 4u);
  EXPECT_EQ(s.lead, 0x1au);
  EXPECT_EQ(s.state, "StateLeader");
  ASSERT_EQ(s.progress.size(), 2u);
  EXPECT_EQ(s.progress.at(0xf23a2876337ec1a0ull).match, 3u);
  EXPECT_EQ(s.progress.at(0xf23a2876337ec1a0ull).next, 4u);
  EXPECT_EQ(s.progress.at(0xf23a2876337ec1a0ull).state, "StateProbe");
  EXPECT_EQ(run.samples[1].vote, 0u);

  ASSERT_EQ(run.ops.size(), 3u);
  EXPECT_EQ(run.ops[0].op_id, 1);
  EXPECT_EQ(run.ops[0].outcome, OpOutcome::kOk);
  EXPECT_EQ(run.ops[0].value, "1");
  EXPECT_EQ(run.ops[0].revision, 2);
  EXPECT_EQ(run.ops[0].invoke_ns, 1040000000);
  EXPECT_EQ(run.ops[0].complete_ns, 1050000000);
  EXPECT_EQ(run.ops[1].f, "get");
  EXPECT_TRUE(run.ops[1].found);
  EXPECT_TRUE(run.ops[1].serializable);
  EXPECT_EQ(run.ops[1].value, "1");
  EXPECT_EQ(run.ops[1].client, 1);
  EXPECT_EQ(run.ops[2].outcome, OpOutcome::kUnknown);
  EXPECT_EQ(run.ops[2].error, "context deadline exceeded");
  EXPECT_EQ(run.ops[2].via, "n2");

  ASSERT_EQ(run.hashkvs.size(), 1u);
  EXPECT_EQ(run.hashkvs[0].hash, 4294967295u);
  EXPECT_EQ(run.hashkvs[0].revision, 2);
  ASSERT_EQ(run.memberships.size(), 1u);
  EXPECT_EQ(run.memberships[0].voters, (std::vector<std::string>{"n1", "n2", "n3"}));

  EXPECT_EQ(run.member_names.at(0x1a), "n1");
  EXPECT_EQ(run.member_names.at(0x2b), "n2");
  EXPECT_EQ(run.member_names.at(0xf23a2876337ec1a0ull), "n3");
  EXPECT_EQ(run.member_names.at(0x4d), "n4");
}

TEST(RunFromJournal, PendingOpsStayPending) {
  Result<evidence::Run> r = RunFromJournal(
      R"({"mono_ns":5,"kind":"op","op_id":9,"phase":"invoke","f":"put","key":"k","value":"v"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->ops.size(), 1u);
  EXPECT_EQ(r->ops[0].outcome, OpOutcome::kPending);
  EXPECT_EQ(r->ops[0].complete_ns, 0);
}

TEST(RunFromJournal, BadLinesNameTheLine) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"{\"mono_ns\":1,\"kind\":\"note\"}\n{not json\n", "line 2: not JSON"},
      {"\n\n[1,2]\n", "line 3: not a JSON object"},
      {"{\"kind\":\"note\"}\n", "line 1: no \"mono_ns\""},
      {"{\"mono_ns\":1}\n", "line 1: no \"kind\""},
      {"{\"mono_ns\":1,\"kind\":\"sample\",\"ok\":true,\"member\":\"n1\",\"id\":\"zz\"}\n",
       "line 1: field \"id\": bad hex id \"zz\""},
      {"{\"mono_ns\":1,\"kind\":\"sample\",\"ok\":true,\"member\":\"n1\",\"term\":\"two\"}\n",
       "line 1: field \"term\" is not a number: two"},
      {"{\"mono_ns\":1,\"kind\":\"op\",\"op_id\":7,\"phase\":\"ok\"}\n",
       "line 1: op 7 completes with no invoke before it"},
      {"{\"mono_ns\":1,\"kind\":\"op\",\"op_id\":7,\"phase\":\"invoke\",\"f\":\"put\"}\n"
       "{\"mono_ns\":2,\"kind\":\"op\",\"op_id\":7,\"phase\":\"ok\"}\n"
       "{\"mono_ns\":3,\"kind\":\"op\",\"op_id\":7,\"phase\":\"fail\"}\n",
       "line 3: op 7 completes twice"},
      {"{\"mono_ns\":1,\"kind\":\"op\",\"op_id\":7,\"phase\":\"done\"}\n",
       "line 1: op phase \"done\""},
      {"{\"mono_ns\":1,\"kind\":\"membership\",\"voters\":\"n1\"}\n",
       "line 1: field \"voters\" is not a list"},
  };
  for (const Case& c : cases) {
    Result<evidence::Run> r = RunFromJournal(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << c.text;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << r.status().message() << "\nwanted: " << c.message;
  }
}

TEST(LoadRun, LoadsJournalAndDecodedLogs) {
  TempDir dir;
  evidence::Run original = GoodRun();
  WriteRunDir(dir, original);
  dir.Write("logs/README.txt", "not a log");
  Result<evidence::Run> r = LoadRun(dir.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->dir, dir.path());
  EXPECT_EQ(r->samples.size(), original.samples.size());
  EXPECT_EQ(r->ops.size(), original.ops.size());
  EXPECT_EQ(r->hashkvs.size(), original.hashkvs.size());
  EXPECT_EQ(r->memberships.size(), original.memberships.size());
  EXPECT_EQ(r->member_names, original.member_names);
  ASSERT_EQ(r->logs.size(), 3u);
  for (const auto& [member, log] : original.logs) {
    ASSERT_TRUE(r->logs.count(member)) << member;
    EXPECT_EQ(r->logs.at(member).entries, log.entries) << member;
    EXPECT_EQ(r->logs.at(member).hard_states, log.hard_states) << member;
  }
  for (size_t i = 0; i < original.samples.size(); ++i) {
    EXPECT_EQ(r->samples[i].progress.size(), original.samples[i].progress.size());
    EXPECT_EQ(r->samples[i].lead, original.samples[i].lead);
    EXPECT_EQ(r->samples[i].commit, original.samples[i].commit);
  }
}

TEST(LoadRun, LoadsSnapFilesBesideTheLogs) {
  TempDir dir;
  WriteRunDir(dir, GoodRun());
  SnapFile f;
  f.name = "0000000000000002-0000000000000004.snap";
  f.index = 4;
  f.term = 2;
  f.voters = {kN1, kN2, kN3};
  f.crc_ok = true;
  dir.Write("logs/n2.snap.jsonl", SnapFilesToJsonl({f}));
  dir.Write("logs/n3.snap.jsonl", "");   // captured, no .snap file
  Result<evidence::Run> r = LoadRun(dir.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->logs.size(), 3u);   // n2.snap.jsonl is not a log
  ASSERT_EQ(r->snaps.size(), 2u);
  EXPECT_EQ(r->snaps.at("n2"), std::vector<SnapFile>{f});
  EXPECT_TRUE(r->snaps.at("n3").empty());
  EXPECT_FALSE(r->snaps.count("n1"));

  dir.Write("logs/n1.snap.jsonl", "{\"record\":\"snap\"}\n");
  r = LoadRun(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("n1.snap.jsonl: line 1"), std::string::npos)
      << r.status().message();
}

TEST(LoadRun, MissingJournalIsNotFound) {
  TempDir dir;
  Result<evidence::Run> r = LoadRun(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_FALSE(LoadRun(dir.path() + "/nope").ok());
}

TEST(LoadRun, BadJournalNamesFileAndLine) {
  TempDir dir;
  dir.Write("journal.jsonl", "{\"mono_ns\":1,\"kind\":\"note\",\"text\":\"hi\"}\n{oops\n");
  Result<evidence::Run> r = LoadRun(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("journal.jsonl line 2: not JSON"), std::string::npos)
      << r.status().message();
}

TEST(LoadRun, BadLogNamesTheFile) {
  TempDir dir;
  dir.Write("journal.jsonl", "");
  dir.Write("logs/n2.wal.jsonl", "{\"record\":\"entry\",\"index\":\"x\"}\n");
  Result<evidence::Run> r = LoadRun(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("n2.wal.jsonl"), std::string::npos) << r.status().message();
}

TEST(LoadRun, GapInALogIsCorruption) {
  TempDir dir;
  dir.Write("journal.jsonl", "");
  dir.Write("logs/n1.wal.jsonl", RaftLogToJsonl(Log({Entry(1, 2), Entry(3, 2)}, {})));
  Result<evidence::Run> r = LoadRun(dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption);
  EXPECT_NE(r.status().message().find("index 1 is followed by 3"), std::string::npos)
      << r.status().message();
}

// The run's start is the session start, not the first sample: the verdicts' t= count from it.
TEST(RunFromJournal, StartIsTheSessionStartAndTimeOriginUsesIt) {
  Result<evidence::Run> r = RunFromJournal(kJournal);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->start_ns, 1000000000);
  EXPECT_EQ(checkutil::TimeOrigin(*r), 1000000000);
  EXPECT_EQ(checkutil::RelSeconds(checkutil::TimeOrigin(*r), r->samples[0].mono_ns), "0.010s");
}

TEST(RunFromJournal, WithoutASessionStartTheEarliestLineStarts) {
  Result<evidence::Run> r = RunFromJournal(
      "{\"mono_ns\":3000,\"kind\":\"membership\",\"voters\":[\"n1\"]}\n"
      "{\"mono_ns\":2000,\"kind\":\"note\",\"text\":\"x\"}\n"
      "{\"mono_ns\":5000,\"kind\":\"sample\",\"member\":\"n1\",\"ok\":true}\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->start_ns, 2000);
  EXPECT_EQ(checkutil::TimeOrigin(*r), 2000);
  EXPECT_EQ(RunFromJournal("")->start_ns, 0);
}

// A Run built in code has no journal start: TimeOrigin keeps its first-sample fallback.
TEST(TimeOrigin, RunBuiltInCodeFallsBackToTheFirstSample) {
  evidence::Run run;
  RaftSample s;
  s.mono_ns = 700;
  run.samples.push_back(s);
  EXPECT_EQ(checkutil::TimeOrigin(run), 700);
  run.start_ns = 100;
  EXPECT_EQ(checkutil::TimeOrigin(run), 100);
}

}  // namespace
}  // namespace raftlab::evidence
