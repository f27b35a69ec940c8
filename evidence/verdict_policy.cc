#include "evidence/verdict_policy.h"

#include <algorithm>
#include <map>

namespace raftlab::evidence {
namespace {

bool ParseCount(const std::string& s, uint64_t* n) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  *n = std::stoull(s);
  return true;
}

}  // namespace

Result<std::vector<Requirement>> ParseRequirements(const std::string& spec,
                                                   const std::vector<std::string>& known) {
  std::vector<Requirement> out;
  size_t start = 0;
  while (start <= spec.size()) {
    const size_t comma = std::min(spec.find(',', start), spec.size());
    const std::string item = spec.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) {
      return InvalidArgument("empty checker name in --require \"" + spec + "\"");
    }
    Requirement r;
    const size_t colon = item.find(':');
    r.checker = item.substr(0, colon);
    if (colon != std::string::npos) {
      const std::string min = item.substr(colon + 1);
      if (min == "all") {
        r.all = true;
      } else if (!ParseCount(min, &r.min_judged) || r.min_judged == 0) {
        return InvalidArgument("bad minimum \"" + min + "\" for " + r.checker +
                               " (want a count >= 1 or \"all\")");
      }
    }
    if (std::find(known.begin(), known.end(), r.checker) == known.end()) {
      std::string names;
      for (const std::string& k : known) names += (names.empty() ? "" : ", ") + k;
      return InvalidArgument("unknown checker \"" + r.checker + "\" (checkers: " + names + ")");
    }
    for (const Requirement& seen : out) {
      if (seen.checker == r.checker) return InvalidArgument(r.checker + " is required twice");
    }
    out.push_back(r);
  }
  return out;
}

std::string FormatRequirements(const std::vector<Requirement>& requirements) {
  std::string out;
  for (const Requirement& r : requirements) {
    if (!out.empty()) out += ",";
    out += r.checker;
    if (r.all) out += ":all";
    else if (r.min_judged != 1) out += ":" + std::to_string(r.min_judged);
  }
  return out;
}

std::string DescribeJudged(const Verdict& v) {
  if (v.judged == 0 && v.of == 0) return "judged nothing";
  std::string out = "judged " + std::to_string(v.judged);
  if (v.of > 0) out += " of " + std::to_string(v.of);
  if (!v.unit.empty()) out += " " + v.unit;
  return out;
}

PolicyResult ApplyPolicy(const std::vector<Verdict>& verdicts,
                         const std::vector<Requirement>& requirements) {
  PolicyResult result;
  std::map<std::string, const Requirement*> by_name;
  for (const Requirement& r : requirements) by_name[r.checker] = &r;

  bool violated = false, unearned = false;
  size_t required = 0, earned = 0;
  std::map<std::string, size_t> informative;   // validity name -> count
  for (const Verdict& v : verdicts) {
    VerdictStanding s;
    s.verdict = &v;
    violated = violated || v.validity == Validity::kViolated;
    auto it = by_name.find(v.checker);
    if (it == by_name.end()) {
      ++informative[ValidityName(v.validity)];
      result.standings.push_back(s);
      continue;
    }
    s.required = true;
    s.requirement = it->second;
    ++required;
    const Requirement& r = *it->second;
    if (v.validity != Validity::kOk) {
      s.shortfall = std::string("required, but ") + ValidityName(v.validity);
    } else if (v.judged < r.min_judged) {
      s.shortfall = "required at least " + std::to_string(r.min_judged) + ", " + DescribeJudged(v);
    } else if (r.all && v.judged != v.of) {
      s.shortfall = "required every instance, " + DescribeJudged(v);
    } else {
      s.earned = true;
    }
    earned += s.earned;
    unearned = unearned || !s.earned;
    result.standings.push_back(s);
  }
  for (const Requirement& r : requirements) {
    bool present = false;
    for (const Verdict& v : verdicts) present = present || v.checker == r.checker;
    if (!present) result.missing.push_back(r.checker);
  }
  unearned = unearned || !result.missing.empty();

  result.exit_code = violated ? 1 : unearned ? 3 : 0;
  result.passed = result.exit_code == 0;
  size_t n_informative = 0;
  std::string parts;
  for (const auto& [name, n] : informative) {
    n_informative += n;
    parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + name;
  }
  result.summary = std::to_string(required + result.missing.size()) + " required: " +
                   std::to_string(earned) + " earned";
  if (!result.missing.empty()) {
    result.summary += ", " + std::to_string(result.missing.size()) + " never ran";
  }
  result.summary += "; " + std::to_string(n_informative) + " informative";
  if (!parts.empty()) result.summary += " (" + parts + ")";
  return result;
}

}  // namespace raftlab::evidence
