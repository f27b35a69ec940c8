#include "common/http_connection.h"

#include <gtest/gtest.h>

#include "common/http_get.h"
#include "common/http_test_server.h"

namespace raftlab {
namespace {

using httptest::ScriptedServer;

std::string Chunked(const std::string& body) {
  std::string out = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (size_t i = 0; i < body.size(); i += 7) {
    std::string part = body.substr(i, 7);
    char size[16];
    snprintf(size, sizeof size, "%zx", part.size());
    out += std::string(size) + "\r\n" + part + "\r\n";
  }
  return out + "0\r\n\r\n";
}

TEST(DecodeChunked, CompleteIncompleteAndMalformed) {
  std::string body;
  size_t used = 0;
  const std::string text = "4;ext=1\r\nWiki\r\nA\r\npedia in c\r\n0\r\nX-Trailer: y\r\n\r\nNEXT";
  ASSERT_TRUE(DecodeChunked(text, &body, &used).ok());
  EXPECT_EQ(body, "Wikipedia in c");
  EXPECT_EQ(text.substr(used), "NEXT");
  for (size_t cut : {0, 3, 12, 20, 30, 45})
    EXPECT_EQ(DecodeChunked(text.substr(0, cut), &body, &used).code(), Code::kFailedPrecondition) << cut;
  EXPECT_EQ(DecodeChunked("zz\r\nab\r\n", &body, &used).code(), Code::kUnavailable);
  EXPECT_EQ(DecodeChunked("2\r\nabc\r\n0\r\n\r\n", &body, &used).code(), Code::kUnavailable);
  EXPECT_EQ(DecodeChunked("\r\n", &body, &used).code(), Code::kUnavailable);
}

TEST(HttpGetRequest, OneBuilderForBothModes) {
  EXPECT_EQ(HttpGetRequest("/metrics", "127.99.0.11:2379", "raftlab-sampler", true),
            "GET /metrics HTTP/1.1\r\nHost: 127.99.0.11:2379\r\nUser-Agent: raftlab-sampler\r\n\r\n");
  EXPECT_EQ(HttpGetRequest("/-/ready", "127.0.0.1:9090", "raftlab", false),
            "GET /-/ready HTTP/1.1\r\nHost: 127.0.0.1:9090\r\nUser-Agent: raftlab\r\nConnection: close\r\n\r\n");
}

TEST(HttpGet, OneRequestPerConnectionAndChunkedBodies) {
  // etcd chunks pages over 2 KB when asked in HTTP/1.1; HttpGet asks it to close afterwards.
  ScriptedServer server(
      [](int, const std::string& request) {
        EXPECT_NE(request.find("Connection: close\r\n"), std::string::npos) << request;
        return Chunked("a page of metrics");
      },
      0);
  for (int i = 0; i < 3; ++i) {
    Result<HttpReply> r = HttpGet("127.0.0.1", server.port(), "/metrics", 1000);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, "a page of metrics");
  }
  EXPECT_EQ(server.accepted(), 3);
}

TEST(HttpConnection, KeepsOneConnectionForChunkedAndSizedReplies) {
  ScriptedServer server(
      [](int n, const std::string& request) {
        EXPECT_NE(request.find("HTTP/1.1\r\n"), std::string::npos);
        if (n % 2 == 0) return Chunked("raft status number " + std::to_string(n));
        return httptest::Sized("hello");
      },
      0);
  HttpConnection http("127.0.0.1", server.port());
  for (int i = 0; i < 6; ++i) {
    Result<HttpReply> r = http.Get(i % 2 == 0 ? "/debug/vars" : "/metrics", 1000);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, i % 2 == 0 ? "raft status number " + std::to_string(i) : "hello");
  }
  EXPECT_EQ(http.connects(), 1u);
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpConnection, ReconnectsWhenTheMemberClosedTheConnection) {
  // The server closes every connection after one reply without saying so (as a restarted
  // member would): the next Get fails on the old connection and is retried on a new one.
  ScriptedServer server([](int, const std::string&) { return Chunked("ok"); }, 1);
  HttpConnection http("127.0.0.1", server.port());
  for (int i = 0; i < 3; ++i) {
    Result<HttpReply> r = http.Get("/debug/vars", 1000);
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    EXPECT_EQ(r->body, "ok");
  }
  EXPECT_EQ(http.connects(), 3u);
}

TEST(HttpConnection, ConnectionCloseAndHttp10BodiesRunToTheClose) {
  ScriptedServer server(
      [](int n, const std::string&) {
        return n == 0 ? std::string("HTTP/1.0 404 Not Found\r\n\r\nno such page")
                      : std::string("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi");
      },
      1);
  HttpConnection http("127.0.0.1", server.port());
  Result<HttpReply> r = http.Get("/nope", 1000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "no such page");
  r = http.Get("/x", 1000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "hi");
  EXPECT_EQ(http.connects(), 2u);
}

TEST(HttpConnection, SilentMemberTimesOutAndRefusedPortIsUnavailable) {
  ScriptedServer server([](int, const std::string&) { return std::string(); }, 0);
  HttpConnection http("127.0.0.1", server.port());
  Result<HttpReply> r = http.Get("/debug/vars", 100);
  EXPECT_EQ(r.status().code(), Code::kTimeout);

  int port = 0;
  {
    ScriptedServer gone([](int, const std::string&) { return std::string(); }, 0);
    port = gone.port();
  }
  HttpConnection refused("127.0.0.1", port);
  EXPECT_EQ(refused.Get("/debug/vars", 500).status().code(), Code::kUnavailable);
}

TEST(HttpConnection, GarbageIsAnError) {
  ScriptedServer server([](int, const std::string&) { return std::string("SSH-2.0-nope\r\n\r\n"); }, 0);
  HttpConnection http("127.0.0.1", server.port());
  EXPECT_EQ(http.Get("/debug/vars", 500).status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace raftlab
