// Reading captures: hand-built classic pcap files with Ethernet (with padding and a VLAN tag),
// Linux cooked SLL and SLL2 frames, non-TCP frames skipped, bad and unsupported files refused,
// and DecodeWire end to end on an Ethernet capture.
#include "evidence/wire_pcap.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include "evidence/wire_decoder.h"
#include "evidence/wire_test_util.h"

namespace raftlab::evidence {
namespace {

using namespace wiretest;

TcpSegment Segment(const std::string& payload, uint8_t flags = tcpflag::kPsh | tcpflag::kAck) {
  TcpSegment s;
  s.src = {Ip(127, 99, 0, 11), 2380};
  s.dst = {Ip(127, 99, 0, 12), 40312};
  s.seq = 123456;
  s.ack = 654321;
  s.flags = flags;
  s.payload = payload;
  return s;
}

std::vector<TcpSegment> ReadAll(const std::string& pcap, PcapStats* stats, std::vector<std::string>* payloads) {
  std::vector<TcpSegment> out;
  Status st = ForEachTcpSegment(pcap, [&](const TcpSegment& s) {
    out.push_back(s);
    payloads->push_back(std::string(s.payload));
  }, stats);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(WirePcap, EthernetFramesGiveTcpSegmentsWithoutThePadding) {
  PcapWriter w(DLT_EN10MB);
  w.Record(1'700'000'000'123'456'000, EthernetFrame(Ipv4Tcp(Segment("hi"))));   // padded to 60 bytes
  std::string vlan = std::string(12, '\x02') + std::string("\x81\x00\x00\x05\x08\x00", 6) + Ipv4Tcp(Segment("tagged"));
  w.Record(1'700'000'001'000'000'000, vlan);
  w.Record(1'700'000'002'000'000'000, EthernetFrame("\x01\x02", 0x0806));           // ARP
  w.Record(1'700'000'003'000'000'000, EthernetFrame(Ipv4Tcp(Segment("udp?"), 17)));  // UDP
  PcapStats stats;
  std::vector<std::string> payloads;
  std::vector<TcpSegment> segs = ReadAll(w.bytes(), &stats, &payloads);
  EXPECT_EQ(stats.link_type, DLT_EN10MB);
  EXPECT_EQ(stats.packets, 4);
  EXPECT_EQ(stats.tcp_segments, 2);
  EXPECT_EQ(stats.skipped, 2);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(payloads[0], "hi");
  EXPECT_EQ(payloads[1], "tagged");
  EXPECT_EQ(segs[0].time_ns, 1'700'000'000'123'456'000);
  EXPECT_EQ(segs[0].src.ip, Ip(127, 99, 0, 11));
  EXPECT_EQ(segs[0].src.port, 2380);
  EXPECT_EQ(segs[0].dst.port, 40312);
  EXPECT_EQ(segs[0].seq, 123456u);
  EXPECT_EQ(segs[0].ack, 654321u);
  EXPECT_EQ(segs[0].flags, tcpflag::kPsh | tcpflag::kAck);
}

TEST(WirePcap, LinuxCookedFramesSllAndSll2) {
  for (int dlt : {DLT_LINUX_SLL, 276}) {
    PcapWriter w(static_cast<uint32_t>(dlt));
    std::string ip = Ipv4Tcp(Segment("cooked"));
    w.Record(5, dlt == DLT_LINUX_SLL ? SllFrame(ip) : Sll2Frame(ip));
    PcapStats stats;
    std::vector<std::string> payloads;
    ReadAll(w.bytes(), &stats, &payloads);
    EXPECT_EQ(stats.link_type, dlt);
    ASSERT_EQ(payloads.size(), 1u) << "link type " << dlt;
    EXPECT_EQ(payloads[0], "cooked");
  }
}

TEST(WirePcap, FragmentsAndTruncatedHeadersAreSkipped) {
  TcpSegment out;
  std::string ip = Ipv4Tcp(Segment("x"));
  std::string frag = ip;
  frag[6] = 0x20;   // more fragments
  EXPECT_FALSE(ParseLinkFrame(DLT_RAW, frag, 0, &out));
  EXPECT_FALSE(ParseLinkFrame(DLT_RAW, ip.substr(0, 30), 0, &out));
  EXPECT_TRUE(ParseLinkFrame(DLT_RAW, ip, 0, &out));
  EXPECT_EQ(out.payload, "x");
}

TEST(WirePcap, BadBytesAndUnsupportedLinkTypesAreRefused) {
  PcapStats stats;
  auto ignore = [](const TcpSegment&) {};
  Status empty = ForEachTcpSegment("", ignore, &stats);
  EXPECT_EQ(empty.code(), Code::kInvalidArgument);
  Status junk = ForEachTcpSegment("this is not a capture file at all", ignore, &stats);
  EXPECT_EQ(junk.code(), Code::kInvalidArgument);
  EXPECT_NE(junk.message().find("not a pcap"), std::string::npos) << junk.message();
  PcapWriter w(105);   // 802.11
  Status wifi = ForEachTcpSegment(w.bytes(), ignore, &stats);
  EXPECT_EQ(wifi.code(), Code::kUnsupported);
  EXPECT_NE(wifi.message().find("105"), std::string::npos) << wifi.message();
}

TEST(WirePcap, ATruncatedLastRecordKeepsWhatCameBefore) {
  PcapWriter w(DLT_EN10MB);
  w.Record(1, EthernetFrame(Ipv4Tcp(Segment("whole"))));
  w.Record(2, EthernetFrame(Ipv4Tcp(Segment("cut off"))));
  std::string bytes = w.bytes().substr(0, w.bytes().size() - 10);
  PcapStats stats;
  std::vector<std::string> payloads;
  ReadAll(bytes, &stats, &payloads);
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_FALSE(stats.tail_error.empty());
}

TEST(WirePcap, DecodeWireReadsAMessageStreamFromAnEthernetCapture) {
  SegmentScript script(TcpEndpoint{Ip(127, 99, 0, 12), 40312}, TcpEndpoint{Ip(127, 99, 0, 11), 2380});
  script.Handshake(1000);
  std::string get = "GET /raft/stream/message/f8d99e78b6dd5f41 HTTP/1.1\r\nX-Raft-To: 92b8626990d6620\r\n\r\n";
  script.Send(true, 2000, 1, 1, tcpflag::kPsh | tcpflag::kAck, get);
  raftpb::Message vote = Msg(raftpb::MsgVote, 0x92b8626990d6620, 0xf8d99e78b6dd5f41, 5);
  std::string resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunk(MessageFrame(vote));
  script.Send(false, 3000, 1, 1 + get.size(), tcpflag::kPsh | tcpflag::kAck, resp);
  script.Send(true, 4000, 1 + get.size(), 1 + resp.size(), tcpflag::kAck);
  PcapWriter w(DLT_EN10MB);
  for (const TcpSegment& s : script.segments()) w.Record(s.time_ns * 1000, EthernetFrame(Ipv4Tcp(s)));
  Result<WireCapture> c = DecodeWire(w.bytes(), {{"127.99.0.11", "n1"}, {"127.99.0.12", "n2"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->counters.packets, 6);
  EXPECT_EQ(c->counters.connections, 1);
  ASSERT_EQ(c->messages.size(), 1u);
  EXPECT_EQ(c->messages[0].type, "MsgVote");
  EXPECT_EQ(c->messages[0].from + ">" + c->messages[0].to, "n1>n2");
  EXPECT_EQ(c->messages[0].time_ns, 3'000'000);
  EXPECT_EQ(c->messages[0].delivered_ns, 4'000'000);
  EXPECT_EQ(c->first_ns, 1'000'000);
}

TEST(WirePcap, DecodeWireFileNamesAMissingFile) {
  Result<WireCapture> c = DecodeWireFile("/nonexistent/wire.pcap", {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/nonexistent/wire.pcap"), std::string::npos) << c.status().ToString();
}

}  // namespace
}  // namespace raftlab::evidence
