// Term monotonicity: a member's term never goes down. etcd persists the term in its WAL hard
// state before acting on it, so a restart resumes at the term it had; the samples of one member
// (restarts included) and the hard states in its WAL must both be non-decreasing. A member that
// was removed and added again (same name, new etcd id) is a new incarnation, judged apart.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"

namespace raftlab::evidence {

using namespace checkutil;   // evidence helpers: names, times, entries

Verdict CheckTermMonotonic(const Run& run) {
  Verdict v;
  const int64_t origin = TimeOrigin(run);

  struct Track {
    bool seen = false;
    uint64_t first_term = 0;
    uint64_t term = 0;
    size_t sample = 0;      // index of the sample holding `term`
    int64_t ns = 0;
    size_t count = 0;
    size_t increases = 0;
  };
  // One track per incarnation: a member removed and added again under the same name comes
  // back with a new etcd id and an empty log, and rightly starts again from term 0.
  std::map<std::string, std::set<uint64_t>> ids_of;
  for (const RaftSample& s : run.samples) ids_of[s.member].insert(s.id);
  auto who = [&](const RaftSample& s) {
    return ids_of[s.member].size() > 1 ? s.member + " (id " + HexId(s.id) + ")" : s.member;
  };
  std::map<std::string, Track> tracks;
  EvidenceList bad(40);

  for (size_t i = 0; i < run.samples.size(); ++i) {
    const RaftSample& s = run.samples[i];
    Track& t = tracks[who(s)];
    if (t.seen && s.term < t.term) {
      bad.Add(who(s) + ": term went down " + std::to_string(t.term) + " -> " +
              std::to_string(s.term) + " between sample " + std::to_string(t.sample) + " (t=" +
              RelSeconds(origin, t.ns) + ") and sample " + std::to_string(i) + " (t=" +
              RelSeconds(origin, s.mono_ns) + ")");
    }
    if (!t.seen) t.first_term = s.term;
    if (t.seen && s.term > t.term) ++t.increases;
    t.seen = true;
    t.term = s.term;
    t.sample = i;
    t.ns = s.mono_ns;
    ++t.count;
  }

  std::vector<std::string> good;
  for (const auto& [member, t] : tracks) {
    good.push_back(member + ": samples term " + std::to_string(t.first_term) + " -> " +
                   std::to_string(t.term) + " over " + std::to_string(t.count) + " samples, " +
                   std::to_string(t.increases) + " increases");
  }

  size_t hard_states = 0;
  for (const auto& [member, log] : run.logs) {
    const auto& hs = log.hard_states;
    hard_states += hs.size();
    for (size_t i = 1; i < hs.size(); ++i) {
      if (hs[i].term < hs[i - 1].term) {
        bad.Add(member + ": WAL hard state term went down " + std::to_string(hs[i - 1].term) +
                " -> " + std::to_string(hs[i].term) + " at hard state " + std::to_string(i) +
                " of " + std::to_string(hs.size()));
      }
    }
    if (!hs.empty()) {
      good.push_back(member + ": WAL hard states term " + std::to_string(hs.front().term) +
                     " -> " + std::to_string(hs.back().term) + " over " +
                     std::to_string(hs.size()) + " records");
    }
  }

  v.judged = run.samples.size() + hard_states;
  v.of = v.judged;
  v.unit = "samples and WAL hard states";
  if (bad.size() > 0) {
    v.validity = Validity::kViolated;
    v.evidence = bad.Take("decreases");
    return v;
  }
  if (tracks.empty() && hard_states == 0) {
    v.validity = Validity::kUnknown;
    v.evidence.push_back("no samples and no WAL hard states to judge");
    return v;
  }
  v.validity = Validity::kOk;
  v.evidence.push_back("judged " + std::to_string(run.samples.size()) + " samples of " +
                       std::to_string(tracks.size()) + " members and " +
                       std::to_string(hard_states) + " WAL hard states: no term went down");
  for (std::string& line : good) v.evidence.push_back(std::move(line));
  return v;
}

}  // namespace raftlab::evidence
