#include "evidence/lin_append_parse.h"

#include <algorithm>
#include <set>

namespace raftlab::evidence {

AppendParser::AppendParser(const std::vector<std::string>& bases,
                           const std::vector<std::string>& tokens) {
  storage_.reserve(bases.size() + tokens.size());
  std::set<size_t> base_len, token_len;
  for (size_t i = 0; i < bases.size(); ++i) {
    storage_.push_back(bases[i]);
    // A duplicate base is the caller's error (values are unique); the first one wins.
    bases_.emplace(storage_.back(), int(i));
    base_len.insert(bases[i].size());
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    storage_.push_back(tokens[i]);
    tokens_.emplace(storage_.back(), int(i));
    token_len.insert(tokens[i].size());
  }
  base_lengths_.assign(base_len.begin(), base_len.end());
  token_lengths_.assign(token_len.begin(), token_len.end());
}

AppendDecomposition AppendParser::Parse(std::string_view s, bool initial_base) const {
  // ways[i]: decompositions of s[0, i) (capped at 2); from[i]: the first one's last step.
  struct Step {
    int prev = -2;    // position before the last token; -1: s[0, i) is a base
    int item = -1;    // token index, or base index (-1: the initial state) when prev == -1
  };
  const size_t n = s.size();
  std::vector<uint8_t> ways(n + 1, 0);
  std::vector<Step> from(n + 1);
  // Position 0 reached through the initial state carries a flag: it only counts with a token.
  bool initial_at_zero = initial_base;
  for (size_t len : base_lengths_) {
    if (len > n) break;
    auto it = bases_.find(s.substr(0, len));
    if (it == bases_.end()) continue;
    ways[len] = uint8_t(std::min(2, ways[len] + 1));
    if (from[len].prev == -2) from[len] = Step{-1, it->second};
  }
  auto add = [&](size_t at, int count, Step step) {
    ways[at] = uint8_t(std::min(2, ways[at] + count));
    if (from[at].prev == -2) from[at] = step;
  };
  for (size_t i = 0; i < n; ++i) {
    int here = ways[i] + (i == 0 && initial_at_zero ? 1 : 0);
    if (here == 0) continue;
    for (size_t len : token_lengths_) {
      if (i + len > n) break;
      auto it = tokens_.find(s.substr(i, len));
      if (it == tokens_.end()) continue;
      add(i + len, std::min(2, here), Step{int(i), it->second});
    }
  }
  AppendDecomposition d;
  d.count = ways[n];
  if (d.count != 1) return d;
  // Exactly one decomposition: every position on its path has exactly one way to be reached,
  // so the first recorded step is the only one.
  size_t at = n;
  while (true) {
    const Step& st = from[at];
    if (st.prev == -1) {
      d.base = st.item;
      break;
    }
    d.tokens.push_back(st.item);
    at = size_t(st.prev);
    if (at == 0 && ways[0] == 0) {   // reached the start through the initial state
      d.base = -1;
      break;
    }
  }
  std::reverse(d.tokens.begin(), d.tokens.end());
  return d;
}

}  // namespace raftlab::evidence
