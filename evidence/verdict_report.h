// How verdicts are written down: verdicts.json and the readable table that `check run`,
// `scenario run` and the transcript print, with the required verdicts apart from the
// informative ones (verdict_policy.h decides which is which).
//
// verdicts.json:
//   {"verdicts":[{"checker","property","validity","judged","of","unit","required",
//                 "minimum"?, "earned"?, "shortfall"?, "evidence":[...]}],
//    "required":"durability:all,...", "overall":"ok|violated|unknown|not_applicable",
//    "passed":bool, "exit_code":0|1|3, "policy":"6 required: 6 earned; ...",
//    "sampling":[{"member","samples","median_gap_ms","max_gap_ms","max_gap_from_s","max_gap_to_s"}]}
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "evidence/run.h"
#include "evidence/sample_gaps.h"
#include "evidence/verdict_policy.h"

namespace raftlab::evidence {

// The verdicts.json document, pretty-printed, ending with a newline. `sampling` says how evenly
// the sampler saw each member (the evidence under every sample-based verdict).
std::string VerdictsJson(const std::vector<Verdict>& verdicts,
                         const std::vector<Requirement>& requirements, const PolicyResult& policy,
                         const std::vector<MemberSampleGaps>& sampling = {});

// "PASS", "FAIL", "UNKNOWN" or "N/A".
const char* VerdictLabel(Validity v);

// The readable table: a "required" block (each line: label, checker, what was judged, and the
// shortfall when not earned), then an "informative" block, each verdict followed by up to
// `evidence_lines` of its evidence (indented by `indent`), then the policy's summary line.
std::vector<std::string> VerdictTable(const PolicyResult& policy, size_t evidence_lines,
                                      const std::string& indent = "        ");

// The requirements `check run` applies when neither --require nor the run folder names any:
// every checker whose verdict is not not_applicable (a property the run exercised must be
// judged; one it never exercised is reported, not demanded), except those the registry marks
// not required by default (checkers.h CheckerInfo::required_by_default).
std::vector<Requirement> DefaultRequirements(const std::vector<Verdict>& verdicts);

}  // namespace raftlab::evidence
