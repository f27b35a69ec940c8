// HttpGet: a minimal HTTP/1.0 GET over TCP with a deadline, for polling etcd's /debug/vars
// and /metrics (and Prometheus's API in tests). HTTP/1.0 keeps the reply unchunked and the
// connection closed after it. Thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace raftlab {

struct HttpReply {
  int status = 0;
  std::string body;
};

// host: dotted IPv4. Fails with kTimeout past timeout_ms, kUnavailable if refused.
Result<HttpReply> HttpGet(const std::string& host, int port, const std::string& path, int timeout_ms);

}  // namespace raftlab
