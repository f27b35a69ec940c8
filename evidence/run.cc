#include "evidence/run.h"

namespace raftlab::evidence {

const char* ValidityName(Validity v) {
  switch (v) {
    case Validity::kOk: return "ok";
    case Validity::kViolated: return "violated";
    case Validity::kUnknown: return "unknown";
  }
  return "unknown";
}

bool OutcomeFromPhase(const std::string& phase, OpOutcome* outcome) {
  if (phase == "ok") *outcome = OpOutcome::kOk;
  else if (phase == "fail") *outcome = OpOutcome::kFail;
  else if (phase == "info") *outcome = OpOutcome::kUnknown;
  else return false;
  return true;
}

Validity Merge(Validity a, Validity b) {
  auto rank = [](Validity v) { return v == Validity::kViolated ? 2 : v == Validity::kUnknown ? 1 : 0; };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace raftlab::evidence
