// TCP reassembly on hand-built segment scripts: order, retransmits, overlaps, holes, mid-stream
// starts, wraparound, FIN/RST and the cumulative-ACK record behind "delivered".
#include "evidence/wire_tcp.h"

#include <gtest/gtest.h>

#include "evidence/wire_test_util.h"

namespace raftlab::evidence {
namespace {

using tcpflag::kAck;
using tcpflag::kFin;
using tcpflag::kPsh;
using tcpflag::kRst;
using tcpflag::kSyn;
using wiretest::SegmentScript;

const TcpEndpoint kClient{wiretest::Ip(127, 99, 0, 12), 40312};
const TcpEndpoint kServer{wiretest::Ip(127, 99, 0, 11), 2380};

TEST(WireTcp, HandshakeThenInOrderBytesStartAfterTheSyn) {
  SegmentScript s(kClient, kServer);
  s.Handshake(100);
  s.Send(true, 200, 1, 1, kPsh | kAck, "GET / HTTP/1.1\r\n\r\n");
  s.Send(false, 300, 1, 19, kPsh | kAck, "HTTP/1.1 204 No Content\r\n\r\n");
  auto conns = s.Reassemble();
  ASSERT_EQ(conns.size(), 1u);
  const TcpConnection& c = conns[0];
  EXPECT_FALSE(c.mid_stream);
  EXPECT_EQ(c.FromClient().src, kClient);
  EXPECT_EQ(c.FromClient().bytes, "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(c.FromServer().bytes, "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(c.FromClient().TimeOf(0), 200);
  EXPECT_EQ(c.FromClient().AckedAt(18), 300);   // the response's ACK covers the request
  EXPECT_EQ(c.FromServer().AckedAt(1), std::nullopt);
  EXPECT_EQ(c.first_ns, 100);
  EXPECT_EQ(c.last_ns, 300);
}

TEST(WireTcp, OutOfOrderIsBufferedAndRetransmitsAndOverlapsKeptOnce) {
  SegmentScript s(kClient, kServer);
  s.Handshake(0);
  s.Send(false, 10, 1, 1, kAck, "01234");        // [0,5)
  s.Send(false, 20, 11, 1, kAck, "abcde");       // [10,15) early: buffered
  s.Send(false, 30, 6, 1, kAck, "56789ab");      // [5,12): fills the hole, overlaps 2 bytes
  s.Send(false, 40, 1, 1, kAck, "01234");        // retransmit of [0,5)
  s.Send(false, 50, 14, 1, kAck, "defg");        // [13,17): 2 old bytes, 2 new
  auto conns = s.Reassemble();
  ASSERT_EQ(conns.size(), 1u);
  const TcpDirection& d = conns[0].FromServer();
  EXPECT_EQ(d.bytes, "0123456789abcdefg");
  EXPECT_EQ(d.out_of_order_segments, 1u);
  EXPECT_EQ(d.duplicate_bytes, 2u + 5u + 2u);
  EXPECT_FALSE(d.gap_at.has_value());
  EXPECT_EQ(d.TimeOf(0), 10);
  EXPECT_EQ(d.TimeOf(7), 30);
  EXPECT_EQ(d.TimeOf(13), 20);    // first copy: the early segment
  EXPECT_EQ(d.TimeOf(16), 50);
  EXPECT_EQ(d.SegmentStarts(), (std::vector<uint64_t>{0, 5, 12, 15}));
}

TEST(WireTcp, CumulativeAckStepsDecideDeliveryAndAnUnackedTailIsNotDelivered) {
  SegmentScript s(kClient, kServer);
  s.Handshake(0);
  s.Send(false, 10, 1, 1, kAck, "aaaaa");
  s.Send(false, 11, 6, 1, kAck, "bbbbb");
  s.Send(true, 15, 1, 6, kAck);            // acks the first 5 bytes only
  s.Send(true, 16, 1, 4, kAck);            // an older ACK, reordered: ignored
  s.Send(false, 20, 6, 1, kAck, "bbbbb");  // retransmission of the tail, never acked
  auto conns = s.Reassemble();
  const TcpDirection& d = conns[0].FromServer();
  EXPECT_EQ(d.AckedAt(5), 15);
  EXPECT_EQ(d.AckedAt(3), 15);
  EXPECT_EQ(d.AckedAt(6), std::nullopt);
  EXPECT_EQ(d.AckedAt(10), std::nullopt);
  ASSERT_EQ(d.acks.size(), 1u);
}

TEST(WireTcp, MidStreamCaptureStartsAtTheFirstPayloadByteAndTheServerIsThePeerPort) {
  SegmentScript s(kClient, kServer);
  s.Send(true, 5, 1, 1, kAck);                    // a pure ACK from the client: no base for the server side
  s.Send(false, 10, 500, 1, kPsh | kAck, "3\r\nabc\r\n");
  s.Send(false, 20, 490, 1, kAck, "0123456789");   // older than the first byte seen: before the capture
  s.Send(true, 30, 1, 508, kAck);
  auto conns = s.Reassemble();
  ASSERT_EQ(conns.size(), 1u);
  const TcpConnection& c = conns[0];
  EXPECT_TRUE(c.mid_stream);
  EXPECT_EQ(c.FromServer().src, kServer);
  EXPECT_EQ(c.FromServer().bytes, "3\r\nabc\r\n");
  EXPECT_EQ(c.FromServer().duplicate_bytes, 10u);
  EXPECT_EQ(c.FromServer().AckedAt(8), 30);
  EXPECT_TRUE(c.FromClient().bytes.empty());
}

TEST(WireTcp, SequenceNumbersWrapAround) {
  SegmentScript s(kClient, kServer);
  s.server_isn = 0xfffffff8u;
  s.Handshake(0);
  s.Send(false, 10, 1, 1, kAck, "0123456789");     // crosses 2^32
  s.Send(false, 11, 11, 1, kAck, "abcdef");
  s.Send(true, 12, 1, 17, kAck);
  auto conns = s.Reassemble();
  const TcpDirection& d = conns[0].FromServer();
  EXPECT_EQ(d.bytes, "0123456789abcdef");
  EXPECT_EQ(d.AckedAt(16), 12);
}

TEST(WireTcp, AHoleThatNeverFillsEndsTheDecodableStream) {
  SegmentScript s(kClient, kServer);
  s.Handshake(0);
  s.Send(false, 10, 1, 1, kAck, "abc");
  s.Send(false, 20, 10, 1, kAck, "xyz");
  auto conns = s.Reassemble();
  const TcpDirection& d = conns[0].FromServer();
  EXPECT_EQ(d.bytes, "abc");
  ASSERT_TRUE(d.gap_at.has_value());
  EXPECT_EQ(*d.gap_at, 3u);
  EXPECT_EQ(d.bytes_after_gap, 3u);
}

TEST(WireTcp, RstStopsTheDirectionAndASynAfterFinOpensANewConnection) {
  SegmentScript s(kClient, kServer);
  s.Handshake(0);
  s.Send(true, 10, 1, 1, kPsh | kAck, "one");
  s.Send(true, 11, 4, 1, kFin | kAck);
  s.Send(false, 12, 1, 5, kFin | kAck);
  s.Send(true, 13, 5, 2, kAck);
  // The same 4-tuple again: a new connection with new sequence numbers.
  s.client_isn = 90000;
  s.server_isn = 70000;
  s.Handshake(100);
  s.Send(true, 110, 1, 1, kPsh | kAck, "two");
  s.Send(false, 111, 1, 1, kRst);
  s.Send(false, 112, 1, 1, kAck, "after-rst");
  auto conns = s.Reassemble();
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[0].FromClient().bytes, "one");
  EXPECT_TRUE(conns[0].FromClient().fin_seen);
  EXPECT_TRUE(conns[0].FromServer().fin_seen);
  EXPECT_EQ(conns[1].FromClient().bytes, "two");
  EXPECT_TRUE(conns[1].FromServer().rst_seen);
  EXPECT_TRUE(conns[1].FromServer().bytes.empty());
}

TEST(WireTcp, ARetransmittedSynDoesNotOpenANewConnection) {
  SegmentScript s(kClient, kServer);
  s.Send(true, 0, 0, 0, kSyn);
  s.Send(true, 1000, 0, 0, kSyn);
  s.Send(false, 1001, 0, 1, kSyn | kAck);
  s.Send(true, 1002, 1, 1, kAck);
  EXPECT_EQ(s.Reassemble().size(), 1u);
}

TEST(WireTcp, EndpointText) {
  EXPECT_EQ(EndpointText(kServer), "127.99.0.11:2380");
  EXPECT_EQ(Ipv4Text(wiretest::Ip(10, 0, 255, 1)), "10.0.255.1");
}

}  // namespace
}  // namespace raftlab::evidence
