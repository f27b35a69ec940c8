// HTTP/1.1 over reassembled connections: framing (Content-Length, chunked, none, until close),
// keep-alive pairing, endless chunked streams cut by the capture, headless flows and resync.
#include "evidence/wire_http.h"

#include <gtest/gtest.h>

#include "evidence/wire_test_util.h"

namespace raftlab::evidence {
namespace {

using tcpflag::kAck;
using tcpflag::kPsh;
using wiretest::Chunk;
using wiretest::SegmentScript;

const TcpEndpoint kClient{wiretest::Ip(127, 99, 0, 12), 40312};
const TcpEndpoint kServer{wiretest::Ip(127, 99, 0, 11), 2380};

TEST(WireHttp, KeepAliveRequestsPairWithTheirResponsesInOrder) {
  SegmentScript s(kClient, kServer);
  s.Handshake(0);
  std::string post = "POST /raft HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\ncontent-type: application/protobuf\r\n\r\nhello";
  std::string probe = "GET /raft/probing HTTP/1.1\r\nHost: x\r\n\r\n";
  s.Send(true, 10, 1, 1, kPsh | kAck, post);
  s.Send(false, 20, 1, 1 + post.size(), kPsh | kAck, "HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n");
  s.Send(true, 30, 1 + post.size(), 37, kPsh | kAck, probe);
  s.Send(false, 40, 37, 1 + post.size() + probe.size(), kPsh | kAck,
         "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"OK\":true}\n");
  auto conns = s.Reassemble();
  HttpConversation conv = ParseHttpConnection(conns[0]);
  EXPECT_TRUE(conv.problems.empty()) << conv.problems.front();
  ASSERT_EQ(conv.exchanges.size(), 2u);
  const HttpExchange& a = conv.exchanges[0];
  ASSERT_TRUE(a.request && a.response);
  EXPECT_EQ(a.request->method, "POST");
  EXPECT_EQ(a.request->target, "/raft");
  EXPECT_EQ(a.request->body.bytes, "hello");
  EXPECT_TRUE(a.request->complete);
  ASSERT_NE(a.request->Header("Content-Type"), nullptr);   // names match case-insensitively
  EXPECT_EQ(*a.request->Header("CONTENT-TYPE"), "application/protobuf");
  EXPECT_EQ(a.response->status, 204);
  EXPECT_TRUE(a.response->body.bytes.empty());
  EXPECT_EQ(a.request->end, post.size());
  const HttpExchange& b = conv.exchanges[1];
  ASSERT_TRUE(b.request && b.response);
  EXPECT_EQ(b.request->target, "/raft/probing");
  EXPECT_EQ(b.response->status, 200);
  EXPECT_EQ(b.response->body.bytes, "{\"OK\":true}\n");
}

TEST(WireHttp, ChunkedBodyIsDechunkedWithItsTcpOffsets) {
  SegmentScript s(kClient, kServer);
  s.Handshake(0);
  std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string body = Chunk("abc") + Chunk("defgh") + "0\r\n\r\n";
  s.Send(true, 5, 1, 1, kPsh | kAck, "GET /raft/stream/message/aa11bb22 HTTP/1.1\r\n\r\n");
  s.Send(false, 10, 1, 1, kPsh | kAck, head);
  // The body arrives split in the middle of a chunk and of its size line.
  std::string all = body;
  s.Send(false, 20, 1 + head.size(), 1, kAck, all.substr(0, 10));
  s.Send(false, 30, 1 + head.size() + 10, 1, kAck, all.substr(10));
  auto conns = s.Reassemble();
  HttpConversation conv = ParseHttpConnection(conns[0]);
  ASSERT_EQ(conv.exchanges.size(), 1u);
  const HttpMessage& r = *conv.exchanges[0].response;
  EXPECT_TRUE(r.body.chunked);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.body.bytes, "abcdefgh");
  // "abc" sits after head + "3\r\n"; "defgh" after head + "3\r\nabc\r\n5\r\n".
  EXPECT_EQ(r.body.TcpOffsetOf(0), head.size() + 3);
  EXPECT_EQ(r.body.TcpOffsetOf(2), head.size() + 5);
  EXPECT_EQ(r.body.TcpOffsetOf(3), head.size() + 11);
  EXPECT_EQ(r.body.TcpOffsetOf(7), head.size() + 15);
  EXPECT_EQ(r.end, head.size() + body.size());
}

TEST(WireHttp, AnEndlessStreamCutByTheCaptureKeepsTheBytesThatArrived) {
  std::string b = "HTTP/1.1 200 OK\r\nX-Server-Version: 3.4.23\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunk("first") +
                  "a\r\n01234";   // a 10-byte chunk of which 5 bytes were captured
  HttpStreamParse p = ParseHttpStream(b, false, {0});
  EXPECT_TRUE(p.problems.empty());
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_FALSE(p.messages[0].complete);
  EXPECT_EQ(p.messages[0].body.bytes, "first01234");
}

TEST(WireHttp, AStreamWithoutHeadersIsAHeadlessChunkedBody) {
  std::string b = Chunk("x") + Chunk("yz");
  HttpStreamParse p = ParseHttpStream(b, false, {0});
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_TRUE(p.messages[0].headless);
  EXPECT_EQ(p.messages[0].body.bytes, "xyz");
  EXPECT_FALSE(p.messages[0].complete);
}

TEST(WireHttp, BytesThatStartNowhereAreSkippedToTheNextSegmentThatStartsAChunk) {
  std::string junk = "tail of an earlier chunk";
  std::string b = junk + Chunk("abc");
  HttpStreamParse p = ParseHttpStream(b, false, {0, 7, junk.size()});
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_NE(p.problems[0].find("skipped 24 bytes"), std::string::npos) << p.problems[0];
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_TRUE(p.messages[0].headless);
  EXPECT_EQ(p.messages[0].body.bytes, "abc");
  EXPECT_EQ(p.messages[0].begin, junk.size());
}

TEST(WireHttp, BadChunkSizeIsAProblemNamingItsOffset) {
  std::string b = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY\r\n";
  HttpStreamParse p = ParseHttpStream(b, false, {0});
  ASSERT_FALSE(p.problems.empty());
  EXPECT_NE(p.problems[0].find("not followed by CRLF"), std::string::npos) << p.problems[0];
}

TEST(WireHttp, AResponseThatBeganBeforeTheNextRequestAnswersOneBeforeTheCapture) {
  SegmentScript s(kClient, kServer);
  s.Send(false, 10, 100, 50, kPsh | kAck, "HTTP/1.1 204 No Content\r\n\r\n");
  s.Send(true, 20, 50, 127, kPsh | kAck, "GET /version HTTP/1.1\r\n\r\n");
  auto conns = s.Reassemble();
  HttpConversation conv = ParseHttpConnection(conns[0]);
  ASSERT_EQ(conv.exchanges.size(), 2u);
  EXPECT_FALSE(conv.exchanges[0].request.has_value());
  EXPECT_EQ(conv.exchanges[0].response->status, 204);
  EXPECT_EQ(conv.exchanges[1].request->target, "/version");
  EXPECT_FALSE(conv.exchanges[1].response.has_value());
}

TEST(WireHttp, PathKeysDropMemberIdsAndQueries) {
  EXPECT_EQ(HttpPathKey("/raft/stream/message/92b8626990d6620"), "/raft/stream/message");
  EXPECT_EQ(HttpPathKey("/raft/stream/msgapp/f8d99e78b6dd5f41"), "/raft/stream/msgapp");
  EXPECT_EQ(HttpPathKey("/raft/probing"), "/raft/probing");
  EXPECT_EQ(HttpPathKey("/members/promote/abcdef12?x=1"), "/members/promote");
  EXPECT_EQ(HttpPathKey("/version"), "/version");
  EXPECT_EQ(HttpPathKey("/"), "/");
}

}  // namespace
}  // namespace raftlab::evidence
