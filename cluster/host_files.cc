#include "cluster/host_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json_util.h"

namespace raftlab::cluster {
namespace fs = std::filesystem;
namespace {

bool Within(const std::string& path, const std::string& root) {
  if (root == "/") return true;
  return path == root || path.rfind(root + "/", 0) == 0;
}

Result<std::string> ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

HostFiles::HostFiles(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

Status HostFiles::CheckPath(const std::string& path) const {
  if (root_.empty() || root_[0] != '/')
    return FailedPrecondition("the agent's lab directory \"" + root_ + "\" is not an absolute path");
  const std::string where = " (the agent's lab directory is " + root_ + ")";
  if (path.empty() || path[0] != '/') return InvalidArgument("path \"" + path + "\" is not absolute" + where);
  if (fs::path(path).lexically_normal().string() != path || (path.size() > 1 && path.back() == '/'))
    return InvalidArgument("path " + path + " is not normal (no \".\", \"..\", \"//\" or trailing \"/\")" + where);
  if (!Within(path, root_)) return InvalidArgument("path " + path + " is outside the agent's lab directory " + root_);
  // A symlink inside the root must not lead out of it.
  std::error_code ec1, ec2;
  const std::string real = fs::weakly_canonical(path, ec1).string();
  const std::string real_root = fs::weakly_canonical(root_, ec2).string();
  if (ec1 || ec2) return InvalidArgument("cannot resolve path " + path + where);
  if (!Within(real, real_root))
    return InvalidArgument("path " + path + " leads to " + real + ", outside the agent's lab directory " + root_);
  return Status::Ok();
}

Result<std::string> HostFiles::ReadFile(const std::string& path) const {
  RL_RETURN_IF_ERROR(CheckPath(path));
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) return NotFound("no file " + path);
  if (!fs::is_regular_file(st)) return InvalidArgument(path + " is not a regular file");
  return ReadBytes(path);
}

Result<std::vector<FileEntry>> HostFiles::ReadTree(const std::string& dir) const {
  RL_RETURN_IF_ERROR(CheckPath(dir));
  std::vector<FileEntry> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  if (!fs::is_directory(dir, ec)) return InvalidArgument(dir + " is not a directory");
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    // Not following symlinks: a link in the tree must not read a file outside the root.
    if (it->symlink_status().type() != fs::file_type::regular) continue;
    Result<std::string> bytes = ReadBytes(it->path());
    if (!bytes.ok()) return bytes.status();
    out.push_back(FileEntry{it->path().lexically_relative(dir).string(), std::move(*bytes)});
  }
  if (ec) return Internal("cannot list " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  return out;
}

Status HostFiles::WriteFile(const std::string& path, const std::string& bytes) const {
  RL_RETURN_IF_ERROR(CheckPath(path));
  if (path == root_) return InvalidArgument("cannot write the lab directory " + root_ + " as a file");
  RL_RETURN_IF_ERROR(raftlab::MakeDirs(fs::path(path).parent_path().string()));
  return WriteFileAtomic(path, bytes);
}

Status HostFiles::MakeDirs(const std::string& dir) const {
  RL_RETURN_IF_ERROR(CheckPath(dir));
  return raftlab::MakeDirs(dir);
}

Status HostFiles::MoveTree(const std::string& from, const std::string& to) const {
  RL_RETURN_IF_ERROR(CheckPath(from));
  RL_RETURN_IF_ERROR(CheckPath(to));
  if (from == root_) return InvalidArgument("cannot move the lab directory " + root_ + " itself");
  if (Within(to, from)) return InvalidArgument("cannot move " + from + " into itself (" + to + ")");
  std::error_code ec;
  if (!fs::exists(from, ec)) return raftlab::MakeDirs(to);
  if (!fs::is_directory(from, ec)) return InvalidArgument(from + " is not a directory");
  RL_RETURN_IF_ERROR(raftlab::MakeDirs(to));
  for (const auto& e : fs::directory_iterator(from, ec)) {
    const fs::path dest = fs::path(to) / e.path().filename();
    std::error_code rename_ec;
    if (!fs::exists(fs::symlink_status(dest, rename_ec))) {
      fs::rename(e.path(), dest, rename_ec);
      if (!rename_ec) continue;
    }
    // Another filesystem (the slow WAL mount), or a destination to merge into: copy.
    std::error_code copy_ec;
    fs::copy(e.path(), dest,
             fs::copy_options::overwrite_existing | fs::copy_options::recursive | fs::copy_options::copy_symlinks,
             copy_ec);
    if (copy_ec) return Internal("cannot move " + e.path().string() + " to " + to + ": " + copy_ec.message());
  }
  if (ec) return Internal("cannot list " + from + ": " + ec.message());
  fs::remove_all(from, ec);
  if (ec) return Internal("moved " + from + " to " + to + " but cannot remove it: " + ec.message());
  return Status::Ok();
}

Status HostFiles::CopyFile(const std::string& from, const std::string& to) const {
  RL_RETURN_IF_ERROR(CheckPath(from));
  RL_RETURN_IF_ERROR(CheckPath(to));
  std::error_code ec;
  fs::file_status st = fs::status(from, ec);
  if (!fs::exists(st)) return NotFound("no file " + from);
  if (!fs::is_regular_file(st)) return InvalidArgument(from + " is not a regular file");
  RL_RETURN_IF_ERROR(raftlab::MakeDirs(fs::path(to).parent_path().string()));
  const std::string tmp = to + ".tmp";
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) return Internal("cannot copy " + from + " to " + tmp + ": " + ec.message());
  fs::rename(tmp, to, ec);
  if (ec) return Internal("cannot rename " + tmp + " to " + to + ": " + ec.message());
  return Status::Ok();
}

Status HostFiles::RemoveTree(const std::string& path) const {
  RL_RETURN_IF_ERROR(CheckPath(path));
  if (path == root_) return InvalidArgument("refusing to remove the lab directory " + root_ + " itself");
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Internal("cannot remove " + path + ": " + ec.message());
  return Status::Ok();
}

}  // namespace raftlab::cluster
