// AsyncLoad: an open-loop load generator straight to etcd members' client URLs, on gRPC's
// asynchronous API (one completion queue), for measuring read paths and driving many entries.
//
// What it sends: puts of unique values ("c<client>-<op id>", padded to value_size) and reads,
// read_ratio of the ops, over `keys` keys <key_prefix>k0.. chosen by a seeded generator. Each
// read takes one of `read_paths` (load_op_lines.h): a linearizable Range (ReadIndex), a
// serializable Range (the member's local state), or a log read (a Txn holding the Range and a
// put to the client's scratch key <key_prefix>scratch/<client>, ordered by a log entry).
//
// How: arrivals are scheduled at `rate` per second from the start, whatever the completions do
// (open loop); an arrival finds an idle logical client, or makes a new one, so a client never
// has two ops in flight (the history's rule), and a client whose op ended in info is retired
// (its op may still take effect later, as Jepsen retires a crashed process). Clients are
// spread round-robin over channels_per_target gRPC channels per target member. When
// max_in_flight ops are outstanding an arrival is skipped and counted: the target was then not
// sustained. With rate 0, `in_flight` ops are kept outstanding instead (closed loop).
//
// Every op is journaled through the LoadJournal (op ids and client ids from its block) as an
// invoke line and one ok / fail / info line (journal_format.md; a timeout is info, never fail),
// handed to the journal's batcher in chunks so that the journal never throttles the load. The
// latency of every ok op goes into a histogram per kind ("put", "get/<path>"); progress is
// reported every progress_interval_ms through a callback (on the generator's thread).
//
// Threads: Start() runs the whole schedule on one thread of its own ("rl-load") that issues,
// completes and journals; RequestStop() may be called from any thread; Wait() joins and
// returns the report. Uses gRPC (sockets) and getrusage; writes only through the LoadJournal.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "driver/load_journal.h"
#include "driver/load_op_lines.h"
#include "driver/load_report.h"

namespace raftlab::driver {

struct LoadTarget {
  std::string member;                 // "n2": journaled as the op's "via"
  std::string endpoint;               // "127.99.0.12:2379" (cluster::ClientEndpoint)
};

struct LoadProgress {
  double elapsed_s = 0;
  uint64_t issued = 0, ok = 0, fail = 0, info = 0, skipped = 0, in_flight = 0;
  double rate = 0;                    // completions per second over the last interval
};

struct AsyncLoadOptions {
  std::vector<LoadTarget> targets;
  int channels_per_target = 2;
  double rate = 1000;                 // ops/s (open loop); 0: closed loop with `in_flight`
  int in_flight = 0;
  int max_in_flight = 4096;
  double read_ratio = 0.9;
  std::vector<ReadPath> read_paths = {ReadPath::kLinearizable};
  int keys = 100;
  std::string key_prefix = "load/";
  int value_size = 0;                 // pad put values to this many bytes (0: no padding)
  int64_t duration_ms = 10000;        // the schedule's length
  uint64_t max_ops = 0;               // stop scheduling after this many arrivals (0: no limit)
  int timeout_ms = 3000;              // per op
  int min_clients = 16;               // logical clients made up front (more when they are busy)
  uint64_t seed = 1;
  int progress_interval_ms = 1000;
  std::function<void(const LoadProgress&)> progress;   // may be empty
};

// InvalidArgument naming the option when `o` cannot run.
Status ValidateLoadOptions(const AsyncLoadOptions& o);

class AsyncLoad {
 public:
  // `journal` may be null (nothing journaled; ids from a local counter). It must outlive Wait().
  AsyncLoad(AsyncLoadOptions options, LoadJournal* journal);
  ~AsyncLoad();   // RequestStop + Wait
  AsyncLoad(const AsyncLoad&) = delete;
  AsyncLoad& operator=(const AsyncLoad&) = delete;

  // Validates the options, connects the channels (waiting up to 3 s; a member that does not
  // answer fails its ops instead), and starts the schedule.
  Status Start();
  // Stops scheduling; ops in flight complete (or time out) before Wait returns.
  void RequestStop();
  // True once the schedule has ended and every op has completed (Wait will not block).
  bool Finished() const { return finished_.load(); }
  LoadReport Wait();

  // Start + Wait.
  static Result<LoadReport> Run(AsyncLoadOptions options, LoadJournal* journal);

 private:
  class Engine;
  AsyncLoadOptions options_;
  LoadJournal* journal_;
  std::unique_ptr<Engine> engine_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  LoadReport report_;
  bool waited_ = false;
};

}  // namespace raftlab::driver
