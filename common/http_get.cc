#include "common/http_get.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"

namespace raftlab {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) close(fd_); }
  int get() const { return fd_; }
 private:
  int fd_;
};

int RemainingMs(int64_t deadline_ns) {
  int64_t left = (deadline_ns - MonoNowNs()) / 1'000'000;
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd until the deadline; false on timeout.
bool WaitFor(int fd, short events, int64_t deadline_ns) {
  pollfd p{fd, events, 0};
  for (;;) {
    int n = poll(&p, 1, RemainingMs(deadline_ns));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

Result<HttpReply> HttpGet(const std::string& host, int port, const std::string& path, int timeout_ms) {
  const std::string where = host + ":" + std::to_string(port) + path;
  int64_t deadline = MonoNowNs() + static_cast<int64_t>(timeout_ms) * 1'000'000;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return InvalidArgument("bad address " + host);
  Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Internal(std::string("socket: ") + strerror(errno));
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
    return Unavailable("connect " + where + ": " + strerror(errno));
  if (!WaitFor(fd.get(), POLLOUT, deadline)) return Timeout("connect " + where + ": no answer in " + std::to_string(timeout_ms) + " ms");
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return Unavailable("connect " + where + ": " + strerror(err));

  std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
  size_t sent = 0;
  while (sent < request.size()) {
    if (!WaitFor(fd.get(), POLLOUT, deadline)) return Timeout("send " + where);
    ssize_t n = send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return Unavailable("send " + where + ": " + strerror(errno));
    if (n > 0) sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[16384];
  for (;;) {
    if (!WaitFor(fd.get(), POLLIN, deadline)) return Timeout("read " + where + ": no full answer in " + std::to_string(timeout_ms) + " ms");
    ssize_t n = recv(fd.get(), buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return Unavailable("read " + where + ": " + strerror(errno));
    }
    raw.append(buf, static_cast<size_t>(n));
  }
  size_t header_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/", 0) != 0 || header_end == std::string::npos) return Unavailable("bad HTTP reply from " + where);
  HttpReply reply;
  reply.status = atoi(raw.c_str() + raw.find(' ') + 1);
  reply.body = raw.substr(header_end + 4);
  return reply;
}

}  // namespace raftlab
