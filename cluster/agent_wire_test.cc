// Files cut into chunks and put back together, and a stream out of order refused.
#include "cluster/agent_wire.h"

#include <gtest/gtest.h>

namespace raftlab::cluster {
namespace {

std::vector<agent_pb::FileChunk> Cut(const std::string& path, const std::string& bytes) {
  std::vector<agent_pb::FileChunk> chunks;
  EXPECT_TRUE(EmitChunks(path, bytes, [&](const agent_pb::FileChunk& c) {
    chunks.push_back(c);
    return true;
  }));
  return chunks;
}

TEST(AgentWire, ChunksReassembleExactly) {
  std::string big(2 * kAgentChunkBytes + 7, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + 7);
  std::vector<agent_pb::FileChunk> a = Cut("a.wal", big), b = Cut("empty", ""), c = Cut("c", "x");
  EXPECT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_TRUE(b[0].last());
  ChunkAssembler assembler;
  for (const auto* part : {&a, &b, &c}) {
    for (const auto& chunk : *part) ASSERT_TRUE(assembler.Add(chunk).ok());
  }
  Result<std::vector<FileEntry>> files = assembler.Finish();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].path, "a.wal");
  EXPECT_TRUE((*files)[0].bytes == big);
  EXPECT_EQ((*files)[1].bytes, "");
  EXPECT_EQ((*files)[2].bytes, "x");
}

TEST(AgentWire, OutOfOrderOrTruncatedStreamIsCorruption) {
  std::vector<agent_pb::FileChunk> a = Cut("a", std::string(kAgentChunkBytes + 1, 'a'));
  ChunkAssembler skipped;
  Status s = skipped.Add(a[1]);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("began at offset"), std::string::npos) << s.message();

  ChunkAssembler truncated;
  ASSERT_TRUE(truncated.Add(a[0]).ok());
  Result<std::vector<FileEntry>> files = truncated.Finish();
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("ended inside file a"), std::string::npos) << files.status().message();

  ChunkAssembler interleaved;
  ASSERT_TRUE(interleaved.Add(a[0]).ok());
  EXPECT_EQ(interleaved.Add(Cut("b", "b")[0]).code(), Code::kCorruption);
}

}  // namespace
}  // namespace raftlab::cluster
