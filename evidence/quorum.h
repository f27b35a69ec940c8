// Quorum arithmetic shared by the Raft checkers: the size of a majority of n voters and the
// highest log index that a majority of voters' match indexes covers.
//
// Two independent implementations of the covered index are kept on purpose: QuorumIndex sorts
// (as etcd's raft does), QuorumIndexByCount counts voters at each candidate index. The test
// cross-checks them on random match vectors. Pure functions, no state, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace raftlab::evidence {

// Votes needed for a majority of `voters` voters: voters/2 + 1 (1 for an empty set).
size_t QuorumSize(size_t voters);

// Voters that may fail while a majority still stands: voters - QuorumSize(voters).
size_t ToleratedFailures(size_t voters);

// The largest index i such that at least QuorumSize(match.size()) entries of `match` are >= i;
// 0 for an empty vector. Sorts a copy.
uint64_t QuorumIndex(std::vector<uint64_t> match);

// Same result as QuorumIndex, by counting for every candidate value (quadratic; for tests).
uint64_t QuorumIndexByCount(const std::vector<uint64_t>& match);

}  // namespace raftlab::evidence
