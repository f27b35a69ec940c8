#include "evidence/check_run_cli.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "evidence/check_test_util.h"
#include "evidence/journal_test_util.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

struct Outcome {
  int code;
  std::string out, err;
};

Outcome Check(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = RunCheckRun(args, out, err);
  return {code, out.str(), err.str()};
}

nlohmann::json ReadVerdicts(const TempDir& dir) {
  std::ifstream in(dir.path() + "/verdicts.json");
  return nlohmann::json::parse(in);
}

TEST(CheckRunCli, HealthyRunPassesAndWritesVerdicts) {
  TempDir dir;
  WriteRunDir(dir, GoodRun());
  Outcome o = Check({dir.path()});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("  PASS    election_safety"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("        term 2: leader n1"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("required (every checker the run exercised): election_safety,"), std::string::npos)
      << o.out;
  nlohmann::json doc = ReadVerdicts(dir);
  EXPECT_EQ(doc["passed"], true);
  EXPECT_EQ(doc["exit_code"], 0);
  ASSERT_EQ(doc["verdicts"].size(), 13u);
  // The message-level checkers (no messages.jsonl here: unknown) are informative by default.
  EXPECT_EQ(doc["verdicts"][8]["checker"], "msg_commit_rule");
  EXPECT_EQ(doc["verdicts"][8]["validity"], "unknown");
  EXPECT_EQ(doc["verdicts"][8]["required"], false);
  EXPECT_EQ(doc["verdicts"][0]["checker"], "election_safety");
  EXPECT_EQ(doc["verdicts"][0]["property"], "at most one leader per term");
  EXPECT_EQ(doc["verdicts"][0]["validity"], "ok");
  EXPECT_GE(doc["verdicts"][0]["judged"].get<int>(), 1);
  EXPECT_EQ(doc["verdicts"][0]["required"], true);
  EXPECT_TRUE(doc["verdicts"][0]["evidence"].is_array());
}

TEST(CheckRunCli, ViolationExitsOneAndSaysFail) {
  TempDir dir;
  evidence::Run run = GoodRun();
  run.samples.push_back(Sample(3250, "n3", kN3, 2, "StateLeader", 4, kN3, {{kN3, 4}}));
  WriteRunDir(dir, run);
  Outcome o = Check({dir.path()});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("FAIL    election_safety"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("term 2: 2 leaders by their own samples: n1"), std::string::npos) << o.out;
  EXPECT_EQ(ReadVerdicts(dir)["overall"], "violated");
}

TEST(CheckRunCli, JsonPrintsTheVerdictsDocument) {
  TempDir dir;
  WriteRunDir(dir, GoodRun());
  Outcome o = Check({dir.path(), "--json"});
  EXPECT_EQ(o.code, 0) << o.err;
  nlohmann::json printed = nlohmann::json::parse(o.out);
  EXPECT_EQ(printed, ReadVerdicts(dir));
}

TEST(CheckRunCli, UnknownOnlyExitsThree) {
  TempDir dir;
  dir.Write("journal.jsonl", "");
  Outcome o = Check({dir.path()});
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.out.find("UNKNOWN election_safety"), std::string::npos) << o.out;
  EXPECT_EQ(ReadVerdicts(dir)["overall"], "unknown");
}

TEST(CheckRunCli, RequiringDurabilityWithoutClientOpsExitsThree) {
  TempDir dir;
  evidence::Run run = GoodRun();
  run.ops.clear();
  WriteRunDir(dir, run);
  Outcome o = Check({dir.path(), "--require", "durability"});
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.out.find("N/A     durability"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("NOT EARNED, required, but not_applicable"), std::string::npos) << o.out;
  // Without the requirement the same folder passes: durability is then informative.
  EXPECT_EQ(Check({dir.path()}).code, 0);
}

TEST(CheckRunCli, RequireAppliesMinimums) {
  TempDir dir;
  WriteRunDir(dir, GoodRun());
  EXPECT_EQ(Check({dir.path(), "--require", "durability:all,log_matching"}).code, 0);
  Outcome o = Check({dir.path(), "--require", "durability:4"});
  EXPECT_EQ(o.code, 3) << o.out;
  EXPECT_NE(o.out.find("required at least 4, judged 3 of 3 acknowledged puts"), std::string::npos) << o.out;
}

TEST(CheckRunCli, RecordedRequirementsOfTheScenarioApply) {
  TempDir dir;
  evidence::Run run = GoodRun();
  run.ops.clear();
  WriteRunDir(dir, run);
  dir.Write("result.json", "{\"scenario\":\"x\",\"required\":\"durability\"}");
  Outcome o = Check({dir.path()});
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.out.find("required (result.json): durability"), std::string::npos) << o.out;
}

TEST(CheckRunCli, BadRequireIsBadInput) {
  TempDir dir;
  WriteRunDir(dir, GoodRun());
  Outcome o = Check({dir.path(), "--require", "durabilty"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("unknown checker \"durabilty\""), std::string::npos) << o.err;
  EXPECT_EQ(Check({dir.path(), "--require"}).code, 2);
  EXPECT_EQ(Check({dir.path(), "--require", ""}).code, 2);
}

TEST(CheckRunCli, BadInputExitsTwo) {
  TempDir dir;
  EXPECT_EQ(Check({}).code, 2);
  EXPECT_EQ(Check({dir.path(), "--frobnicate"}).code, 2);
  EXPECT_EQ(Check({dir.path(), dir.path()}).code, 2);
  Outcome missing = Check({dir.path()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no journal.jsonl"), std::string::npos) << missing.err;
  dir.Write("journal.jsonl", "{\"mono_ns\":1,\"kind\":\"op\",\"op_id\":1,\"phase\":\"ok\"}\n");
  Outcome bad = Check({dir.path()});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("line 1: op 1 completes with no invoke"), std::string::npos) << bad.err;
}

TEST(CheckRunCli, HelpExitsZero) {
  Outcome o = Check({"--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("usage: raftlab check run RUN_DIR [--require SPEC] [--json]"), std::string::npos);
}

}  // namespace
}  // namespace raftlab::evidence
