#include "evidence/quorum.h"

#include <algorithm>
#include <functional>

namespace raftlab::evidence {

size_t QuorumSize(size_t voters) { return voters / 2 + 1; }

size_t ToleratedFailures(size_t voters) {
  return voters == 0 ? 0 : voters - QuorumSize(voters);
}

uint64_t QuorumIndex(std::vector<uint64_t> match) {
  if (match.empty()) return 0;
  std::sort(match.begin(), match.end(), std::greater<uint64_t>());
  return match[QuorumSize(match.size()) - 1];
}

uint64_t QuorumIndexByCount(const std::vector<uint64_t>& match) {
  if (match.empty()) return 0;
  const size_t need = QuorumSize(match.size());
  uint64_t best = 0;
  for (uint64_t candidate : match) {
    size_t covered = 0;
    for (uint64_t m : match) covered += (m >= candidate) ? 1 : 0;
    if (covered >= need) best = std::max(best, candidate);
  }
  return best;
}

}  // namespace raftlab::evidence
