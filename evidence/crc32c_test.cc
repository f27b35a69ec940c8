#include "evidence/crc32c.h"

#include <string>

#include <gtest/gtest.h>

namespace raftlab::evidence::crc32c {
namespace {

// Check values from RFC 3720 (iSCSI) appendix B.4 and the common "123456789" check.
TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(Value("123456789"), 0xE3069283u);
  EXPECT_EQ(Value(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Value(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending += static_cast<char>(i);
    descending += static_cast<char>(31 - i);
  }
  EXPECT_EQ(Value(ascending), 0x46DD794Eu);
  EXPECT_EQ(Value(descending), 0x113FDB5Cu);
  EXPECT_EQ(Value(""), 0u);
}

TEST(Crc32c, ExtendIsConcatenationAtEverySplit) {
  std::string data;
  for (int i = 0; i < 100; ++i) data += static_cast<char>(i * 37 + 11);
  const uint32_t whole = Value(data);
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    std::string_view v(data);
    EXPECT_EQ(Extend(Value(v.substr(0, cut)), v.substr(cut)), whole) << "cut at " << cut;
  }
}

TEST(Crc32c, RollingOverManyPiecesMatchesOneShot) {
  // The WAL's running checksum: each record extends the previous value with its data.
  std::string all;
  uint32_t running = 0;
  for (int piece = 0; piece < 50; ++piece) {
    std::string data(static_cast<size_t>(piece * 3 % 17), static_cast<char>('a' + piece % 26));
    running = Extend(running, data);
    all += data;
  }
  EXPECT_EQ(running, Value(all));
}

TEST(Crc32c, UnalignedStartsAgreeWithEachOther) {
  std::string buf(64 + 8, 'x');
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<char>(i * 131);
  std::string ref = buf.substr(0, 64);
  for (size_t shift = 0; shift < 8; ++shift) {
    std::string moved(shift, '\0');
    moved += ref;
    EXPECT_EQ(Value(moved.data() + shift, 64), Value(ref));
  }
}

}  // namespace
}  // namespace raftlab::evidence::crc32c
