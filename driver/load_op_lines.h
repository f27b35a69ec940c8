// The load generator's operations as journal lines (journal_format.md, kind "op"), and how an
// etcd error becomes an outcome. Pure functions and one small clock-free formatter.
//
// A read is journaled as f "get" with "serializable" true or false, as raftlabd journals its
// own Gets, plus "read_path": "linearizable" (Range, ReadIndex), "serializable" (Range with
// serializable=true, local state) or "log" (a Txn holding the Range plus a put to the
// client's scratch key, so the read is ordered by a log entry). A log read is linearizable,
// so it is journaled with "serializable": false and the checker judges it as a linearizable
// get; its scratch write is not a client operation of the history (nobody reads that key).
//
// Outcomes (DESIGN.md §6 of the journal, "a timeout is unknown, never fail"):
//   ok    the call returned OK;
//   info  a deadline, etcd's own "request timed out" / "took too long", a cancelled call, or
//         any error of a write that etcd may have proposed already (unavailable, leader
//         changed, connection reset): the outcome is unknown;
//   fail  a read that returned another error (a read changes nothing), or a write etcd
//         rejected before proposing it (invalid argument, failed precondition, too many
//         requests, permission, unimplemented).
//
// Thread-safe (no shared state; a WallStamper belongs to one thread).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace raftlab::driver {

enum class ReadPath { kLinearizable, kSerializable, kLog };
const char* ReadPathName(ReadPath path);                    // "linearizable", "serializable", "log"
bool ParseReadPath(std::string_view name, ReadPath* path);

enum class OpPhase { kOk, kFail, kInfo };
const char* OpPhaseName(OpPhase phase);                     // "ok", "fail", "info"

struct LoadOp {
  int64_t op_id = 0;
  int64_t client = 0;
  bool write = false;             // put; else a read on `path`
  ReadPath path = ReadPath::kLinearizable;
  std::string key;
  std::string value;              // put: the unique value written
  std::string via;                // member name
};

struct LoadOutcome {
  OpPhase phase = OpPhase::kOk;
  int64_t revision = 0;           // the response header's store revision
  bool found = false;             // reads
  std::string value;              // reads: what was read when found
  std::string error;              // fail / info
};

// grpc::StatusCode as an int (0 OK ... 16), its message, and whether the op was a write.
OpPhase ClassifyError(int grpc_code, std::string_view message, bool write);

// "{...}\n" lines. `wall` is the RFC 3339 wall time of mono_ns (WallStamper).
std::string InvokeLine(const LoadOp& op, int64_t mono_ns, std::string_view wall);
std::string CompletionLine(const LoadOp& op, const LoadOutcome& outcome, int64_t mono_ns, std::string_view wall);

// A JSON string literal body: quotes, backslashes and control bytes escaped; bytes >= 0x80
// become '?' so that a line is valid UTF-8 whatever an error message held.
void AppendJsonEscaped(std::string* out, std::string_view text);

// RFC 3339 UTC wall time (milliseconds) of a CLOCK_MONOTONIC instant, from one pair of
// readings taken at construction; caches the formatted second.
class WallStamper {
 public:
  WallStamper(int64_t mono_ns, int64_t wall_ms) : base_mono_ns_(mono_ns), base_wall_ms_(wall_ms) {}
  // "2026-11-27T21:38:42.123Z"
  std::string_view At(int64_t mono_ns);

 private:
  int64_t base_mono_ns_, base_wall_ms_;
  int64_t cached_second_ = -1;
  std::string text_;
};

}  // namespace raftlab::driver
