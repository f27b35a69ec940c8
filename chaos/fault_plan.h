// FaultPlan: a soak's faults as a value, built from a seed before the run starts (STYLE.md §5:
// plans are data). A plan is a list of steps, each (start offset, fault, duration, target,
// parameters), laid out one after another with quiet periods between them, drawn from the whole
// chaos catalogue:
//
//   isolate          the target (the leader or a follower) cut off from every other member
//   split            minority / majority partition; the minority holds the target (so "leader":
//                    the leader is in the minority and loses quorum; "follower": followers only)
//   one-way          the target's packets to the other end are dropped (the leader's to a
//                    follower, or a follower's to the leader); the reverse direction flows
//   bridge           a follower sees both sides: the leader on one, the other followers on the other
//   loss             random loss of the target's peer traffic (loss_percent)
//   delay            the target's outgoing peer traffic delayed by delay_ms
//   bandwidth        the target's link limited to `rate` (tc tbf, e.g. "512kbit")
//   kill             SIGKILL of the target; the step's end restarts it
//   pause            SIGSTOP of the target; the step's end sends SIGCONT
//   restart          the target stopped and started on its data (instant: duration 0)
//   transfer-leader  leadership moved to a follower (instant: duration 0)
//   member-change    a new member joins as a learner and is promoted; the step's end removes it
//
// Targets are roles ("leader", "follower"), resolved when the step is applied, from the cluster
// as it is then; `pick` chooses among candidates (the followers in name order, pick % count; the
// other members of a split's minority and a one-way's other end likewise), so replaying a plan
// with --plan gives the same sequence of faults with the same parameters at the same offsets.
//
// Every plan holds a pause of the leader for 1-3 s (followers keep serving linearizable reads
// through it: process pauses around ReadIndex are a known source of stale reads in etcd 3.4,
// upstream issue 20418) and, when a member name is left (n<members+1>..n9), a member change;
// the other steps come from a seeded shuffle of every (fault, target) variant, reshuffled when
// used up, so a plan long enough holds every variant before any twice.
//
// Pure: no clock, no I/O (time is offsets in the plan). Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"

namespace raftlab::chaos {

enum class PlanFault {
  kIsolate,
  kSplit,
  kOneWay,
  kBridge,
  kLoss,
  kDelay,
  kBandwidth,
  kKill,
  kPause,
  kRestart,
  kTransferLeader,
  kMemberChange,
};
const char* PlanFaultName(PlanFault fault);             // "isolate", "transfer-leader", ...
bool ParsePlanFault(const std::string& name, PlanFault* fault);
const std::vector<PlanFault>& AllPlanFaults();          // in the order above
// Faults whose step is one action with no duration (restart, transfer-leader).
bool IsInstant(PlanFault fault);

enum class PlanRole { kLeader, kFollower };
const char* PlanRoleName(PlanRole role);                // "leader", "follower"

struct PlanStep {
  int64_t at_ms = 0;             // offset from the soak's start (the load starts at 0)
  int64_t duration_ms = 0;       // 0 for instant faults
  PlanFault fault = PlanFault::kIsolate;
  PlanRole target = PlanRole::kFollower;   // member-change: unused; bridge, transfer-leader: follower
  uint32_t pick = 0;             // chooses among candidates at apply time (see above)
  int loss_percent = 0;          // loss: 1..99
  int delay_ms = 0;              // delay: 1..60000
  std::string rate;              // bandwidth: <digits>kbit|mbit
  int64_t end_ms() const { return at_ms + duration_ms; }
};

struct FaultPlan {
  uint64_t seed = 0;             // what it was made from (informative for a hand-written plan)
  int members = 3;               // the lab size it was made for (member-change names count on it)
  int64_t duration_ms = 0;       // the soak's length: every step ends, and the tail is quiet, by then
  std::vector<PlanStep> steps;   // in start order, none overlapping
};

struct PlanOptions {
  uint64_t seed = 1;
  int members = 3;
  int64_t duration_ms = 60000;
  int64_t lead_in_ms = 3000;     // load only, before the first fault
  int64_t tail_ms = 5000;        // quiet after the last fault ends
  int64_t quiet_min_ms = 2000;   // between one step's end and the next one's start
  int64_t quiet_max_ms = 5000;
};

// The shortest duration MakeFaultPlan accepts for these options (the leader pause and, when a
// name is left, the member change at their longest, with quiet periods, lead-in and tail).
int64_t MinimumPlanDurationMs(const PlanOptions& options);
// The same options give the same plan. InvalidArgument when the options cannot make one.
Result<FaultPlan> MakeFaultPlan(const PlanOptions& options);

// Every rule a plan must keep (a hand-edited one too): members 3..9; steps in order, none
// starting before the previous one ends, all ending by duration_ms; instant faults last 0 ms,
// the others more; parameters in range; at most 9 - members member changes.
Status ValidateFaultPlan(const FaultPlan& plan);

// The number of member-change steps (a plan without one cannot earn the membership verdict).
int MemberChanges(const FaultPlan& plan);

// plan.json: {"format":"raftlab-fault-plan/1","seed":..,"members":..,"duration_ms":..,
//             "steps":[{"step":1,"at_ms":..,"duration_ms":..,"fault":"..","target":"..","pick":..,
//                       + "loss_percent" | "delay_ms" | "rate" for those faults}]}
Json FaultPlanToJson(const FaultPlan& plan);
// InvalidArgument naming the field ("steps[3].fault: unknown fault 'flood' (isolate, ...)").
// The result is validated.
Result<FaultPlan> FaultPlanFromJson(const Json& doc);
Result<FaultPlan> ParseFaultPlan(const std::string& text);

// "isolate the leader for 3.2 s", "loss 25% on a follower's peer traffic for 4.0 s".
std::string DescribeStep(const PlanStep& step);
// A header line, then one line per step: "  3  +12.4s  isolate the leader for 3.2 s".
std::string DescribePlan(const FaultPlan& plan);

}  // namespace raftlab::chaos
