#include "chaos/slowfs/slowfs_harness.h"

#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace raftlab::chaos {

Result<std::unique_ptr<SlowfsMount>> SlowfsMount::Create() {
  char tmpl[] = "/tmp/rl-slowfs-XXXXXX";
  if (!mkdtemp(tmpl)) return Internal(std::string("mkdtemp: ") + std::strerror(errno));
  std::unique_ptr<SlowfsMount> m(new SlowfsMount());
  m->root_ = tmpl;
  m->backing_ = m->root_ + "/backing";
  m->mount_ = m->root_ + "/mnt";
  m->control_ = m->root_ + "/delay_ms";
  m->log_ = m->root_ + "/slowfs.log";
  if (mkdir(m->backing_.c_str(), 0755) != 0 || mkdir(m->mount_.c_str(), 0755) != 0) {
    return Internal(std::string("mkdir: ") + std::strerror(errno));
  }
  Result<ChildProcess> child = ChildProcess::Spawn(
      {ToolBinary("raftlab-slowfs"), "--backing", m->backing_, "--mount", m->mount_,
       "--control", m->control_, "--foreground"},
      m->log_);
  if (!child.ok()) return child.status();
  m->process_ = std::move(*child);

  bool exited = false;
  bool mounted = PollUntil(std::chrono::seconds(10), [&] {
    if (IsMountPoint(m->mount_)) return true;
    exited = m->process_.WaitExit(std::chrono::milliseconds(0));
    return exited;
  });
  if (!mounted || exited) {
    return Unavailable("raftlab-slowfs did not mount " + m->mount_ + ": " +
                       ReadFileOrEmpty(m->log_));
  }
  return m;
}

Status SlowfsMount::SetDelayMs(long ms) {
  std::string tmp = control_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << ms << "\n";
    if (!out) return Internal("write " + tmp);
  }
  if (rename(tmp.c_str(), control_.c_str()) != 0) {
    return Internal("rename " + tmp + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

int SlowfsMount::Stop() {
  int st = process_.running() ? process_.Terminate(std::chrono::milliseconds(5000)) : -1;
  // A killed or wedged filesystem leaves a dead mount: detach it so nothing leaks.
  if (IsMountPoint(mount_)) umount2(mount_.c_str(), MNT_DETACH);
  return st;
}

SlowfsMount::~SlowfsMount() {
  Stop();
  if (!root_.empty() && !IsMountPoint(mount_)) {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
}

}  // namespace raftlab::chaos
