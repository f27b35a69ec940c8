#include "evidence/verdict_report.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "evidence/checkers.h"

namespace raftlab::evidence {
namespace {

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string MinimumText(const Requirement& r) {
  return r.all ? "all" : ">= " + std::to_string(r.min_judged);
}

}  // namespace

const char* VerdictLabel(Validity v) {
  switch (v) {
    case Validity::kOk: return "PASS";
    case Validity::kViolated: return "FAIL";
    case Validity::kUnknown: return "UNKNOWN";
    case Validity::kNotApplicable: return "N/A";
  }
  return "UNKNOWN";
}

std::string VerdictsJson(const std::vector<Verdict>& verdicts,
                         const std::vector<Requirement>& requirements, const PolicyResult& policy,
                         const std::vector<MemberSampleGaps>& sampling) {
  nlohmann::json doc;
  doc["verdicts"] = nlohmann::json::array();
  for (const VerdictStanding& s : policy.standings) {
    const Verdict& v = *s.verdict;
    nlohmann::json j = {{"checker", v.checker},   {"property", v.property},
                        {"validity", ValidityName(v.validity)},
                        {"judged", v.judged},     {"of", v.of},
                        {"unit", v.unit},         {"required", s.required}};
    if (s.required) {
      j["minimum"] = MinimumText(*s.requirement);
      j["earned"] = s.earned;
      if (!s.earned) j["shortfall"] = s.shortfall;
    }
    j["evidence"] = v.evidence;
    doc["verdicts"].push_back(std::move(j));
  }
  doc["required"] = FormatRequirements(requirements);
  doc["missing_required"] = policy.missing;
  doc["overall"] = ValidityName(Overall(verdicts));
  doc["passed"] = policy.passed;
  doc["exit_code"] = policy.exit_code;
  doc["policy"] = policy.summary;
  doc["sampling"] = nlohmann::json::array();
  for (const MemberSampleGaps& g : sampling) {
    doc["sampling"].push_back({{"member", g.member}, {"samples", g.samples}, {"median_gap_ms", g.median_gap_ms},
                               {"max_gap_ms", g.max_gap_ms}, {"max_gap_from_s", g.max_gap_from_s},
                               {"max_gap_to_s", g.max_gap_to_s}});
  }
  // Evidence may quote keys and values that are not UTF-8: replace rather than throw.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::vector<std::string> VerdictTable(const PolicyResult& policy, size_t evidence_lines,
                                      const std::string& indent) {
  size_t width = 0;
  for (const VerdictStanding& s : policy.standings) width = std::max(width, s.verdict->checker.size());
  std::vector<std::string> lines;
  for (bool required : {true, false}) {
    bool any = false;
    for (const VerdictStanding& s : policy.standings) any = any || s.required == required;
    if (!any && !(required && !policy.missing.empty())) continue;
    lines.push_back(required ? "required (each must be ok with its minimum evidence):"
                             : "informative (reported, not demanded):");
    for (const VerdictStanding& s : policy.standings) {
      if (s.required != required) continue;
      const Verdict& v = *s.verdict;
      std::string line = "  " + Pad(VerdictLabel(v.validity), 8) + Pad(v.checker, width + 2) +
                         DescribeJudged(v);
      if (s.required) line += " (minimum " + MinimumText(*s.requirement) + ")";
      if (s.required && !s.earned) line += ": NOT EARNED, " + s.shortfall;
      lines.push_back(line);
      for (size_t i = 0; i < v.evidence.size() && i < evidence_lines; ++i) {
        lines.push_back(indent + v.evidence[i]);
      }
      if (v.evidence.size() > evidence_lines) {
        lines.push_back(indent + "(" + std::to_string(v.evidence.size() - evidence_lines) +
                        " more lines in verdicts.json)");
      }
    }
    if (required) {
      for (const std::string& name : policy.missing) {
        lines.push_back("  " + Pad("MISSING", 8) + Pad(name, width + 2) + "required, but no such verdict");
      }
    }
  }
  lines.push_back("policy: " + policy.summary + " -> " +
                  (policy.exit_code == 0   ? "pass (exit 0)"
                   : policy.exit_code == 1 ? "a property was violated (exit 1)"
                                           : "a required verdict was not earned (exit 3)"));
  return lines;
}

std::vector<Requirement> DefaultRequirements(const std::vector<Verdict>& verdicts) {
  std::set<std::string> informative;
  for (const CheckerInfo& c : AllCheckers()) {
    if (!c.required_by_default) informative.insert(c.name);
  }
  std::vector<Requirement> out;
  for (const Verdict& v : verdicts) {
    if (v.validity != Validity::kNotApplicable && !informative.count(v.checker)) out.push_back({v.checker, 1, false});
  }
  return out;
}

}  // namespace raftlab::evidence
