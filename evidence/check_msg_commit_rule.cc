// msg_commit_rule: the commit rule on every commit announcement on the wire (every MsgApp and
// MsgHeartbeat carrying a commit), replayed by msg_commit_analysis.h: covered by a quorum of the
// acknowledged indexes the leader can have received by then, and on an entry of the leader's term
// or below one that is.
//
// judged = announcements both rules were applied to (each message counts, heartbeats included;
// the first evidence line also gives the distinct (leader, term, commit) values); of = every
// announcement with a non-zero commit. Carried commits (the one a leader entered its term with)
// and announcements of a term the capture joined late are counted, not judged.
#include <map>
#include <set>
#include <tuple>

#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/msg_check_common.h"
#include "evidence/msg_commit_analysis.h"

namespace raftlab::evidence {

using namespace msgcheck;

Verdict CheckMsgCommitRule(const Run& run) {
  Verdict v;
  const std::string unit = "commit announcements (MsgApp/MsgHeartbeat messages)";
  if (NoCapture(run, unit, &v)) return v;
  v.unit = unit;
  const CommitReplay replay(run);
  const Members& members = replay.members;
  const MessageClock& clock = replay.clock;
  const CommitAnalysis& analysis = replay.analysis;

  checkutil::EvidenceList bad(40), unjudged(20);
  size_t judged = 0, carried = 0, unjudged_count = 0;
  // Unjudged announcements, one line per (leader, term, reason): how many, and the first.
  struct Unjudged {
    size_t count = 0;
    std::string first;
  };
  std::map<std::tuple<uint64_t, uint64_t, std::string>, Unjudged> unjudged_by;
  std::set<std::tuple<uint64_t, uint64_t, uint64_t>> distinct;
  for (const CommitAnnouncement& a : analysis.announcements) {
    const std::string line = clock.Line((*run.messages)[a.message]);
    switch (a.outcome) {
      case AnnouncementOutcome::kOk:
        ++judged;
        distinct.insert({a.leader, a.term, a.commit});
        break;
      case AnnouncementOutcome::kCarried:
        ++carried;
        break;
      case AnnouncementOutcome::kBeyondQuorum:
        ++judged;
        bad.Add(line + ": commit " + std::to_string(a.commit) + " beyond the quorum of acknowledged indexes (" +
                a.detail + ")");
        break;
      case AnnouncementOutcome::kEarlierTerm:
        ++judged;
        bad.Add(line + ": commit of an earlier term's entry by count: " + a.detail);
        break;
      case AnnouncementOutcome::kUnjudged: {
        ++unjudged_count;
        Unjudged& u = unjudged_by[{a.term, a.leader, a.reason}];
        if (u.count++ == 0) u.first = line + ": " + a.detail;
        break;
      }
    }
  }
  for (const auto& [key, u] : unjudged_by) {
    unjudged.Add("term " + std::to_string(std::get<0>(key)) + ", leader " + members.Name(std::get<1>(key)) + ": " +
                 std::to_string(u.count) + " announcements not judged, " + std::get<2>(key) + "; the first: " + u.first);
  }
  v.judged = judged;
  v.of = analysis.announcements.size();
  v.evidence.push_back(
      "judged " + std::to_string(judged) + " of " + std::to_string(v.of) + " commit announcements (every MsgApp/"
      "MsgHeartbeat carrying a commit, each message counted; " + std::to_string(distinct.size()) +
      " distinct (leader, term, commit) held) of " + std::to_string(analysis.leader_terms) + " leader terms on the "
      "wire (" + std::to_string(analysis.leader_terms_entered) + " entered within the capture); " +
      std::to_string(carried) + " carried commits from before the leader's term, " + std::to_string(unjudged_count) +
      " not judged; an acknowledgement counts from max(capture time, its TCP ACK - 200 ms)");
  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
  } else if (analysis.announcements.empty()) {
    v.validity = Validity::kNotApplicable;
    v.evidence.push_back("no leader announced a commit on the wire (" + std::to_string(run.messages->size()) +
                         " messages)");
  } else {
    v.validity = judged > 0 ? Validity::kOk : Validity::kUnknown;
  }
  for (std::string& l : bad.Take("violations")) v.evidence.push_back(std::move(l));
  for (std::string& l : unjudged.Take("unjudged announcements")) v.evidence.push_back(std::move(l));
  return v;
}

}  // namespace raftlab::evidence
