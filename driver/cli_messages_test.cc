// `build/raftlab messages` on a run folder holding the messages.jsonl of a real capture
// (shared/testdata/wire/election-partition.pcap, decoded here) and a small journal whose start is
// 2 s before the first packet: the timeline, --types, --json, --svg, the default RUN_DIR and the
// bad-input exits. Without ../shared the test skips (fails under CI=true, common/test_guard.h).
#include <gtest/gtest.h>

#include <time.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "common/json_util.h"
#include "common/subprocess.h"
#include "common/test_guard.h"
#include "evidence/wire_decoder.h"
#include "evidence/wire_json.h"
#include "evidence/wire_timeline.h"

namespace raftlab::driver {
namespace {

namespace fs = std::filesystem;

std::string WallIso(int64_t ns) {
  time_t s = static_cast<time_t>(ns / 1000000000);
  struct tm tm;
  gmtime_r(&s, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>((ns / 1000000) % 1000));
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class CliMessages : public testing::Test {
 protected:
  void SetUp() override {
    std::string missing;
    std::string dir = testguard::SharedTestdataDir("wire", "RAFTLAB_WIRE_TESTDATA", &missing);
    RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing);
    const char* build = std::getenv("RAFTLAB_BUILD_DIR");
    raftlab_ = (fs::path(build ? build : "build") / "raftlab").string();
    ASSERT_TRUE(fs::exists(raftlab_)) << "no " << raftlab_ << " (build the raftlab target)";
    Result<evidence::WireCapture> c = evidence::DecodeWireFile((fs::path(dir) / "election-partition.pcap").string(),
                                                               {{"127.99.0.11", "n1"}, {"127.99.0.12", "n2"}, {"127.99.0.13", "n3"}});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    capture_ = std::move(*c);
    std::string tmpl = (fs::temp_directory_path() / "cli-messages-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    run_ = root_ + "/runs/20261202-010000-partition";
    ASSERT_TRUE(MakeDirs(run_).ok());
    ASSERT_TRUE(WriteFileAtomic(run_ + "/messages.jsonl", evidence::WireMessagesToJsonl(capture_.messages)).ok());
    // The run started 2 s before the first packet; the leader n2 was isolated from 3.55 s to 11.6 s.
    start_wall_ = (capture_.first_ns - 2'000'000'000) / 1'000'000 * 1'000'000;   // the journal's ms
    std::string journal =
        R"({"kind":"session","event":"start","mono_ns":1000000000,"wall":")" + WallIso(start_wall_) + "\"}\n" +
        R"({"kind":"sample","member":"n1","ok":true,"term":2,"mono_ns":1100000000,"wall":"x"})" "\n"
        R"({"kind":"fault","phase":"start","id":"f1","fault":"partition","targets":["n2"],"description":"isolate n2 (the leader): n2 / n1,n3","mono_ns":4550000000})" "\n"
        R"({"kind":"fault","phase":"end","id":"f1","fault":"partition","targets":["n2"],"mono_ns":12600000000})" "\n";
    ASSERT_TRUE(WriteFileAtomic(run_ + "/journal.jsonl", journal).ok());
  }
  void TearDown() override {
    std::error_code ec;
    if (std::getenv("RAFTLAB_KEEP_TEST_RUN") != nullptr) {   // to look at: raftlab messages <printed dir>
      std::cout << "kept " << run_ << "\n";
      return;
    }
    if (!root_.empty()) fs::remove_all(root_, ec);
  }
  RunResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {raftlab_, "messages"});
    SpawnOptions opts;
    opts.cwd = root_;
    Result<RunResult> r = raftlab::Run(args, opts);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : RunResult{};
  }

  std::string raftlab_, root_, run_;
  evidence::WireCapture capture_;
  int64_t start_wall_ = 0;
};

TEST_F(CliMessages, TimelineOfTheVotesSinceTheRunsStart) {
  RunResult r = Cli({run_, "--types", "vote"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("times are seconds since the run's start"), std::string::npos) << lines[0];
  std::vector<std::string> want;
  const auto names = evidence::WireMemberNames(capture_.messages);
  for (const auto& m : capture_.messages)
    if (evidence::WireTypeGroup(m.type) == "vote") want.push_back(evidence::WireTimelineLine(m, start_wall_, names));
  ASSERT_EQ(lines.size(), want.size() + 1);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(lines[i + 1], want[i]);
  // The first vote of the capture, 2.619 s after its first packet, is 4.62 s into the run.
  EXPECT_EQ(lines[1].rfind("4.62", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find("s n1 -> n3 MsgVote term 3 index 10 logterm 2"), std::string::npos) << lines[1];
}

TEST_F(CliMessages, WindowMemberJsonAndTheDefaultRun) {
  RunResult r = Cli({"--from", "11.7s", "--to", "12.9s", "--member", "n2", "--json"});   // RUN_DIR: the newest under runs/
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  for (const std::string& l : lines) {
    Json j = Json::parse(l);
    EXPECT_GE(j["t"].get<double>(), 11.7);
    EXPECT_LE(j["t"].get<double>(), 12.9);
    EXPECT_TRUE(j["from"] == "n2" || j["to"] == "n2") << l;
  }
}

TEST_F(CliMessages, SvgOfTheWindow) {
  const std::string svg = root_ + "/election.svg";
  RunResult r = Cli({run_, "--from", "11.3s", "--to", "13.3s", "--svg", svg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Result<std::string> text = ReadFile(svg);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("class=\"arrow vote\""), std::string::npos);
  EXPECT_NE(text->find("isolate n2 (the leader): n2 / n1,n3"), std::string::npos);   // the fault band
}

TEST_F(CliMessages, BadInputExitsTwoNamingTheProblem) {
  RunResult r = Cli({run_, "--types", "vote,votes"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown message type 'votes'"), std::string::npos) << r.err;
  r = Cli({run_, "--from", "14s", "--to", "12.3s"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--from 14.000s is after --to 12.300s"), std::string::npos) << r.err;
  r = Cli({run_, "--member", "n9"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--member n9"), std::string::npos) << r.err;
  const std::string bare = root_ + "/runs/20261201-000000-session";
  ASSERT_TRUE(MakeDirs(bare).ok());
  r = Cli({bare});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no messages.jsonl in " + bare + ": the run was not captured (up --capture)"), std::string::npos) << r.err;
  r = Cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("seconds since the run's start"), std::string::npos);
}

}  // namespace
}  // namespace raftlab::driver
