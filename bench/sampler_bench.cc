// sampler_bench: what the sampler costs and how evenly it samples.
//
// For N members polled every --interval-ms for --seconds of wall time it prints the CPU used
// (% of one core: the whole process, and the sampler's own threads, which are named
// rl-sample-<member>), samples per second per member, and the median and largest gap between
// consecutive samples of each member (evidence/sample_gaps.h over the journal).
//
//   --real (default)  REAL etcd members: takes /tmp/raftlab-lab.lock, runs `raftlab up
//                     --members N` on a temporary state dir, measures raftlabd (the daemon
//                     whose sampler runs against the members), then `raftlab down`. Needs
//                     root. --raftlab PATH picks the build to measure (default: this build's),
//                     so an older build can be measured on the same setup. --capture DIR saves
//                     n1's /debug/vars and /metrics pages for --fake.
//   --fake DIR        FAKE members: a child process serves DIR/debug_vars.json and
//                     DIR/metrics.txt (pages captured from a real member) on N loopback ports;
//                     this process runs the sampler (with journal and exporter) against them
//                     and measures itself. --metrics-ms sets the sampler's /metrics period.
//
// Uses fork, sockets, /proc; writes only under a temporary directory it removes.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/http_get.h"
#include "common/json_util.h"
#include "common/subprocess.h"
#include "evidence/exporter.h"
#include "evidence/journal.h"
#include "evidence/run_loader.h"
#include "evidence/sample_gaps.h"
#include "evidence/sampler.h"

namespace raftlab {
namespace {

struct Options {
  int members = 5;
  int interval_ms = 50;
  int metrics_ms = evidence::SamplerOptions{}.metrics_interval_ms;
  int seconds = 30;
  std::string fake_dir;   // empty: real members
  std::string raftlab = std::string(RAFTLAB_BUILD_DIR) + "/raftlab";
  std::string capture_dir;
};

int Usage() {
  std::cerr << "usage: sampler_bench [--members N] [--interval-ms MS] [--seconds S]\n"
               "                     [--real [--raftlab PATH] [--capture DIR] | --fake DIR [--metrics-ms MS]]\n";
  return 2;
}

// CPU seconds (user + system) from a /proc/.../stat line; comm may hold spaces, so fields
// are counted after its closing parenthesis.
std::optional<double> StatCpuSeconds(const std::string& path, std::string* comm = nullptr) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  size_t open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return std::nullopt;
  if (comm != nullptr) *comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string x; rest >> x;) f.push_back(x);
  if (f.size() < 13) return std::nullopt;   // f[0] is field 3 (state); utime is 14, stime 15
  return (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct CpuReading {
  double process = 0;   // every thread
  double sampler = 0;   // threads named rl-sample-*
  bool named_threads = false;
};

CpuReading ReadCpu(const std::string& proc_dir) {
  CpuReading r;
  r.process = StatCpuSeconds(proc_dir + "/stat").value_or(0);
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(proc_dir + "/task", ec)) {
    std::string comm;
    std::optional<double> cpu = StatCpuSeconds(task.path().string() + "/stat", &comm);
    if (cpu && comm.rfind("rl-sample-", 0) == 0) {
      r.sampler += *cpu;
      r.named_threads = true;
    }
  }
  return r;
}

// Sampler threads that exited between the readings are missing from `after`: a whole-process
// figure is always right, the per-thread one only while the members stay.
void PrintCpu(const char* who, const CpuReading& before, const CpuReading& after, double wall_s) {
  std::printf("cpu: %s %.2f%% of one core", who, 100 * (after.process - before.process) / wall_s);
  if (after.named_threads)
    std::printf(" (sampler threads %.2f%%, the rest %.2f%%)", 100 * (after.sampler - before.sampler) / wall_s,
                100 * ((after.process - before.process) - (after.sampler - before.sampler)) / wall_s);
  else
    std::printf(" (no rl-sample-* threads: a build whose sampler threads are unnamed)");
  std::printf("\n");
}

int PrintGaps(const std::string& journal_path, int64_t from_ns, int64_t to_ns) {
  Result<std::string> text = ReadFile(journal_path);
  if (!text.ok()) {
    std::cerr << "sampler_bench: " << text.status().ToString() << "\n";
    return 1;
  }
  Result<evidence::Run> run = evidence::RunFromJournal(*text);
  if (!run.ok()) {
    std::cerr << "sampler_bench: " << run.status().ToString() << "\n";
    return 1;
  }
  std::vector<evidence::RaftSample> kept;
  for (const auto& s : run->samples)
    if (s.mono_ns >= from_ns && s.mono_ns <= to_ns) kept.push_back(s);
  run->samples = std::move(kept);
  const double wall_s = static_cast<double>(to_ns - from_ns) / 1e9;
  std::printf("%-7s %9s %10s %14s %11s  %s\n", "member", "samples", "samples/s", "median gap ms", "max gap ms",
              "largest gap at (s into the window)");
  double worst = 0;
  for (const auto& g : evidence::SampleGaps(*run, from_ns)) {
    std::printf("%-7s %9llu %10.2f %14.1f %11.1f  %.3f-%.3f\n", g.member.c_str(),
                static_cast<unsigned long long>(g.samples), static_cast<double>(g.samples) / wall_s,
                g.median_gap_ms, g.max_gap_ms, g.max_gap_from_s, g.max_gap_to_s);
    worst = std::max(worst, g.max_gap_ms);
  }
  std::printf("largest gap of any member: %.1f ms\n", worst);
  return 0;
}

// ---- real members ----

int RunReal(const Options& o) {
  if (!IsExecutable(o.raftlab)) {
    std::cerr << "sampler_bench: no raftlab at " << o.raftlab << " (build the targets raftlab raftlabd)\n";
    return 1;
  }
  int lock = open("/tmp/raftlab-lab.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    std::cerr << "sampler_bench: cannot take /tmp/raftlab-lab.lock: " << strerror(errno) << "\n";
    return 1;
  }
  char tmpl[] = "/tmp/sampler_bench.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return 1;
  const std::string dir = tmpl;
  const std::string journal = dir + "/journal.jsonl";
  SpawnOptions so;
  so.env = {"RAFTLAB_STATE_DIR=" + dir + "/state"};
  so.stdout_path = dir + "/raftlab.out";
  so.cwd = dir;
  auto raftlab = [&](std::vector<std::string> args) {
    args.insert(args.begin(), o.raftlab);
    Result<RunResult> r = Run(args, so);
    if (!r.ok() || !r->ok()) {
      Result<std::string> out = ReadFile(so.stdout_path);
      std::cerr << "sampler_bench: " << JoinArgv(args) << " failed:\n" << (out.ok() ? *out : "") << "\n";
      return false;
    }
    return true;
  };
  std::printf("sampler_bench: %d REAL etcd members (%s up), sampling every %d ms, %d s measured\n", o.members,
              o.raftlab.c_str(), o.interval_ms, o.seconds);
  std::fflush(stdout);
  int rc = 1;
  if (raftlab({"up", "--members", std::to_string(o.members), "--sample-ms", std::to_string(o.interval_ms),
               "--journal", journal})) {
    Result<Json> lab = ReadJsonFile(dir + "/state/lab.json");
    const int pid = lab.ok() ? lab->value("daemon_pid", 0) : 0;
    if (pid > 0) {
      SleepMs(2000);   // past the first samples and the exporter's first registrations
      const std::string proc = "/proc/" + std::to_string(pid);
      CpuReading before = ReadCpu(proc);
      const int64_t from = MonoNowNs();
      SleepMs(static_cast<int64_t>(o.seconds) * 1000);
      CpuReading after = ReadCpu(proc);
      const int64_t to = MonoNowNs();
      PrintCpu("raftlabd", before, after, static_cast<double>(to - from) / 1e9);
      if (!o.capture_dir.empty() && lab->contains("members") && !(*lab)["members"].empty()) {
        const std::string ip = (*lab)["members"][0].value("ip", "");
        std::filesystem::create_directories(o.capture_dir);
        for (const auto& [path, file] : std::vector<std::pair<std::string, std::string>>{
                 {"/debug/vars", "debug_vars.json"}, {"/metrics", "metrics.txt"}}) {
          Result<HttpReply> page = HttpGet(ip, 2379, path, 2000);
          if (page.ok() && page->status == 200) (void)WriteFileAtomic(o.capture_dir + "/" + file, page->body);
        }
        std::printf("captured %s's pages into %s\n", (*lab)["members"][0].value("name", "").c_str(),
                    o.capture_dir.c_str());
      }
      raftlab({"down"});
      rc = PrintGaps(journal, from, to);
    } else {
      std::cerr << "sampler_bench: no daemon_pid in " << dir << "/state/lab.json\n";
      raftlab({"down"});
    }
  } else {
    raftlab({"down"});
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  close(lock);
  return rc;
}

// ---- fake members ----

// Serves `pages` (path -> body) on every listening socket until killed, as etcd's Go server
// does for the sampler: HTTP/1.1, connections kept open, several requests on one.
[[noreturn]] void ServePages(const std::vector<int>& listeners, const std::map<std::string, std::string>& pages) {
  std::vector<pollfd> fds;
  for (int l : listeners) fds.push_back({l, POLLIN, 0});
  std::map<int, std::string> pending;   // client fd -> bytes of its next request
  for (;;) {
    if (poll(fds.data(), fds.size(), -1) <= 0) continue;
    std::vector<int> opened, closed;
    for (size_t i = 0; i < fds.size(); ++i) {
      const pollfd p = fds[i];
      if (p.revents == 0) continue;
      if (i < listeners.size()) {
        int c = accept(p.fd, nullptr, nullptr);
        if (c >= 0) opened.push_back(c);
        continue;
      }
      char buf[4096];
      ssize_t n = read(p.fd, buf, sizeof buf);
      if (n <= 0) {
        closed.push_back(p.fd);
        continue;
      }
      std::string& in = pending[p.fd];
      in.append(buf, static_cast<size_t>(n));
      for (size_t end; (end = in.find("\r\n\r\n")) != std::string::npos;) {
        size_t sp = in.find(' '), sp2 = in.find(' ', sp + 1);
        std::string path = sp == std::string::npos || sp2 > end ? "" : in.substr(sp + 1, sp2 - sp - 1);
        in.erase(0, end + 4);
        auto it = pages.find(path);
        const std::string& body = it == pages.end() ? std::string("no such page") : it->second;
        std::string reply = std::string(it == pages.end() ? "HTTP/1.1 404 Not Found" : "HTTP/1.1 200 OK") +
                            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        for (size_t sent = 0; sent < reply.size();) {
          ssize_t w = write(p.fd, reply.data() + sent, reply.size() - sent);
          if (w <= 0) break;
          sent += static_cast<size_t>(w);
        }
      }
    }
    for (int c : closed) {
      close(c);
      pending.erase(c);
      std::erase_if(fds, [c](const pollfd& p) { return p.fd == c; });
    }
    for (int c : opened) fds.push_back({c, POLLIN, 0});
  }
}

// A listening loopback socket on a free port.
int Listen(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    return -1;
  *port = ntohs(a.sin_port);
  return fd;
}

int RunFake(const Options& o) {
  std::map<std::string, std::string> pages;
  for (const auto& [path, file] : std::vector<std::pair<std::string, std::string>>{
           {"/debug/vars", "debug_vars.json"}, {"/metrics", "metrics.txt"}}) {
    Result<std::string> body = ReadFile(o.fake_dir + "/" + file);
    if (!body.ok()) {
      std::cerr << "sampler_bench: " << body.status().ToString()
                << " (capture a real member's pages with --real --capture DIR)\n";
      return 1;
    }
    pages[path] = *body;
  }
  std::vector<int> listeners, ports;
  for (int i = 0; i < o.members; ++i) {
    int port = 0, fd = Listen(&port);
    if (fd < 0) return 1;
    listeners.push_back(fd);
    ports.push_back(port);
  }
  int exporter_port = 0;
  int probe = Listen(&exporter_port);   // a free port for the exporter, released just before use
  close(probe);
  pid_t server = fork();
  if (server == 0) ServePages(listeners, pages);
  for (int fd : listeners) close(fd);

  char tmpl[] = "/tmp/sampler_bench.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return 1;
  const std::string dir = tmpl;
  const std::string journal_path = dir + "/journal.jsonl";
  std::printf("sampler_bench: %d FAKE members (a local server replays pages captured from a real etcd 3.4 member: "
              "/debug/vars %zu bytes, /metrics %zu bytes), status every %d ms, /metrics every %d ms, %d s measured\n",
              o.members, pages["/debug/vars"].size(), pages["/metrics"].size(), o.interval_ms, o.metrics_ms, o.seconds);
  int rc = 1;
  {
    Result<std::unique_ptr<evidence::Journal>> journal = evidence::Journal::Open(journal_path);
    Result<std::unique_ptr<evidence::Exporter>> exporter =
        evidence::Exporter::Start("127.0.0.1:" + std::to_string(exporter_port));
    if (journal.ok() && exporter.ok()) {
      evidence::MemberNames names;
      evidence::SamplerOptions so;
      so.interval_ms = o.interval_ms;
      so.metrics_interval_ms = o.metrics_ms;
      evidence::Sampler sampler(journal->get(), exporter->get(), so, &names);
      for (int i = 0; i < o.members; ++i) sampler.AddMember("n" + std::to_string(i + 1), "127.0.0.1", ports[i]);
      SleepMs(1000);
      CpuReading before = ReadCpu("/proc/self");
      const int64_t from = MonoNowNs();
      SleepMs(static_cast<int64_t>(o.seconds) * 1000);
      CpuReading after = ReadCpu("/proc/self");
      const int64_t to = MonoNowNs();
      sampler.StopAll();
      PrintCpu("sampler_bench (sampler + journal + exporter; the fake server is another process)", before, after,
               static_cast<double>(to - from) / 1e9);
      rc = PrintGaps(journal_path, from, to);
    } else {
      std::cerr << "sampler_bench: " << (journal.ok() ? exporter.status() : journal.status()).ToString() << "\n";
    }
  }
  kill(server, SIGKILL);
  waitpid(server, nullptr, 0);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return rc;
}

}  // namespace
}  // namespace raftlab

int main(int argc, char** argv) {
  raftlab::Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--members") o.members = atoi(value().c_str());
    else if (a == "--interval-ms") o.interval_ms = atoi(value().c_str());
    else if (a == "--metrics-ms") o.metrics_ms = atoi(value().c_str());
    else if (a == "--seconds") o.seconds = atoi(value().c_str());
    else if (a == "--fake") o.fake_dir = value();
    else if (a == "--real") o.fake_dir.clear();
    else if (a == "--raftlab") o.raftlab = value();
    else if (a == "--capture") o.capture_dir = value();
    else return raftlab::Usage();
  }
  if (o.members < 1 || o.members > 9 || o.interval_ms < 1 || o.seconds < 1) return raftlab::Usage();
  return o.fake_dir.empty() ? raftlab::RunReal(o) : raftlab::RunFake(o);
}
