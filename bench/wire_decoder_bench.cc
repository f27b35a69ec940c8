// wire_decoder_bench: throughput of the wire decoder (evidence/wire_decoder.h) on a real capture.
//
//   wire_decoder_bench [--repeat N] [PCAP]
//
// PCAP defaults to the election-under-partition capture, ../shared/testdata/wire/
// election-partition.pcap beside the source tree. The capture is decoded N times (default 200)
// from memory; the median run gives MB/s of capture and raft messages/s, and the same for the
// parts: pcap reading + TCP reassembly, then HTTP + rafthttp, then messages.jsonl.
// Figures are printed, never asserted.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "evidence/wal_reader.h"
#include "evidence/wire_decoder.h"
#include "evidence/wire_json.h"
#include "evidence/wire_pcap.h"

using namespace raftlab::evidence;
using raftlab::Result;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Line(const char* what, double secs, double bytes, double messages) {
  std::printf("%-34s %8.3f ms %9.1f MB/s %12.0f messages/s\n", what, secs * 1e3, bytes / secs / 1e6, messages / secs);
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 200;
  std::string path = std::string(RAFTLAB_SOURCE_DIR) + "/../shared/testdata/wire/election-partition.pcap";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (!a.empty() && a[0] != '-') {
      path = a;
    } else {
      std::fprintf(stderr, "usage: wire_decoder_bench [--repeat N] [PCAP]\n");
      return 2;
    }
  }
  Result<std::string> bytes = ReadFileBytes(path);
  if (!bytes.ok()) {
    std::fprintf(stderr, "wire_decoder_bench: %s\n", bytes.status().ToString().c_str());
    return 2;
  }
  const MemberAddresses members = {{"127.99.0.11", "n1"}, {"127.99.0.12", "n2"}, {"127.99.0.13", "n3"}};

  std::vector<double> total, tcp_part, upper_part, json_part;
  size_t messages = 0, frames = 0;
  for (int r = 0; r < repeat; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    Result<WireCapture> c = DecodeWire(*bytes, members);
    total.push_back(Seconds(t0));
    if (!c.ok()) {
      std::fprintf(stderr, "wire_decoder_bench: %s\n", c.status().ToString().c_str());
      return 1;
    }
    messages = c->messages.size();
    frames = 0;
    for (const auto* m : {&c->counters.frames, &c->counters.unacked}) {
      for (const auto& [k, v] : *m) frames += static_cast<size_t>(v);
    }

    auto t1 = std::chrono::steady_clock::now();
    TcpReassembler tcp;
    PcapStats stats;
    (void)ForEachTcpSegment(*bytes, [&](const TcpSegment& s) { tcp.Add(s); }, &stats);
    std::vector<TcpConnection> conns = tcp.Finish(2380);
    tcp_part.push_back(Seconds(t1));
    auto t2 = std::chrono::steady_clock::now();
    WireCapture again = DecodeConnections(conns, members);
    upper_part.push_back(Seconds(t2));
    auto t3 = std::chrono::steady_clock::now();
    std::string jsonl = WireMessagesToJsonl(again.messages);
    json_part.push_back(Seconds(t3));
    if (jsonl.empty()) return 1;
  }
  double size = static_cast<double>(bytes->size());
  std::printf("capture %s: %.0f bytes, %zu raft messages, %zu rafthttp frames (with keep-alives); median of %d runs\n",
              path.c_str(), size, messages, frames, repeat);
  Line("DecodeWire (whole decoder)", Median(total), size, static_cast<double>(messages));
  Line("  pcap read + TCP reassembly", Median(tcp_part), size, static_cast<double>(messages));
  Line("  HTTP + rafthttp + entries", Median(upper_part), size, static_cast<double>(messages));
  Line("messages.jsonl serialisation", Median(json_part), size, static_cast<double>(messages));
  std::printf("frames/s (whole decoder): %.0f\n", static_cast<double>(frames) / Median(total));
  return 0;
}
