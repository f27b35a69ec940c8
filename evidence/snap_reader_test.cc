#include "evidence/snap_reader.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "evidence/wal_test_util.h"

namespace raftlab::evidence {
namespace {

TEST(SnapReader, DecodesConfStateAndChecksCrc) {
  SnapFile f = DecodeSnap("0000000000000002-0000000000000065.snap", SnapFileForTest(101, 2, {1, 2, 3}, {4}));
  EXPECT_TRUE(f.crc_ok);
  EXPECT_TRUE(f.problems.empty());
  EXPECT_EQ(f.index, 101u);
  EXPECT_EQ(f.term, 2u);
  EXPECT_EQ(f.voters, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(f.learners, std::vector<uint64_t>{4});
  EXPECT_EQ(f.store_size, std::string(R"({"Root":{"Path":"/"}})").size());
}

TEST(SnapReader, CrcMismatchIsAProblem) {
  SnapFile f = DecodeSnap("0000000000000002-0000000000000065.snap", SnapFileForTest(101, 2, {1}, {}, true));
  EXPECT_FALSE(f.crc_ok);
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_NE(f.problems[0].find("crc mismatch"), std::string::npos);
  EXPECT_EQ(f.voters, std::vector<uint64_t>{1});  // still decoded, for the reader to judge
}

TEST(SnapReader, NameAndMetadataMustAgree) {
  SnapFile f = DecodeSnap("0000000000000002-0000000000000066.snap", SnapFileForTest(101, 2, {1}, {}));
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_NE(f.problems[0].find("name says"), std::string::npos);
}

TEST(SnapReader, GarbageAndEmptyFiles) {
  EXPECT_FALSE(DecodeSnap("0000000000000001-0000000000000001.snap", "").problems.empty());
  SnapFile g = DecodeSnap("0000000000000001-0000000000000001.snap", std::string("\xff\xff\xff", 3));
  EXPECT_FALSE(g.problems.empty());
  EXPECT_EQ(g.index, 1u);  // from the name
}

TEST(SnapReader, ReadsADirectoryInNameOrderSkippingTheDb) {
  auto dir = std::filesystem::temp_directory_path() /
             ("raftlab-snap-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "0000000000000003-00000000000000c9.snap", std::ios::binary) << SnapFileForTest(201, 3, {1, 2}, {});
  std::ofstream(dir / "0000000000000002-0000000000000065.snap", std::ios::binary) << SnapFileForTest(101, 2, {1}, {});
  std::ofstream(dir / "db") << "bbolt";
  std::ofstream(dir / "00000000000000c9.snap.db") << "bbolt";
  auto files = ReadSnapDir(dir.string());
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].index, 101u);
  EXPECT_EQ((*files)[1].index, 201u);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(ReadSnapDir(dir.string()).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace raftlab::evidence
