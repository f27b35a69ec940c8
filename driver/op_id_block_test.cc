// Op id blocks: never inside raftlabd's range, never reused within one journal, also when
// several generators reserve at once.
#include "driver/op_id_block.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>
#include <unistd.h>
#include <vector>

#include "common/json_util.h"

namespace raftlab::driver {
namespace {

TEST(OpIdBlock, FirstBlockAndTheOneAfterTheHighestClaimed) {
  OpIdBlock b0 = NextOpIdBlock("");
  EXPECT_EQ(b0.index, 0);
  EXPECT_EQ(b0.first_op_id, kFirstLoadOpId);
  EXPECT_EQ(b0.last_op_id, kFirstLoadOpId + kOpIdsPerBlock - 1);
  EXPECT_EQ(b0.first_client, kFirstLoadClient);
  std::string journal = R"({"mono_ns":1,"kind":"op","op_id":1,"phase":"invoke","f":"put","key":"k","value":"op_block"})" "\n" +
                        OpIdBlockLine(OpIdBlockAt(4), 2, "w", "a") + OpIdBlockLine(OpIdBlockAt(1), 3, "w", "b") +
                        R"({"mono_ns":4,"kind":"note","text":"op_block"})";   // no final newline
  OpIdBlock next = NextOpIdBlock(journal);
  EXPECT_EQ(next.index, 5);
  EXPECT_EQ(next.first_op_id, kFirstLoadOpId + 5 * kOpIdsPerBlock);
  EXPECT_EQ(next.first_client, kFirstLoadClient + 5 * kClientsPerBlock);
  // Blocks stay well inside what a JSON double holds exactly (2^53), for thousands of blocks.
  EXPECT_LT(OpIdBlockAt(100000).last_op_id, int64_t{1} << 53);
}

TEST(OpIdBlock, LineIsJournalJson) {
  Result<Json> j = ParseJson(OpIdBlockLine(OpIdBlockAt(2), 77, "2026-01-01T00:00:00.000Z", "raftlab load"));
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["kind"], "op_block");
  EXPECT_EQ((*j)["mono_ns"], 77);
  EXPECT_EQ((*j)["block"], 2);
  EXPECT_EQ((*j)["first_op_id"], OpIdBlockAt(2).first_op_id);
  EXPECT_EQ((*j)["writer"], "raftlab load");
}

TEST(OpIdBlock, ConcurrentReservationsGetDistinctBlocks) {
  std::string dir = std::filesystem::temp_directory_path() / ("op_id_block_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/journal.jsonl";
  std::vector<int64_t> got(16, -1);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] {
      Result<OpIdBlock> b = ReserveOpIdBlock(path, "test");
      if (b.ok()) got[i] = b->index;
    });
  for (auto& t : threads) t.join();
  std::set<int64_t> distinct(got.begin(), got.end());
  EXPECT_EQ(distinct.size(), got.size());
  EXPECT_EQ(*distinct.begin(), 0);
  EXPECT_EQ(*distinct.rbegin(), static_cast<int64_t>(got.size()) - 1);
  Result<std::string> text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(NextOpIdBlock(*text).index, static_cast<int64_t>(got.size()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace raftlab::driver
