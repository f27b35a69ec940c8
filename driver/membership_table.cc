#include "driver/membership_table.h"

#include <set>

#include "common/strings.h"
#include "evidence/quorum.h"

namespace raftlab::driver {
namespace {

std::string Braced(const std::vector<std::string>& names) { return "{" + JoinNames(names) + "}"; }

}  // namespace

std::string DescribeMembershipStep(const MembershipStep* before, const MembershipStep& now) {
  using evidence::QuorumSize;
  using evidence::ToleratedFailures;
  std::string out = "voters " + Braced(now.voters) + " (" + std::to_string(now.voters.size()) + "), learners " +
                    Braced(now.learners) + "\n";
  out += "  quorum " + std::to_string(QuorumSize(now.voters.size())) + " of " + std::to_string(now.voters.size()) +
         ", tolerates " + std::to_string(ToleratedFailures(now.voters.size())) + " failed voter(s)\n";
  if (before != nullptr) {
    std::set<std::string> all(before->voters.begin(), before->voters.end());
    all.insert(now.voters.begin(), now.voters.end());
    size_t q_old = QuorumSize(before->voters.size()), q_new = QuorumSize(now.voters.size());
    bool overlap = q_old + q_new > all.size();
    out += "  overlap: q_old + q_new = " + std::to_string(q_old) + " + " + std::to_string(q_new) + " = " +
           std::to_string(q_old + q_new) + (overlap ? " > " : " <= ") + "|old ∪ new| = " + std::to_string(all.size()) +
           (overlap ? ": every old majority meets every new majority, no split brain possible\n"
                    : ": TWO DISJOINT MAJORITIES ARE POSSIBLE\n");
  }
  return out;
}

}  // namespace raftlab::driver
