#include "evidence/snap_json.h"

#include <gtest/gtest.h>

namespace raftlab::evidence {
namespace {

SnapFile Snap(uint64_t index) {
  SnapFile f;
  f.name = "0000000000000002-" + std::string(16 - std::to_string(index).size(), '0') +
           std::to_string(index) + ".snap";
  f.index = index;
  f.term = 2;
  f.voters = {0x1a, 0xf23a2876337ec1a0ull};
  f.learners = {0x4d};
  f.store_size = 812;
  f.crc_ok = true;
  return f;
}

TEST(SnapJson, RoundTrips) {
  std::vector<SnapFile> files = {Snap(10), Snap(20)};
  files[1].crc_ok = false;
  files[1].problems = {"crc mismatch: want 0x00000001, got 0x00000002"};
  files[1].voters_outgoing = {0x2b};
  const std::string text = SnapFilesToJsonl(files);
  EXPECT_NE(text.find("\"voters\":[\"1a\",\"f23a2876337ec1a0\"]"), std::string::npos) << text;
  Result<std::vector<SnapFile>> back = SnapFilesFromJsonl(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, files);
}

TEST(SnapJson, EmptyTextIsNoSnapshot) {
  Result<std::vector<SnapFile>> back = SnapFilesFromJsonl("");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
}

TEST(SnapJson, BadLinesNameTheLine) {
  for (const char* text : {"{\"record\":\"snap\",\"name\":\"x\",\"voters\":[\"zz\"]}\n",
                           "{\"record\":\"snap\",\"index\":-1,\"name\":\"x\"}\n",
                           "{\"record\":\"snap\"}\n", "not json\n"}) {
    Result<std::vector<SnapFile>> back = SnapFilesFromJsonl(std::string("\n") + text);
    ASSERT_FALSE(back.ok()) << text;
    EXPECT_EQ(back.status().code(), Code::kInvalidArgument) << text;
    EXPECT_NE(back.status().message().find("line 2: "), std::string::npos) << back.status().message();
  }
  // Other records are skipped.
  EXPECT_TRUE(SnapFilesFromJsonl("{\"record\":\"header\",\"format\":\"x\"}\n")->empty());
}

}  // namespace
}  // namespace raftlab::evidence
