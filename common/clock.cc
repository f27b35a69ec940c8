#include "common/clock.h"

#include <time.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace raftlab {

int64_t MonoNowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

std::string WallNowIso() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t;
  gmtime_r(&ts.tv_sec, &t);
  char buf[40];
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", t.tm_year + 1900, t.tm_mon + 1,
           t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ts.tv_nsec / 1000000);
  return buf;
}

std::string WallNowCompact() {
  time_t now = time(nullptr);
  tm t;
  localtime_r(&now, &t);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &t);
  return buf;
}

void SleepMs(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace raftlab
