// slow-disk's building blocks, on a ScenarioContext: the slow-disk faults the scenario holds
// (moved with leadership, set on chosen members, cleared), a window of write load measured at
// both ends, a settle step and a rolling restart with a new election timeout.
//
// Each fault move is a Heal and a Fault through the context, i.e. a journaled fault end and
// start, so the panels' fault windows are exactly where a delay was in force. Not thread-safe:
// the scenario thread drives them (the load generator's threads use only the stub).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "scenarios/load.h"
#include "scenarios/scenario.h"
#include "scenarios/slow_disk_figures.h"

namespace raftlab::scenarios::slow_disk {

// The member that leads in the highest term any running member has reached ("" when none
// does: an election is under way, and an old leader in a lower term is done).
std::string TopTermLeader(const v1::StatusReply& s);

// The slow-disk faults this scenario holds, by member.
class SlowDisks {
 public:
  explicit SlowDisks(ScenarioContext& ctx) : ctx_(ctx) {}

  // Exactly `members` slow by `fsync_ms` (others healed first).
  raftlab::Status Set(const std::vector<std::string>& members, int fsync_ms);
  // One look at the cluster. The delay belongs to TopTermLeader: when that is another member
  // the delay moves to it; when no member leads in the top term (an election is under way)
  // the old leader is done and its delay is lifted, so that its next vote is not held up by
  // its disk. Returns whether anything changed.
  bool FollowLeader(int fsync_ms);
  raftlab::Status Clear() { return Set({}, fsync_ms_); }
  bool Has(const std::string& member) const { return ids_.count(member) != 0; }
  // Moves onto a new leader since the last ResetMoves.
  int moves() const { return moves_; }
  void ResetMoves() { moves_ = 0; }

 private:
  ScenarioContext& ctx_;
  std::map<std::string, std::string> ids_;   // member -> fault id
  int fsync_ms_ = 0;
  int moves_ = 0;
};

// One window of write load: readings at both ends, the changes seen, the load's figures.
struct Window {
  double seconds = 0;
  std::map<std::string, DiskReading> before, after;
  std::vector<ObservedChange> changes;      // from the samples
  double metric_changes = 0;                // from leader_changes_seen_total
  LoadStats load;

  // The larger of the two counts.
  int Changes() const;
  // `member`'s mean WAL fsync over the window; -1 when unread or none completed.
  double MeanFsyncMs(const std::string& member) const;
  std::string Describe() const;
};

class Windows {
 public:
  explicit Windows(ScenarioContext& ctx) : ctx_(ctx) {}

  // Writes for window_ms (3 clients, puts only, each with `put_timeout_ms`; values unique
  // across windows), calling `poll` (may be empty) every 100 ms meanwhile.
  Result<Window> Run(const std::string& what, int window_ms, int put_timeout_ms, const std::function<void()>& poll);

 private:
  ScenarioContext& ctx_;
  int64_t next_client_ = 100;
};

// Waits for one agreed leader and one committed write (a stalled fsync begun under the last
// delay may still be running); returns the leader.
Result<LeaderView> Settle(ScenarioContext& ctx, const std::string& key);

// Restarts every member with `election_ms`, one at a time (followers first, the leader last:
// etcd hands leadership over on SIGTERM), each back and caught up before the next goes, under
// a light write load (client ids from first_client) that shows a quorum kept committing.
raftlab::Status RollingRestart(ScenarioContext& ctx, int election_ms, int64_t first_client);

}  // namespace raftlab::scenarios::slow_disk
