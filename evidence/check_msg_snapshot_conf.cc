// msg_snapshot_conf: every MsgSnap on the wire carries, in its snapshot metadata, the ConfState of
// the configuration in force at its index: the voters and learners after every ConfChange at an
// index <= the snapshot's (VoterLookup::After: the decoded WALs, else the lab's unchanged
// membership records), and no joint configuration (etcd 3.4 never enters one).
// judged = MsgSnaps compared; not_applicable without MsgSnap.
#include <set>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/msg_check_common.h"

namespace raftlab::evidence {

using namespace msgcheck;

Verdict CheckMsgSnapshotConf(const Run& run) {
  Verdict v;
  const std::string unit = "MsgSnap messages";
  if (NoCapture(run, unit, &v)) return v;
  v.unit = unit;
  const Members members(run);
  const VoterLookup voters(run, members);
  const MessageClock clock(run, members);
  checkutil::EvidenceList bad(20), unjudged(20), good(20);
  size_t snaps = 0, judged = 0;
  for (const WireMessage& m : *run.messages) {
    if (m.type != "MsgSnap") continue;
    ++snaps;
    const std::string line = clock.Line(m);
    if (!m.snapshot) {
      unjudged.Add(line + ": no snapshot metadata decoded");
      continue;
    }
    const WireSnapshot& s = *m.snapshot;
    std::string label;
    const std::optional<VoterConfig> want = voters.After(s.index, &label);
    if (!want) {
      unjudged.Add(line + ": configuration at index " + std::to_string(s.index) + " unknown (" + label + ")");
      continue;
    }
    ++judged;
    const VoterConfig got{{s.voters.begin(), s.voters.end()}, {s.learners.begin(), s.learners.end()}};
    const bool joint = !s.voters_outgoing.empty() || !s.learners_next.empty();
    if (got != *want || joint) {
      bad.Add(line + ": its ConfState is " + DescribeConfig(got, members.names()) +
              (joint ? " with a joint (outgoing) part" : "") + ", the configuration in force at index " +
              std::to_string(s.index) + " is " + DescribeConfig(*want, members.names()) + " (" + label + ")");
    } else {
      good.Add(line + ": ConfState " + DescribeConfig(got, members.names()) + " = the configuration at index " +
               std::to_string(s.index) + " (" + label + ")");
    }
  }
  v.judged = judged;
  v.of = snaps;
  v.evidence.push_back("judged " + std::to_string(judged) + " of " + std::to_string(snaps) + " MsgSnap messages");
  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
  } else if (snaps == 0) {
    v.validity = Validity::kNotApplicable;
    v.evidence.push_back("no MsgSnap in the capture (" + std::to_string(run.messages->size()) + " messages)");
  } else {
    v.validity = judged > 0 ? Validity::kOk : Validity::kUnknown;
  }
  for (std::string& l : bad.Take("violations")) v.evidence.push_back(std::move(l));
  for (std::string& l : unjudged.Take("unjudged snapshots")) v.evidence.push_back(std::move(l));
  for (std::string& l : good.Take("snapshots")) v.evidence.push_back(std::move(l));
  return v;
}

}  // namespace raftlab::evidence
