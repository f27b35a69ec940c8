#include "common/http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <strings.h>

#include "common/clock.h"

namespace raftlab {
namespace {

constexpr size_t kMaxReply = 32 << 20;   // a /metrics page is ~250 KB; anything this big is wrong

int RemainingMs(int64_t deadline_ns) {
  int64_t left = (deadline_ns - MonoNowNs() + 999'999) / 1'000'000;
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd until the deadline; false on timeout or error.
bool WaitFor(int fd, short events, int64_t deadline_ns) {
  pollfd p{fd, events, 0};
  for (;;) {
    int n = poll(&p, 1, RemainingMs(deadline_ns));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ContainsNoCase(std::string_view s, std::string_view word) {
  for (size_t i = 0; i + word.size() <= s.size(); ++i)
    if (strncasecmp(s.data() + i, word.data(), word.size()) == 0) return true;
  return false;
}

}  // namespace

std::string HttpGetRequest(std::string_view path, std::string_view host, std::string_view user_agent, bool keep_alive) {
  std::string r = "GET ";
  r.append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nUser-Agent: ").append(user_agent).append("\r\n");
  if (!keep_alive) r += "Connection: close\r\n";
  return r + "\r\n";
}

Status DecodeChunked(std::string_view text, std::string* body, size_t* consumed) {
  const Status more = FailedPrecondition("incomplete chunked body");
  body->clear();
  size_t i = 0;
  for (;;) {
    const size_t eol = text.find("\r\n", i);
    if (eol == std::string_view::npos) return more;
    size_t size = 0, digits = 0;
    for (size_t k = i; k < eol && text[k] != ';'; ++k, ++digits) {
      const char c = text[k];
      int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (v < 0 || size > (kMaxReply >> 4)) return Unavailable("bad chunk size line in a chunked reply");
      size = size * 16 + static_cast<size_t>(v);
    }
    if (digits == 0) return Unavailable("bad chunk size line in a chunked reply");
    i = eol + 2;
    if (size == 0) {   // the last chunk: optional trailer lines, then an empty line
      for (;;) {
        const size_t end = text.find("\r\n", i);
        if (end == std::string_view::npos) return more;
        if (end == i) {
          *consumed = end + 2;
          return Status::Ok();
        }
        i = end + 2;
      }
    }
    if (text.size() < i + size + 2) return more;
    if (text.substr(i + size, 2) != "\r\n") return Unavailable("chunk not followed by CRLF in a chunked reply");
    body->append(text.substr(i, size));
    i += size + 2;
  }
}

HttpConnection::HttpConnection(std::string host, int port, Options options)
    : host_(std::move(host)), port_(port), options_(std::move(options)), where_(host_ + ":" + std::to_string(port_)) {}

HttpConnection::~HttpConnection() { Close(); }

void HttpConnection::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buf_.clear();
}

Status HttpConnection::Connect(int64_t deadline_ns) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  if (inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1) return InvalidArgument("bad address " + host_);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Internal(std::string("socket: ") + strerror(errno));
  fd_ = fd;
  ++connects_;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
    return Unavailable("connect " + where_ + ": " + strerror(errno));
  if (!WaitFor(fd, POLLOUT, deadline_ns)) return Timeout("connect " + where_ + ": no answer in time");
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return Unavailable("connect " + where_ + ": " + strerror(err));
  return Status::Ok();
}

Status HttpConnection::Send(const std::string& request, int64_t deadline_ns) {
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFor(fd_, POLLOUT, deadline_ns)) return Timeout("send " + where_);
    } else {
      return Unavailable("send " + where_ + ": " + strerror(errno));
    }
  }
  return Status::Ok();
}

bool HttpConnection::Fill(size_t want, int64_t deadline_ns, Status* status, bool* closed) {
  char chunk[65536];
  while (buf_.size() < want) {
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buf_.append(chunk, static_cast<size_t>(n));
      if (buf_.size() > kMaxReply) {
        *status = Unavailable("reply from " + where_ + " is larger than 32 MB");
        return false;
      }
    } else if (n == 0) {
      *status = Unavailable("read " + where_ + ": connection closed");
      if (closed != nullptr) *closed = true;
      return false;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!WaitFor(fd_, POLLIN, deadline_ns)) {
        *status = Timeout("read " + where_ + ": no full answer in time");
        return false;
      }
    } else {
      *status = Unavailable("read " + where_ + ": " + strerror(errno));
      return false;
    }
  }
  return true;
}

Result<HttpReply> HttpConnection::ReadReply(int64_t deadline_ns, bool* got_any) {
  Status status;
  size_t header_end;
  while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(buf_.size() + 1, deadline_ns, &status)) return status;
    *got_any = true;
  }
  *got_any = true;
  const std::string_view head(buf_.data(), header_end);
  if (head.size() < 12 || !StartsWithNoCase(head, "HTTP/1.")) return Unavailable("bad HTTP reply from " + where_);
  HttpReply reply;
  reply.status = atoi(head.data() + head.find(' ') + 1);
  bool keep_alive = head[7] == '1';   // HTTP/1.1 keeps the connection unless it says close
  bool chunked = false;
  long long length = -1;
  for (size_t pos = head.find("\r\n"); pos != std::string_view::npos;) {
    const size_t next = head.find("\r\n", pos + 2);
    std::string_view line = head.substr(pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
    pos = next;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon), value = Trim(line.substr(colon + 1));
    if (name.size() == 14 && StartsWithNoCase(name, "content-length")) length = atoll(std::string(value).c_str());
    if (name.size() == 17 && StartsWithNoCase(name, "transfer-encoding")) chunked = ContainsNoCase(value, "chunked");
    if (name.size() == 10 && StartsWithNoCase(name, "connection")) keep_alive = !ContainsNoCase(value, "close");
  }
  buf_.erase(0, header_end + 4);
  if (chunked) {
    for (size_t consumed = 0;;) {
      Status s = DecodeChunked(buf_, &reply.body, &consumed);
      if (s.ok()) {
        buf_.erase(0, consumed);
        break;
      }
      if (s.code() != Code::kFailedPrecondition) return s;
      if (!Fill(buf_.size() + 1, deadline_ns, &status)) return status;
    }
  } else if (length >= 0) {
    if (static_cast<size_t>(length) > kMaxReply) return Unavailable("reply from " + where_ + " is larger than 32 MB");
    if (!Fill(static_cast<size_t>(length), deadline_ns, &status)) return status;
    reply.body = buf_.substr(0, static_cast<size_t>(length));
    buf_.erase(0, static_cast<size_t>(length));
  } else {   // the body runs to the close
    bool closed = false;
    if (!Fill(kMaxReply + 1, deadline_ns, &status, &closed) && !closed) return status;
    reply.body = std::move(buf_);
    buf_.clear();
    keep_alive = false;
  }
  if (!keep_alive || !options_.keep_alive) Close();
  return reply;
}

Result<HttpReply> HttpConnection::Get(const std::string& path, int timeout_ms) {
  const int64_t deadline = MonoNowNs() + static_cast<int64_t>(timeout_ms) * 1'000'000;
  const std::string request = HttpGetRequest(path, where_, options_.user_agent, options_.keep_alive);
  for (int attempt = 0;; ++attempt) {
    if (fd_ >= 0 && !buf_.empty()) Close();   // stray bytes: the connection is out of step
    const bool reused = fd_ >= 0;
    Status s = reused ? Status::Ok() : Connect(deadline);
    if (s.ok()) s = Send(request, deadline);
    bool got_any = false;
    Result<HttpReply> reply = s.ok() ? ReadReply(deadline, &got_any) : Result<HttpReply>(s);
    if (reply.ok()) return reply;
    Close();
    if (!reused || got_any || attempt > 0 || reply.status().code() != Code::kUnavailable) return reply.status();
  }
}

}  // namespace raftlab
