#include "evidence/linearizability.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include "evidence/lin_shrink.h"
#include "evidence/lin_unique_values.h"
#include "evidence/models.h"

namespace raftlab::evidence {
namespace {

uint64_t Mix(uint64_t x) {   // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// ---- budget ---------------------------------------------------------------------------------

// Shared by all partitions of one check.
struct Budget {
  const LinOptions& opt;
  int64_t deadline = 0;
  uint64_t steps = 0;
  std::string exceeded;   // non-empty once a budget is exceeded

  explicit Budget(const LinOptions& o) : opt(o) {
    if (opt.now_ns) deadline = opt.now_ns() + opt.time_budget_ns;
  }
  // Called once per search step; cheap.
  bool Step() {
    ++steps;
    if (opt.max_steps != 0 && steps > opt.max_steps) {
      exceeded = "step budget of " + std::to_string(opt.max_steps) + " exceeded";
      return false;
    }
    if ((steps & 1023) == 0 && opt.now_ns && opt.now_ns() > deadline) {
      exceeded = "time budget of " + std::to_string(opt.time_budget_ns / 1000000) +
                 " ms exceeded";
      return false;
    }
    return true;
  }
};

// ---- bitset of linearized operations ----------------------------------------------------------

// Canonical compact form: words below `base` are all ones, words from `top` on are all zero.
class OpSet {
 public:
  explicit OpSet(size_t n) : words_((n + 63) / 64 + 1, 0) {}
  void Set(size_t i) {
    size_t w = i / 64;
    words_[w] |= 1ull << (i % 64);
    if (w + 1 > top_) top_ = w + 1;
    while (base_ < words_.size() && words_[base_] == ~0ull) ++base_;
    if (top_ < base_) top_ = base_;
  }
  void Clear(size_t i) {
    size_t w = i / 64;
    words_[w] &= ~(1ull << (i % 64));
    if (w < base_) base_ = w;
    while (top_ > base_ && words_[top_ - 1] == 0) --top_;
  }
  uint32_t base() const { return static_cast<uint32_t>(base_); }
  uint32_t len() const { return static_cast<uint32_t>(top_ - base_); }
  const uint64_t* data() const { return words_.data() + base_; }

 private:
  std::vector<uint64_t> words_;
  size_t base_ = 0;
  size_t top_ = 0;
};

// ---- memo of explored configurations ----------------------------------------------------------

// Open addressing over an arena of entries [hash][state<<32|base][len][words...].
class ConfigCache {
 public:
  enum class Insert { kNew, kSeen, kFull };

  ConfigCache() : slots_(16, 0) {}

  // kFull when storing the entry would take the cache over `limit` bytes.
  Insert Add(uint64_t hash, uint32_t state, const OpSet& set, uint64_t limit) {
    uint64_t tag = (uint64_t{state} << 32) | set.base();
    size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    for (; slots_[i] != 0; i = (i + 1) & mask) {
      size_t off = slots_[i] - 1;
      if (arena_[off] != hash || arena_[off + 1] != tag || arena_[off + 2] != set.len()) continue;
      if (std::equal(set.data(), set.data() + set.len(), arena_.begin() + off + 3)) {
        return Insert::kSeen;
      }
    }
    size_t need = 3 + set.len();
    if (arena_.size() + need > arena_.capacity()) {
      size_t cap = std::max(arena_.capacity() * 2, arena_.size() + need + 4096);
      if (Bytes() + cap * 8 > limit) return Insert::kFull;
      arena_.reserve(cap);
    }
    if ((count_ + 1) * 2 > slots_.size()) {
      if (Bytes() + slots_.size() * 8 > limit) return Insert::kFull;
      Grow();
      mask = slots_.size() - 1;
      for (i = hash & mask; slots_[i] != 0; i = (i + 1) & mask) {}
    }
    if (arena_.size() + 1 > std::numeric_limits<uint32_t>::max()) return Insert::kFull;
    slots_[i] = static_cast<uint32_t>(arena_.size() + 1);
    arena_.push_back(hash);
    arena_.push_back(tag);
    arena_.push_back(set.len());
    arena_.insert(arena_.end(), set.data(), set.data() + set.len());
    ++count_;
    return Insert::kNew;
  }

  uint64_t Bytes() const { return arena_.capacity() * 8 + slots_.capacity() * 4; }
  uint64_t count() const { return count_; }

 private:
  void Grow() {
    std::vector<uint32_t> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, 0);
    size_t mask = slots_.size() - 1;
    for (uint32_t s : old) {
      if (s == 0) continue;
      size_t i = arena_[s - 1] & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<uint64_t> arena_;
  std::vector<uint32_t> slots_;
  uint64_t count_ = 0;
};

// ---- model states, interned ------------------------------------------------------------------

// Each distinct state is stored once, its bytes in large shared blocks, and named by a dense id;
// transitions are memoised in a flat table. Few, large allocations: the table is cheap to build
// up to millions of states and cheap to free.
class StateTable {
 public:
  explicit StateTable(const Model& m) : model_(m), slots_(16, -1), trans_keys_(16, kEmpty),
                                        trans_vals_(16, -1) {}

  int32_t Intern(const KeyState& s) {
    uint64_t h = KeyStateHash()(s);
    size_t mask = slots_.size() - 1;
    size_t i = h & mask;
    for (; slots_[i] >= 0; i = (i + 1) & mask) {
      const Ref& r = refs_[slots_[i]];
      if (r.hash == h && r.present == s.present && r.len == s.value.size() &&
          std::memcmp(blocks_[r.block].data() + r.offset, s.value.data(), r.len) == 0) {
        return slots_[i];
      }
    }
    if (blocks_.empty() || blocks_.back().capacity() - blocks_.back().size() < s.value.size()) {
      // Blocks grow from small to kBlock, so that many small partitions stay small.
      size_t size = blocks_.empty() ? 256 : std::min(kBlock, 2 * blocks_.back().capacity());
      blocks_.emplace_back();
      blocks_.back().reserve(std::max(size, s.value.size()));
      bytes_ += blocks_.back().capacity();
    }
    std::string& b = blocks_.back();
    int32_t id = int32_t(refs_.size());
    refs_.push_back(Ref{h, uint32_t(blocks_.size() - 1), uint32_t(b.size()), uint32_t(s.value.size()),
                        s.present});
    b.append(s.value);
    slots_[i] = id;
    if (refs_.size() * 2 > slots_.size()) GrowSlots();
    return id;
  }
  // The state after op `op_index` (operation `op`) in state `id`, or -1 if it cannot happen.
  int32_t Next(int32_t id, uint32_t op_index, const Operation& op) {
    uint64_t key = (uint64_t(uint32_t(id)) << 32) | op_index;
    size_t mask = trans_keys_.size() - 1;
    size_t i = Mix(key) & mask;
    for (; trans_keys_[i] != kEmpty; i = (i + 1) & mask) {
      if (trans_keys_[i] == key) return trans_vals_[i];
    }
    KeyState next;
    int32_t r = model_.Step(Get(id), op, &next) ? Intern(next) : -1;
    // Intern() does not touch the transition table: slot i is still free.
    trans_keys_[i] = key;
    trans_vals_[i] = r;
    if (++trans_count_ * 2 > trans_keys_.size()) GrowTransitions();
    return r;
  }
  KeyState Get(int32_t id) const {
    const Ref& r = refs_[id];
    return KeyState{r.present, blocks_[r.block].substr(r.offset, r.len)};
  }
  uint64_t Bytes() const {
    return bytes_ + refs_.capacity() * sizeof(Ref) + slots_.capacity() * 4 +
           trans_keys_.capacity() * 12;
  }

 private:
  static constexpr uint64_t kEmpty = ~0ull;
  static constexpr size_t kBlock = 1 << 20;
  struct Ref {
    uint64_t hash;
    uint32_t block, offset, len;
    bool present;
  };
  void GrowSlots() {
    slots_.assign(slots_.size() * 2, -1);
    size_t mask = slots_.size() - 1;
    for (size_t id = 0; id < refs_.size(); ++id) {
      size_t i = refs_[id].hash & mask;
      while (slots_[i] >= 0) i = (i + 1) & mask;
      slots_[i] = int32_t(id);
    }
  }
  void GrowTransitions() {
    std::vector<uint64_t> keys(trans_keys_.size() * 2, kEmpty);
    std::vector<int32_t> vals(keys.size(), -1);
    size_t mask = keys.size() - 1;
    for (size_t j = 0; j < trans_keys_.size(); ++j) {
      if (trans_keys_[j] == kEmpty) continue;
      size_t i = Mix(trans_keys_[j]) & mask;
      while (keys[i] != kEmpty) i = (i + 1) & mask;
      keys[i] = trans_keys_[j];
      vals[i] = trans_vals_[j];
    }
    trans_keys_.swap(keys);
    trans_vals_.swap(vals);
  }

  const Model& model_;
  std::vector<std::string> blocks_;
  std::vector<Ref> refs_;
  std::vector<int32_t> slots_;
  std::vector<uint64_t> trans_keys_;
  std::vector<int32_t> trans_vals_;
  size_t trans_count_ = 0;
  uint64_t bytes_ = 0;
};

// ---- the search -----------------------------------------------------------------------------

struct Node {
  int32_t op = -1;      // index into the partition's ops
  bool call = false;
  int32_t match = -1;   // the call's return node, or the return's call node
  int32_t prev = -1;
  int32_t next = -1;
};

// What the search looked like at its deepest dead end.
struct DeadEnd {
  size_t depth = 0;
  bool set = false;
  std::vector<int32_t> sequence;    // linearized ops, in order
  std::vector<int32_t> states;      // state after each
  int32_t state = 0;                // state after the sequence
  int32_t blocker = -1;             // op whose return was reached
  std::vector<std::pair<int32_t, std::string>> pending;   // callable ops and why they fail
};

// The search over one partition, resumable: Advance() runs a slice of steps, so that several
// partitions can be searched in turn and a violation in one ends the others early.
class PartitionSearch {
 public:
  PartitionSearch(const Model& model, std::string key, std::vector<const Operation*> ops,
                  const LinOptions& opt);
  PartitionSearch(const PartitionSearch&) = delete;
  PartitionSearch& operator=(const PartitionSearch&) = delete;

  // Runs at most `slice` steps with at most `mem_limit` bytes. True when finished.
  bool Advance(Budget* budget, uint64_t slice, uint64_t mem_limit);
  // Ends an unfinished search as unknown.
  void Abandon(const std::string& why) { Unknown(why); }
  uint64_t Bytes() const { return cache_.Bytes() + states_.Bytes(); }
  PartitionResult& result() { return res_; }

 private:
  void BuildList();
  void Lift(int32_t n);
  void Unlift(int32_t n);
  void RecordDeadEnd(int32_t ret_node);
  int32_t FirstCandidate();
  bool Backtrack();
  std::vector<std::string> Report() const;
  std::string Label() const {
    return res_.key.empty() ? "the register" : "key \"" + res_.key + "\"";
  }
  bool Finish(Validity v);
  bool Unknown(const std::string& why);

  const Model& model_;
  const LinOptions& opt_;
  std::vector<const Operation*> ops_;   // sorted by call time
  StateTable states_;
  ConfigCache cache_;
  std::vector<Node> nodes_;             // node 0 is the head sentinel
  std::vector<uint64_t> zobrist_;
  std::vector<bool> read_only_;
  DeadEnd dead_;
  PartitionResult res_;
  // Search position.
  OpSet set_;
  uint64_t hash_ = 0;
  int32_t state_ = 0;
  int32_t node_ = -1;
  size_t remaining_finite_ = 0;
  std::vector<std::pair<int32_t, int32_t>> stack_;   // (call node lifted, state before it)
};

PartitionSearch::PartitionSearch(const Model& model, std::string key,
                                 std::vector<const Operation*> ops, const LinOptions& opt)
    : model_(model), opt_(opt), ops_(std::move(ops)), states_(model), set_(ops_.size()) {
  res_.key = std::move(key);
  res_.ops = ops_.size();
  BuildList();
  zobrist_.resize(ops_.size());
  read_only_.resize(ops_.size());
  for (size_t i = 0; i < ops_.size(); ++i) {
    read_only_[i] = model_.ReadOnly(*ops_[i]);
    zobrist_[i] = Mix(i * 0x632be59bd9b4e019ull + 17);
    if (ops_[i]->ret) ++remaining_finite_;
  }
  state_ = states_.Intern(model_.Init());
  node_ = FirstCandidate();
  stack_.reserve(ops_.size());
}

void PartitionSearch::BuildList() {
  struct Event {
    int64_t time;
    bool open;     // never returns: after every finite event
    bool ret;
    int32_t op;
  };
  std::vector<Event> ev;
  ev.reserve(ops_.size() * 2);
  for (size_t i = 0; i < ops_.size(); ++i) {
    const Operation& o = *ops_[i];
    ev.push_back({o.call, false, false, int32_t(i)});
    ev.push_back({o.ret.value_or(0), !o.ret.has_value(), true, int32_t(i)});
  }
  // Calls before returns at equal times: equal timestamps count as concurrent.
  std::sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) {
    if (a.open != b.open) return !a.open;
    if (!a.open && a.time != b.time) return a.time < b.time;
    if (a.ret != b.ret) return !a.ret;
    return a.op < b.op;
  });
  nodes_.assign(ev.size() + 1, Node{});
  std::vector<int32_t> call_node(ops_.size(), -1);
  for (size_t k = 0; k < ev.size(); ++k) {
    int32_t n = int32_t(k + 1);
    Node& node = nodes_[n];
    node.op = ev[k].op;
    node.call = !ev[k].ret;
    node.prev = n - 1;
    node.next = (k + 1 < ev.size()) ? n + 1 : -1;
    if (node.call) {
      call_node[node.op] = n;
    } else {
      node.match = call_node[node.op];
      nodes_[node.match].match = n;
    }
  }
  nodes_[0].next = ev.empty() ? -1 : 1;
}

void PartitionSearch::Lift(int32_t n) {
  Node& e = nodes_[n];
  nodes_[e.prev].next = e.next;
  if (e.next >= 0) nodes_[e.next].prev = e.prev;
  Node& m = nodes_[e.match];
  nodes_[m.prev].next = m.next;
  if (m.next >= 0) nodes_[m.next].prev = m.prev;
}

void PartitionSearch::Unlift(int32_t n) {
  Node& e = nodes_[n];
  int32_t mi = e.match;
  Node& m = nodes_[mi];
  nodes_[m.prev].next = mi;
  if (m.next >= 0) nodes_[m.next].prev = mi;
  nodes_[e.prev].next = n;
  if (e.next >= 0) nodes_[e.next].prev = n;
}

void PartitionSearch::RecordDeadEnd(int32_t ret_node) {
  if (dead_.set && stack_.size() <= dead_.depth) return;
  dead_.set = true;
  dead_.depth = stack_.size();
  dead_.sequence.clear();
  dead_.states.clear();
  for (size_t i = 0; i < stack_.size(); ++i) {
    dead_.sequence.push_back(nodes_[stack_[i].first].op);
    dead_.states.push_back(i + 1 < stack_.size() ? stack_[i + 1].second : state_);
  }
  dead_.state = state_;
  dead_.blocker = nodes_[ret_node].op;
  dead_.pending.clear();
  for (int32_t n = nodes_[0].next; n >= 0 && n != ret_node; n = nodes_[n].next) {
    if (!nodes_[n].call) continue;
    int32_t op = nodes_[n].op;
    KeyState s = states_.Get(state_);
    KeyState next;
    std::string why = model_.Step(s, *ops_[op], &next)
                          ? "could take effect here, but every continuation fails"
                          : model_.WhyNot(s, *ops_[op]);
    dead_.pending.emplace_back(op, std::move(why));
  }
}

bool PartitionSearch::Finish(Validity v) {
  res_.validity = v;
  res_.cache_entries = cache_.count();
  res_.memory_bytes = std::max(res_.memory_bytes, Bytes());
  res_.best_depth = std::max(dead_.depth, stack_.size());
  if (v == Validity::kViolated) res_.report = Report();
  return true;
}

bool PartitionSearch::Unknown(const std::string& why) {
  res_.report.push_back(Label() + ": unknown: " + why + " after linearizing " +
                        std::to_string(std::max(dead_.depth, stack_.size())) + " of " +
                        std::to_string(ops_.size()) + " operations");
  return Finish(Validity::kUnknown);
}

int32_t PartitionSearch::FirstCandidate() {
  // A legal read-only operation can be linearized first without loss: any linearization from
  // here that places it later stays valid with it moved to the front (it changes no state and
  // every op still pending returns after its call). Prefer one; otherwise start at the head.
  for (int32_t n = nodes_[0].next; n >= 0 && nodes_[n].call; n = nodes_[n].next) {
    int32_t op = nodes_[n].op;
    if (read_only_[op] && states_.Next(state_, uint32_t(op), *ops_[op]) >= 0) return n;
  }
  return nodes_[0].next;
}

// Undoes linearizations until one that has untried alternatives; false when none is left.
// A read-only operation has none worth trying (see FirstCandidate): undo past it too.
bool PartitionSearch::Backtrack() {
  while (!stack_.empty()) {
    auto [call, before] = stack_.back();
    stack_.pop_back();
    int32_t op = nodes_[call].op;
    set_.Clear(op);
    hash_ ^= zobrist_[op];
    state_ = before;
    Unlift(call);
    if (ops_[op]->ret) ++remaining_finite_;
    if (!read_only_[op]) {
      node_ = nodes_[call].next;
      return true;
    }
  }
  return false;
}

bool PartitionSearch::Advance(Budget* budget, uint64_t slice, uint64_t mem_limit) {
  uint64_t steps0 = budget->steps;
  struct Count {   // adds this slice's steps to the result however the slice ends
    PartitionResult& r;
    Budget* b;
    uint64_t s0;
    ~Count() { r.steps += b->steps - s0; }
  } count{res_, budget, steps0};
  for (uint64_t i = 0; i < slice; ++i) {
    if (remaining_finite_ == 0) return Finish(Validity::kOk);
    if (!budget->Step()) return Unknown(budget->exceeded);
    const Node& e = nodes_[node_];
    bool dead_end = !e.call;
    if (e.call) {
      int32_t next_state = states_.Next(state_, uint32_t(e.op), *ops_[e.op]);
      if (next_state >= 0) {
        set_.Set(e.op);
        uint64_t h = hash_ ^ zobrist_[e.op];
        // The state table grows by doubling vectors: count it with room for one doubling.
        uint64_t states_peak = states_.Bytes() * 3 / 2;
        uint64_t room = mem_limit > states_peak ? mem_limit - states_peak : 0;
        ConfigCache::Insert ins =
            cache_.Add(h ^ Mix(uint64_t(next_state)), uint32_t(next_state), set_, room);
        if (ins == ConfigCache::Insert::kFull || cache_.Bytes() + states_peak > mem_limit) {
          set_.Clear(e.op);
          return Unknown("memory budget of " + std::to_string(mem_limit >> 20) +
                         " MiB exceeded");
        }
        if (ins == ConfigCache::Insert::kNew) {
          stack_.emplace_back(node_, state_);
          hash_ = h;
          state_ = next_state;
          Lift(node_);
          if (ops_[e.op]->ret) --remaining_finite_;
          node_ = FirstCandidate();
          continue;
        }
        set_.Clear(e.op);
        // Already explored and failed; for a read-only op that dooms this configuration too.
        dead_end = read_only_[e.op];
      }
      if (!dead_end) node_ = e.next;
    }
    if (dead_end) {
      if (!e.call) RecordDeadEnd(node_);
      if (!Backtrack()) return Finish(Validity::kViolated);
    }
  }
  res_.memory_bytes = std::max(res_.memory_bytes, Bytes());
  return false;
}

std::vector<std::string> PartitionSearch::Report() const {
  std::vector<std::string> out;
  const DeadEnd& d = dead_;
  out.push_back(Label() + ": not linearizable: at most " + std::to_string(d.depth) +
                " of " + std::to_string(ops_.size()) + " operations linearize");
  out.push_back("  longest linearizable sequence (" + std::to_string(d.sequence.size()) +
                " ops, state after each):");
  size_t first =
      d.sequence.size() > opt_.max_report_ops ? d.sequence.size() - opt_.max_report_ops : 0;
  if (first > 0) {
    out.push_back("    ... " + std::to_string(first) + " earlier operations, state then " +
                  model_.DescribeState(states_.Get(d.states[first - 1])));
  }
  for (size_t i = first; i < d.sequence.size(); ++i) {
    out.push_back("    " + std::to_string(i + 1) + ". " + DescribeOp(*ops_[d.sequence[i]]) +
                  "  => " + model_.DescribeState(states_.Get(d.states[i])));
  }
  out.push_back("  state: " + model_.DescribeState(states_.Get(d.state)));
  if (d.blocker >= 0) {
    out.push_back("  stuck: this operation returned before any remaining one could take effect:");
    out.push_back("    " + DescribeOp(*ops_[d.blocker]));
  }
  out.push_back("  pending operations at that point:");
  for (const auto& [op, why] : d.pending) {
    out.push_back("    " + DescribeOp(*ops_[op]) + ": " + why);
  }
  return out;
}

Status ValidateHistory(const History& h, const Model& model) {
  for (const Operation& op : h.ops) {
    RL_RETURN_IF_ERROR(model.Validate(op));
    std::string where = op.origin.empty() ? "an operation" : op.origin;
    if (op.ret && *op.ret < op.call) {
      return InvalidArgument(where + ": returns before it is called");
    }
    if (!op.ret && op.output.known) {
      return InvalidArgument(where + ": never returned but has a known output");
    }
  }
  return Status::Ok();
}

bool Unconstrained(const Operation& op) {
  return !op.output.known && (op.input.kind == OpKind::kRead || op.input.kind == OpKind::kGet);
}

}  // namespace

const char* LinPathName(LinPath p) {
  return p == LinPath::kUniqueValues ? "unique-value" : "search";
}

Result<LinResult> CheckLinearizability(const History& history, const LinOptions& options) {
  std::unique_ptr<Model> model = MakeModel(history);
  RL_RETURN_IF_ERROR(ValidateHistory(history, *model));
  LinResult res;
  res.model = model->Name();
  res.ops = history.ops.size();
  Budget budget(options);
  std::vector<Partition> parts = PartitionByKey(history);
  res.partitions_total = parts.size();

  // Each key goes to the unique-value path first; the keys it does not decide are searched.
  // All searches run in turn, a slice of steps each, so that one hard key cannot hide a
  // violation in another; a finished search frees its memory at once.
  std::vector<std::unique_ptr<PartitionSearch>> searches(parts.size());
  std::vector<std::optional<PartitionResult>> results(parts.size());
  std::vector<std::vector<const Operation*>> part_ops(parts.size());
  bool stop = false;
  size_t live = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    std::vector<const Operation*>& ops = part_ops[k];
    ops.reserve(parts[k].ops.size());
    for (size_t i : parts[k].ops) {
      if (Unconstrained(history.ops[i])) {
        ++res.dropped;
      } else {
        ops.push_back(&history.ops[i]);
      }
    }
    std::stable_sort(ops.begin(), ops.end(),
                     [](const Operation* a, const Operation* b) { return a->call < b->call; });
  }
  std::vector<std::string> handover(parts.size());
  for (size_t k = 0; k < parts.size() && !stop; ++k) {
    if (!options.unique_value_path) continue;
    std::string label = parts[k].key.empty() ? "the register" : "key \"" + parts[k].key + "\"";
    UniqueValueResult u =
        DecideUniqueValues(*model, history.model, history.empty_is_absent, part_ops[k], label);
    if (u.outcome == UniqueOutcome::kOk || u.outcome == UniqueOutcome::kViolated) {
      PartitionResult pr;
      pr.key = parts[k].key;
      pr.ops = part_ops[k].size();
      pr.path = LinPath::kUniqueValues;
      pr.validity = u.outcome == UniqueOutcome::kOk ? Validity::kOk : Validity::kViolated;
      pr.report = std::move(u.report);
      res.validity = Merge(res.validity, pr.validity);
      results[k] = std::move(pr);
      if (res.validity == Validity::kViolated && options.stop_at_first_violation) stop = true;
    } else {
      handover[k] = u.why;
    }
  }
  for (size_t k = 0; k < parts.size() && !stop; ++k) {
    if (results[k]) continue;
    searches[k] = std::make_unique<PartitionSearch>(*model, parts[k].key, part_ops[k], options);
    searches[k]->result().handover = handover[k];
    ++live;
  }
  constexpr uint64_t kSlice = 50000;
  uint64_t in_use = 0;   // bytes of all live searches
  for (const auto& s : searches) {
    if (s) in_use += s->Bytes();
  }
  auto finish = [&](size_t k) {
    in_use -= searches[k]->Bytes();
    res.peak_memory_bytes = std::max(res.peak_memory_bytes, searches[k]->result().memory_bytes);
    results[k] = std::move(searches[k]->result());
    res.validity = Merge(res.validity, results[k]->validity);
    searches[k].reset();
    --live;
  };
  while (live > 0 && !stop) {
    for (size_t k = 0; k < parts.size() && !stop; ++k) {
      if (!searches[k]) continue;
      uint64_t before = searches[k]->Bytes();
      uint64_t others = in_use - before;
      uint64_t limit = options.memory_budget_bytes > others ? options.memory_budget_bytes - others : 0;
      bool done = searches[k]->Advance(&budget, kSlice, limit);
      in_use += searches[k]->Bytes() - before;
      res.peak_memory_bytes = std::max(res.peak_memory_bytes, in_use);
      if (!done) continue;
      bool out_of_budget = !budget.exceeded.empty();
      finish(k);
      if (res.validity == Validity::kViolated && options.stop_at_first_violation) stop = true;
      if (out_of_budget) {   // the time/step budget is shared: the others are unknown too
        for (size_t j = 0; j < parts.size(); ++j) {
          if (!searches[j]) continue;
          searches[j]->Abandon(budget.exceeded);
          finish(j);
        }
        stop = true;
      }
    }
  }
  size_t abandoned = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    if (!results[k]) {
      ++abandoned;
      continue;
    }
    PartitionResult& pr = *results[k];
    if (pr.validity == Validity::kOk || pr.validity == Validity::kViolated) {
      res.judged_ops += pr.ops;
      ++(pr.path == LinPath::kUniqueValues ? res.keys_unique_path : res.keys_search);
    }
    if (pr.validity == Validity::kViolated && options.shrink_violations) {
      History key_history;
      key_history.model = history.model;
      key_history.empty_is_absent = history.empty_is_absent;
      for (const Operation* op : part_ops[k]) key_history.ops.push_back(*op);
      std::string label = pr.key.empty() ? "the register" : "key \"" + pr.key + "\"";
      ShrunkHistory shrunk = ShrinkViolation(key_history, options);
      std::vector<std::string> lines = DescribeShrunk(key_history, shrunk, label);
      pr.report.insert(pr.report.end(), lines.begin(), lines.end());
    }
    res.partitions.push_back(std::move(pr));
  }
  res.steps = budget.steps;

  std::string summary = std::string(ValidityName(res.validity)) + ": " +
                        std::to_string(res.ops) + " operations (" + res.model + " model, " +
                        std::to_string(res.dropped) + " unknown reads dropped), " +
                        std::to_string(res.partitions_total) + " keys, " +
                        std::to_string(res.partitions.size()) + " judged, " +
                        std::to_string(res.steps) + " steps; " + DescribePaths(res);
  res.evidence.push_back(summary);
  Validity show = res.validity == Validity::kOk ? Validity::kViolated : res.validity;
  for (const PartitionResult& pr : res.partitions) {
    if (pr.validity != show) continue;
    // "key "k": not linearizable (search path; the unique-value path passed it on: ...): ..."
    std::vector<std::string> report = pr.report;
    const std::string mark = ": not linearizable";
    if (show == Validity::kViolated && !report.empty() && report[0].find(mark) != std::string::npos) {
      std::string path = " (" + std::string(LinPathName(pr.path)) + " path" +
                         (pr.path == LinPath::kSearch && !pr.handover.empty()
                              ? "; the unique-value path passed it on: " + pr.handover
                              : std::string()) + ")";
      report[0].insert(report[0].find(mark) + mark.size(), path);
    }
    res.evidence.insert(res.evidence.end(), report.begin(), report.end());
  }
  if (abandoned > 0) {
    res.evidence.push_back(std::to_string(abandoned) +
                           " keys left unfinished once a violation was found");
  }
  return res;
}

std::string DescribePaths(const LinResult& r) {
  return "decided " + std::to_string(r.keys_unique_path) + (r.keys_unique_path == 1 ? " key" : " keys") +
         " by the unique-value path, " + std::to_string(r.keys_search) + " by search";
}

Verdict ToVerdict(const LinResult& result, uint64_t of) {
  Verdict v;
  v.checker = "linearizable";
  v.property = "the client history is linearizable (per key, " + result.model + " model)";
  v.validity = result.validity;
  v.judged = result.judged_ops;
  v.of = of != 0 ? of : result.ops;
  v.unit = "operations";
  v.evidence = result.evidence;
  return v;
}

}  // namespace raftlab::evidence
