#include "evidence/wire_pcap.h"

#include <pcap/pcap.h>

#include <cstdio>

namespace raftlab::evidence {
namespace {

constexpr int kDltLinuxSll2 = 276;   // DLT_LINUX_SLL2, absent from older headers
constexpr uint16_t kEtherIpv4 = 0x0800, kEtherVlan = 0x8100, kEtherQinQ = 0x88a8;

uint16_t Be16(const unsigned char* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t Be32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}

bool ParseIpv4Tcp(std::string_view ip, int64_t time_ns, TcpSegment* out) {
  auto* p = reinterpret_cast<const unsigned char*>(ip.data());
  if (ip.size() < 20 || (p[0] >> 4) != 4) return false;
  size_t ihl = static_cast<size_t>(p[0] & 0x0f) * 4;
  size_t total = Be16(p + 2);
  if (ihl < 20 || total < ihl || p[9] != 6) return false;
  if ((Be16(p + 6) & 0x3fff) != 0) return false;   // a fragment (MF set or an offset)
  if (total > ip.size()) return false;              // cut by the snap length: the payload is incomplete
  const unsigned char* t = p + ihl;
  size_t tcp_len = total - ihl;
  if (tcp_len < 20) return false;
  size_t doff = static_cast<size_t>(t[12] >> 4) * 4;
  if (doff < 20 || doff > tcp_len) return false;
  out->time_ns = time_ns;
  out->src = {Be32(p + 12), Be16(t)};
  out->dst = {Be32(p + 16), Be16(t + 2)};
  out->seq = Be32(t + 4);
  out->ack = Be32(t + 8);
  out->flags = t[13];
  out->payload = ip.substr(ihl + doff, tcp_len - doff);
  return true;
}

}  // namespace

bool ParseLinkFrame(int dlt, std::string_view frame, int64_t time_ns, TcpSegment* out) {
  auto* p = reinterpret_cast<const unsigned char*>(frame.data());
  size_t header = 0;
  uint16_t proto = 0;
  switch (dlt) {
    case DLT_EN10MB: {
      if (frame.size() < 14) return false;
      header = 14;
      proto = Be16(p + 12);
      while ((proto == kEtherVlan || proto == kEtherQinQ) && frame.size() >= header + 4) {
        proto = Be16(p + header + 2);
        header += 4;
      }
      break;
    }
    case DLT_LINUX_SLL:
      if (frame.size() < 16) return false;
      header = 16;
      proto = Be16(p + 14);
      break;
    case kDltLinuxSll2:
      if (frame.size() < 20) return false;
      header = 20;
      proto = Be16(p);
      break;
    case DLT_RAW:
      proto = kEtherIpv4;
      break;
    default:
      return false;
  }
  if (proto != kEtherIpv4) return false;
  return ParseIpv4Tcp(frame.substr(header), time_ns, out);
}

Status ForEachTcpSegment(std::string_view pcap_bytes, const std::function<void(const TcpSegment&)>& on_segment,
                         PcapStats* stats) {
  if (pcap_bytes.empty()) return InvalidArgument("capture is empty (0 bytes)");
  // "r" mode never writes through the pointer.
  FILE* f = fmemopen(const_cast<char*>(pcap_bytes.data()), pcap_bytes.size(), "r");
  if (f == nullptr) return Internal("fmemopen failed for a " + std::to_string(pcap_bytes.size()) + "-byte capture");
  char err[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
  if (pc == nullptr) {
    std::fclose(f);
    return InvalidArgument(std::string("not a pcap/pcapng capture: ") + err);
  }
  stats->link_type = pcap_datalink(pc);
  if (stats->link_type != DLT_EN10MB && stats->link_type != DLT_LINUX_SLL && stats->link_type != kDltLinuxSll2 &&
      stats->link_type != DLT_RAW) {
    std::string name = pcap_datalink_val_to_name(stats->link_type) ? pcap_datalink_val_to_name(stats->link_type) : "?";
    pcap_close(pc);
    return Unsupported("capture link type " + std::to_string(stats->link_type) + " (" + name +
                       ") is not Ethernet, Linux cooked (SLL/SLL2) or raw IP");
  }
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  int rc;
  while ((rc = pcap_next_ex(pc, &hdr, &data)) == 1) {
    ++stats->packets;
    int64_t t = static_cast<int64_t>(hdr->ts.tv_sec) * 1000000000 + hdr->ts.tv_usec;   // tv_usec holds ns here
    TcpSegment seg;
    std::string_view frame(reinterpret_cast<const char*>(data), hdr->caplen);
    if (!ParseLinkFrame(stats->link_type, frame, t, &seg)) {
      ++stats->skipped;
      continue;
    }
    ++stats->tcp_segments;
    on_segment(seg);
  }
  if (rc == PCAP_ERROR) stats->tail_error = pcap_geterr(pc);
  pcap_close(pc);   // closes f too
  return Status::Ok();
}

}  // namespace raftlab::evidence
