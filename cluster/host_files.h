// HostFiles: the file operations of HostAgent on the machine this process runs on, confined
// to one lab directory (the agent's RootDir()). LocalAgent and the remote agent's server both
// serve their file calls with it.
//
// Every path must be absolute, already normal (no ".", "..", "//" or trailing "/") and inside
// the root, also after resolving the symlinks that exist; anything else is InvalidArgument
// naming the path and the root, and nothing is touched.
//
// Thread-safe (no shared state beyond the root); concurrent writes of one file are the
// caller's business. Uses std::filesystem only.
#pragma once

#include <string>
#include <vector>

#include "cluster/host_agent.h"
#include "common/status.h"

namespace raftlab::cluster {

class HostFiles {
 public:
  // root: absolute and normal; a trailing "/" is dropped.
  explicit HostFiles(std::string root);

  const std::string& root() const { return root_; }

  // Ok when `path` may be used (see above); the root itself counts as inside.
  Status CheckPath(const std::string& path) const;

  // NotFound when absent, InvalidArgument when not a regular file.
  Result<std::string> ReadFile(const std::string& path) const;
  // Regular files under dir, recursively, sorted by relative path; an absent dir is empty.
  Result<std::vector<FileEntry>> ReadTree(const std::string& dir) const;
  // Creates parents; replaces the file atomically (temp file + rename).
  Status WriteFile(const std::string& path, const std::string& bytes) const;
  Status MakeDirs(const std::string& dir) const;
  // Moves dir `from`'s contents into `to` (creating it; an entry already in `to` is
  // overwritten), then removes `from`. Renames where it can, copies across filesystems. An
  // absent `from` moves nothing.
  Status MoveTree(const std::string& from, const std::string& to) const;
  // Copies one regular file, creating `to`'s parents; replaces `to` atomically.
  Status CopyFile(const std::string& from, const std::string& to) const;
  // Removes a file or a tree; absent is fine. The root itself is refused.
  Status RemoveTree(const std::string& path) const;

 private:
  std::string root_;
};

}  // namespace raftlab::cluster
