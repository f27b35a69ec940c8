// soak: a seeded fault plan (chaos/fault_plan.h) run against a lab while clients work through
// it, judged afterwards by every checker over the whole run.
//
// The plan is made from the run's seed before anything starts (or replayed from a plan.json),
// printed in the transcript, journaled as one "fault_plan" line and saved as plan.json in the
// run folder. Clients (driver/async_load.h: unique values over a few keys, puts and
// linearizable and serializable reads, spread over every member) run from the plan's offset 0
// to its end. Each step waits for its offset, then for one agreed leader, resolves its roles
// against the cluster (soak_step.h), is applied, held for its duration and reverted; a
// "plan_step" journal line marks its start and end with the members it touched. Progress once a
// second: elapsed, faults applied, ops ok/fail/info, the current leader.
//
// After the plan the load stops and the members must converge; the linearizability checker then
// judges the whole client history while the lab is still up, so that a violation's minimal
// failing sub-history can be quoted with the members' own log lines from around it (Finish
// judges the same history again, with every other checker, and fails the run). Facts:
// plan_faults, faults_applied, ops_ok, ops_fail, ops_info, leader_changes, linearizable
// (true/false/unknown), pause_leader (the reads through followers while the leader was
// stopped).
//
// Runs on the scenario thread (ScenarioContext is not thread-safe); the load generator has a
// thread of its own, and its progress callback only copies counts under a mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "chaos/fault_plan.h"
#include "scenarios/scenario.h"

namespace raftlab::scenarios {

struct SoakSpec {
  int64_t duration_ms = 60000;              // the catalogue's soak: about a minute of chaos
  std::optional<chaos::FaultPlan> plan;     // run this plan; else one is made from the run's seed
  std::string plan_source;                  // the file it was read from ("" when made from a seed)
  double rate = 150;                        // client ops per second (open loop)
};

// The plan options a soak of `duration_ms` on `members` uses for `seed`.
chaos::PlanOptions SoakPlanOptions(uint64_t seed, int members, int64_t duration_ms);

// What a soak with `plan` must earn: every checker, membership only when the plan changes
// membership (the catalogue's plans always do).
std::string SoakRequired(const chaos::FaultPlan& plan);

// RunSoak (scenario.h) is the catalogue's: RunSoakWith a default SoakSpec.
raftlab::Status RunSoakWith(ScenarioContext& ctx, const SoakSpec& spec);

// The op ids (journal "op_id") of the minimal failing sub-history in a linearizability
// verdict's evidence (its lines name each operation "op N"); empty when there is none.
std::vector<int64_t> FailingSubHistoryOpIds(const std::vector<std::string>& evidence);

}  // namespace raftlab::scenarios
