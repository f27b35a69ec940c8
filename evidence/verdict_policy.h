// Which verdicts a run must earn, and what its exit code is.
//
// A scenario (or `check run --require`) names the checkers it requires, each with the minimum
// evidence it must have judged: at least N instances, or every instance the run held ("all":
// judged == of, e.g. durability over every acknowledged put). The policy, shared by
// `scenario run`, `lab` and `check run` so that the three agree:
//   exit 1  some verdict is violated (required or not: a broken property is never informative);
//   exit 3  a required verdict is not ok, or ok on less evidence than its minimum ("not earned");
//   exit 0  every required verdict is ok with its minimum. Informative verdicts may be unknown.
// (Exit 2, bad input, belongs to the callers.) Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "evidence/run.h"

namespace raftlab::evidence {

struct Requirement {
  std::string checker;        // a registry name, "durability"
  uint64_t min_judged = 1;    // at least this many judged instances
  bool all = false;           // and judged == of (every instance the run held)
};

// "durability:all,commit_quorum:5,log_matching" (a bare name means at least 1).
// InvalidArgument names the bad item, or a checker not in `known`.
Result<std::vector<Requirement>> ParseRequirements(const std::string& spec,
                                                   const std::vector<std::string>& known);
// The inverse: "durability:all,commit_quorum:5,log_matching".
std::string FormatRequirements(const std::vector<Requirement>& requirements);

// How one verdict fared under the policy.
struct VerdictStanding {
  const Verdict* verdict = nullptr;
  bool required = false;
  const Requirement* requirement = nullptr;   // when required
  bool earned = false;        // required: ok with the minimum evidence
  std::string shortfall;      // required and not earned: why, in one line
};

struct PolicyResult {
  int exit_code = 0;          // 0, 1 or 3 as above
  bool passed = false;        // exit_code == 0
  std::vector<VerdictStanding> standings;     // in verdict order
  // Requirements naming a checker that has no verdict (a required checker that never ran).
  std::vector<std::string> missing;
  std::string summary;        // "6 required: 6 earned; 2 informative (1 unknown, 1 not_applicable)"
};

PolicyResult ApplyPolicy(const std::vector<Verdict>& verdicts,
                         const std::vector<Requirement>& requirements);

// "judged 61 of 61 commit advances" / "judged 3 acked puts" / "judged nothing".
std::string DescribeJudged(const Verdict& v);

}  // namespace raftlab::evidence
