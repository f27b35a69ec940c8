// raftlab-capture: live capture of the lab fabric's peer traffic into a standard pcap.
//
//   raftlab-capture --iface IF --out FILE.pcap --stats FILE.json [--filter EXPR] [--max-bytes N]
//
// Full frames (snaplen 262144), immediate mode, the interface promiscuous (on a bridge that
// is what makes the frames it forwards between its ports visible). Every batch is flushed, so
// the file is a readable pcap at any moment. At --max-bytes (default 256 MiB) it stops writing
// and says so in the stats (truncated_at_bound, note); it keeps counting. FILE.json is written
// once the capture is live ("running": true: the Lab waits for it) and again at the end.
// On SIGTERM or SIGINT it flushes, writes the final stats {packets_captured, ps_recv, ps_drop,
// ps_ifdrop, bytes, truncated_at_bound, ...} and exits 0. Exit 1: the capture cannot start
// (the message names why); 2: bad arguments.
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/json_util.h"

namespace raftlab::evidence {
namespace {

constexpr int kSnaplen = 262144;
constexpr int kBufferBytes = 32 << 20;   // the kernel ring: 32 MiB absorbs a burst of snapshot bytes

struct Options {
  std::string iface, filter = "tcp port 2380", out, stats;
  uint64_t max_bytes = 256ull << 20;
};

constexpr const char* kUsage =
    "usage: raftlab-capture --iface IF --out FILE.pcap --stats FILE.json [--filter EXPR] [--max-bytes N]\n"
    "  Captures IF (filter default 'tcp port 2380') into FILE.pcap until SIGTERM, at most N bytes\n"
    "  (default 268435456); FILE.json gets the packet and kernel drop counters.\n";

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return false;
    std::string v = argv[++i];
    if (a == "--iface") o->iface = v;
    else if (a == "--filter") o->filter = v;
    else if (a == "--out") o->out = v;
    else if (a == "--stats") o->stats = v;
    else if (a == "--max-bytes") {
      char* end = nullptr;
      o->max_bytes = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end || o->max_bytes < 24) return false;   // at least the file header
    } else return false;
  }
  return !o->iface.empty() && !o->out.empty() && !o->stats.empty();
}

struct Writer {
  pcap_dumper_t* dumper = nullptr;
  uint64_t max_bytes = 0;
  uint64_t bytes = 24;           // the pcap file header
  uint64_t packets_captured = 0; // written to the file
  uint64_t packets_seen = 0;     // passed the filter, written or not
  bool truncated = false;
};

void OnPacket(u_char* user, const struct pcap_pkthdr* h, const u_char* bytes) {
  Writer* w = reinterpret_cast<Writer*>(user);
  ++w->packets_seen;
  const uint64_t record = 16 + h->caplen;
  if (w->truncated || w->bytes + record > w->max_bytes) {
    w->truncated = true;
    return;
  }
  pcap_dump(reinterpret_cast<u_char*>(w->dumper), h, bytes);
  w->bytes += record;
  ++w->packets_captured;
}

Json Stats(pcap_t* p, const Writer& w, const Options& o, bool running) {
  struct pcap_stat st {};
  (void)pcap_stats(p, &st);
  Json doc = {{"running", running}, {"iface", o.iface}, {"filter", o.filter}, {"out", o.out},
              {"max_bytes", o.max_bytes}, {"packets_captured", w.packets_captured},
              {"packets_seen", w.packets_seen}, {"ps_recv", st.ps_recv}, {"ps_drop", st.ps_drop},
              {"ps_ifdrop", st.ps_ifdrop}, {"bytes", w.bytes}, {"truncated_at_bound", w.truncated}};
  if (w.truncated)
    doc["note"] = "the capture reached --max-bytes " + std::to_string(o.max_bytes) + ": " +
                  std::to_string(w.packets_seen - w.packets_captured) +
                  " later packets were counted but not written; messages after that point are missing from the pcap";
  return doc;
}

int Run(const Options& o) {
  char err[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* p = pcap_create(o.iface.c_str(), err);
  if (p == nullptr) {
    std::fprintf(stderr, "raftlab-capture: cannot open %s: %s\n", o.iface.c_str(), err);
    return 1;
  }
  pcap_set_snaplen(p, kSnaplen);
  pcap_set_promisc(p, 1);
  pcap_set_immediate_mode(p, 1);
  pcap_set_buffer_size(p, kBufferBytes);
  if (int rc = pcap_activate(p); rc < 0) {
    std::fprintf(stderr, "raftlab-capture: cannot capture on %s: %s\n", o.iface.c_str(), pcap_geterr(p));
    return 1;
  }
  struct bpf_program prog {};
  if (pcap_compile(p, &prog, o.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 || pcap_setfilter(p, &prog) != 0) {
    std::fprintf(stderr, "raftlab-capture: bad filter '%s': %s\n", o.filter.c_str(), pcap_geterr(p));
    return 2;
  }
  pcap_freecode(&prog);
  Writer w;
  w.max_bytes = o.max_bytes;
  w.dumper = pcap_dump_open(p, o.out.c_str());
  if (w.dumper == nullptr) {
    std::fprintf(stderr, "raftlab-capture: cannot write %s: %s\n", o.out.c_str(), pcap_geterr(p));
    return 1;
  }
  pcap_dump_flush(w.dumper);
  if (pcap_setnonblock(p, 1, err) != 0) {
    std::fprintf(stderr, "raftlab-capture: %s\n", err);
    return 1;
  }
  if (Status s = WriteJsonFileAtomic(o.stats, Stats(p, w, o, true)); !s.ok()) {
    std::fprintf(stderr, "raftlab-capture: %s\n", s.ToString().c_str());
    return 1;
  }
  const int fd = pcap_get_selectable_fd(p);
  while (!g_stop) {
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, 200) < 0 && errno != EINTR) break;
    if (pcap_dispatch(p, -1, OnPacket, reinterpret_cast<u_char*>(&w)) < 0) {
      std::fprintf(stderr, "raftlab-capture: %s\n", pcap_geterr(p));
      break;
    }
    pcap_dump_flush(w.dumper);
  }
  // What is still in the ring when the stop came.
  (void)pcap_dispatch(p, -1, OnPacket, reinterpret_cast<u_char*>(&w));
  pcap_dump_flush(w.dumper);
  Json final_stats = Stats(p, w, o, false);
  pcap_dump_close(w.dumper);
  pcap_close(p);
  if (Status s = WriteJsonFileAtomic(o.stats, final_stats); !s.ok()) {
    std::fprintf(stderr, "raftlab-capture: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("%s\n", final_stats.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace raftlab::evidence

int main(int argc, char** argv) {
  using namespace raftlab::evidence;
  Options o;
  if (!ParseArgs(argc, argv, &o)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  return Run(o);
}
