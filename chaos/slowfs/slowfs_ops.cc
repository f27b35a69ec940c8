#include "chaos/slowfs/slowfs_ops.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <cstring>

namespace raftlab::chaos {

namespace {

SlowfsContext& Ctx() {
  return *static_cast<SlowfsContext*>(fuse_get_context()->private_data);
}
int Root() { return Ctx().backing_fd; }

// "/" -> ".", "/a/b" -> "a/b": a path relative to the backing fd.
const char* Rel(const char* path) {
  while (*path == '/') ++path;
  return *path ? path : ".";
}

// libfuse wants -errno on failure, 0 (or a count) on success.
int Err(int rc) { return rc < 0 ? -errno : 0; }

int FhFd(const fuse_file_info* fi) { return static_cast<int>(fi->fh); }
DIR* FhDir(const fuse_file_info* fi) { return reinterpret_cast<DIR*>(fi->fh); }

// The injected fault: an fsync that takes `delay` longer. A cancelled worker thread
// (unmount during a long delay) stops here: nanosleep is a cancellation point.
void SleepForDelay() {
  int64_t ms = Ctx().delay ? Ctx().delay->CurrentMs() : 0;
  if (ms <= 0) return;
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// O_DIRECT is not forwarded: libfuse's buffers carry no alignment guarantee, so direct
// I/O on the backing file could fail with EINVAL. Durability still comes from fsync.
int BackingFlags(int flags) { return (flags & ~O_DIRECT) | O_CLOEXEC; }

void* Init(fuse_conn_info* conn, fuse_config* cfg) {
  (void)conn;
  cfg->use_ino = 1;      // report the backing inode numbers
  cfg->nullpath_ok = 1;  // handle-based calls use fi->fh, not the path
  cfg->hard_remove = 1;  // unlink really unlinks (no .fuse_hidden files left in WAL dirs)
  // Attributes may change behind our back only through the backing dir, which the lab
  // does not touch while mounted; short caching keeps stat-heavy code cheap.
  cfg->attr_timeout = 1.0;
  cfg->entry_timeout = 1.0;
  return fuse_get_context()->private_data;
}

int Getattr(const char* path, struct stat* st, fuse_file_info* fi) {
  if (fi) return Err(fstat(FhFd(fi), st));
  return Err(fstatat(Root(), Rel(path), st, AT_SYMLINK_NOFOLLOW));
}

int Readlink(const char* path, char* buf, size_t size) {
  if (size == 0) return -EINVAL;
  ssize_t n = readlinkat(Root(), Rel(path), buf, size - 1);
  if (n < 0) return -errno;
  buf[n] = '\0';
  return 0;
}

int Mknod(const char* path, mode_t mode, dev_t dev) {
  return Err(mknodat(Root(), Rel(path), mode, dev));
}
int Mkdir(const char* path, mode_t mode) { return Err(mkdirat(Root(), Rel(path), mode)); }
int Unlink(const char* path) { return Err(unlinkat(Root(), Rel(path), 0)); }
int Rmdir(const char* path) { return Err(unlinkat(Root(), Rel(path), AT_REMOVEDIR)); }
int Symlink(const char* target, const char* path) {
  return Err(symlinkat(target, Root(), Rel(path)));
}
int Rename(const char* from, const char* to, unsigned int flags) {
  return Err(renameat2(Root(), Rel(from), Root(), Rel(to), flags));
}
int Link(const char* from, const char* to) {
  return Err(linkat(Root(), Rel(from), Root(), Rel(to), 0));
}

int Chmod(const char* path, mode_t mode, fuse_file_info* fi) {
  if (fi) return Err(fchmod(FhFd(fi), mode));
  return Err(fchmodat(Root(), Rel(path), mode, 0));
}

int Chown(const char* path, uid_t uid, gid_t gid, fuse_file_info* fi) {
  if (fi) return Err(fchown(FhFd(fi), uid, gid));
  return Err(fchownat(Root(), Rel(path), uid, gid, AT_SYMLINK_NOFOLLOW));
}

int Truncate(const char* path, off_t size, fuse_file_info* fi) {
  if (fi) return Err(ftruncate(FhFd(fi), size));
  // There is no truncateat(): open the file relative to the backing fd instead.
  int fd = openat(Root(), Rel(path), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  int rc = Err(ftruncate(fd, size));
  close(fd);
  return rc;
}

int Utimens(const char* path, const timespec tv[2], fuse_file_info* fi) {
  if (fi) return Err(futimens(FhFd(fi), tv));
  return Err(utimensat(Root(), Rel(path), tv, AT_SYMLINK_NOFOLLOW));
}

int Open(const char* path, fuse_file_info* fi) {
  int fd = openat(Root(), Rel(path), BackingFlags(fi->flags));
  if (fd < 0) return -errno;
  fi->fh = static_cast<uint64_t>(fd);
  return 0;
}

int Create(const char* path, mode_t mode, fuse_file_info* fi) {
  int fd = openat(Root(), Rel(path), BackingFlags(fi->flags) | O_CREAT, mode);
  if (fd < 0) return -errno;
  fi->fh = static_cast<uint64_t>(fd);
  return 0;
}

int Read(const char*, char* buf, size_t size, off_t off, fuse_file_info* fi) {
  ssize_t n = pread(FhFd(fi), buf, size, off);
  return n < 0 ? -errno : static_cast<int>(n);
}

int Write(const char*, const char* buf, size_t size, off_t off, fuse_file_info* fi) {
  ssize_t n = pwrite(FhFd(fi), buf, size, off);
  return n < 0 ? -errno : static_cast<int>(n);
}

int Statfs(const char*, struct statvfs* st) { return Err(fstatvfs(Root(), st)); }

// flush runs on every close() of a file descriptor of ours; the backing fd lives until
// release, so nothing to write back here. Succeeds so close() never reports an error.
int Flush(const char*, fuse_file_info*) { return 0; }

int Release(const char*, fuse_file_info* fi) {
  close(FhFd(fi));
  return 0;
}

int Fsync(const char*, int datasync, fuse_file_info* fi) {
  SleepForDelay();
  return Err(datasync ? fdatasync(FhFd(fi)) : fsync(FhFd(fi)));
}

int Opendir(const char* path, fuse_file_info* fi) {
  int fd = openat(Root(), Rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -errno;
  DIR* dir = fdopendir(fd);
  if (!dir) {
    int e = errno;
    close(fd);
    return -e;
  }
  fi->fh = reinterpret_cast<uint64_t>(dir);
  return 0;
}

// Whole-directory mode (offset 0 to the filler): libfuse buffers the listing and serves
// the kernel's continuation reads itself, so only a rewind reaches us twice.
int Readdir(const char*, void* buf, fuse_fill_dir_t filler, off_t, fuse_file_info* fi,
            fuse_readdir_flags) {
  DIR* dir = FhDir(fi);
  rewinddir(dir);
  for (;;) {
    errno = 0;
    dirent* e = readdir(dir);
    if (!e) return errno ? -errno : 0;
    struct stat st;
    std::memset(&st, 0, sizeof st);
    st.st_ino = e->d_ino;
    st.st_mode = static_cast<mode_t>(DTTOIF(e->d_type));
    if (filler(buf, e->d_name, &st, 0, static_cast<fuse_fill_dir_flags>(0)) != 0) return 0;
  }
}

int Releasedir(const char*, fuse_file_info* fi) {
  closedir(FhDir(fi));
  return 0;
}

int Fsyncdir(const char*, int datasync, fuse_file_info* fi) {
  SleepForDelay();
  int fd = dirfd(FhDir(fi));
  return Err(datasync ? fdatasync(fd) : fsync(fd));
}

int Access(const char* path, int mask) {
  return Err(faccessat(Root(), Rel(path), mask, 0));
}

// etcd takes an exclusive flock on each WAL file (LOCK_EX|LOCK_NB) to keep a second
// etcd out; locking the backing fd gives the same exclusion, against the backing dir too.
int Flock(const char*, fuse_file_info* fi, int op) { return Err(flock(FhFd(fi), op)); }

// etcd preallocates each 64 MB WAL segment; mode is forwarded unchanged (KEEP_SIZE,
// PUNCH_HOLE...), so whatever the backing filesystem supports works through the mount.
int Fallocate(const char*, int mode, off_t off, off_t len, fuse_file_info* fi) {
  return Err(fallocate(FhFd(fi), mode, off, len));
}

off_t Lseek(const char*, off_t off, int whence, fuse_file_info* fi) {
  off_t r = lseek(FhFd(fi), off, whence);
  return r < 0 ? -errno : r;
}

fuse_operations MakeOperations() {
  fuse_operations ops;
  std::memset(&ops, 0, sizeof ops);
  ops.init = Init;
  ops.getattr = Getattr;
  ops.readlink = Readlink;
  ops.mknod = Mknod;
  ops.mkdir = Mkdir;
  ops.unlink = Unlink;
  ops.rmdir = Rmdir;
  ops.symlink = Symlink;
  ops.rename = Rename;
  ops.link = Link;
  ops.chmod = Chmod;
  ops.chown = Chown;
  ops.truncate = Truncate;
  ops.utimens = Utimens;
  ops.open = Open;
  ops.create = Create;
  ops.read = Read;
  ops.write = Write;
  ops.statfs = Statfs;
  ops.flush = Flush;
  ops.release = Release;
  ops.fsync = Fsync;
  ops.opendir = Opendir;
  ops.readdir = Readdir;
  ops.releasedir = Releasedir;
  ops.fsyncdir = Fsyncdir;
  ops.access = Access;
  ops.flock = Flock;
  ops.fallocate = Fallocate;
  ops.lseek = Lseek;
  // No .lock: without it the kernel keeps POSIX (fcntl) locks itself, local to the
  // mount, which is all a single etcd per WAL dir needs.
  return ops;
}

}  // namespace

const fuse_operations& SlowfsOperations() {
  static const fuse_operations ops = MakeOperations();
  return ops;
}

}  // namespace raftlab::chaos
