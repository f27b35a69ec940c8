#include "chaos/fault_plan.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

namespace raftlab::chaos {
namespace {

constexpr const char* kFormat = "raftlab-fault-plan/1";
constexpr int kMaxMemberName = 9;              // the lab names members n1..n9
constexpr int64_t kMaxStepMs = 10 * 60 * 1000;
constexpr int64_t kMaxPlanMs = 24LL * 3600 * 1000;

struct FaultName {
  PlanFault fault;
  const char* name;
};
constexpr FaultName kNames[] = {
    {PlanFault::kIsolate, "isolate"},     {PlanFault::kSplit, "split"},
    {PlanFault::kOneWay, "one-way"},      {PlanFault::kBridge, "bridge"},
    {PlanFault::kLoss, "loss"},           {PlanFault::kDelay, "delay"},
    {PlanFault::kBandwidth, "bandwidth"}, {PlanFault::kKill, "kill"},
    {PlanFault::kPause, "pause"},         {PlanFault::kRestart, "restart"},
    {PlanFault::kTransferLeader, "transfer-leader"}, {PlanFault::kMemberChange, "member-change"},
};

// The rates a bandwidth step draws from: slow enough that a loaded link queues.
const char* const kRates[] = {"256kbit", "512kbit", "1mbit"};

// Durations each step draws from, inclusive, in ms (rounded to 100 ms).
struct Range {
  int64_t lo, hi;
};
constexpr Range kPauseLeaderMs{1000, 3000};
constexpr Range kMemberChangeMs{8000, 14000};

Range DurationRange(PlanFault f, PlanRole target) {
  switch (f) {
    case PlanFault::kIsolate:
    case PlanFault::kSplit:
    case PlanFault::kOneWay:
    case PlanFault::kBridge:
    case PlanFault::kKill: return {2000, 5000};
    case PlanFault::kLoss:
    case PlanFault::kDelay:
    case PlanFault::kBandwidth: return {3000, 6000};
    case PlanFault::kPause: return target == PlanRole::kLeader ? kPauseLeaderMs : Range{1000, 4000};
    case PlanFault::kRestart:
    case PlanFault::kTransferLeader: return {0, 0};
    case PlanFault::kMemberChange: return kMemberChangeMs;
  }
  return {0, 0};
}

// Whether a fault's target may be either role (else it is fixed: follower, or unused).
bool TargetIsChosen(PlanFault f) {
  return f != PlanFault::kBridge && f != PlanFault::kTransferLeader && f != PlanFault::kMemberChange;
}
bool UsesTarget(PlanFault f) { return f != PlanFault::kMemberChange; }

// The generator's draws. std::uniform_int_distribution is implementation-defined; a plan must
// not change with the standard library, so ranges are taken by modulo of the 64-bit engine.
class Draw {
 public:
  explicit Draw(uint64_t seed) : rng_(seed * 0x9E3779B97F4A7C15ULL + 0x5EED) {}
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  int64_t In(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  int64_t Ms(Range r) { return r.lo == r.hi ? r.lo : In(r.lo / 100, r.hi / 100) * 100; }
  uint32_t Pick() { return static_cast<uint32_t>(rng_() >> 32); }
  template <typename T>
  void Shuffle(std::vector<T>* v) {   // Fisher-Yates on Below()
    for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[Below(i)]);
  }

 private:
  std::mt19937_64 rng_;
};

struct Variant {
  PlanFault fault;
  PlanRole target;
  bool random_role = false;      // loss, delay, bandwidth: the role is drawn per step
};

std::vector<Variant> Deck() {
  const PlanRole L = PlanRole::kLeader, F = PlanRole::kFollower;
  return {{PlanFault::kIsolate, L},      {PlanFault::kIsolate, F},   {PlanFault::kSplit, L},
          {PlanFault::kSplit, F},        {PlanFault::kOneWay, L},    {PlanFault::kOneWay, F},
          {PlanFault::kBridge, F},       {PlanFault::kLoss, F, true}, {PlanFault::kDelay, F, true},
          {PlanFault::kBandwidth, F, true}, {PlanFault::kKill, L},   {PlanFault::kKill, F},
          {PlanFault::kPause, L},        {PlanFault::kPause, F},     {PlanFault::kRestart, L},
          {PlanFault::kRestart, F},      {PlanFault::kTransferLeader, F}, {PlanFault::kMemberChange, F}};
}

PlanStep MakeStep(const Variant& v, Draw& draw) {
  PlanStep s;
  s.fault = v.fault;
  s.target = v.random_role ? (draw.Below(2) == 0 ? PlanRole::kLeader : PlanRole::kFollower) : v.target;
  s.duration_ms = draw.Ms(DurationRange(s.fault, s.target));
  s.pick = draw.Pick();
  if (s.fault == PlanFault::kLoss) s.loss_percent = static_cast<int>(draw.In(2, 8)) * 5;        // 10..40 %
  if (s.fault == PlanFault::kDelay) s.delay_ms = static_cast<int>(draw.In(2, 20)) * 10;         // 20..200 ms
  if (s.fault == PlanFault::kBandwidth) s.rate = kRates[draw.Below(std::size(kRates))];
  return s;
}

int NamesLeft(int members) { return std::max(0, kMaxMemberName - members); }

bool ValidRate(const std::string& rate) {
  size_t digits = 0;
  while (digits < rate.size() && rate[digits] >= '0' && rate[digits] <= '9') ++digits;
  if (digits == 0 || digits > 6) return false;
  const std::string unit = rate.substr(digits);
  return (unit == "kbit" || unit == "mbit") && std::stol(rate.substr(0, digits)) > 0;
}

std::string Seconds(int64_t ms) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

// ---- JSON reading with field names in the errors.
class Reader {
 public:
  Reader(const Json& j, std::string where) : j_(j), where_(std::move(where)) {}
  Status Keys(const std::set<std::string>& allowed) const {
    if (!j_.is_object()) return InvalidArgument(where_ + ": must be an object");
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (allowed.count(it.key()) == 0) return InvalidArgument(Field(it.key()) + ": unknown field");
    return Status::Ok();
  }
  bool Has(const std::string& key) const { return j_.contains(key); }
  Status Int(const std::string& key, int64_t lo, int64_t hi, int64_t* out) const {
    if (!j_.contains(key)) return InvalidArgument(Field(key) + ": missing");
    const Json& v = j_.at(key);
    if (!v.is_number_integer()) return InvalidArgument(Field(key) + ": must be an integer, got " + v.dump());
    int64_t n = v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                    ? INT64_MAX : v.get<int64_t>();
    if (n < lo || n > hi)
      return InvalidArgument(Field(key) + ": " + std::to_string(n) + " is out of range [" + std::to_string(lo) +
                             ", " + std::to_string(hi) + "]");
    *out = n;
    return Status::Ok();
  }
  Status Uint(const std::string& key, uint64_t* out) const {
    if (!j_.contains(key)) return InvalidArgument(Field(key) + ": missing");
    const Json& v = j_.at(key);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
      return InvalidArgument(Field(key) + ": must be a non-negative integer, got " + v.dump());
    *out = v.get<uint64_t>();
    return Status::Ok();
  }
  Status String(const std::string& key, std::string* out) const {
    if (!j_.contains(key)) return InvalidArgument(Field(key) + ": missing");
    const Json& v = j_.at(key);
    if (!v.is_string()) return InvalidArgument(Field(key) + ": must be a string, got " + v.dump());
    *out = v.get<std::string>();
    return Status::Ok();
  }
  std::string Field(const std::string& key) const { return where_ + "." + key; }

 private:
  const Json& j_;
  std::string where_;
};

std::string FaultNames() {
  std::string out;
  for (const auto& n : kNames) out += std::string(out.empty() ? "" : ", ") + n.name;
  return out;
}

Result<PlanStep> StepFromJson(const Json& j, size_t index) {
  const std::string where = "steps[" + std::to_string(index) + "]";
  Reader r(j, where);
  RL_RETURN_IF_ERROR(r.Keys({"step", "at_ms", "duration_ms", "fault", "target", "pick", "loss_percent", "delay_ms", "rate"}));
  PlanStep s;
  if (r.Has("step")) {
    int64_t n = 0;
    RL_RETURN_IF_ERROR(r.Int("step", 1, INT32_MAX, &n));
    if (n != static_cast<int64_t>(index) + 1)
      return InvalidArgument(r.Field("step") + ": is " + std::to_string(n) + " but the step is number " +
                             std::to_string(index + 1) + " in the list");
  }
  std::string fault;
  RL_RETURN_IF_ERROR(r.String("fault", &fault));
  if (!ParsePlanFault(fault, &s.fault))
    return InvalidArgument(r.Field("fault") + ": unknown fault '" + fault + "' (" + FaultNames() + ")");
  RL_RETURN_IF_ERROR(r.Int("at_ms", 0, kMaxPlanMs, &s.at_ms));
  RL_RETURN_IF_ERROR(r.Int("duration_ms", 0, kMaxStepMs, &s.duration_ms));
  if (UsesTarget(s.fault)) {
    std::string target;
    RL_RETURN_IF_ERROR(r.String("target", &target));
    if (target == "leader") s.target = PlanRole::kLeader;
    else if (target == "follower") s.target = PlanRole::kFollower;
    else return InvalidArgument(r.Field("target") + ": must be \"leader\" or \"follower\", got \"" + target + "\"");
  } else if (r.Has("target")) {
    return InvalidArgument(r.Field("target") + ": a member-change step has no target (it adds a new member)");
  }
  if (r.Has("pick")) {
    uint64_t pick = 0;
    RL_RETURN_IF_ERROR(r.Uint("pick", &pick));
    if (pick > UINT32_MAX) return InvalidArgument(r.Field("pick") + ": must fit in 32 bits");
    s.pick = static_cast<uint32_t>(pick);
  }
  auto param = [&](const char* key, PlanFault owner) -> Status {
    if (s.fault == owner && !r.Has(key)) return InvalidArgument(r.Field(key) + ": missing (a " + fault + " step needs it)");
    if (s.fault != owner && r.Has(key))
      return InvalidArgument(r.Field(key) + ": only a " + PlanFaultName(owner) + " step has " + key);
    return Status::Ok();
  };
  RL_RETURN_IF_ERROR(param("loss_percent", PlanFault::kLoss));
  RL_RETURN_IF_ERROR(param("delay_ms", PlanFault::kDelay));
  RL_RETURN_IF_ERROR(param("rate", PlanFault::kBandwidth));
  int64_t n = 0;
  if (s.fault == PlanFault::kLoss) {
    RL_RETURN_IF_ERROR(r.Int("loss_percent", 1, 99, &n));
    s.loss_percent = static_cast<int>(n);
  }
  if (s.fault == PlanFault::kDelay) {
    RL_RETURN_IF_ERROR(r.Int("delay_ms", 1, 60000, &n));
    s.delay_ms = static_cast<int>(n);
  }
  if (s.fault == PlanFault::kBandwidth) RL_RETURN_IF_ERROR(r.String("rate", &s.rate));
  return s;
}

}  // namespace

const char* PlanFaultName(PlanFault fault) {
  for (const auto& n : kNames)
    if (n.fault == fault) return n.name;
  return "?";
}

bool ParsePlanFault(const std::string& name, PlanFault* fault) {
  for (const auto& n : kNames) {
    if (name == n.name) {
      *fault = n.fault;
      return true;
    }
  }
  return false;
}

const std::vector<PlanFault>& AllPlanFaults() {
  static const std::vector<PlanFault> all = [] {
    std::vector<PlanFault> v;
    for (const auto& n : kNames) v.push_back(n.fault);
    return v;
  }();
  return all;
}

bool IsInstant(PlanFault fault) { return fault == PlanFault::kRestart || fault == PlanFault::kTransferLeader; }

const char* PlanRoleName(PlanRole role) { return role == PlanRole::kLeader ? "leader" : "follower"; }

int MemberChanges(const FaultPlan& plan) {
  return static_cast<int>(std::count_if(plan.steps.begin(), plan.steps.end(),
                                        [](const PlanStep& s) { return s.fault == PlanFault::kMemberChange; }));
}

int64_t MinimumPlanDurationMs(const PlanOptions& o) {
  int64_t need = o.lead_in_ms + o.tail_ms + kPauseLeaderMs.hi + o.quiet_max_ms;
  if (NamesLeft(o.members) > 0) need += kMemberChangeMs.hi + o.quiet_max_ms;
  return need;
}

Result<FaultPlan> MakeFaultPlan(const PlanOptions& o) {
  if (o.members < 3 || o.members > kMaxMemberName)
    return InvalidArgument("a fault plan needs 3 to 9 members, got " + std::to_string(o.members));
  if (o.lead_in_ms < 0 || o.tail_ms < 0 || o.quiet_min_ms < 0 || o.quiet_max_ms < o.quiet_min_ms)
    return InvalidArgument("lead-in, tail and quiet periods must be >= 0, and quiet_max >= quiet_min");
  if (o.duration_ms > kMaxPlanMs) return InvalidArgument("a fault plan lasts at most 24 h");
  const int64_t minimum = MinimumPlanDurationMs(o);
  if (o.duration_ms < minimum)
    return InvalidArgument("a soak of " + Seconds(o.duration_ms) + " is too short: the leader pause" +
                           std::string(NamesLeft(o.members) > 0 ? " and the member change" : "") +
                           " with their quiet periods, the lead-in and the tail need at least " + Seconds(minimum));
  Draw draw(o.seed);
  auto quiet = [&] { return draw.Ms({o.quiet_min_ms, o.quiet_max_ms}); };
  const int64_t budget = o.duration_ms - o.lead_in_ms - o.tail_ms;
  int names_left = NamesLeft(o.members);

  // The steps every plan holds, with the quiet period after each.
  std::vector<std::pair<PlanStep, int64_t>> must;
  must.push_back({MakeStep({PlanFault::kPause, PlanRole::kLeader}, draw), quiet()});
  if (names_left > 0) {
    must.push_back({MakeStep({PlanFault::kMemberChange, PlanRole::kFollower}, draw), quiet()});
    --names_left;
  }
  int64_t used = 0;
  for (const auto& [s, q] : must) used += s.duration_ms + q;

  // The rest from the deck, while it fits.
  std::vector<std::pair<PlanStep, int64_t>> steps;
  std::vector<Variant> deck;
  for (;;) {
    if (deck.empty()) {
      deck = Deck();
      draw.Shuffle(&deck);
    }
    const Variant v = deck.back();
    deck.pop_back();
    if (v.fault == PlanFault::kMemberChange && names_left == 0) continue;
    PlanStep s = MakeStep(v, draw);
    const int64_t q = quiet();
    if (used + s.duration_ms + q > budget) break;
    used += s.duration_ms + q;
    if (s.fault == PlanFault::kMemberChange) --names_left;
    steps.push_back({s, q});
  }
  for (auto& m : must) {
    const size_t at = static_cast<size_t>(draw.Below(steps.size() + 1));
    steps.insert(steps.begin() + static_cast<long>(at), m);
  }

  FaultPlan plan;
  plan.seed = o.seed;
  plan.members = o.members;
  plan.duration_ms = o.duration_ms;
  int64_t t = o.lead_in_ms;
  for (auto& [s, q] : steps) {
    s.at_ms = t;
    t = s.end_ms() + q;
    plan.steps.push_back(s);
  }
  RL_RETURN_IF_ERROR(ValidateFaultPlan(plan));
  return plan;
}

Status ValidateFaultPlan(const FaultPlan& plan) {
  if (plan.members < 3 || plan.members > kMaxMemberName)
    return InvalidArgument("members: " + std::to_string(plan.members) + " is out of range [3, 9]");
  if (plan.duration_ms <= 0 || plan.duration_ms > kMaxPlanMs)
    return InvalidArgument("duration_ms: must be between 1 ms and 24 h");
  int64_t previous_end = 0;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const PlanStep& s = plan.steps[i];
    const std::string where = "steps[" + std::to_string(i) + "] (" + PlanFaultName(s.fault) + ")";
    if (s.at_ms < previous_end)
      return InvalidArgument(where + ": starts at " + std::to_string(s.at_ms) + " ms, before the previous step ends (" +
                             std::to_string(previous_end) + " ms); steps run one after another");
    if (IsInstant(s.fault) && s.duration_ms != 0)
      return InvalidArgument(where + ": is one action, its duration_ms must be 0");
    if (!IsInstant(s.fault) && (s.duration_ms <= 0 || s.duration_ms > kMaxStepMs))
      return InvalidArgument(where + ": duration_ms must be between 1 ms and 10 min");
    if (s.end_ms() > plan.duration_ms)
      return InvalidArgument(where + ": ends at " + std::to_string(s.end_ms()) + " ms, after the plan's duration_ms " +
                             std::to_string(plan.duration_ms));
    if ((s.fault == PlanFault::kBridge || s.fault == PlanFault::kTransferLeader) && s.target != PlanRole::kFollower)
      return InvalidArgument(where + ": the target must be a follower");
    if (s.fault == PlanFault::kLoss && (s.loss_percent < 1 || s.loss_percent > 99))
      return InvalidArgument(where + ": loss_percent must be 1..99");
    if (s.fault == PlanFault::kDelay && (s.delay_ms < 1 || s.delay_ms > 60000))
      return InvalidArgument(where + ": delay_ms must be 1..60000");
    if (s.fault == PlanFault::kBandwidth && !ValidRate(s.rate))
      return InvalidArgument(where + ": rate must be a number and kbit or mbit, e.g. 512kbit, got '" + s.rate + "'");
    previous_end = s.end_ms();
  }
  const int changes = MemberChanges(plan);
  if (changes > NamesLeft(plan.members))
    return InvalidArgument(std::to_string(changes) + " member changes, but a lab of " + std::to_string(plan.members) +
                           " has only " + std::to_string(NamesLeft(plan.members)) +
                           " names left for new members (n" + std::to_string(plan.members + 1) + "..n9)");
  return Status::Ok();
}

Json FaultPlanToJson(const FaultPlan& plan) {
  Json steps = Json::array();
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const PlanStep& s = plan.steps[i];
    Json j = {{"step", i + 1}, {"at_ms", s.at_ms}, {"duration_ms", s.duration_ms}, {"fault", PlanFaultName(s.fault)}};
    if (UsesTarget(s.fault)) j["target"] = PlanRoleName(s.target);
    j["pick"] = s.pick;
    if (s.fault == PlanFault::kLoss) j["loss_percent"] = s.loss_percent;
    if (s.fault == PlanFault::kDelay) j["delay_ms"] = s.delay_ms;
    if (s.fault == PlanFault::kBandwidth) j["rate"] = s.rate;
    steps.push_back(j);
  }
  return {{"format", kFormat}, {"seed", plan.seed}, {"members", plan.members}, {"duration_ms", plan.duration_ms},
          {"steps", steps}};
}

Result<FaultPlan> FaultPlanFromJson(const Json& doc) {
  Reader r(doc, "plan");
  RL_RETURN_IF_ERROR(r.Keys({"format", "seed", "members", "duration_ms", "steps", "comment"}));
  std::string format;
  RL_RETURN_IF_ERROR(r.String("format", &format));
  if (format != kFormat)
    return InvalidArgument("plan.format: \"" + format + "\" is not a fault plan this raftlab reads (\"" + kFormat + "\")");
  FaultPlan plan;
  RL_RETURN_IF_ERROR(r.Uint("seed", &plan.seed));
  int64_t n = 0;
  RL_RETURN_IF_ERROR(r.Int("members", 3, kMaxMemberName, &n));
  plan.members = static_cast<int>(n);
  RL_RETURN_IF_ERROR(r.Int("duration_ms", 1, kMaxPlanMs, &plan.duration_ms));
  if (!doc.contains("steps") || !doc.at("steps").is_array()) return InvalidArgument("plan.steps: must be an array");
  const Json& steps = doc.at("steps");
  for (size_t i = 0; i < steps.size(); ++i) {
    Result<PlanStep> s = StepFromJson(steps[i], i);
    if (!s.ok()) return s.status();
    plan.steps.push_back(*s);
  }
  RL_RETURN_IF_ERROR(ValidateFaultPlan(plan));
  return plan;
}

Result<FaultPlan> ParseFaultPlan(const std::string& text) {
  Result<Json> doc = ParseJson(text);
  if (!doc.ok()) return InvalidArgument("not a JSON document: " + doc.status().message());
  return FaultPlanFromJson(*doc);
}

std::string DescribeStep(const PlanStep& s) {
  const bool leader = s.target == PlanRole::kLeader;
  const std::string who = leader ? "the leader" : "a follower";
  const std::string whose = leader ? "the leader's" : "a follower's";
  std::string what, after;   // after: said once the duration is
  switch (s.fault) {
    case PlanFault::kIsolate: what = "isolate " + who; break;
    case PlanFault::kSplit:
      what = leader ? "split with the leader in the minority" : "split with the leader in the majority (followers cut off)";
      break;
    case PlanFault::kOneWay:
      what = leader ? "one-way cut: the leader's packets to a follower dropped"
                    : "one-way cut: a follower's packets to the leader dropped";
      break;
    case PlanFault::kBridge:
      what = "bridge";
      after = ": a follower sees the leader and the other followers, which do not see each other";
      break;
    case PlanFault::kLoss: what = "loss " + std::to_string(s.loss_percent) + "% on " + whose + " peer traffic"; break;
    case PlanFault::kDelay: what = "delay " + std::to_string(s.delay_ms) + " ms on " + whose + " outgoing peer traffic"; break;
    case PlanFault::kBandwidth: what = "bandwidth " + s.rate + " on " + whose + " link"; break;
    case PlanFault::kKill: what = "kill " + who + " (SIGKILL; restarted at the end)"; break;
    case PlanFault::kPause: what = "pause " + who + " (SIGSTOP; SIGCONT at the end)"; break;
    case PlanFault::kRestart: what = "restart " + who; break;
    case PlanFault::kTransferLeader: what = "transfer leadership to a follower"; break;
    case PlanFault::kMemberChange:
      what = "member change";
      after = ": a new member joins as a learner and is promoted; removed at the end";
      break;
  }
  if (s.duration_ms > 0) what += " for " + Seconds(s.duration_ms);
  return what + after;
}

std::string DescribePlan(const FaultPlan& plan) {
  std::string out = "fault plan: " + std::to_string(plan.steps.size()) + " steps over " + Seconds(plan.duration_ms) +
                    ", " + std::to_string(plan.members) + " members, seed " + std::to_string(plan.seed) + "\n";
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    char head[64];
    snprintf(head, sizeof head, "%3zu  +%6.1fs  ", i + 1, static_cast<double>(plan.steps[i].at_ms) / 1000.0);
    out += head + DescribeStep(plan.steps[i]) + "\n";
  }
  return out;
}

}  // namespace raftlab::chaos
