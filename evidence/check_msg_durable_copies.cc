// msg_durable_copies: evidence, not a pass/fail of safety. Raft's proof counts only copies on
// stable storage; etcd's leader counts its own copy (its progress match) when it appends, before
// its WAL fsync returns. This reports, for each commit advance on the wire
// (msg_commit_analysis.h: the first covered announcement of each higher commit of a leader term),
// whether the delivered follower acknowledgements alone were a quorum, and for those that needed
// the leader's own copy whether that copy was already fsynced, from the leader's
// wal_fsync_duration_seconds_count (etcd_disk_wal_fsync_duration_seconds_count) in its journal
// samples. The sampler reads /metrics about every 500 ms (evidence/sampler.h), so the finding is
// coarse; the evidence states the period seen:
//   not fsynced at the commit  a sample at or after the commit shows the same count as the last
//                              sample before the leader first sent the entry: no fsync completed
//                              on the leader across the append and the commit;
//   fsync before the commit    a sample between the append and the commit shows a higher count
//                              than the one before the append (an fsync completed in between,
//                              possibly of an earlier write);
//   undecided                  the count rose only across an interval that holds the commit;
//   no evidence                no time base, no first send of the entry on the wire, or no
//                              samples with /metrics around it.
// Validity: ok when it examined an advance, not_applicable when there was none; never violated,
// and never required by default (checkers.cc).
#include <algorithm>
#include <vector>

#include "evidence/check_common.h"
#include "evidence/checkers.h"
#include "evidence/msg_check_common.h"
#include "evidence/msg_commit_analysis.h"

namespace raftlab::evidence {

using namespace msgcheck;
namespace {

constexpr char kFsyncCount[] = "wal_fsync_duration_seconds_count";

struct FsyncReading {
  int64_t mono_ns = 0;
  double count = 0;
};

// Each member's fsync-count readings, in time order.
std::map<std::string, std::vector<FsyncReading>> FsyncReadings(const Run& run) {
  std::map<std::string, std::vector<FsyncReading>> out;
  for (const RaftSample& s : run.samples) {
    auto it = s.metrics.find(kFsyncCount);
    if (it != s.metrics.end()) out[s.member].push_back({s.mono_ns, it->second});
  }
  for (auto& [member, r] : out) {
    std::stable_sort(r.begin(), r.end(), [](const FsyncReading& a, const FsyncReading& b) { return a.mono_ns < b.mono_ns; });
  }
  return out;
}

// The median gap between a member's readings, over every member (ms); 0 without two readings.
int64_t MedianGapMs(const std::map<std::string, std::vector<FsyncReading>>& readings) {
  std::vector<int64_t> gaps;
  for (const auto& [member, r] : readings) {
    for (size_t i = 1; i < r.size(); ++i) gaps.push_back(r[i].mono_ns - r[i - 1].mono_ns);
  }
  if (gaps.empty()) return 0;
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  return gaps[gaps.size() / 2] / 1'000'000;
}

std::string CountText(double c) { return std::to_string(static_cast<int64_t>(c)); }

}  // namespace

Verdict CheckMsgDurableCopies(const Run& run) {
  Verdict v;
  const std::string unit = "commit advances (distinct leader, term, commit) examined";
  if (NoCapture(run, unit, &v)) return v;
  v.unit = unit;
  const CommitReplay replay(run);
  const Members& members = replay.members;
  const MessageClock& clock = replay.clock;
  const CommitAnalysis& analysis = replay.analysis;
  const auto readings = FsyncReadings(run);
  const std::vector<WireMessage>& ms = *run.messages;
  const int64_t origin = checkutil::TimeOrigin(run);

  size_t needed = 0, before = 0, after = 0, undecided = 0, none = 0;
  checkutil::EvidenceList lines(40);
  for (const CommitAdvance& a : analysis.advances) {
    if (!a.needed_leader_copy) continue;
    ++needed;
    const WireMessage& m = ms[a.message];
    const std::string leader = members.Name(a.leader);
    std::string head = clock.Line(m) + ": " + std::to_string(a.followers_at_commit) + " follower ack(s) at " +
                       std::to_string(a.commit) + ", quorum " + std::to_string(a.quorum) + ": needed " + leader +
                       "'s own copy; ";
    const std::optional<int64_t> commit_mono = clock.ToMono(m.time_ns);
    const std::optional<int64_t> append_mono =
        a.first_sent ? clock.ToMono(ms[*a.first_sent].time_ns) : std::nullopt;
    auto it = readings.find(leader);
    if (!commit_mono || !append_mono || it == readings.end()) {
      ++none;
      lines.Add(head + "no fsync evidence (" +
                (!commit_mono ? std::string("the journal gives no wall clock to place the capture on")
                 : !append_mono ? "the entry's first MsgApp is not in the capture"
                                : "no sample of " + leader + " carries " + kFsyncCount) +
                ")");
      continue;
    }
    const std::vector<FsyncReading>& r = it->second;
    const FsyncReading* pre = nullptr;
    const FsyncReading* post = nullptr;
    const FsyncReading* between = nullptr;
    for (const FsyncReading& x : r) {
      if (x.mono_ns <= *append_mono) pre = &x;
      if (x.mono_ns >= *append_mono && x.mono_ns <= *commit_mono) between = &x;
      if (x.mono_ns >= *commit_mono && post == nullptr) post = &x;
    }
    if (pre == nullptr || post == nullptr) {
      ++none;
      lines.Add(head + "no fsync evidence (no " + kFsyncCount + " reading of " + leader + " " +
                (pre == nullptr ? "before the append" : "after the commit") + ")");
      continue;
    }
    const std::string pre_text = "count " + CountText(pre->count) + " at " + checkutil::RelSeconds(origin, pre->mono_ns) +
                                 " before the append";
    if (post->count == pre->count) {
      ++after;
      lines.Add(head + "NOT fsynced at the commit: " + pre_text + ", still " + CountText(post->count) + " at " +
                checkutil::RelSeconds(origin, post->mono_ns) + " after the commit");
    } else if (between != nullptr && between->count > pre->count) {
      ++before;
      lines.Add(head + "an fsync completed before the commit: " + pre_text + ", " + CountText(between->count) +
                " at " + checkutil::RelSeconds(origin, between->mono_ns) + " between append and commit");
    } else {
      ++undecided;
      lines.Add(head + "undecided: " + pre_text + ", " + CountText(post->count) + " at " +
                checkutil::RelSeconds(origin, post->mono_ns) + " after the commit, no reading in between");
    }
  }
  v.judged = analysis.advances.size();
  v.of = v.judged;
  const int64_t gap = MedianGapMs(readings);
  v.evidence.push_back(
      "examined " + std::to_string(analysis.advances.size()) + " commit advances on the wire: " +
      std::to_string(needed) + " needed the leader's own copy (the delivered follower acks alone were not a "
      "quorum), of which " + std::to_string(before) + " with an fsync seen before the commit, " +
      std::to_string(after) + " not fsynced at the commit (fsync only after), " + std::to_string(undecided) +
      " undecided, " + std::to_string(none) + " without fsync evidence");
  v.evidence.push_back(gap > 0 ? "granularity: the leaders' fsync counts were read every ~" + std::to_string(gap) +
                                     " ms (median gap between /metrics readings); a finding says only what those "
                                     "readings bound"
                               : std::string("granularity: no two /metrics readings of a member carry ") + kFsyncCount +
                                     " (fsync evidence needs the journal's samples)");
  v.validity = analysis.advances.empty() ? Validity::kNotApplicable : Validity::kOk;
  if (analysis.advances.empty()) v.evidence.push_back("no commit advance judged on the wire");
  for (std::string& l : lines.Take("advances")) v.evidence.push_back(std::move(l));
  return v;
}

}  // namespace raftlab::evidence
