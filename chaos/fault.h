// Faults as data: a FaultRequest says what to break (kind, targets, parameters); the
// FaultManager (fault_manager.h) turns it into an ActiveFault with an id, applies it, and
// reverts it on `heal`. Each kind's expected effect on the cluster:
//
//   partition   groups cannot reach each other; only a group holding a quorum keeps a leader
//   one-way     from's packets to `to` are dropped; `to` -> from still flows
//   bridge      one member sees both sides, the sides do not see each other
//   loss        random drop of a member's peer traffic; retries hide it, latency rises
//   delay       fixed delay on a member's outgoing peer traffic; commit latency rises by it
//   bandwidth   rate limit (tbf); delay appears only when traffic fills the queue
//   kill        the member process dies (SIGKILL default); heal restarts it
//   pause       SIGSTOP: a leader is deposed after the election timeout; heal sends SIGCONT
//   slow-disk   the member's WAL fsync is delayed; past the election timeout the leader flaps
#pragma once

#include <string>
#include <vector>

#include "common/json_util.h"

namespace raftlab::chaos {

struct FaultRequest {
  std::string kind;
  std::vector<std::vector<std::string>> groups;   // partition: member names or leader / a-follower
  std::string from, to;                           // one-way
  std::string bridge;                             // bridge member
  std::string target;                             // loss, delay, bandwidth, kill, pause, slow-disk
  std::vector<std::string> peers;                 // delay --to (empty: every other member)
  double probability = 0;                         // loss
  int delay_ms = 0;                               // delay
  std::string rate;                               // bandwidth
  int signal = 0;                                 // kill (0: SIGKILL)
  int fsync_ms = 0;                               // slow-disk
};

struct FaultInfo {
  std::string id;                    // "f1"
  std::string kind;
  std::vector<std::string> targets;  // resolved member names
  std::string since;                 // wall time applied
  int64_t since_mono_ns = 0;
  std::string mechanism;             // "iptables DROP", "tc netem", "raftlab-delayer (NFQUEUE)", ...
  std::string description;           // one readable line
  Json detail;                       // exact rules, commands, signals
};

}  // namespace raftlab::chaos
