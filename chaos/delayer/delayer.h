// Delayer: binds an NFQUEUE queue and accepts each packet the kernel queues to it only
// after holding it for the current delay, in arrival order (see hold_queue.h).
//
// Used by raftlab-delayer, which runs inside a member's network namespace next to an
// iptables rule `-j NFQUEUE --queue-num N --queue-bypass`: this is the lab's fixed delay
// when the kernel has no tc netem. Packets are never dropped on purpose: beyond the hold
// bound they are accepted at once (counted as overflow), the kernel queue is set to
// fail-open, and on shutdown every held packet is accepted before the queue is unbound.
// Packets stay in the kernel while held; only their metadata is copied to us.
// Not thread-safe: Run() is a single-threaded event loop (ppoll on the netlink socket and
// a stop fd). Syscalls/libraries: libnetfilter_queue (netlink), ppoll, clock_gettime.
#pragma once

#include <cstdint>
#include <memory>

#include "chaos/delayer/hold_queue.h"
#include "chaos/slowfs/delay_control.h"
#include "common/status.h"

struct nfq_handle;
struct nfq_q_handle;
struct nfgenmsg;
struct nfq_data;

namespace raftlab::chaos {

class Delayer {
 public:
  // Binds queue `queue_num`; fails with Unavailable if it is taken or netlink is denied.
  static Result<std::unique_ptr<Delayer>> Open(uint16_t queue_num, size_t max_held);
  ~Delayer();

  // Runs until stop_fd becomes readable (e.g. a signalfd for SIGTERM), then accepts
  // everything still held. The delay is delay->CurrentMs(), consulted every loop.
  Status Run(int stop_fd, DelayControl* delay);

  const HoldStats& stats() const { return queue_.stats(); }
  uint64_t recv_errors() const { return recv_errors_; }

 private:
  explicit Delayer(size_t max_held) : queue_(max_held) {}
  static int OnPacket(nfq_q_handle* qh, nfgenmsg* msg, nfq_data* nfa, void* self);
  void Accept(uint32_t id);
  void ReadAvailable();

  nfq_handle* h_ = nullptr;
  nfq_q_handle* qh_ = nullptr;
  int fd_ = -1;
  HoldQueue queue_;
  int64_t now_ns_ = 0;  // arrival stamp for the batch being read
  uint64_t recv_errors_ = 0;
};

}  // namespace raftlab::chaos
