#include "common/http_get.h"

namespace raftlab {

Result<HttpReply> HttpGet(const std::string& host, int port, const std::string& path, int timeout_ms) {
  HttpConnection once(host, port, {.user_agent = "raftlab", .keep_alive = false});
  return once.Get(path, timeout_ms);
}

}  // namespace raftlab
