// Test-only: a loopback HTTP server whose answers a test scripts. Each connection is served
// by its own thread, so a client may keep several connections open at once (the sampler keeps
// one for raft.status and one for /metrics). Header-only; not linked into any binary.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace raftlab::httptest {

class ScriptedServer {
 public:
  // answer(request_number, request_head) gives the bytes to send back ("" sends nothing);
  // close_after > 0 closes a connection after that many requests on it (as a restarted
  // member would, without saying so).
  using Answer = std::function<std::string(int, const std::string&)>;
  ScriptedServer(Answer answer, int close_after) : answer_(std::move(answer)), close_after_(close_after) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && listen(fd_, 16) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    acceptor_.join();
    std::list<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int c : open_) shutdown(c, SHUT_RDWR);
      workers.swap(workers_);
    }
    for (std::thread& t : workers) t.join();   // each takes mu_ as it finishes
  }
  int port() const { return port_; }   // 0 when the socket could not be set up
  int accepted() const { return accepted_; }

 private:
  void Accept() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++accepted_;
      std::lock_guard<std::mutex> lock(mu_);
      open_.push_back(c);
      workers_.emplace_back([this, c] { Serve(c); });
    }
  }

  void Serve(int c) {
    std::string in;
    char buf[4096];
    for (int on_conn = 0; !stop_;) {
      size_t end = in.find("\r\n\r\n");
      if (end == std::string::npos) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        continue;
      }
      std::string request = in.substr(0, end + 4);
      in.erase(0, end + 4);
      std::string reply = answer_(requests_++, request);
      if (!reply.empty() && write(c, reply.data(), reply.size()) < 0) break;
      if (close_after_ > 0 && ++on_conn >= close_after_) break;
    }
    std::lock_guard<std::mutex> lock(mu_);
    open_.remove(c);
    close(c);
  }

  Answer answer_;
  int close_after_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0}, requests_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::list<int> open_;
  std::list<std::thread> workers_;
};

// A reply with Content-Length.
inline std::string Sized(const std::string& body, int status = 200) {
  return "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace raftlab::httptest
