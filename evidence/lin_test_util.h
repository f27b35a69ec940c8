// Test helpers for the linearizability checker: a brute-force twin that tries every order.
//
// Test-only, header-only; exponential, for histories of a handful of operations.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "evidence/history.h"
#include "evidence/models.h"

namespace raftlab::evidence {

// Tries every subset of the never-returned ops (they may never take effect) and every order of
// the rest that respects real time, replaying each against the model.
inline bool BruteForceLinearizable(const History& h) {
  std::unique_ptr<Model> model = MakeModel(h);
  size_t n = h.ops.size();
  std::vector<size_t> open;
  for (size_t i = 0; i < n; ++i) {
    if (!h.ops[i].ret) open.push_back(i);
  }
  for (uint32_t omit = 0; omit < (1u << open.size()); ++omit) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < n; ++i) {
      auto it = std::find(open.begin(), open.end(), i);
      if (it != open.end() && (omit >> (it - open.begin()) & 1)) continue;
      idx.push_back(i);
    }
    std::sort(idx.begin(), idx.end());
    do {
      bool ok = true;
      for (size_t a = 0; a < idx.size() && ok; ++a) {
        for (size_t b = a + 1; b < idx.size() && ok; ++b) {
          const Operation& later = h.ops[idx[a]];
          const Operation& earlier = h.ops[idx[b]];
          if (earlier.ret && *earlier.ret < later.call) ok = false;
        }
      }
      // Check the keys independently is not needed: replay per key.
      std::map<std::string, KeyState> state;
      for (size_t k = 0; k < idx.size() && ok; ++k) {
        const Operation& op = h.ops[idx[k]];
        KeyState next;
        if (!model->Step(state[op.input.key], op, &next)) ok = false;
        state[op.input.key] = next;
      }
      if (ok) return true;
    } while (std::next_permutation(idx.begin(), idx.end()));
  }
  return false;
}

}  // namespace raftlab::evidence
