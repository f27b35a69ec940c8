#include "evidence/lin_unique_values.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "evidence/lin_append_parse.h"

namespace raftlab::evidence {
namespace {

constexpr int64_t kInf = std::numeric_limits<int64_t>::max();
constexpr int64_t kNegInf = std::numeric_limits<int64_t>::min();
constexpr int kNone = -1;

int64_t Ret(const Operation& op) { return op.ret ? *op.ret : kInf; }

struct Version {
  int writer = kNone;            // op index; kNone for the initial state (version 0)
  int pred = kNone;              // version that must hold just before the writer, or kNone
  bool linked = false;           // pred is known (an append placed by a read's string)
  int linked_by = kNone;         // the read whose string placed it
  bool pred_missing = false;     // a cas whose expected value no operation writes
  bool required = false;         // must take effect in every linearization
  std::vector<int> reads;        // known reads that saw it
  int succ = kNone;              // the version whose writer replaced it through a link
};

// min return / max call over a set of operations, with the operations that attain them.
struct Span {
  int64_t min_ret = kInf, max_call = kNegInf;
  int min_ret_op = kNone, max_call_op = kNone;
  void Add(int op, const Operation& o) {
    if (Ret(o) < min_ret) min_ret = Ret(o), min_ret_op = op;
    if (o.call > max_call) max_call = o.call, max_call_op = op;
  }
};

struct Entry {   // one operation of a witness: its point and a tie-break within the point
  int64_t point;
  int64_t order;
  int op;
};

class Decider {
 public:
  Decider(const Model& model, ModelKind kind, bool empty_is_absent,
          const std::vector<const Operation*>& ops, const std::string& label)
      : model_(model), kind_(kind), empty_is_absent_(empty_is_absent), ops_(ops), label_(label) {}

  UniqueValueResult Run() {
    if (!Classify() || !ObserveReads() || !Propagate() || !Link() || !BuildChains() ||
        !CheckChains() || !CheckFailedCas()) {
      return res_;
    }
    return Schedule();
  }

 private:
  const Operation& op(int i) const { return *ops_[size_t(i)]; }

  bool NotApplicable(std::string why) {
    res_.outcome = UniqueOutcome::kNotApplicable;
    res_.why = std::move(why);
    return false;
  }
  bool Undecided(std::string why) {
    res_.outcome = UniqueOutcome::kUndecided;
    res_.why = std::move(why);
    return false;
  }
  bool Violated(const std::string& why, std::initializer_list<int> involved) {
    res_.outcome = UniqueOutcome::kViolated;
    res_.report.push_back(label_ + ": not linearizable: " + why + ":");
    std::vector<int> seen;
    for (int i : involved) {
      if (i == kNone || std::find(seen.begin(), seen.end(), i) != seen.end()) continue;
      seen.push_back(i);
      res_.report.push_back("    " + DescribeOp(op(i)));
    }
    return false;
  }
  std::string Quoted(const std::string& s) const { return "\"" + s + "\""; }
  std::string Short(int i) const {   // "client 3's put \"x\"": enough to find the line below
    const Operation& o = op(i);
    std::string s = "client " + std::to_string(o.client) + "'s " + OpKindName(o.input.kind);
    if (o.input.kind != OpKind::kRead && o.input.kind != OpKind::kGet) {
      s += " " + Quoted(o.input.value);
    }
    return s;
  }

  int NewVersion(int writer) {
    versions_.emplace_back();
    versions_.back().writer = writer;
    op_version_[size_t(writer)] = int(versions_.size()) - 1;
    return int(versions_.size()) - 1;
  }

  // Sorts the operations into readers, writers (each a version) and failed cas operations.
  bool Classify() {
    versions_.assign(1, Version{});   // version 0: the initial, empty state
    versions_[0].required = true;
    op_version_.assign(ops_.size(), kNone);
    for (int i = 0; i < int(ops_.size()); ++i) {
      const Operation& o = op(i);
      switch (o.input.kind) {
        case OpKind::kRead:
        case OpKind::kGet:
          if (o.output.known) reads_.push_back(i);
          break;
        case OpKind::kWrite:
        case OpKind::kPut:
        case OpKind::kCas: {
          if (o.input.kind == OpKind::kCas && o.output.known && !o.output.ok) {
            failed_cas_.push_back(i);
            break;
          }
          const std::string& v = o.input.value;
          if (empty_is_absent_ && v.empty()) {
            return NotApplicable("a put of \"\" is the same as no value");
          }
          if (value_version_.count(v)) return NotApplicable("value " + Quoted(v) + " is written twice");
          int id = NewVersion(i);
          value_version_.emplace(v, id);
          if (o.input.kind == OpKind::kCas) {
            cas_versions_.push_back(id);
          } else {
            base_values_.push_back(v);
            base_versions_.push_back(id);
          }
          break;
        }
        case OpKind::kAppend: {
          const std::string& t = o.input.value;
          if (t.empty()) return NotApplicable("an append of \"\"");
          if (token_index_.count(t)) return NotApplicable("value " + Quoted(t) + " is appended twice");
          token_index_.emplace(t, int(tokens_.size()));
          tokens_.push_back(t);
          token_versions_.push_back(NewVersion(i));
          break;
        }
        case OpKind::kDelete:
          return NotApplicable("a delete (the empty state then is not one unique value)");
      }
    }
    if (kind_ == ModelKind::kKv && !cas_versions_.empty()) return NotApplicable("cas in a kv history");
    for (int id : cas_versions_) {
      auto it = value_version_.find(op(versions_[size_t(id)].writer).input.expected);
      if (it == value_version_.end()) {
        versions_[size_t(id)].pred_missing = true;
      } else {
        versions_[size_t(id)].pred = it->second;
      }
    }
    return true;
  }

  // Attaches every known read to the version it saw. With appends, a read's string also fixes
  // which version each of its appends replaced.
  bool ObserveReads() {
    std::unique_ptr<AppendParser> parser;
    if (!tokens_.empty()) parser = std::make_unique<AppendParser>(base_values_, tokens_);
    std::vector<int> seen_in_read(versions_.size(), kNone);
    for (int r : reads_) {
      const OpOutput& out = op(r).output;
      bool nil = !out.found || (empty_is_absent_ && out.value.empty());
      if (nil) {
        versions_[0].reads.push_back(r);
        continue;
      }
      if (!parser) {
        auto it = value_version_.find(out.value);
        if (it == value_version_.end()) {
          return Violated("a read saw " + Quoted(out.value) + ", which no operation writes", {r});
        }
        versions_[size_t(it->second)].reads.push_back(r);
        MarkRequired(it->second);
        continue;
      }
      AppendDecomposition d = parser->Parse(out.value, /*initial_base=*/true);
      if (d.count == 0) {
        return Violated("a read saw " + Quoted(out.value) +
                            ", which no sequence of this key's writes produces", {r});
      }
      if (d.count > 1) {
        return NotApplicable("the string " + Quoted(out.value) +
                             " can be built from this key's writes in more than one way");
      }
      int prev = d.base < 0 ? 0 : base_versions_[size_t(d.base)];
      MarkRequired(prev);
      for (int t : d.tokens) {
        int v = token_versions_[size_t(t)];
        Version& ver = versions_[size_t(v)];
        if (seen_in_read[size_t(v)] == r) {
          return Violated("a read shows " + Quoted(tokens_[size_t(t)]) +
                              " appended twice, but one operation appended it once",
                          {r, ver.writer});
        }
        seen_in_read[size_t(v)] = r;
        if (ver.linked && ver.pred != prev) {
          return Violated("two reads disagree on what preceded the append of " +
                              Quoted(tokens_[size_t(t)]),
                          {ver.writer, ver.linked_by, r});
        }
        ver.linked = true;
        ver.pred = prev;
        ver.linked_by = r;
        MarkRequired(v);
        prev = v;
      }
      versions_[size_t(prev)].reads.push_back(r);
    }
    return true;
  }

  void MarkRequired(int v) {
    if (versions_[size_t(v)].required) return;
    versions_[size_t(v)].required = true;
    work_.push_back(v);
  }

  // A version takes effect when its writer returned or someone saw it; then so does the one
  // it needs before it.
  bool Propagate() {
    for (size_t v = 1; v < versions_.size(); ++v) {
      if (op(versions_[v].writer).ret) MarkRequired(int(v));
    }
    while (!work_.empty()) {
      int v = work_.back();
      work_.pop_back();
      const Version& ver = versions_[size_t(v)];
      if (v == 0) continue;
      if (ver.pred_missing) {
        const Operation& w = op(ver.writer);
        return Violated(std::string(w.ret ? "a cas succeeded" : "a cas that never returned had to "
                                                                "take effect (its value was read)") +
                            " but expects " + Quoted(w.input.expected) + ", which no operation writes",
                        {ver.writer});
      }
      if (ver.pred != kNone) MarkRequired(ver.pred);
    }
    return true;
  }

  // Each version is replaced through a link by at most one operation.
  bool Link() {
    for (size_t v = 1; v < versions_.size(); ++v) {
      Version& ver = versions_[v];
      if (!ver.required || ver.pred == kNone) continue;
      Version& p = versions_[size_t(ver.pred)];
      if (p.succ != kNone) {
        std::string state = ver.pred == 0 ? "the initial state" : "the value written by " + Short(p.writer);
        return Violated("two operations both need " + state + " just before they take effect",
                        {p.writer, versions_[size_t(p.succ)].writer, ver.writer});
      }
      p.succ = int(v);
    }
    return true;
  }

  bool BuildChains() {
    std::vector<bool> visited(versions_.size(), false);
    size_t required = 0;
    for (size_t v = 0; v < versions_.size(); ++v) {
      const Version& ver = versions_[v];
      if (!ver.required) continue;
      ++required;
      if (v != 0 && ver.pred != kNone) continue;
      std::vector<int> chain;
      for (int c = int(v); c != kNone; c = versions_[size_t(c)].succ) {
        chain.push_back(c);
        visited[size_t(c)] = true;
      }
      // The initial state's chain first.
      if (v == 0) {
        chains_.insert(chains_.begin(), std::move(chain));
      } else {
        chains_.push_back(std::move(chain));
      }
    }
    size_t in_chains = 0;
    for (const auto& c : chains_) in_chains += c.size();
    if (in_chains == required) return true;
    for (size_t v = 1; v < versions_.size(); ++v) {   // a cycle: every version needs the one before
      if (!versions_[v].required || visited[v]) continue;
      std::vector<int> cycle;
      int c = int(v);
      do {
        cycle.push_back(versions_[size_t(c)].writer);
        c = versions_[size_t(c)].succ;
      } while (c != int(v) && c != kNone && cycle.size() <= versions_.size());
      Violated("these operations each need the value the previous one wrote, in a circle: none "
               "can be first", {});
      for (int w : cycle) res_.report.push_back("    " + DescribeOp(op(w)));
      return false;
    }
    return Undecided("internal: a version outside every chain");
  }

  // Within a chain the order is forced: writer, its reads, the next writer, its reads, ...
  // Every operation must be callable before any later one returned.
  bool CheckChains() {
    spans_.resize(chains_.size());
    for (size_t c = 0; c < chains_.size(); ++c) {
      std::vector<std::pair<int, int>> ranked;   // (rank, op), ranks ascending
      const std::vector<int>& chain = chains_[c];
      for (size_t k = 0; k < chain.size(); ++k) {
        const Version& ver = versions_[size_t(chain[k])];
        if (ver.writer != kNone) ranked.emplace_back(int(2 * k), ver.writer);
        for (int r : ver.reads) ranked.emplace_back(int(2 * k + 1), r);
      }
      int64_t later_min_ret = kInf;
      int later_op = kNone;
      size_t i = ranked.size();
      while (i > 0) {
        size_t j = i;
        while (j > 0 && ranked[j - 1].first == ranked[i - 1].first) --j;
        for (size_t k = j; k < i; ++k) {
          int b = ranked[k].second;
          if (op(b).call > later_min_ret) {
            return Violated("the first operation below returned before the second was called, "
                            "yet the values they write and read force it after the second",
                            {later_op, b});
          }
        }
        for (size_t k = j; k < i; ++k) {
          int a = ranked[k].second;
          if (Ret(op(a)) < later_min_ret) later_min_ret = Ret(op(a)), later_op = a;
        }
        i = j;
      }
      for (const auto& [rank, o] : ranked) spans_[c].Add(o, op(o));
    }
    // The initial state's chain precedes every other: nothing else may return before one of its
    // operations was called.
    const Span& first = spans_[0];
    for (size_t c = 1; c < chains_.size(); ++c) {
      if (spans_[c].min_ret < first.max_call) {
        return Violated("the first operation below returned before the second was called, yet "
                        "the second saw a state that precedes every write the first needs",
                        {spans_[c].min_ret_op, first.max_call_op});
      }
    }
    // Two chains that must each precede the other.
    std::vector<size_t> by_ret;
    for (size_t c = 1; c < chains_.size(); ++c) by_ret.push_back(c);
    std::sort(by_ret.begin(), by_ret.end(),
              [&](size_t x, size_t y) { return spans_[x].min_ret < spans_[y].min_ret; });
    // top[i]: the two largest max_call among by_ret[0..i].
    std::vector<std::pair<size_t, size_t>> top(by_ret.size());
    for (size_t i = 0; i < by_ret.size(); ++i) {
      size_t best = by_ret[i], second = SIZE_MAX;
      if (i > 0) {
        auto [b0, b1] = top[i - 1];
        auto call = [&](size_t c) { return c == SIZE_MAX ? kNegInf : spans_[c].max_call; };
        if (call(b0) >= call(best)) {
          second = call(b1) >= call(best) ? b1 : best;
          best = b0;
        } else {
          second = b0;
        }
      }
      top[i] = {best, second};
    }
    for (size_t y = 1; y < chains_.size(); ++y) {
      // Chains x with min_ret(x) < max_call(y) must precede y.
      auto end = std::lower_bound(by_ret.begin(), by_ret.end(), spans_[y].max_call,
                                  [&](size_t c, int64_t v) { return spans_[c].min_ret < v; });
      if (end == by_ret.begin()) continue;
      auto [b0, b1] = top[size_t(end - by_ret.begin()) - 1];
      size_t x = b0 == y ? b1 : b0;
      if (x == SIZE_MAX || spans_[x].max_call <= spans_[y].min_ret) continue;
      return Violated("two groups of operations must each come first: the first operation below "
                      "returned before the second was called, and the third before the fourth, "
                      "yet each pair forces the other's values in between",
                      {spans_[x].min_ret_op, spans_[y].max_call_op, spans_[y].min_ret_op,
                       spans_[x].max_call_op});
    }
    return true;
  }

  // A failed cas inside its expected value's stretch in every linearization: after the writer
  // of that value returned, and before a later reader of it was called.
  bool CheckFailedCas() {
    for (int f : failed_cas_) {
      auto it = value_version_.find(op(f).input.expected);
      if (it == value_version_.end() || !versions_[size_t(it->second)].required) continue;
      const Version& ver = versions_[size_t(it->second)];
      if (Ret(op(ver.writer)) >= op(f).call) continue;
      int latest = kNone;
      for (int r : ver.reads) {
        if (latest == kNone || op(r).call > op(latest).call) latest = r;
      }
      if (ver.succ != kNone) {
        int s = versions_[size_t(ver.succ)].writer;
        if (latest == kNone || op(s).call > op(latest).call) latest = s;
      }
      if (latest != kNone && Ret(op(f)) < op(latest).call) {
        return Violated("a cas failed although the register held its expected value throughout "
                        "it: that value's writer returned before it was called and it returned "
                        "before the value was read again",
                        {ver.writer, f, latest});
      }
    }
    return true;
  }

  // The chains in zone order, then concrete points for every writer: earliest first, latest
  // if some failed cas cannot be placed; each schedule is replayed before it is believed.
  UniqueValueResult Schedule() {
    std::vector<size_t> order;
    for (size_t c = 1; c < chains_.size(); ++c) order.push_back(c);
    auto key = [&](size_t c) {
      const Span& s = spans_[c];
      bool forward = s.min_ret < s.max_call;
      return std::make_tuple(std::min(s.min_ret, s.max_call), forward ? 1 : 0, c);
    };
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return key(x) < key(y); });
    seq_ = chains_[0];
    for (size_t c : order) seq_.insert(seq_.end(), chains_[c].begin(), chains_[c].end());
    pos_.assign(versions_.size(), kNone);
    for (size_t k = 0; k < seq_.size(); ++k) pos_[size_t(seq_[k])] = int(k);

    size_t n = seq_.size();
    std::vector<int64_t> lo(n, kNegInf), hi(n, kInf);
    for (size_t k = 1; k < n; ++k) {
      const Operation& w = op(versions_[size_t(seq_[k])].writer);
      lo[k] = w.call;
      for (int r : versions_[size_t(seq_[k - 1])].reads) lo[k] = std::max(lo[k], op(r).call);
      hi[k] = Ret(w);
      for (int r : versions_[size_t(seq_[k])].reads) hi[k] = std::min(hi[k], Ret(op(r)));
    }
    std::vector<int64_t> early(n, kNegInf), late(n, kNegInf);
    for (size_t k = 1; k < n; ++k) {
      early[k] = std::max(lo[k], early[k - 1]);
      if (early[k] > hi[k]) {
        res_.outcome = UniqueOutcome::kUndecided;
        res_.why = "internal: the chain order has no schedule";
        return res_;
      }
    }
    for (size_t k = n; k-- > 1;) {
      late[k] = k + 1 < n ? std::min(hi[k], late[k + 1]) : (hi[k] == kInf ? early[k] : hi[k]);
    }
    std::string why;
    for (const std::vector<int64_t>* x : {&early, &late}) {
      std::vector<Entry> entries;
      size_t unplaced = Place(*x, &entries);
      if (unplaced > 0) {
        why = std::to_string(unplaced) + " failed cas operations could not be placed outside "
              "their expected value";
        continue;
      }
      std::string bad = Verify(&entries);
      if (bad.empty()) {
        res_.outcome = UniqueOutcome::kOk;
        return res_;
      }
      why = "internal: witness rejected: " + bad;
    }
    res_.outcome = UniqueOutcome::kUndecided;
    res_.why = why;
    return res_;
  }

  // Points for every operation under writer points x; returns how many failed cas ops found none.
  size_t Place(const std::vector<int64_t>& x, std::vector<Entry>* out) {
    for (size_t k = 0; k < seq_.size(); ++k) {
      const Version& ver = versions_[size_t(seq_[k])];
      int64_t base = 3 * int64_t(k);
      if (ver.writer != kNone) out->push_back({x[k], base + 1, ver.writer});
      for (int r : ver.reads) out->push_back({std::max(op(r).call, x[k]), base + 2, r});
    }
    size_t unplaced = 0;
    for (int f : failed_cas_) {
      const Operation& o = op(f);
      auto it = value_version_.find(o.input.expected);
      if (it == value_version_.end() || !versions_[size_t(it->second)].required) {
        out->push_back({o.call, -1, f});   // its expected value never holds: anywhere will do
        continue;
      }
      size_t k = size_t(pos_[size_t(it->second)]);
      if (o.call <= x[k]) {
        out->push_back({o.call, 3 * int64_t(k), f});   // before the expected value's writer
      } else if (k + 1 < seq_.size() && Ret(o) >= x[k + 1]) {
        out->push_back({std::max(o.call, x[k + 1]), 3 * int64_t(k + 1) + 2, f});   // after its successor
      } else {
        ++unplaced;
      }
    }
    return unplaced;
  }

  // Replays the witness: each point inside its operation's interval, every returned operation
  // present once, the model accepting each step. Empty when it holds.
  std::string Verify(std::vector<Entry>* entries) {
    std::sort(entries->begin(), entries->end(), [](const Entry& a, const Entry& b) {
      return std::tie(a.point, a.order, a.op) < std::tie(b.point, b.order, b.op);
    });
    std::vector<bool> placed(ops_.size(), false);
    KeyState s = model_.Init();
    for (const Entry& e : *entries) {
      const Operation& o = op(e.op);
      if (placed[size_t(e.op)]) return "an operation placed twice";
      placed[size_t(e.op)] = true;
      if (e.point < o.call || e.point > Ret(o)) return "a point outside its operation";
      KeyState next;
      if (!model_.Step(s, o, &next)) return model_.WhyNot(s, o);
      s = std::move(next);
    }
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (placed[i] || !ops_[i]->ret) continue;
      bool unknown_read = !ops_[i]->output.known;
      if (!unknown_read) return "a returned operation left out";
    }
    return "";
  }

  const Model& model_;
  ModelKind kind_;
  bool empty_is_absent_;
  const std::vector<const Operation*>& ops_;
  std::string label_;
  UniqueValueResult res_;

  std::vector<Version> versions_;
  std::vector<int> op_version_;
  std::unordered_map<std::string, int> value_version_;   // write / put / cas value -> version
  std::vector<std::string> base_values_;
  std::vector<int> base_versions_;
  std::vector<int> cas_versions_;
  std::unordered_map<std::string, int> token_index_;
  std::vector<std::string> tokens_;
  std::vector<int> token_versions_;
  std::vector<int> reads_;
  std::vector<int> failed_cas_;
  std::vector<int> work_;
  std::vector<std::vector<int>> chains_;   // chains_[0]: the initial state's
  std::vector<Span> spans_;
  std::vector<int> seq_;
  std::vector<int> pos_;
};

}  // namespace

UniqueValueResult DecideUniqueValues(const Model& model, ModelKind kind, bool empty_is_absent,
                                     const std::vector<const Operation*>& ops,
                                     const std::string& label) {
  return Decider(model, kind, empty_is_absent, ops, label).Run();
}

}  // namespace raftlab::evidence
