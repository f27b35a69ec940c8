#include "chaos/delayer/delayer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

extern "C" {
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnfnetlink/libnfnetlink.h>
}

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace raftlab::chaos {

namespace {

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<Delayer>> Delayer::Open(uint16_t queue_num, size_t max_held) {
  std::unique_ptr<Delayer> d(new Delayer(max_held));
  d->h_ = nfq_open();
  if (!d->h_) return Unavailable(Errno("nfq_open (needs CAP_NET_ADMIN)"));
  d->qh_ = nfq_create_queue(d->h_, queue_num, &Delayer::OnPacket, d.get());
  if (!d->qh_) {
    return Unavailable(Errno(("binding NFQUEUE " + std::to_string(queue_num) +
                              " (is another program bound to it?)").c_str()));
  }
  // Metadata only: the packet stays in the kernel until our verdict.
  if (nfq_set_mode(d->qh_, NFQNL_COPY_META, 0) < 0) return Unavailable(Errno("nfq_set_mode"));
  // The kernel queue must hold more than we do, so that our bound (accept at once) acts
  // first; fail-open makes the kernel accept rather than drop if it ever fills anyway.
  nfq_set_queue_maxlen(d->qh_, static_cast<uint32_t>(max_held * 2 + 1024));
  nfq_set_queue_flags(d->qh_, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);
  nfnl_rcvbufsiz(nfq_nfnlh(d->h_), 8 << 20);
  d->fd_ = nfq_fd(d->h_);
  return d;
}

Delayer::~Delayer() {
  if (qh_) nfq_destroy_queue(qh_);
  if (h_) nfq_close(h_);
}

int Delayer::OnPacket(nfq_q_handle*, nfgenmsg*, nfq_data* nfa, void* self) {
  auto* d = static_cast<Delayer*>(self);
  nfqnl_msg_packet_hdr* ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  uint32_t id = ntohl(ph->packet_id);
  if (!d->queue_.Push(id, d->now_ns_)) d->Accept(id);  // over the bound: never drop
  return 0;
}

void Delayer::Accept(uint32_t id) {
  if (nfq_set_verdict(qh_, id, NF_ACCEPT, 0, nullptr) < 0) ++recv_errors_;
}

// Drains the socket without blocking, stamping every packet of a batch with one clock read.
void Delayer::ReadAvailable() {
  alignas(8) static char buf[1 << 16];
  for (;;) {
    ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      // ENOBUFS: the kernel could not deliver some notifications (fail-open accepted
      // those packets); count it and carry on.
      if (errno != EAGAIN && errno != EWOULDBLOCK) ++recv_errors_;
      if (errno == ENOBUFS) continue;
      return;
    }
    now_ns_ = NowNs();
    nfq_handle_packet(h_, buf, static_cast<int>(n));
  }
}

Status Delayer::Run(int stop_fd, DelayControl* delay) {
  std::vector<uint32_t> due;
  for (;;) {
    int64_t delay_ns = delay->CurrentMs() * 1000000LL;
    int64_t now = NowNs();
    due.clear();
    queue_.PopDue(now, delay_ns, &due);
    for (uint32_t id : due) Accept(id);

    // Sleep until the oldest held packet is due; when idle, wake now and then so a
    // control-file change is noticed even with nothing queued.
    int64_t wait_ns = queue_.NextDueIn(now, delay_ns);
    if (wait_ns < 0) wait_ns = 200 * 1000000LL;
    timespec ts{static_cast<time_t>(wait_ns / 1000000000LL),
                static_cast<long>(wait_ns % 1000000000LL)};
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    int r = ppoll(fds, 2, &ts, nullptr);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Internal(Errno("ppoll"));
    }
    if (fds[0].revents & POLLIN) ReadAvailable();
    if (fds[1].revents & (POLLIN | POLLHUP)) break;
  }
  due.clear();
  queue_.PopAll(NowNs(), &due);
  for (uint32_t id : due) Accept(id);
  return Status::Ok();
}

}  // namespace raftlab::chaos
