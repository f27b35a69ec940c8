// HoldQueue: the delayer's pure core, a bounded FIFO of packet ids waiting to be accepted.
//
// raftlab-delayer pushes each packet the kernel queues to it with its arrival time and
// accepts it once `delay` has passed since arrival. Release is strictly in arrival order,
// so a live change of the delay never reorders packets. When `bound` packets are already
// held, Push refuses and counts an overflow: the caller accepts that packet at once
// rather than drop it. Time is a parameter (nanoseconds on any monotonic clock); no
// syscalls. Not thread-safe: the delayer's single event loop owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace raftlab::chaos {

struct HoldStats {
  uint64_t packets = 0;        // every packet offered to Push
  uint64_t held = 0;           // released after being held
  uint64_t overflow = 0;       // refused by Push: accepted without delay
  int64_t total_hold_ns = 0;   // over `held` packets
  int64_t max_hold_ns = 0;
  size_t max_depth = 0;        // most packets held at once
};

// "packets=1200 held=1200 mean_hold_ms=50.07 max_hold_ms=51.20 overflow=0 max_depth=3"
std::string FormatHoldStats(const HoldStats& s);

class HoldQueue {
 public:
  explicit HoldQueue(size_t bound) : bound_(bound) {}

  // False (and counted as overflow) when `bound` packets are already held.
  bool Push(uint32_t id, int64_t arrival_ns);

  // Appends to *out, oldest first, the ids whose arrival + delay_ns <= now_ns.
  void PopDue(int64_t now_ns, int64_t delay_ns, std::vector<uint32_t>* out);

  // Appends every held id (oldest first) regardless of time: used on shutdown.
  void PopAll(int64_t now_ns, std::vector<uint32_t>* out);

  // Nanoseconds until the oldest packet is due (0 if already due), -1 when empty.
  int64_t NextDueIn(int64_t now_ns, int64_t delay_ns) const;

  size_t size() const { return held_.size(); }
  const HoldStats& stats() const { return stats_; }

 private:
  struct Held {
    uint32_t id;
    int64_t arrival_ns;
  };
  void Release(const Held& h, int64_t now_ns, std::vector<uint32_t>* out);

  const size_t bound_;
  std::deque<Held> held_;
  HoldStats stats_;
};

}  // namespace raftlab::chaos
