// HttpGet: one GET over a fresh TCP connection with a deadline, closed after the reply (for
// polling etcd's /debug/vars and /metrics once, Prometheus's API in tests). The request and the
// reply are HttpConnection's (common/http_connection.h): HTTP/1.1, sized or chunked bodies.
// Thread-safe: each call has its own connection.
#pragma once

#include <string>

#include "common/http_connection.h"
#include "common/status.h"

namespace raftlab {

// host: dotted IPv4. Fails with kTimeout past timeout_ms, kUnavailable if refused.
Result<HttpReply> HttpGet(const std::string& host, int port, const std::string& path, int timeout_ms);

}  // namespace raftlab
