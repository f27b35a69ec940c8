// AppendParser: how a string read from a KV key could have been built by the key's writes.
//
// In a KV history with appends, a key's state is always a base (the initial empty state, or the
// value of one put) followed by appended values. When every put value and every appended value
// of the key is distinct, a read's string names the writes that built it: this parser finds the
// decompositions `base + token + token ...` of a string over the key's bases and tokens. It
// counts them (0, 1, or "2 or more") and returns the one when there is exactly one. It does not
// reject a token used twice; the caller judges that.
//
// Cost: O(|s| * number of distinct token lengths) hash look-ups per string.
// Immutable after construction; Parse is const and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace raftlab::evidence {

struct AppendDecomposition {
  int count = 0;                 // 0: none, 1: exactly one, 2: two or more
  int base = -1;                 // index into the bases, or -1 for the initial (empty) state
  std::vector<int> tokens;       // indices into the tokens, in append order
};

class AppendParser {
 public:
  // `bases`: the put values; `tokens`: the appended values (non-empty). Indices refer to these.
  AppendParser(const std::vector<std::string>& bases, const std::vector<std::string>& tokens);

  // Decompositions of `s` as base + tokens. The initial state counts as a base only when
  // `initial_base` is true and at least one token follows it.
  AppendDecomposition Parse(std::string_view s, bool initial_base) const;

 private:
  std::unordered_map<std::string_view, int> bases_;
  std::unordered_map<std::string_view, int> tokens_;
  std::vector<size_t> base_lengths_;
  std::vector<size_t> token_lengths_;
  std::vector<std::string> storage_;   // owns the strings the maps view
};

}  // namespace raftlab::evidence
