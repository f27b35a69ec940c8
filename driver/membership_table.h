// The table printed after every membership step: voters, quorum size, tolerated failures,
// and the overlap argument that two majorities of consecutive configurations must share a
// member (q_old + q_new > |old ∪ new|). Pure; used by `raftlab member` and the scenarios.
#pragma once

#include <string>
#include <vector>

namespace raftlab::driver {

struct MembershipStep {
  std::vector<std::string> voters;
  std::vector<std::string> learners;
};

// One block of lines describing `now`, compared with `before` when given.
std::string DescribeMembershipStep(const MembershipStep* before, const MembershipStep& now);

}  // namespace raftlab::driver
