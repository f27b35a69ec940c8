#include "evidence/msg_commit_analysis.h"

#include <algorithm>

#include "evidence/quorum.h"

namespace raftlab::evidence::msgcheck {
namespace {

struct Ack {
  int64_t at = 0;       // ReceivedBy
  uint64_t from = 0;
  uint64_t index = 0;
};

// What one leader term's messages say about the leader's log.
struct LeaderLog {
  std::map<uint64_t, uint64_t> term_at;   // index -> entry term, from what the leader sent
  std::optional<uint64_t> first_of_term;  // lowest index of an entry of T
  const RaftLog* wal = nullptr;           // the leader's decoded WAL, when it is this member's
  uint64_t term = 0;

  // The term of the entry at `index` while the leader led `term`; nullopt when unknown.
  std::optional<uint64_t> TermAt(uint64_t index) const {
    if (auto it = term_at.find(index); it != term_at.end()) return it->second;
    if (wal != nullptr) {
      if (const LogEntry* e = wal->At(index); e != nullptr && e->term <= term) return e->term;
    }
    return std::nullopt;
  }
};

LeaderLog ReadLeaderLog(const Run& run, const Members& members, const LeaderTerm& lt) {
  LeaderLog log;
  log.term = lt.term;
  const std::vector<WireMessage>& ms = *run.messages;
  for (size_t i = lt.first; i < ms.size(); ++i) {
    const WireMessage& m = ms[i];
    if (m.type != "MsgApp" || m.term != lt.term || members.From(m) != lt.leader) continue;
    if (m.index > 0) log.term_at[m.index] = m.log_term;
    for (const LogEntry& e : m.entries) log.term_at[e.index] = e.term;
  }
  if (auto it = run.logs.find(members.Name(lt.leader)); it != run.logs.end()) {
    if (it->second.node_id == 0 || it->second.node_id == lt.leader) log.wal = &it->second;
  }
  for (const auto& [index, term] : log.term_at) {
    if (term == lt.term) {
      log.first_of_term = index;
      break;
    }
  }
  if (!log.first_of_term && log.wal != nullptr) {
    for (const LogEntry& e : log.wal->entries) {
      if (e.term == lt.term) {
        log.first_of_term = e.index;
        break;
      }
    }
  }
  return log;
}

void AnalyzeTerm(const Run& run, const Members& members, const VoterLookup& voters, const LeaderTerm& lt,
                 CommitAnalysis* out) {
  const std::vector<WireMessage>& ms = *run.messages;
  const LeaderLog log = ReadLeaderLog(run, members, lt);
  std::vector<Ack> acks;
  for (size_t i = lt.first; i < ms.size(); ++i) {
    const WireMessage& m = ms[i];
    if (m.type != "MsgAppResp" || m.reject || m.term != lt.term || members.To(m) != lt.leader) continue;
    if (std::optional<int64_t> at = ReceivedBy(m)) acks.push_back({*at, members.From(m), m.index});
  }
  std::stable_sort(acks.begin(), acks.end(), [](const Ack& a, const Ack& b) { return a.at < b.at; });

  std::map<uint64_t, uint64_t> acked;   // follower -> highest ack so far
  size_t next_ack = 0;
  uint64_t own = 0, carried = 0, highest_advance = 0;
  std::map<uint64_t, size_t> first_sent;   // entry index -> first MsgApp carrying it
  for (size_t i = lt.first; i < ms.size(); ++i) {
    const WireMessage& m = ms[i];
    if (members.From(m) != lt.leader || m.term != lt.term) continue;
    if (m.type == "MsgApp") {
      own = std::max(own, m.entries.empty() ? m.index : m.entries.back().index);
      for (const LogEntry& e : m.entries) first_sent.emplace(e.index, i);
    } else if (m.type == "MsgSnap" && m.snapshot) {
      own = std::max(own, m.snapshot->index);
    }
    if (!IsLeaderMessage(m) || m.commit == 0) continue;
    while (next_ack < acks.size() && acks[next_ack].at <= m.time_ns) {
      uint64_t& a = acked[acks[next_ack].from];
      a = std::max(a, acks[next_ack].index);
      own = std::max(own, acks[next_ack].index);
      ++next_ack;
    }
    CommitAnnouncement a{i, lt.leader, lt.term, m.commit, AnnouncementOutcome::kUnjudged, "", ""};
    if (lt.entry_seen && (next_ack == 0 || m.commit <= carried)) {
      if (next_ack == 0) carried = std::max(carried, m.commit);
      a.outcome = AnnouncementOutcome::kCarried;
      a.detail = "commit " + std::to_string(m.commit) + " carried into term " + std::to_string(lt.term) +
                 " (announced before any acknowledgement of the term reached " + members.Name(lt.leader) + ")";
      out->announcements.push_back(std::move(a));
      continue;
    }
    std::string label;
    const std::optional<VoterConfig> config = voters.InForceFor(m.commit, &label);
    if (!config) {
      a.reason = "the voters in force are unknown";
      a.detail = "voters in force for index " + std::to_string(m.commit) + " unknown (" + label + ")";
      out->announcements.push_back(std::move(a));
      continue;
    }
    std::map<uint64_t, uint64_t> values = acked;   // "none" in the detail for a voter without an ack
    std::vector<uint64_t> counted;
    size_t followers_at = 0;
    for (uint64_t v : config->voters) {
      const uint64_t value = v == lt.leader ? own : (acked.count(v) ? acked.at(v) : 0);
      if (v == lt.leader) values[v] = own;
      counted.push_back(value);
      if (v != lt.leader && value >= m.commit) ++followers_at;
    }
    const uint64_t q = QuorumIndex(counted);
    const size_t need = QuorumSize(counted.size());
    a.detail = "acknowledged " + DescribeValues(config->voters, values, members, lt.leader) + ", quorum " +
               std::to_string(need) + " of " + std::to_string(counted.size()) + " reaches " + std::to_string(q) +
               ", " + label;
    if (q < m.commit) {
      if (lt.entry_seen) {
        a.outcome = AnnouncementOutcome::kBeyondQuorum;
      } else {
        a.reason = "the capture began during term " + std::to_string(lt.term) +
                   " and holds too few of its acknowledgements";
        a.detail = a.reason + " (" + a.detail + ")";
      }
      out->announcements.push_back(std::move(a));
      continue;
    }
    // The term rule.
    const std::optional<uint64_t> entry_term = log.TermAt(m.commit);
    bool term_ok = false;
    if (entry_term && *entry_term == lt.term) {
      term_ok = true;
    } else if (log.first_of_term && m.commit >= *log.first_of_term) {
      term_ok = true;   // the leader's entries from its first of T on are all of T
    } else if (log.first_of_term && q >= *log.first_of_term) {
      term_ok = true;
      a.detail += "; entry " + std::to_string(m.commit) + " is below " + members.Name(lt.leader) +
                  "'s first entry of term " + std::to_string(lt.term) + " at " + std::to_string(*log.first_of_term) +
                  ", which the quorum reaches";
    } else if (entry_term && lt.entry_seen && log.first_of_term) {
      a.outcome = AnnouncementOutcome::kEarlierTerm;
      a.detail = "the entry at " + std::to_string(m.commit) + " is of term " + std::to_string(*entry_term) +
                 " and no entry of term " + std::to_string(lt.term) + " at or above it is acknowledged by a "
                 "quorum (" + a.detail + ")";
      out->announcements.push_back(std::move(a));
      continue;
    } else {
      a.reason = "the term of the committed entry is neither on the wire nor in the leader's WAL";
      a.detail = "the term of the entry at " + std::to_string(m.commit) + " is not on the wire nor in " +
                 members.Name(lt.leader) + "'s WAL (" + a.detail + ")";
      out->announcements.push_back(std::move(a));
      continue;
    }
    if (term_ok) a.outcome = AnnouncementOutcome::kOk;
    if (m.commit > highest_advance) {
      highest_advance = m.commit;
      CommitAdvance adv{i, lt.leader, lt.term, m.commit, need, followers_at, followers_at < need, std::nullopt,
                        a.detail};
      if (auto it = first_sent.find(m.commit); it != first_sent.end()) adv.first_sent = it->second;
      out->advances.push_back(std::move(adv));
    }
    out->announcements.push_back(std::move(a));
  }
}

}  // namespace

CommitAnalysis AnalyzeCommits(const Run& run, const Members& members, const VoterLookup& voters) {
  CommitAnalysis out;
  if (!run.messages) return out;
  for (const LeaderTerm& lt : LeaderTerms(*run.messages, members)) {
    ++out.leader_terms;
    if (lt.entry_seen) ++out.leader_terms_entered;
    AnalyzeTerm(run, members, voters, lt, &out);
  }
  std::stable_sort(out.announcements.begin(), out.announcements.end(),
                   [](const CommitAnnouncement& a, const CommitAnnouncement& b) { return a.message < b.message; });
  std::stable_sort(out.advances.begin(), out.advances.end(),
                   [](const CommitAdvance& a, const CommitAdvance& b) { return a.message < b.message; });
  return out;
}

}  // namespace raftlab::evidence::msgcheck
