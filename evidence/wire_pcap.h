// Reads a packet capture (pcap or pcapng, through libpcap's offline reader) from memory and hands
// each IPv4 TCP segment to a callback, in file order, with its capture time in nanoseconds.
// Link types: Ethernet (DLT_EN10MB, with 802.1Q tags), Linux cooked (DLT_LINUX_SLL, SLL2) and
// raw IP. Other frames (ARP, IPv6, UDP, IP fragments, truncated headers) are counted and skipped.
// A TCP payload is cut at the IP total length, so Ethernet padding never becomes stream bytes.
// Pure apart from libpcap's reading of the in-memory buffer (fmemopen): no file or network I/O.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "evidence/wire_tcp.h"

namespace raftlab::evidence {

struct PcapStats {
  int64_t packets = 0;
  int64_t tcp_segments = 0;
  int64_t skipped = 0;        // not IPv4/TCP, fragments, truncated headers
  int link_type = -1;         // DLT_* of the capture
  std::string tail_error;     // a truncated last record (a capture cut off while writing): reading stopped there
};

// InvalidArgument for bytes libpcap cannot open as a capture, Unsupported for a link type not
// listed above.
Status ForEachTcpSegment(std::string_view pcap_bytes, const std::function<void(const TcpSegment&)>& on_segment,
                         PcapStats* stats);

// One captured frame of link type `dlt` as a TCP segment (payload points into `frame`). False
// when it is not an unfragmented IPv4 TCP segment with whole headers.
bool ParseLinkFrame(int dlt, std::string_view frame, int64_t time_ns, TcpSegment* out);

}  // namespace raftlab::evidence
