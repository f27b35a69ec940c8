// `wal dump` and `snap show` as the CLI runs them: exit codes, messages that name the path, and
// the readable and JSON outputs.
#include "evidence/wal_cli.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <gtest/gtest.h>

#include "evidence/wal_test_util.h"

namespace raftlab::evidence {
namespace {

namespace fs = std::filesystem;

class WalCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("raftlab-wal-cli-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "member" / "wal");
    fs::create_directories(dir_ / "member" / "snap");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteFile(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

  // A log with an overwrite at index 4 (term 1 -> term 2).
  WalSegmentBuilderForTest OverwrittenLog() {
    WalSegmentBuilderForTest b;
    b.AddFirstSegmentHead(0x8e9e05c52164694dULL, 0xcdf818194e3a8c32ULL);
    b.AddEntry(1, 1, ConfChangePayloadForTest(0, 0x8e9e05c52164694dULL, R"({"id":1,"peerURLs":["http://127.0.0.1:2380"],"name":"n1"})"),
               EntryType::kConfChange);
    b.AddEntry(2, 1, "");
    b.AddEntry(3, 1, PutPayloadForTest("a", "1"));
    b.AddEntry(4, 1, PutPayloadForTest("k", "v"));
    b.AddEntry(5, 1, PutPayloadForTest("k", "w"));
    b.AddState(1, 0x8e9e05c52164694dULL, 3);
    b.AddEntry(4, 2, "");
    b.AddState(2, 0, 4);
    b.AddZeros(1024);
    return b;
  }

  int Dump(const fs::path& dir, bool json = false) {
    out_.str("");
    err_.str("");
    return RunWalDump(dir.string(), json, out_, err_);
  }

  fs::path dir_;
  std::ostringstream out_, err_;
};

TEST_F(WalCliTest, MissingDirectoryIsBadInputNamingThePath) {
  EXPECT_EQ(Dump(dir_ / "absent"), 2);
  EXPECT_NE(err_.str().find((dir_ / "absent").string()), std::string::npos) << err_.str();
  EXPECT_TRUE(out_.str().empty());
}

TEST_F(WalCliTest, DirectoryWithoutWalIsBadInput) {
  fs::create_directories(dir_ / "empty");
  EXPECT_EQ(Dump(dir_ / "empty"), 2);
  EXPECT_NE(err_.str().find("no WAL"), std::string::npos) << err_.str();
  EXPECT_EQ(Dump(dir_), 2);  // member/wal exists but holds no segment
  EXPECT_NE(err_.str().find("member/wal"), std::string::npos) << err_.str();
}

TEST_F(WalCliTest, DumpPrintsTableOverwritesAndHardStates) {
  WriteFile(dir_ / "member" / "wal" / SegmentNameForTest(0, 0), OverwrittenLog().bytes());
  ASSERT_EQ(Dump(dir_), 0) << err_.str();
  const std::string out = out_.str();
  EXPECT_NE(out.find("node 8e9e05c52164694d  cluster cdf818194e3a8c32"), std::string::npos) << out;
  EXPECT_NE(out.find("entries: 4 (index 1..4)"), std::string::npos) << out;
  EXPECT_NE(out.find("INDEX  TERM  TYPE         REQUEST\n"), std::string::npos) << out;
  EXPECT_NE(out.find("    1     1  conf_change  conf AddNode 8e9e05c52164694d name=n1 peers=http://127.0.0.1:2380\n"),
            std::string::npos) << out;
  EXPECT_NE(out.find("    3     1  normal       put a=1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("    4     2  normal       noop\n"), std::string::npos) << out;
  EXPECT_NE(out.find("index 4: term 1 entry 'put k=v' discarded, replaced by term 2 noop"), std::string::npos) << out;
  EXPECT_NE(out.find("index 5: term 1 entry 'put k=w' discarded\n"), std::string::npos) << out;
  EXPECT_NE(out.find("hard states: 2 records; last term=2 vote=0 commit=4"), std::string::npos) << out;
  EXPECT_NE(out.find("problems: none"), std::string::npos) << out;
}

TEST_F(WalCliTest, AcceptsADirectoryHoldingSegmentsAndSkipsTmp) {
  fs::create_directories(dir_ / "waldir");
  WriteFile(dir_ / "waldir" / SegmentNameForTest(0, 0), OverwrittenLog().bytes());
  WriteFile(dir_ / "waldir" / "0.tmp", std::string(512, '\0'));
  EXPECT_EQ(Dump(dir_ / "waldir"), 0) << err_.str();
  EXPECT_NE(out_.str().find("segments: 1 "), std::string::npos) << out_.str();
}

TEST_F(WalCliTest, CrcMismatchExitsOneAndSaysWhere) {
  WalSegmentBuilderForTest b = OverwrittenLog();
  // Damage the value of the put at index 5 (PutRequest field 2, length 1, "w").
  size_t pos = b.bytes().rfind("\x12\x01w");
  ASSERT_NE(pos, std::string::npos);
  b.bytes()[pos + 2] = 'x';
  WriteFile(dir_ / "member" / "wal" / SegmentNameForTest(0, 0), b.bytes());
  EXPECT_EQ(Dump(dir_), 1);
  EXPECT_NE(out_.str().find("problems: 1"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find(SegmentNameForTest(0, 0) + " @ "), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("crc mismatch"), std::string::npos) << out_.str();
  EXPECT_NE(err_.str().find("1 problem"), std::string::npos) << err_.str();
}

TEST_F(WalCliTest, JsonIsOneObjectPerLine) {
  WriteFile(dir_ / "member" / "wal" / SegmentNameForTest(0, 0), OverwrittenLog().bytes());
  ASSERT_EQ(Dump(dir_, /*json=*/true), 0);
  std::istringstream lines(out_.str());
  std::string line;
  std::map<std::string, int> kinds;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    ++kinds[j.at("record").get<std::string>()];
  }
  EXPECT_EQ(kinds["header"], 1);
  EXPECT_EQ(kinds["entry"], 4);
  EXPECT_EQ(kinds["truncation"], 1);
  EXPECT_EQ(kinds["hard_state"], 2);
  EXPECT_EQ(kinds["snapshot"], 1);
}

TEST_F(WalCliTest, SnapShow) {
  std::ostringstream out, err;
  EXPECT_EQ(RunSnapShow(dir_.string(), false, out, err), 0);
  EXPECT_NE(out.str().find("no .snap files"), std::string::npos);

  WriteFile(dir_ / "member" / "snap" / "0000000000000002-0000000000000065.snap", SnapFileForTest(101, 2, {0xa, 0xb}, {0xc}));
  out.str("");
  EXPECT_EQ(RunSnapShow(dir_.string(), false, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("0000000000000002-0000000000000065.snap  index 101 term 2  voters [a b] learners [c]"),
            std::string::npos) << out.str();

  out.str("");
  EXPECT_EQ(RunSnapShow(dir_.string(), true, out, err), 0);
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["index"], 101);
  EXPECT_EQ(j["voters"], nlohmann::json::array({"a", "b"}));
  EXPECT_EQ(j["crc_ok"], true);

  WriteFile(dir_ / "member" / "snap" / "0000000000000002-0000000000000066.snap",
            SnapFileForTest(102, 2, {0xa}, {}, /*corrupt_crc=*/true));
  out.str("");
  EXPECT_EQ(RunSnapShow(dir_.string(), false, out, err), 1);
  EXPECT_NE(out.str().find("crc BAD"), std::string::npos) << out.str();

  std::ostringstream out2, err2;
  EXPECT_EQ(RunSnapShow((dir_ / "absent").string(), false, out2, err2), 2);
  EXPECT_NE(err2.str().find((dir_ / "absent").string()), std::string::npos);
}

}  // namespace
}  // namespace raftlab::evidence
