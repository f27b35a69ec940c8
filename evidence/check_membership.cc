// Membership safety: a configuration change adds or removes one voter at a time, so every
// majority of the old voter set overlaps every majority of the new one
// (q_old + q_new > |old ∪ new|) and two disjoint majorities can never both decide.
//
// For each step of run.memberships the evidence gives the voters, the quorum size (n/2+1), the
// failures tolerated, and the overlap argument. The conf-change entries committed in the most
// complete decoded WAL are listed alongside, as the log's own account of the changes.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/quorum.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries
namespace {

std::string Set(const std::set<std::string>& s) {
  return "{" + JoinNames({s.begin(), s.end()}) + "}";
}

std::string Config(const std::set<std::string>& voters) {
  const size_t n = voters.size();
  return Set(voters) + " (" + std::to_string(n) + " voters, quorum " +
         std::to_string(QuorumSize(n)) + ", tolerates " + std::to_string(ToleratedFailures(n)) +
         " failures)";
}

}  // namespace

Verdict CheckMembership(const Run& run) {
  Verdict v;
  const int64_t origin = TimeOrigin(run);
  const auto names = IdNames(run);
  if (run.memberships.empty()) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("no membership records in the journal");
    return v;
  }
  std::vector<std::string> steps;
  EvidenceList bad(40);
  std::set<std::string> old(run.memberships[0].voters.begin(), run.memberships[0].voters.end());
  steps.push_back("initial at t=" + RelSeconds(origin, run.memberships[0].mono_ns) + ": " +
                  Config(old));
  for (size_t i = 1; i < run.memberships.size(); ++i) {
    const MembershipRecord& m = run.memberships[i];
    std::set<std::string> now(m.voters.begin(), m.voters.end());
    std::set<std::string> added, removed, both = old;
    for (const std::string& x : now) {
      if (!old.count(x)) added.insert(x);
      both.insert(x);
    }
    for (const std::string& x : old) {
      if (!now.count(x)) removed.insert(x);
    }
    const size_t q_old = QuorumSize(old.size()), q_new = QuorumSize(now.size());
    std::string change;
    for (const std::string& x : added) change += " +" + x;
    for (const std::string& x : removed) change += " -" + x;
    if (change.empty()) change = " voters unchanged";
    if (!m.learners.empty()) {
      change += " (learners " + JoinNames(m.learners) + ")";
    }
    const bool overlap = q_old + q_new > both.size();
    const std::string line = "step " + std::to_string(i) + " at t=" +
                             RelSeconds(origin, m.mono_ns) + ":" + change + " -> " +
                             Config(now) + "; overlap " + std::to_string(q_old) + " + " +
                             std::to_string(q_new) + (overlap ? " > " : " <= ") + "|old ∪ new| = " +
                             std::to_string(both.size());
    steps.push_back(line);
    const size_t changed = added.size() + removed.size();
    if (changed > 1 || !overlap) {
      bad.Add(line + ": " + std::to_string(changed) + " voters changed at once, from " + Set(old) +
              (overlap ? "" : "; majorities of old and new can be disjoint"));
    }
    old = std::move(now);
  }

  // The log's own account: conf changes committed in the longest decoded log.
  const RaftLog* longest = nullptr;
  std::string longest_name;
  for (const auto& [member, log] : run.logs) {
    if (longest == nullptr || log.entries.size() > longest->entries.size()) {
      longest = &log;
      longest_name = member;
    }
  }
  std::vector<std::string> wal_lines;
  if (longest != nullptr) {
    for (const LogEntry& e : longest->entries) {
      if (e.index > longest->LastCommit()) break;
      if (e.type == EntryType::kNormal) continue;
      std::string who = e.request.conf_name;
      if (who.empty()) who = MemberName(names, e.request.conf_node_id);
      wal_lines.push_back("WAL " + longest_name + " index " + std::to_string(e.index) + " term " +
                          std::to_string(e.term) + ": " +
                          (e.type == EntryType::kConfChangeV2 ? "ConfChangeV2 " : "") +
                          (e.request.conf_type.empty() ? e.request.kind : e.request.conf_type) +
                          " " + who + (e.request.conf_is_promote ? " (promote)" : "") +
                          (e.request.conf_is_learner ? " (learner)" : ""));
    }
  }

  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
    v.evidence = bad.Take("violations");
    return v;
  }
  v.validity = Validity::kOk;
  v.evidence.push_back(std::to_string(run.memberships.size() - 1) +
                       " membership steps, each changing at most one voter; majorities overlap");
  for (std::string& s : steps) v.evidence.push_back(std::move(s));
  for (std::string& s : wal_lines) v.evidence.push_back(std::move(s));
  return v;
}

}  // namespace raftlab::evidence
