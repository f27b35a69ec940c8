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
  EXPECT_NE(o.out.find("PASS    election_safety"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("        term 2: leader n1"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("overall: ok (8 pass, 0 fail, 0 unknown)"), std::string::npos) << o.out;
  nlohmann::json doc = ReadVerdicts(dir);
  EXPECT_EQ(doc["overall"], "ok");
  ASSERT_EQ(doc["verdicts"].size(), 8u);
  EXPECT_EQ(doc["verdicts"][0]["checker"], "election_safety");
  EXPECT_EQ(doc["verdicts"][0]["property"], "at most one leader per term");
  EXPECT_EQ(doc["verdicts"][0]["validity"], "ok");
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
  EXPECT_NE(o.out.find("term 2: 2 leaders n1"), std::string::npos) << o.out;
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
  EXPECT_NE(o.out.find("UNKNOWN commit_quorum"), std::string::npos) << o.out;
  EXPECT_EQ(ReadVerdicts(dir)["overall"], "unknown");
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
  EXPECT_NE(o.out.find("usage: raftlab check run RUN_DIR [--json]"), std::string::npos);
}

TEST(CheckRunCli, ExitCodeFollowsTheWorstVerdict) {
  Verdict ok, unknown, bad;
  unknown.validity = Validity::kUnknown;
  bad.validity = Validity::kViolated;
  EXPECT_EQ(ExitCodeFor({ok, ok}), 0);
  EXPECT_EQ(ExitCodeFor({ok, unknown}), 3);
  EXPECT_EQ(ExitCodeFor({unknown, bad}), 1);
}

}  // namespace
}  // namespace raftlab::evidence
