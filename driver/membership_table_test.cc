#include "driver/membership_table.h"

#include <gtest/gtest.h>

namespace raftlab::driver {
namespace {

TEST(MembershipTable, OneVoterAtATimeOverlaps) {
  MembershipStep three{{"n1", "n2", "n3"}, {}};
  MembershipStep four{{"n1", "n2", "n3", "n4"}, {}};
  std::string text = DescribeMembershipStep(&three, four);
  EXPECT_NE(text.find("quorum 3 of 4, tolerates 1"), std::string::npos) << text;
  EXPECT_NE(text.find("q_old + q_new = 2 + 3 = 5 > |old ∪ new| = 4"), std::string::npos) << text;
}

TEST(MembershipTable, TwoVotersAtOnceCanSplit) {
  MembershipStep three{{"n1", "n2", "n3"}, {}};
  MembershipStep five{{"n1", "n2", "n3", "n4", "n5"}, {}};
  std::string text = DescribeMembershipStep(&three, five);
  EXPECT_NE(text.find("2 + 3 = 5 <= |old ∪ new| = 5"), std::string::npos) << text;
  EXPECT_NE(text.find("DISJOINT"), std::string::npos);
}

}  // namespace
}  // namespace raftlab::driver
