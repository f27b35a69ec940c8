// raftlab-probe: measures what the network between two lab members lets through. Run it
// inside member namespaces (`ip netns exec rl-n2 raftlab-probe ...`) on ports other than
// etcd's 2379/2380. Every mode is bounded in count and time and prints one JSON line.
//
//   raftlab-probe serve --port P [--duration-ms D] [--no-echo]
//       UDP on P: counts probe datagrams per source address and echoes each back (unless
//       --no-echo); TCP on P: accepts and closes. Prints {"event":"ready",...} once bound, then
//       on SIGTERM/SIGINT or after D ms (default 60000, at most 600000) the totals:
//       {"event":"done","received":N,"by_source":{"127.99.0.11":N},"tcp_accepted":N}
//   raftlab-probe udp --to IP:PORT [--count N] [--interval-ms I] [--size B] [--wait-ms W] [--echo]
//       Sends N datagrams (default 100, at most 100000) of B bytes (16..1400, default 64) every
//       I ms (default 5); with --echo collects the replies until all are back or W ms (default
//       1000) after the last send, and reports the reply fraction and RTT percentiles:
//       {"mode":"udp","sent":N,"replies":M,"reply_fraction":F,"rtt_ms":{"min","p50","p90","p99","max","mean"}}
//   raftlab-probe tcp --to IP:PORT [--timeout-ms T]
//       One connect() with a deadline (default 1000 ms, at most 60000):
//       {"mode":"tcp","connected":true|false,"ms":X,"error":"..."}
//
// Exit codes: 0 when the measurement ran (whatever it found), 1 on a socket error, 2 on bad
// arguments. Single-threaded; uses socket, poll and signalfd only.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "tests/probe/probe_stats.h"

namespace raftlab::probe {
namespace {

constexpr const char* kUsage =
    "usage: raftlab-probe serve --port P [--duration-ms D] [--no-echo]\n"
    "       raftlab-probe udp --to IP:PORT [--count N] [--interval-ms I] [--size B] [--wait-ms W] [--echo]\n"
    "       raftlab-probe tcp --to IP:PORT [--timeout-ms T]\n";

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int Usage(const std::string& why) {
  std::fprintf(stderr, "raftlab-probe: %s\n%s", why.c_str(), kUsage);
  return 2;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "raftlab-probe: %s: %s\n", what.c_str(), std::strerror(errno));
  return 1;
}

struct Args {
  std::map<std::string, std::string> values;
  std::vector<std::string> flags;
  bool Has(const std::string& f) const {
    for (const auto& x : flags) if (x == f) return true;
    return values.count(f) > 0;
  }
};

// --name value pairs; the names in `booleans` take no value.
bool ParseArgs(int argc, char** argv, const std::vector<std::string>& valued, const std::vector<std::string>& booleans,
               Args* out, std::string* why) {
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) return *why = "unexpected argument '" + a + "'", false;
    std::string name = a.substr(2);
    bool is_bool = false, is_valued = false;
    for (const auto& b : booleans) is_bool |= b == name;
    for (const auto& v : valued) is_valued |= v == name;
    if (is_bool) {
      out->flags.push_back(name);
    } else if (is_valued) {
      if (i + 1 >= argc) return *why = a + " needs a value", false;
      out->values[name] = argv[++i];
    } else {
      return *why = "unknown flag " + a, false;
    }
  }
  return true;
}

// Integer flag within [lo, hi]; `fallback` when absent.
bool IntFlag(const Args& a, const std::string& name, long fallback, long lo, long hi, long* out, std::string* why) {
  auto it = a.values.find(name);
  if (it == a.values.end()) {
    *out = fallback;
    return true;
  }
  char* end = nullptr;
  long v = std::strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || v < lo || v > hi) {
    *why = "--" + name + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" +
           it->second + "'";
    return false;
  }
  *out = v;
  return true;
}

bool ParseAddress(const std::string& text, sockaddr_in* addr) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  char* end = nullptr;
  long port = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535) return false;
  *addr = {};
  addr->sin_family = AF_INET;
  addr->sin_port = htons(static_cast<uint16_t>(port));
  return inet_pton(AF_INET, host.c_str(), &addr->sin_addr) == 1;
}

std::string Ip(const sockaddr_in& a) {
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
  return buf;
}

int Serve(const Args& a) {
  std::string why;
  long port = 0, duration_ms = 0;
  if (!a.Has("port")) return Usage("serve needs --port");
  if (!IntFlag(a, "port", 0, 1, 65535, &port, &why) || !IntFlag(a, "duration-ms", 60000, 1, 600000, &duration_ms, &why))
    return Usage(why);
  const bool echo = !a.Has("no-echo");

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sig_fd < 0) return Fail("signalfd");

  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_port = htons(static_cast<uint16_t>(port));
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  int one = 1;
  int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (udp < 0 || bind(udp, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0) return Fail("udp bind");
  int rcvbuf = 4 << 20;
  setsockopt(udp, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (tcp < 0 || bind(tcp, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 || listen(tcp, 64) != 0)
    return Fail("tcp bind");
  std::printf("{\"event\":\"ready\",\"port\":%ld,\"echo\":%s}\n", port, echo ? "true" : "false");
  std::fflush(stdout);

  std::map<std::string, long> by_source;
  long received = 0, tcp_accepted = 0, ignored = 0;
  const int64_t deadline = NowNs() + duration_ms * 1'000'000;
  std::vector<unsigned char> buf(65536);
  for (;;) {
    int64_t left_ms = (deadline - NowNs()) / 1'000'000;
    if (left_ms <= 0) break;
    pollfd fds[3] = {{udp, POLLIN, 0}, {tcp, POLLIN, 0}, {sig_fd, POLLIN, 0}};
    int n = poll(fds, 3, static_cast<int>(std::min<int64_t>(left_ms, 1000)));
    if (n < 0 && errno != EINTR) return Fail("poll");
    if (n <= 0) continue;
    if (fds[2].revents & POLLIN) break;
    if (fds[0].revents & POLLIN) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      ssize_t got = recvfrom(udp, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      Datagram d;
      if (got > 0 && Decode(buf.data(), static_cast<size_t>(got), &d)) {
        ++received;
        ++by_source[Ip(from)];
        if (echo) sendto(udp, buf.data(), static_cast<size_t>(got), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), len);
      } else if (got >= 0) {
        ++ignored;
      }
    }
    if (fds[1].revents & POLLIN) {
      int c = accept4(tcp, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) {
        ++tcp_accepted;
        close(c);
      }
    }
  }
  std::string sources;
  for (const auto& [ip, count] : by_source)
    sources += (sources.empty() ? "" : ",") + std::string("\"") + ip + "\":" + std::to_string(count);
  std::printf("{\"event\":\"done\",\"received\":%ld,\"by_source\":{%s},\"tcp_accepted\":%ld,\"ignored\":%ld}\n", received,
              sources.c_str(), tcp_accepted, ignored);
  std::fflush(stdout);
  close(udp);
  close(tcp);
  close(sig_fd);
  return 0;
}

int Udp(const Args& a) {
  std::string why;
  sockaddr_in to{};
  if (!a.Has("to") || !ParseAddress(a.values.at("to"), &to)) return Usage("udp needs --to IP:PORT");
  long count = 0, interval_ms = 0, size = 0, wait_ms = 0;
  if (!IntFlag(a, "count", 100, 1, 100000, &count, &why) || !IntFlag(a, "interval-ms", 5, 0, 10000, &interval_ms, &why) ||
      !IntFlag(a, "size", 64, static_cast<long>(Datagram::kHeader), 1400, &size, &why) ||
      !IntFlag(a, "wait-ms", 1000, 0, 60000, &wait_ms, &why))
    return Usage(why);
  if (count * interval_ms > 600000) return Usage("--count x --interval-ms must stay under 600 s");
  const bool echo = a.Has("echo");

  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Fail("socket");
  int rcvbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return Fail("connect");

  std::vector<unsigned char> out(static_cast<size_t>(size)), in(2048);
  std::vector<char> replied(static_cast<size_t>(count), 0);
  std::vector<double> rtt_ms;
  long sent = 0, send_errors = 0;
  const int64_t start = NowNs();
  auto drain = [&](int64_t until_ns) {
    for (;;) {
      int64_t left = until_ns - NowNs();
      if (left <= 0) return;
      if (echo && static_cast<long>(rtt_ms.size()) == count) return;
      pollfd p{fd, POLLIN, 0};
      int n = poll(&p, 1, static_cast<int>(std::max<int64_t>(1, left / 1'000'000)));
      if (n <= 0) continue;
      for (;;) {
        ssize_t got = recv(fd, in.data(), in.size(), 0);
        if (got < 0) break;   // EAGAIN, or ECONNREFUSED from an ICMP error: nothing to count
        Datagram d;
        if (!echo || !Decode(in.data(), static_cast<size_t>(got), &d)) continue;
        if (d.seq >= static_cast<uint32_t>(count) || replied[d.seq]) continue;
        replied[d.seq] = 1;
        rtt_ms.push_back(static_cast<double>(NowNs() - d.sent_ns) / 1e6);
      }
    }
  };
  for (long i = 0; i < count; ++i) {
    Datagram d;
    d.seq = static_cast<uint32_t>(i);
    d.sent_ns = NowNs();
    Encode(d, &out);
    if (send(fd, out.data(), out.size(), 0) == static_cast<ssize_t>(out.size())) ++sent;
    else ++send_errors;
    drain(start + (i + 1) * interval_ms * 1'000'000);
  }
  drain(NowNs() + (echo ? wait_ms : 0) * 1'000'000);
  RttSummary s = SummariseRtt(rtt_ms);
  double fraction = sent > 0 ? static_cast<double>(rtt_ms.size()) / static_cast<double>(sent) : 0;
  std::printf(
      "{\"mode\":\"udp\",\"to\":\"%s\",\"sent\":%ld,\"send_errors\":%ld,\"size\":%ld,\"echo\":%s,\"replies\":%zu,"
      "\"reply_fraction\":%.4f,\"elapsed_ms\":%.1f,"
      "\"rtt_ms\":{\"min\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"mean\":%.3f}}\n",
      a.values.at("to").c_str(), sent, send_errors, size, echo ? "true" : "false", rtt_ms.size(), fraction,
      static_cast<double>(NowNs() - start) / 1e6, s.min, s.p50, s.p90, s.p99, s.max, s.mean);
  close(fd);
  return 0;
}

int Tcp(const Args& a) {
  std::string why;
  sockaddr_in to{};
  if (!a.Has("to") || !ParseAddress(a.values.at("to"), &to)) return Usage("tcp needs --to IP:PORT");
  long timeout_ms = 0;
  if (!IntFlag(a, "timeout-ms", 1000, 1, 60000, &timeout_ms, &why)) return Usage(why);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Fail("socket");
  const int64_t start = NowNs();
  std::string error;
  bool connected = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    connected = true;
  } else if (errno != EINPROGRESS) {
    error = std::strerror(errno);
  } else {
    pollfd p{fd, POLLOUT, 0};
    int n = poll(&p, 1, static_cast<int>(timeout_ms));
    if (n == 0) {
      error = "timeout";
    } else if (n < 0) {
      error = std::strerror(errno);
    } else {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) connected = true;
      else error = std::strerror(err);
    }
  }
  std::printf("{\"mode\":\"tcp\",\"to\":\"%s\",\"connected\":%s,\"ms\":%.3f,\"error\":\"%s\"}\n", a.values.at("to").c_str(),
              connected ? "true" : "false", static_cast<double>(NowNs() - start) / 1e6, error.c_str());
  close(fd);
  return 0;
}

}  // namespace
}  // namespace raftlab::probe

int main(int argc, char** argv) {
  using namespace raftlab::probe;
  if (argc < 2) return Usage("no mode given");
  std::string mode = argv[1];
  Args args;
  std::string why;
  if (mode == "serve") {
    if (!ParseArgs(argc, argv, {"port", "duration-ms"}, {"no-echo"}, &args, &why)) return Usage(why);
    return Serve(args);
  }
  if (mode == "udp") {
    if (!ParseArgs(argc, argv, {"to", "count", "interval-ms", "size", "wait-ms"}, {"echo"}, &args, &why)) return Usage(why);
    return Udp(args);
  }
  if (mode == "tcp") {
    if (!ParseArgs(argc, argv, {"to", "timeout-ms"}, {}, &args, &why)) return Usage(why);
    return Tcp(args);
  }
  if (mode == "--help" || mode == "-h" || mode == "help") {
    std::printf("%s", kUsage);
    return 0;
  }
  return Usage("unknown mode '" + mode + "'");
}
