// The decoder's layers together on hand-built connections: a stream GET whose frame is split
// across chunks and segments with an unacknowledged tail, a headless msgappv2 stream whose ids
// come from another flow, and a pipeline POST answered 204.
#include "evidence/wire_decoder.h"

#include <gtest/gtest.h>

#include "evidence/wire_test_util.h"

namespace raftlab::evidence {
namespace {

using namespace wiretest;
using tcpflag::kAck;
using tcpflag::kPsh;

constexpr uint64_t kN1 = 0x92b8626990d6620, kN2 = 0xf8d99e78b6dd5f41;
const TcpEndpoint kN1Peer{Ip(127, 99, 0, 11), 2380};
const TcpEndpoint kN2Dialer{Ip(127, 99, 0, 12), 40312};
const TcpEndpoint kN2Dialer2{Ip(127, 99, 0, 12), 40400};
const MemberAddresses kMembers = {{"127.99.0.11", "n1"}, {"127.99.0.12", "n2"}};

std::vector<TcpConnection> Join(std::vector<TcpConnection> a, std::vector<TcpConnection> b) {
  for (TcpConnection& c : b) a.push_back(std::move(c));
  return a;
}

// n2 dials n1's message stream; n1 writes two heartbeats, the first split over two chunks and
// two segments; n2 acknowledges the first only.
std::vector<TcpConnection> MessageStream() {
  SegmentScript s(kN2Dialer, kN1Peer);
  s.Handshake(0);
  std::string get = "GET /raft/stream/message/f8d99e78b6dd5f41 HTTP/1.1\r\nX-Server-From: f8d99e78b6dd5f41\r\n"
                    "X-Raft-To: 92b8626990d6620\r\n\r\n";
  s.Send(true, 10, 1, 1, kPsh | kAck, get);
  std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  raftpb::Message hb1 = Msg(raftpb::MsgHeartbeat, kN1, kN2, 2);
  hb1.set_commit(7);
  raftpb::Message hb2 = Msg(raftpb::MsgHeartbeat, kN1, kN2, 2);
  hb2.set_commit(8);
  std::string f1 = MessageFrame(hb1), f2 = MessageFrame(hb2);
  std::string c1 = Chunk(f1.substr(0, 10)), c2 = Chunk(f1.substr(10)), c3 = Chunk(f2);
  uint32_t seq = 1;
  s.Send(false, 20, seq, 1 + get.size(), kPsh | kAck, head + c1);
  seq += head.size() + c1.size();
  s.Send(false, 30, seq, 1 + get.size(), kPsh | kAck, c2);
  seq += c2.size();
  s.Send(true, 35, 1 + get.size(), seq, kAck);   // n2 acknowledges through the first heartbeat
  s.Send(false, 40, seq, 1 + get.size(), kPsh | kAck, c3);
  s.Send(false, 50, seq, 1 + get.size(), kPsh | kAck, c3);   // retransmitted, never acknowledged
  return s.Reassemble();
}

// A msgappv2 stream n1 -> n2 set up before the capture: no GET, no ids in its short frames.
std::vector<TcpConnection> HeadlessMsgApp() {
  SegmentScript s(kN2Dialer2, kN1Peer);
  std::string body = Chunk(AppV2Full(App(kN1, kN2, 3, 2, 10, 10, {Entry(3, 11)}))) +
                     Chunk(AppV2Short({Entry(3, 12, PutRequest("k", "v"))}, 11)) + Chunk(AppV2LinkHeartbeat());
  s.Send(false, 60, 7000, 300, kPsh | kAck, body);
  s.Send(true, 61, 300, 7000 + static_cast<uint32_t>(body.size()), kAck);
  return s.Reassemble();
}

TEST(WireDecoder, StreamFramesSplitAcrossChunksAreTimedAtTheirLastByteAndAnUnackedTailIsNotDelivered) {
  WireCapture c = DecodeConnections(MessageStream(), kMembers);
  ASSERT_EQ(c.messages.size(), 2u);
  const WireMessage& a = c.messages[0];
  EXPECT_EQ(a.type, "MsgHeartbeat");
  EXPECT_EQ(a.from, "n1");
  EXPECT_EQ(a.to, "n2");
  EXPECT_EQ(a.commit, 7u);
  EXPECT_EQ(a.stream, StreamKind::kMessage);
  EXPECT_EQ(a.time_ns, 30);      // its last bytes came in the second segment
  EXPECT_TRUE(a.delivered);
  EXPECT_EQ(a.delivered_ns, 35);
  EXPECT_EQ(a.flow, "127.99.0.11:2380>127.99.0.12:40312");
  const WireMessage& b = c.messages[1];
  EXPECT_EQ(b.commit, 8u);
  EXPECT_EQ(b.time_ns, 40);      // the first copy, not the retransmission
  EXPECT_FALSE(b.delivered);
  EXPECT_EQ(c.counters.http_requests, (std::map<std::string, int64_t>{{"GET /raft/stream/message", 1}}));
  EXPECT_EQ(c.counters.frames, (std::map<std::string, int64_t>{{"message MsgHeartbeat", 1}}));
  EXPECT_EQ(c.counters.unacked, (std::map<std::string, int64_t>{{"message MsgHeartbeat", 1}}));
  EXPECT_GT(c.counters.duplicate_bytes, 0);
  EXPECT_TRUE(c.counters.problems.empty()) << c.counters.problems.front();
}

TEST(WireDecoder, AHeadlessMsgAppStreamIsRecognisedAndItsShortFramesGetIdsFromOtherFlows) {
  WireCapture c = DecodeConnections(Join(MessageStream(), HeadlessMsgApp()), kMembers);
  EXPECT_EQ(c.counters.headless_flows, 1);
  EXPECT_EQ(c.counters.frames.at("msgappv2 full App"), 1);
  EXPECT_EQ(c.counters.frames.at("msgappv2 short AppEntries"), 1);
  EXPECT_EQ(c.counters.frames.at("msgappv2 linkHeartbeat"), 1);
  const WireMessage* shorty = nullptr;
  for (const WireMessage& m : c.messages) {
    if (m.encoding == "short") shorty = &m;
  }
  ASSERT_NE(shorty, nullptr);
  EXPECT_EQ(shorty->type, "MsgApp");
  EXPECT_EQ(shorty->from, "n1");
  EXPECT_EQ(shorty->to, "n2");
  EXPECT_EQ(shorty->from_id, kN1);   // from X-Raft-To of the other flow's GET
  EXPECT_EQ(shorty->to_id, kN2);     // from its X-Server-From
  EXPECT_EQ(shorty->term, 3u);
  EXPECT_EQ(shorty->index, 11u);
  EXPECT_EQ(shorty->entries.at(0).request.summary.substr(0, 3), "put");
  EXPECT_TRUE(shorty->delivered);
  EXPECT_EQ(shorty->delivered_ns, 61);
}

TEST(WireDecoder, APipelinePostIsOneMessageDeliveredWhenItsRequestIsAcked) {
  SegmentScript s(TcpEndpoint{Ip(127, 99, 0, 11), 51000}, TcpEndpoint{Ip(127, 99, 0, 12), 2380});
  s.Handshake(0);
  raftpb::Message hb = Msg(raftpb::MsgHeartbeat, kN1, kN2, 9);
  std::string body = hb.SerializeAsString();
  std::string post = "POST /raft HTTP/1.1\r\nX-Server-From: 92b8626990d6620\r\nContent-Type: application/protobuf\r\n"
                     "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  s.Send(true, 10, 1, 1, kPsh | kAck, post);
  s.Send(false, 20, 1, 1 + post.size(), kPsh | kAck, "HTTP/1.1 204 No Content\r\n\r\n");
  WireCapture c = DecodeConnections(s.Reassemble(), kMembers);
  ASSERT_EQ(c.messages.size(), 1u);
  const WireMessage& m = c.messages[0];
  EXPECT_EQ(m.stream, StreamKind::kPipeline);
  EXPECT_EQ(m.from, "n1");
  EXPECT_EQ(m.to, "n2");
  EXPECT_EQ(m.term, 9u);
  EXPECT_EQ(m.http_status, 204);
  EXPECT_TRUE(m.delivered);
  EXPECT_EQ(m.time_ns, 10);
  EXPECT_EQ(c.counters.frames, (std::map<std::string, int64_t>{{"pipeline MsgHeartbeat", 1}}));
}

TEST(WireDecoder, UnknownAddressesKeepTheirIp) {
  WireCapture c = DecodeConnections(MessageStream(), {});
  ASSERT_FALSE(c.messages.empty());
  EXPECT_EQ(c.messages[0].from, "127.99.0.11");
  EXPECT_EQ(c.messages[0].to, "127.99.0.12");
}

}  // namespace
}  // namespace raftlab::evidence
