// HttpConnection: raftlab's one HTTP/1.1 client: GET requests over one TCP connection to
// host:port with a deadline each. Kept alive (the sampler's polls to a member's client port:
// a new TCP connection per poll costs more kernel time than the poll itself), it is reopened
// when the server closed it, restarted or timed out; with keep_alive off every request asks the
// server to close after its reply (HttpGet in common/http_get.h, one request per connection).
//
// Replies are read by Content-Length or chunked transfer coding (etcd's Go server chunks
// pages larger than 2 KB), else up to the close. Any error closes the connection; a request
// that fails on a reused connection before any reply byte arrived is retried once on a new
// one (the member may have closed an idle connection or restarted in between).
//
// Not thread-safe: one owner (one sampler thread) per object. Uses sockets and poll(2).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <string_view>

#include "common/status.h"

namespace raftlab {

struct HttpReply {
  int status = 0;
  std::string body;
};

class HttpConnection {
 public:
  struct Options {
    std::string user_agent = "raftlab";
    bool keep_alive = true;   // false: "Connection: close" on every request
  };
  // host: dotted IPv4.
  HttpConnection(std::string host, int port, Options options);
  HttpConnection(std::string host, int port) : HttpConnection(std::move(host), port, Options()) {}
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // GET path within timeout_ms: kTimeout past it, kUnavailable when refused or cut off.
  Result<HttpReply> Get(const std::string& path, int timeout_ms);

  // Connections opened so far (for tests and the bench: 1 while the member stays up).
  uint64_t connects() const { return connects_; }

 private:
  Status Connect(int64_t deadline_ns);
  Status Send(const std::string& request, int64_t deadline_ns);
  // Reads into buf_ until it holds at least `want` bytes. False when it cannot: *status says
  // why, and *closed (when given) is set if the member closed the connection.
  bool Fill(size_t want, int64_t deadline_ns, Status* status, bool* closed = nullptr);
  Result<HttpReply> ReadReply(int64_t deadline_ns, bool* got_any);
  void Close();

  std::string host_;
  int port_;
  Options options_;
  std::string where_;
  int fd_ = -1;
  std::string buf_;        // bytes received and not yet consumed
  uint64_t connects_ = 0;
};

// The bytes of one GET request: HTTP/1.1, Host `host` (host:port), the User-Agent, and
// "Connection: close" unless keep_alive. Pure; exposed for tests.
std::string HttpGetRequest(std::string_view path, std::string_view host, std::string_view user_agent, bool keep_alive);

// The body of a chunked reply from its first chunk-size line: Ok with *consumed the bytes
// used when complete, kUnavailable when malformed, and FailedPrecondition when more bytes
// are needed. Pure; exposed for tests.
Status DecodeChunked(std::string_view text, std::string* body, size_t* consumed);

}  // namespace raftlab
