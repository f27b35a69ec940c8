// raftlab-delayer: holds every packet queued to NFQUEUE N for D ms, then accepts it.
//
//   raftlab-delayer --queue N --delay-ms D [--control FILE] [--max-held K]
//
// Run inside the namespace whose traffic is to be delayed, next to a rule such as
//   iptables -A OUTPUT -d PEER -j NFQUEUE --queue-num N --queue-bypass
// FILE, when given, overrides D live (decimal ms; missing or empty = D). On SIGTERM or
// SIGINT it accepts every held packet, prints one stats line on stdout and exits 0.
// Exit codes: 1 if the queue cannot be bound, 2 on bad arguments.
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "chaos/delayer/delayer.h"
#include "chaos/slowfs/delay_control.h"

namespace raftlab::chaos {
namespace {

struct Options {
  long queue = -1;
  long delay_ms = -1;
  long max_held = 4096;
  std::string control;
};

constexpr const char* kUsage =
    "usage: raftlab-delayer --queue N --delay-ms D [--control FILE] [--max-held K]\n"
    "  Holds each packet of NFQUEUE N for D ms (or the ms in FILE, re-read live), in\n"
    "  arrival order, then accepts it. Beyond K held packets (default 4096) packets are\n"
    "  accepted at once and counted as overflow.\n";

bool ParseLong(const char* s, long* out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (!*s || *end || v < 0) return false;
  *out = v;
  return true;
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return false;
    const char* v = argv[++i];
    if (a == "--queue") {
      if (!ParseLong(v, &o->queue) || o->queue > 65535) return false;
    } else if (a == "--delay-ms") {
      if (!ParseLong(v, &o->delay_ms)) return false;
    } else if (a == "--max-held") {
      if (!ParseLong(v, &o->max_held) || o->max_held == 0) return false;
    } else if (a == "--control") {
      o->control = v;
    } else {
      return false;
    }
  }
  return o->queue >= 0 && o->delay_ms >= 0;
}

int Run(const Options& o) {
  // Signals arrive through a signalfd so the event loop sees them between verdicts.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sfd < 0) {
    std::perror("raftlab-delayer: signalfd");
    return 1;
  }

  auto d = Delayer::Open(static_cast<uint16_t>(o.queue), static_cast<size_t>(o.max_held));
  if (!d.ok()) {
    std::fprintf(stderr, "raftlab-delayer: %s\n", d.status().ToString().c_str());
    return 1;
  }
  // Rate-limited stat of the control file: the loop may spin once per packet.
  DelayControl delay(o.control, o.delay_ms, std::chrono::milliseconds(20));
  std::fprintf(stderr, "raftlab-delayer: queue %ld bound, delay %lld ms%s%s\n", o.queue,
               static_cast<long long>(delay.CurrentMs()),
               o.control.empty() ? "" : ", control ", o.control.c_str());
  std::fflush(stderr);

  Status st = (*d)->Run(sfd, &delay);
  std::printf("raftlab-delayer: queue=%ld %s errors=%llu\n", o.queue,
              FormatHoldStats((*d)->stats()).c_str(),
              static_cast<unsigned long long>((*d)->recv_errors()));
  std::fflush(stdout);
  if (!st.ok()) {
    std::fprintf(stderr, "raftlab-delayer: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace raftlab::chaos

int main(int argc, char** argv) {
  raftlab::chaos::Options o;
  if (!raftlab::chaos::ParseArgs(argc, argv, &o)) {
    std::fputs(raftlab::chaos::kUsage, stderr);
    return 2;
  }
  return raftlab::chaos::Run(o);
}
