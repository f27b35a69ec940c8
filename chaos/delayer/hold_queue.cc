#include "chaos/delayer/hold_queue.h"

#include <algorithm>
#include <cstdio>

namespace raftlab::chaos {

std::string FormatHoldStats(const HoldStats& s) {
  double mean_ms = s.held ? s.total_hold_ns / 1e6 / static_cast<double>(s.held) : 0.0;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "packets=%llu held=%llu mean_hold_ms=%.2f max_hold_ms=%.2f overflow=%llu "
                "max_depth=%zu",
                static_cast<unsigned long long>(s.packets),
                static_cast<unsigned long long>(s.held), mean_ms, s.max_hold_ns / 1e6,
                static_cast<unsigned long long>(s.overflow), s.max_depth);
  return buf;
}

bool HoldQueue::Push(uint32_t id, int64_t arrival_ns) {
  ++stats_.packets;
  if (held_.size() >= bound_) {
    ++stats_.overflow;
    return false;
  }
  held_.push_back({id, arrival_ns});
  stats_.max_depth = std::max(stats_.max_depth, held_.size());
  return true;
}

void HoldQueue::Release(const Held& h, int64_t now_ns, std::vector<uint32_t>* out) {
  int64_t hold = std::max<int64_t>(0, now_ns - h.arrival_ns);
  ++stats_.held;
  stats_.total_hold_ns += hold;
  stats_.max_hold_ns = std::max(stats_.max_hold_ns, hold);
  out->push_back(h.id);
}

void HoldQueue::PopDue(int64_t now_ns, int64_t delay_ns, std::vector<uint32_t>* out) {
  // Arrival order is release order: stop at the first packet not yet due, even if the
  // delay shrank, so packets behind it never overtake it.
  while (!held_.empty() && held_.front().arrival_ns + delay_ns <= now_ns) {
    Release(held_.front(), now_ns, out);
    held_.pop_front();
  }
}

void HoldQueue::PopAll(int64_t now_ns, std::vector<uint32_t>* out) {
  while (!held_.empty()) {
    Release(held_.front(), now_ns, out);
    held_.pop_front();
  }
}

int64_t HoldQueue::NextDueIn(int64_t now_ns, int64_t delay_ns) const {
  if (held_.empty()) return -1;
  return std::max<int64_t>(0, held_.front().arrival_ns + delay_ns - now_ns);
}

}  // namespace raftlab::chaos
