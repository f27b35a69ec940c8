#include "common/hex_id.h"

#include <gtest/gtest.h>

#include <random>

#include "common/strings.h"

namespace raftlab {
namespace {

TEST(HexId, WritesEtcdsWay) {
  EXPECT_EQ(HexId(0), "0");
  EXPECT_EQ(HexId(0xf), "f");
  EXPECT_EQ(HexId(0x8e9e05c52164694dull), "8e9e05c52164694d");
  EXPECT_EQ(HexId(0x0a), "a");   // no padding
  EXPECT_EQ(HexId(UINT64_MAX), "ffffffffffffffff");
}

TEST(HexId, ParsesOneToSixteenDigits) {
  EXPECT_EQ(*ParseHexId("0"), 0u);
  EXPECT_EQ(*ParseHexId("F23A2876337EC1A0"), 0xf23a2876337ec1a0ull);
  for (const char* bad : {"", "xyz", "12 ", "-1", "0x1f", "1f23a2876337ec1a0"}) {
    Result<uint64_t> r = ParseHexId(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find(std::string("\"") + bad + "\""), std::string::npos) << r.status().message();
  }
}

TEST(HexId, RoundTripsRandomIds) {
  std::mt19937_64 rng(12);
  for (int i = 0; i < 1000; ++i) {
    uint64_t id = rng() >> (rng() % 64);
    ASSERT_EQ(*ParseHexId(HexId(id)), id) << HexId(id);
  }
}

TEST(JoinNames, Separators) {
  EXPECT_EQ(JoinNames({}), "");
  EXPECT_EQ(JoinNames({"n1"}), "n1");
  EXPECT_EQ(JoinNames({"n1", "n2", "n3"}), "n1,n2,n3");
  EXPECT_EQ(JoinNames({"a", "b"}, " and "), "a and b");
}

}  // namespace
}  // namespace raftlab
