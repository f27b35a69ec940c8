// raftlab-slowfs: mounts a passthrough of a backing directory whose fsyncs are delayed
// by the number of milliseconds in a control file (see slowfs_ops.h, delay_control.h).
//
//   raftlab-slowfs --backing DIR --mount MNT --control FILE [--foreground]
//
// Exit codes: 0 after a clean unmount (SIGTERM/SIGINT/SIGHUP or `umount MNT`), 1 if
// /dev/fuse is missing or the mount fails, 2 on bad arguments.
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "chaos/slowfs/delay_control.h"
#include "chaos/slowfs/slowfs_ops.h"

namespace raftlab::chaos {
namespace {

struct Options {
  std::string backing, mount, control;
  bool foreground = false;
};

constexpr const char* kUsage =
    "usage: raftlab-slowfs --backing DIR --mount MNT --control FILE [--foreground]\n"
    "  Mounts MNT as a passthrough of DIR; fsync/fdatasync/fsyncdir first sleep for the\n"
    "  number of milliseconds in FILE (decimal, re-read when it changes; missing = 0).\n";

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    if (a == "--backing") {
      if (!value(&o->backing)) return false;
    } else if (a == "--mount") {
      if (!value(&o->mount)) return false;
    } else if (a == "--control") {
      if (!value(&o->control)) return false;
    } else if (a == "--foreground" || a == "-f") {
      o->foreground = true;
    } else {
      std::fprintf(stderr, "raftlab-slowfs: unknown argument '%s'\n", a.c_str());
      return false;
    }
  }
  return !o->backing.empty() && !o->mount.empty() && !o->control.empty();
}

// Absolute form of a path that need not exist yet (the control file may be created
// later); only needed because libfuse chdir()s to / once mounted.
std::string Absolute(const std::string& p) {
  if (!p.empty() && p[0] == '/') return p;
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) return p;
  return std::string(cwd) + "/" + p;
}

int Run(const Options& o) {
  if (access("/dev/fuse", R_OK | W_OK) != 0) {
    std::fprintf(stderr, "raftlab-slowfs: /dev/fuse is not usable (%s); is the fuse module "
                 "loaded and the device present in this container?\n", std::strerror(errno));
    return 1;
  }
  char backing[PATH_MAX], mount[PATH_MAX];
  if (!realpath(o.backing.c_str(), backing)) {
    std::fprintf(stderr, "raftlab-slowfs: backing dir %s: %s\n", o.backing.c_str(),
                 std::strerror(errno));
    return 1;
  }
  if (!realpath(o.mount.c_str(), mount)) {
    std::fprintf(stderr, "raftlab-slowfs: mount point %s: %s\n", o.mount.c_str(),
                 std::strerror(errno));
    return 1;
  }
  int backing_fd = open(backing, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (backing_fd < 0) {
    std::fprintf(stderr, "raftlab-slowfs: open %s: %s\n", backing, std::strerror(errno));
    return 1;
  }

  DelayControl delay(Absolute(o.control), 0);
  SlowfsContext ctx{backing_fd, &delay};

  // fsname makes the mount recognisable in /proc/mounts (the lab's leak check greps for
  // "raftlab"). allow_other + default_permissions: members may run as another user, and
  // the kernel then checks permissions against the backing modes we report.
  std::vector<std::string> argv_s = {
      "raftlab-slowfs", "-o",
      "fsname=raftlab-slowfs,subtype=raftlab-slowfs,allow_other,default_permissions"};
  std::vector<char*> argv_p;
  for (auto& s : argv_s) argv_p.push_back(s.data());
  fuse_args args = FUSE_ARGS_INIT(static_cast<int>(argv_p.size()), argv_p.data());

  fuse* f = fuse_new(&args, &SlowfsOperations(), sizeof(fuse_operations), &ctx);
  if (!f) {
    std::fprintf(stderr, "raftlab-slowfs: fuse_new failed\n");
    return 1;
  }
  if (fuse_mount(f, mount) != 0) {
    std::fprintf(stderr, "raftlab-slowfs: mounting %s on %s failed (see above)\n", backing,
                 mount);
    fuse_destroy(f);
    return 1;
  }
  int rc = 1;
  fuse_session* se = fuse_get_session(f);
  if (fuse_set_signal_handlers(se) != 0) {
    std::fprintf(stderr, "raftlab-slowfs: cannot install signal handlers\n");
  } else if (fuse_daemonize(o.foreground) != 0) {
    std::fprintf(stderr, "raftlab-slowfs: daemonize failed\n");
    fuse_remove_signal_handlers(se);
  } else {
    std::fprintf(stderr, "raftlab-slowfs: %s mounted on %s, control %s\n", backing, mount,
                 delay.path().c_str());
    fuse_loop_config* cfg = fuse_loop_cfg_create();
    fuse_loop_cfg_set_max_threads(cfg, 64);  // each delayed fsync holds a thread
    // 0 = unmounted from outside, >0 = the signal that stopped us: both are clean.
    rc = fuse_loop_mt(f, cfg) < 0 ? 1 : 0;
    fuse_loop_cfg_destroy(cfg);
    fuse_remove_signal_handlers(se);
  }
  fuse_unmount(f);
  fuse_destroy(f);
  fuse_opt_free_args(&args);
  close(backing_fd);
  return rc;
}

}  // namespace
}  // namespace raftlab::chaos

int main(int argc, char** argv) {
  raftlab::chaos::Options o;
  if (!raftlab::chaos::ParseArgs(argc, argv, &o)) {
    std::fputs(raftlab::chaos::kUsage, stderr);
    return 2;
  }
  return raftlab::chaos::Run(o);
}
