// FaultSpec: one fault as data, {kind, targets, params, duration}, before anything is applied.
// The CLI's flags and the control plane's FaultRequest (proto/raftlab.proto) convert into it;
// the kinds and their expected cluster behaviour are documented on FaultKind in the proto.
// Targets may still say "leader" / "a-follower": a fault family resolves them when it applies
// the fault and records to whom. Pure data and conversions; no I/O. Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "common/json_util.h"
#include "common/status.h"
#include "proto/raftlab.pb.h"

namespace raftlab::chaos {

using FaultKind = v1::FaultKind;

// Kind parameters; each kind reads only its own.
struct FaultParams {
  std::vector<std::string> peers;   // delay --to (empty: every other member)
  double probability = 0;           // loss, in (0, 1)
  int delay_ms = 0;                 // delay
  std::string rate;                 // bandwidth, a tc rate: 256kbit, 10mbit, 1mbps
  int signal = 0;                   // kill (0: SIGKILL)
  int fsync_ms = 0;                 // slow-disk
};

struct FaultSpec {
  FaultKind kind = v1::FAULT_KIND_UNSPECIFIED;
  // partition: unused (see groups); one-way: {from, to}; bridge: {bridge member};
  // every other kind: {member}.
  std::vector<std::string> targets;
  // partition: every side (>= 2); bridge: its two sides.
  std::vector<std::vector<std::string>> groups;
  FaultParams params;
  int64_t duration_ms = 0;          // 0: until healed (the only value the manager takes today)
};

// "partition", "one-way", "bridge", "isolate", "loss", "delay", "bandwidth", "kill", "pause",
// "slow-disk": the names the CLI, the journal and scripts use.
const char* FaultKindName(FaultKind kind);
Result<FaultKind> ParseFaultKind(const std::string& name);

// The request scripts and the CLI send, as a spec. InvalidArgument names the bad field.
Result<FaultSpec> FaultSpecFromRequest(const v1::FaultRequest& request);

// Checks parameters before anything is applied: loss in (0, 100%), delay 1 ms..60 s, a tc rate
// that is positive with a unit tc accepts, fsync 0..600 s.
Status ValidateParams(const FaultSpec& spec);
// A tc rate: a positive number followed by bit, kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps or
// tbps (case-insensitive, as tc reads them).
Status CheckTcRate(const std::string& rate);

Json FaultSpecToJson(const FaultSpec& spec);
Result<FaultSpec> FaultSpecFromJson(const Json& doc);

}  // namespace raftlab::chaos
