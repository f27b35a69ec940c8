// The commit rule replayed message by message: for every commit index a leader announces on the
// wire (the commit field of its MsgApp and MsgHeartbeat; etcd's heartbeat carries
// min(follower's match, leader's commit), so it announces at most what the leader committed),
// what the leader could know at that instant, and whether that allowed the commit.
// msg_commit_rule judges the outcomes; msg_durable_copies reads the advances.
//
// For a leader L in term T (msg_check_common.h LeaderTerm), at an announcement of commit c:
//   acks    each follower's highest delivered, non-reject MsgAppResp index to L in T that L can
//           have received by then (ReceivedBy <= the announcement's time);
//   own     L's own appended index: the highest index it sent in T so far (the last entry of each
//           MsgApp, else its index; a MsgSnap's index), and at least the highest ack (a
//           follower holds nothing of T that its leader lacks). A lower bound of L's log end,
//           exact for the quorum: with two or more voters a quorum that counts L needs a
//           follower at c, and then own >= c too;
//   quorum  the voters in force for c (VoterLookup::InForceFor; learners never count), each at
//           its ack (L at own): QuorumIndex must reach c;
//   term    the entry at c is of term T, or c is below L's first entry of T (f) and the quorum
//           reaches f (an earlier term's entry committed under one of T). f is the lowest index
//           of an entry of T that L sent, else from L's decoded WAL. Entry terms come from the
//           entries L sent and from its WAL (an entry of a lower term there was L's in T too:
//           overwrites only raise terms; one of a higher term says nothing).
// Carried: before L received any ack in T, a commit it announces is the one it entered the term
// with (no leader commits in its term without an ack of that term, with 2+ voters): legal, not
// judged. That is decidable only when the capture holds L's way into T (entry_seen); otherwise
// the capture began mid-term, acks from before it are missing, and a commit the captured acks do
// not cover is unjudged, never violated.
//
// Pure functions over a Run; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/msg_check_common.h"
#include "evidence/run.h"

namespace raftlab::evidence::msgcheck {

enum class AnnouncementOutcome {
  kOk,               // quorum and term rules applied and held
  kCarried,          // the commit the leader entered its term with (not judged)
  kBeyondQuorum,     // violated: the acknowledged indexes do not cover the commit
  kEarlierTerm,      // violated: commit of an earlier term's entry that no entry of T carried
  kUnjudged,         // evidence missing (see `detail`)
};

struct CommitAnnouncement {
  size_t message = 0;   // index into run.messages
  uint64_t leader = 0, term = 0, commit = 0;
  AnnouncementOutcome outcome = AnnouncementOutcome::kUnjudged;
  std::string detail;   // the voters' values, the quorum, the configuration; or why unjudged
  std::string reason;   // kUnjudged: why, in words shared by the announcements it applies to
};

// The first covered announcement of each commit value above every earlier one of that leader
// term: one commit advance.
struct CommitAdvance {
  size_t message = 0;
  uint64_t leader = 0, term = 0, commit = 0;
  size_t quorum = 0;                        // votes needed
  size_t followers_at_commit = 0;           // followers whose ack reached the commit
  bool needed_leader_copy = false;          // followers_at_commit < quorum
  std::optional<size_t> first_sent;         // the first MsgApp of L in T carrying entry `commit`
  std::string detail;
};

struct CommitAnalysis {
  std::vector<CommitAnnouncement> announcements;   // in message order
  std::vector<CommitAdvance> advances;             // in message order
  size_t leader_terms = 0;
  size_t leader_terms_entered = 0;                 // with entry_seen
};

CommitAnalysis AnalyzeCommits(const Run& run, const Members& members, const VoterLookup& voters);

// The commit replay of one run with what its checkers read beside it (names, voters, the
// capture's clock), built once; members are declared first because the others refer to them.
struct CommitReplay {
  explicit CommitReplay(const Run& run)
      : members(run), voters(run, members), clock(run, members), analysis(AnalyzeCommits(run, members, voters)) {}
  const Members members;
  const VoterLookup voters;
  const MessageClock clock;
  const CommitAnalysis analysis;
};

}  // namespace raftlab::evidence::msgcheck
