#include "evidence/lin_shrink.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <unordered_map>

namespace raftlab::evidence {
namespace {

bool Writes(const Operation& op) {   // changes the state when it takes effect
  switch (op.input.kind) {
    case OpKind::kWrite:
    case OpKind::kPut:
    case OpKind::kAppend:
    case OpKind::kDelete: return true;
    case OpKind::kCas: return !op.output.known || op.output.ok;
    default: return false;
  }
}

bool IsRead(const Operation& op) {
  return op.input.kind == OpKind::kRead || op.input.kind == OpKind::kGet;
}

// Which operations each observer depends on, for the whole of h: the writes it may have seen
// (every one called before it returned), so that removing any of them also removes it.
struct Dependencies {
  std::vector<std::vector<size_t>> deps;    // per op: the writes it depends on
  std::vector<std::vector<size_t>> users;   // per op: the observers that depend on it
};

Dependencies FindDependencies(const History& h) {
  size_t n = h.ops.size();
  Dependencies d;
  d.deps.resize(n);
  d.users.resize(n);
  bool appends = std::any_of(h.ops.begin(), h.ops.end(),
                             [](const Operation& o) { return o.input.kind == OpKind::kAppend; });
  // Writers by the value they leave; "" with nil = the deletes (and, where "" is absent, puts of "").
  std::unordered_map<std::string, std::vector<size_t>> producers;
  std::vector<size_t> to_nil, all_writes;
  std::set<size_t> lengths;
  for (size_t i = 0; i < n; ++i) {
    const Operation& o = h.ops[i];
    if (!Writes(o)) continue;
    all_writes.push_back(i);
    bool nil = o.input.kind == OpKind::kDelete || (h.empty_is_absent && o.input.value.empty());
    if (nil) {
      to_nil.push_back(i);
    } else if (!o.input.value.empty() || !appends) {
      producers[o.input.value].push_back(i);
      lengths.insert(o.input.value.size());
    }
  }
  auto ret = [](const Operation& o) { return o.ret ? *o.ret : INT64_MAX; };
  auto add_called_before = [&](size_t i, const std::vector<size_t>& from) {
    for (size_t p : from) {
      if (p != i && h.ops[p].call <= ret(h.ops[i])) d.deps[i].push_back(p);
    }
  };
  for (size_t i = 0; i < n; ++i) {
    const Operation& o = h.ops[i];
    if (IsRead(o)) {
      if (!o.output.known) continue;
      bool nil = !o.output.found || (h.empty_is_absent && o.output.value.empty());
      if (nil) {
        add_called_before(i, to_nil);
      } else if (!appends) {
        auto it = producers.find(o.output.value);
        if (it != producers.end()) add_called_before(i, it->second);
      } else {   // every write whose value shows in the string
        std::set<size_t> found;
        const std::string& v = o.output.value;
        for (size_t at = 0; at < v.size(); ++at) {
          for (size_t len : lengths) {
            if (at + len > v.size()) break;
            auto it = producers.find(v.substr(at, len));
            if (it != producers.end()) found.insert(it->second.begin(), it->second.end());
          }
        }
        // and on what emptied the key: the string may have been built on that empty state.
        found.insert(to_nil.begin(), to_nil.end());
        add_called_before(i, std::vector<size_t>(found.begin(), found.end()));
      }
    } else if (o.input.kind == OpKind::kCas) {
      if (o.output.known && !o.output.ok) {   // saw "anything but expected": any write matters
        add_called_before(i, all_writes);
      } else {
        auto it = producers.find(o.input.expected);
        if (it != producers.end()) add_called_before(i, it->second);
      }
    }
    for (size_t p : d.deps[i]) d.users[p].push_back(i);
  }
  return d;
}

std::vector<size_t> RemoveWith(const Dependencies& d, size_t n, const std::vector<size_t>& kept,
                               const std::vector<size_t>& drop) {
  std::vector<bool> in(n, false);
  for (size_t i : kept) in[i] = true;
  std::vector<size_t> work;
  for (size_t i : drop) {
    if (in[i]) in[i] = false, work.push_back(i);
  }
  while (!work.empty()) {
    size_t gone = work.back();
    work.pop_back();
    for (size_t u : d.users[gone]) {
      if (!in[u]) continue;
      in[u] = false;
      work.push_back(u);
    }
  }
  std::vector<size_t> out;
  for (size_t i : kept) {
    if (in[i]) out.push_back(i);
  }
  return out;
}

class Shrinker {
 public:
  Shrinker(const History& h, const LinOptions& opt) : h_(h), opt_(opt), deps_(FindDependencies(h)) {
    if (opt_.now_ns) deadline_ = opt_.now_ns() + opt_.shrink_time_budget_ns;
  }

  ShrunkHistory Run() {
    std::vector<size_t> cur(h_.ops.size());
    for (size_t i = 0; i < cur.size(); ++i) cur[i] = i;
    std::stable_sort(cur.begin(), cur.end(),
                     [&](size_t a, size_t b) { return h_.ops[a].call < h_.ops[b].call; });
    ShrunkHistory out;
    if (Try(cur) != Validity::kViolated) {
      out.ops = cur;
      out.checks = checks_;
      out.not_minimal_why = stopped_.empty() ? "the history did not fail when checked again" : stopped_;
      return out;
    }
    size_t chunk = std::max<size_t>(1, cur.size() / 2);
    while (stopped_.empty()) {
      bool removed = false;
      bool undecided = false;
      for (size_t start = 0; start < cur.size() && stopped_.empty();) {
        size_t end = std::min(cur.size(), start + chunk);
        std::vector<size_t> drop(cur.begin() + long(start), cur.begin() + long(end));
        std::vector<size_t> cand = RemoveWith(deps_, h_.ops.size(), cur, drop);
        Validity v = Try(cand);
        if (v == Validity::kViolated) {
          cur = std::move(cand);
          removed = true;
        } else {
          if (v != Validity::kOk) undecided = true;
          start = end;
        }
      }
      if (chunk > 1) {
        chunk = std::max<size_t>(1, std::min(chunk / 2, cur.size() / 2));
        continue;
      }
      if (!removed) {
        out.minimal = stopped_.empty() && !undecided;
        if (undecided && stopped_.empty()) stopped_ = "a try was undecided within its budget";
        break;
      }
    }
    out.ops = std::move(cur);
    out.checks = checks_;
    if (!out.minimal) out.not_minimal_why = stopped_;
    return out;
  }

 private:
  // The verdict on a sub-history; kUnknown also when a shrink budget ran out.
  Validity Try(const std::vector<size_t>& sub) {
    if (!stopped_.empty()) return Validity::kUnknown;
    if (checks_ >= opt_.shrink_max_checks) {
      stopped_ = "shrink budget of " + std::to_string(opt_.shrink_max_checks) + " checks used up";
      return Validity::kUnknown;
    }
    LinOptions o = opt_;
    o.shrink_violations = false;
    o.stop_at_first_violation = true;
    if (opt_.now_ns) {
      int64_t left = deadline_ - opt_.now_ns();
      if (left <= 0) {
        stopped_ = "shrink time budget of " + std::to_string(opt_.shrink_time_budget_ns / 1000000) +
                   " ms used up";
        return Validity::kUnknown;
      }
      o.time_budget_ns = left;
    }
    uint64_t steps_left = opt_.shrink_max_steps > steps_ ? opt_.shrink_max_steps - steps_ : 0;
    if (steps_left == 0) {
      stopped_ = "shrink budget of " + std::to_string(opt_.shrink_max_steps) + " search steps used up";
      return Validity::kUnknown;
    }
    o.max_steps = opt_.max_steps == 0 ? steps_left : std::min(opt_.max_steps, steps_left);
    History s;
    s.model = h_.model;
    s.empty_is_absent = h_.empty_is_absent;
    s.ops.reserve(sub.size());
    for (size_t i : sub) s.ops.push_back(h_.ops[i]);
    ++checks_;
    Result<LinResult> r = CheckLinearizability(s, o);
    if (!r.ok()) return Validity::kUnknown;
    steps_ += r->steps;
    return r->validity;
  }

  const History& h_;
  const LinOptions& opt_;
  Dependencies deps_;
  int64_t deadline_ = 0;
  size_t checks_ = 0;
  uint64_t steps_ = 0;
  std::string stopped_;
};

}  // namespace

std::vector<size_t> RemoveWithDependents(const History& h, const std::vector<size_t>& kept,
                                         const std::vector<size_t>& drop) {
  return RemoveWith(FindDependencies(h), h.ops.size(), kept, drop);
}

ShrunkHistory ShrinkViolation(const History& h, const LinOptions& options) {
  return Shrinker(h, options).Run();
}

std::vector<std::string> DescribeShrunk(const History& h, const ShrunkHistory& s,
                                        const std::string& label) {
  std::vector<std::string> out;
  std::string head = "  " + std::string(s.minimal ? "minimal" : "shrunk") +
                     " failing sub-history of " + label + ": " + std::to_string(s.ops.size()) +
                     " of " + std::to_string(h.ops.size()) + " operations";
  if (s.minimal) {
    head += "; without any one of them (and what may have seen it) the rest is linearizable:";
  } else {
    head += " (not proven minimal: " + s.not_minimal_why + "):";
  }
  out.push_back(head);
  for (size_t i : s.ops) out.push_back("    " + DescribeOp(h.ops[i]));
  return out;
}

}  // namespace raftlab::evidence
