// slowfs_bench: the FUSE mount's overhead at delay 0 against the plain disk.
//
//   slowfs_bench [--syncs N] [--seq-mb M] [--rounds R]   (defaults: 2000, 256, 2)
//
// On the same filesystem (a /tmp temporary directory), measures first on the plain
// backing directory and then through raftlab-slowfs mounted on it with delay 0:
//   - N x (4 KiB pwrite + fdatasync), as etcd's WAL does per batch: p50/p99/mean latency
//   - M MiB written sequentially in 1 MiB writes then fsync'd: MB/s
// R rounds alternate plain and mount, so that drift of the disk (its cache, the
// journal's state) shows up as round-to-round variation rather than as overhead.
// Needs root and /dev/fuse.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "chaos/slowfs/slowfs_harness.h"

namespace raftlab::chaos {
namespace {

using Clock = std::chrono::steady_clock;

struct Figures {
  double p50_ms = 0, p99_ms = 0, mean_ms = 0, seq_mb_s = 0;
  bool ok = false;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

bool SyncLatencies(const std::string& dir, int n, Figures* f) {
  std::string path = dir + "/bench-sync";
  int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::vector<char> block(4096, 'w');
  std::vector<double> lat;
  lat.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    if (pwrite(fd, block.data(), block.size(), static_cast<off_t>(i) * 4096) != 4096 ||
        fdatasync(fd) != 0) {
      close(fd);
      return false;
    }
    lat.push_back(Ms(Clock::now() - t0));
  }
  close(fd);
  unlink(path.c_str());
  std::sort(lat.begin(), lat.end());
  f->p50_ms = lat[lat.size() / 2];
  f->p99_ms = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  double sum = 0;
  for (double v : lat) sum += v;
  f->mean_ms = sum / lat.size();
  return true;
}

bool Sequential(const std::string& dir, int mb, Figures* f) {
  std::string path = dir + "/bench-seq";
  int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::vector<char> chunk(1 << 20, 's');
  auto t0 = Clock::now();
  for (int i = 0; i < mb; ++i) {
    if (write(fd, chunk.data(), chunk.size()) != static_cast<ssize_t>(chunk.size())) {
      close(fd);
      return false;
    }
  }
  bool ok = fsync(fd) == 0;
  double secs = Ms(Clock::now() - t0) / 1000.0;
  close(fd);
  unlink(path.c_str());
  f->seq_mb_s = mb * 1.048576 / secs;  // MiB written, reported in MB/s (10^6 bytes)
  return ok;
}

Figures Measure(const std::string& dir, int syncs, int mb) {
  Figures f;
  f.ok = SyncLatencies(dir, syncs, &f) && Sequential(dir, mb, &f);
  return f;
}

void Print(const char* name, const Figures& f) {
  if (!f.ok) {
    std::printf("%-18s  (failed: %s)\n", name, std::strerror(errno));
    return;
  }
  std::printf("%-18s  %9.3f  %9.3f  %9.3f  %10.1f\n", name, f.p50_ms, f.p99_ms, f.mean_ms,
              f.seq_mb_s);
}

int Main(int argc, char** argv) {
  int syncs = 2000, mb = 256, rounds = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--syncs") syncs = std::atoi(argv[i + 1]);
    else if (a == "--seq-mb") mb = std::atoi(argv[i + 1]);
    else if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
  }
  if (syncs <= 0 || mb <= 0 || rounds <= 0) {
    std::fprintf(stderr, "usage: slowfs_bench [--syncs N] [--seq-mb M] [--rounds R]\n");
    return 2;
  }
  auto m = SlowfsMount::Create();
  if (!m.ok()) {
    std::fprintf(stderr, "slowfs_bench: %s\n", m.status().ToString().c_str());
    return 1;
  }
  if (!(*m)->SetDelayMs(0).ok()) return 1;

  std::printf("slowfs_bench: %d x (4 KiB pwrite + fdatasync); %d MiB sequential in 1 MiB "
              "writes + fsync\nbacking %s\n\n",
              syncs, mb, (*m)->backing().c_str());
  std::printf("%-18s  %9s  %9s  %9s  %10s\n", "target", "p50 ms", "p99 ms", "mean ms",
              "seq MB/s");
  bool all_ok = true;
  for (int r = 1; r <= rounds; ++r) {
    Figures plain = Measure((*m)->backing(), syncs, mb);
    Print(("plain disk #" + std::to_string(r)).c_str(), plain);
    Figures fuse = Measure((*m)->mount(), syncs, mb);
    Print(("slowfs delay 0 #" + std::to_string(r)).c_str(), fuse);
    if (plain.ok && fuse.ok) {
      std::printf("%-18s  %+9.3f  %+9.3f  %+9.3f  %9.0f%%\n", "  mount - plain",
                  fuse.p50_ms - plain.p50_ms, fuse.p99_ms - plain.p99_ms,
                  fuse.mean_ms - plain.mean_ms, 100.0 * fuse.seq_mb_s / plain.seq_mb_s);
    }
    all_ok = all_ok && plain.ok && fuse.ok;
  }
  int st = (*m)->Stop();
  return all_ok && st == 0 ? 0 : 1;
}

}  // namespace
}  // namespace raftlab::chaos

int main(int argc, char** argv) { return raftlab::chaos::Main(argc, argv); }
