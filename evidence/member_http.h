// MemberHttp: one kept-alive HTTP/1.1 connection to one member's client port, for the
// sampler's polls. A new TCP connection per poll (common/http_get.h) costs more kernel time
// than the poll itself (handshake, teardown, a socket each time); this keeps one open and
// reopens it when the member closed it, restarted or timed out.
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
#include <string_view>

#include "common/http_get.h"
#include "common/status.h"

namespace raftlab::evidence {

class MemberHttp {
 public:
  // host: dotted IPv4.
  MemberHttp(std::string host, int port);
  ~MemberHttp();
  MemberHttp(const MemberHttp&) = delete;
  MemberHttp& operator=(const MemberHttp&) = delete;

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
  std::string where_;
  int fd_ = -1;
  std::string buf_;        // bytes received and not yet consumed
  uint64_t connects_ = 0;
};

// The body of a chunked reply from its first chunk-size line: Ok with *consumed the bytes
// used when complete, kUnavailable when malformed, and FailedPrecondition when more bytes
// are needed. Pure; exposed for tests.
Status DecodeChunked(std::string_view text, std::string* body, size_t* consumed);

}  // namespace raftlab::evidence
