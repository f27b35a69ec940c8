#include "evidence/run.h"

namespace raftlab::evidence {

const char* ValidityName(Validity v) {
  switch (v) {
    case Validity::kOk: return "ok";
    case Validity::kViolated: return "violated";
    case Validity::kUnknown: return "unknown";
    case Validity::kNotApplicable: return "not_applicable";
  }
  return "unknown";
}

bool ParseValidity(const std::string& name, Validity* v) {
  for (Validity c : {Validity::kOk, Validity::kViolated, Validity::kUnknown, Validity::kNotApplicable}) {
    if (name == ValidityName(c)) {
      *v = c;
      return true;
    }
  }
  return false;
}

bool OutcomeFromPhase(const std::string& phase, OpOutcome* outcome) {
  if (phase == "ok") *outcome = OpOutcome::kOk;
  else if (phase == "fail") *outcome = OpOutcome::kFail;
  else if (phase == "info") *outcome = OpOutcome::kUnknown;
  else return false;
  return true;
}

Validity Merge(Validity a, Validity b) {
  auto rank = [](Validity v) {
    switch (v) {
      case Validity::kViolated: return 3;
      case Validity::kUnknown: return 2;
      case Validity::kOk: return 1;
      case Validity::kNotApplicable: return 0;
    }
    return 2;
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace raftlab::evidence
