#include "driver/prometheus_server.h"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include "common/clock.h"
#include "common/http_get.h"
#include "common/json_util.h"
#include "common/subprocess.h"

namespace raftlab::driver {
namespace {

constexpr char kBinary[] = "/usr/bin/prometheus";

}  // namespace

Status PrometheusServer::Start(const std::vector<dashboards::ScrapeTarget>& targets) {
  if (!IsExecutable(kBinary)) return Unsupported("prometheus is not installed (apt-get install prometheus; scripts/setup.sh does)");
  if (interval_ms_ < 100 || interval_ms_ > 60000) return InvalidArgument("--prometheus-interval must be between 100 ms and 60 s");
  RL_RETURN_IF_ERROR(MakeDirs(dir_ + "/data"));
  RL_RETURN_IF_ERROR(WriteFileAtomic(ConfigPath(), dashboards::PrometheusConfig(targets, exporter_, interval_ms_)));
  SpawnOptions opts;
  opts.stdout_path = dir_ + "/prometheus.log";
  Result<pid_t> pid = raftlab::Start({kBinary, "--config.file=" + ConfigPath(), "--storage.tsdb.path=" + dir_ + "/data",
                              "--web.listen-address=" + listen_, "--storage.tsdb.retention.time=1d",
                              "--web.enable-lifecycle"},
                             opts);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  const size_t colon = listen_.rfind(':');
  const std::string host = listen_.substr(0, colon);
  const int port = std::stoi(listen_.substr(colon + 1));
  const int64_t deadline = MonoNowNs() + 20'000'000'000LL;
  while (MonoNowNs() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = 0;
      return Unavailable("prometheus exited at start (port " + std::to_string(port) + " in use?); its log ends:" +
                         TailOfFile(dir_ + "/prometheus.log", 3));
    }
    Result<HttpReply> ready = HttpGet(host, port, "/-/ready", 500);
    if (ready.ok() && ready->status == 200) return Status::Ok();
    SleepMs(100);
  }
  Stop();
  return Timeout("prometheus did not become ready on " + listen_ + " within 20 s");
}

Status PrometheusServer::Reload(const std::vector<dashboards::ScrapeTarget>& targets) {
  if (pid_ <= 0) return Status::Ok();
  RL_RETURN_IF_ERROR(WriteFileAtomic(ConfigPath(), dashboards::PrometheusConfig(targets, exporter_, interval_ms_)));
  if (kill(pid_, SIGHUP) != 0) return Unavailable("prometheus is gone");
  return Status::Ok();
}

void PrometheusServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 250 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i) SleepMs(20);
  if (waitpid(pid_, nullptr, WNOHANG) == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = 0;
}

}  // namespace raftlab::driver
