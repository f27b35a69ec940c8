#include "evidence/checkers.h"

namespace raftlab::evidence {

const std::vector<CheckerInfo>& AllCheckers() {
  static const std::vector<CheckerInfo> kCheckers = {
      {"election_safety", "at most one leader per term", &CheckElectionSafety},
      {"term_monotonic", "each member's term never decreases, restarts included",
       &CheckTermMonotonic},
      {"commit_quorum",
       "a leader commits only what a quorum of the voters in force at that index holds (learners never "
       "count), and only up to an entry of its own term",
       &CheckCommitQuorum},
      {"log_matching", "equal (index, term) implies equal entries and equal prefixes",
       &CheckLogMatching},
      {"state_machine_safety",
       "no two members hold different committed entries at one index; HashKV equal",
       &CheckStateMachineSafety},
      {"durability", "every acknowledged put is in every member's committed log; "
                     "no committed entry is overwritten",
       &CheckDurability},
      {"membership",
       "every member applied the same ConfChange sequence, one voter at a time, never two pending; "
       "every .snap ConfState matches the configuration at its index",
       &CheckMembership},
      {"linearizability", "the client history is linearizable (per-key register)",
       &CheckLinearizable},
      {"msg_commit_rule",
       "every commit a leader announces on the wire is covered by a quorum of delivered acknowledgements "
       "(its own copy included) and is on an entry of its term or below one",
       &CheckMsgCommitRule, false},
      {"msg_votes", "on the wire, each voter grants one candidate per term and every leader holds a quorum of grants",
       &CheckMsgVotes, false},
      {"msg_prevote", "pre-votes never change a receiver's term; a rejected pre-candidate never campaigns",
       &CheckMsgPreVote, false},
      {"msg_snapshot_conf", "every MsgSnap's ConfState equals the configuration in force at its index",
       &CheckMsgSnapshotConf, false},
      {"msg_durable_copies",
       "evidence: the commits that needed the leader's own copy, and whether its WAL had fsynced it",
       &CheckMsgDurableCopies, false},
  };
  return kCheckers;
}

std::vector<std::string> CheckerNames() {
  std::vector<std::string> names;
  for (const CheckerInfo& c : AllCheckers()) names.push_back(c.name);
  return names;
}

std::vector<Verdict> RunCheckers(const Run& run, const std::vector<CheckerInfo>& checkers) {
  std::vector<Verdict> verdicts;
  verdicts.reserve(checkers.size());
  for (const CheckerInfo& c : checkers) {
    Verdict v = c.fn(run);
    v.checker = c.name;
    v.property = c.property;
    // The contract of Validity::kOk, enforced for every checker: nothing judged, nothing earned.
    if (v.validity == Validity::kOk && v.judged == 0) {
      v.validity = Validity::kUnknown;
      v.evidence.insert(v.evidence.begin(), "said ok but counted no judged instance: not earned");
    }
    verdicts.push_back(std::move(v));
  }
  return verdicts;
}

std::vector<Verdict> RunAllCheckers(const Run& run) { return RunCheckers(run, AllCheckers()); }

Validity Overall(const std::vector<Verdict>& verdicts) {
  Validity overall = Validity::kNotApplicable;
  for (const Verdict& v : verdicts) overall = Merge(overall, v.validity);
  return overall;
}

}  // namespace raftlab::evidence
