// Lab member files: where a member's data dir, WAL and log are on its host, and copies of
// them on this machine, read through the member's agent: its etcd log beside the journal,
// the tail of that log for error messages, and a capture of a remote member's files under
// <state>/captures/<member>/ for `wal dump` and `logs`, which read the paths they are given.
#include <filesystem>

#include "cluster/lab.h"

namespace raftlab::cluster {
namespace {

// Writes `entries` (paths relative to a tree's root) under `dir` on this machine.
Status WriteTreeHere(const std::string& dir, const std::vector<FileEntry>& entries) {
  for (const auto& e : entries) {
    const std::string path = dir + "/" + e.path;
    RL_RETURN_IF_ERROR(MakeDirs(std::filesystem::path(path).parent_path().string()));
    RL_RETURN_IF_ERROR(WriteFileAtomic(path, e.bytes));
  }
  return MakeDirs(dir);
}

}  // namespace

Result<MemberFiles> Lab::Files(const std::string& member) const {
  RL_RETURN_IF_ERROR(CheckMember(member));
  std::lock_guard<std::mutex> lock(mu_);
  const Member& m = members_.at(member);
  return MemberFiles{m.spec.data_dir, CurrentWalDir(m), m.layout.LogPath(), m.layout.Dir()};
}

Result<MemberFiles> Lab::LocalFiles(const std::string& member) {
  Result<MemberFiles> there = Files(member);
  if (!there.ok()) return there.status();
  HostAgent* agent = AgentOf(member);
  if (agent == agents_.local()) return there;
  // A fresh capture each time: the member's files as they are now.
  const std::string dir = paths_.state_dir + "/captures/" + member;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);   // this machine's copy, not the member's files
  MemberFiles here{dir + "/data", there->wal_dir, dir + "/etcd.log", dir};
  Result<std::vector<FileEntry>> data = agent->ReadTree(member, there->data_dir);
  if (!data.ok()) return data.status();
  RL_RETURN_IF_ERROR(WriteTreeHere(here.data_dir, *data));
  // A WAL moved out of the data dir (the slow store) is captured where etcd would look for it.
  if (there->wal_dir.rfind(there->data_dir + "/", 0) == 0) {
    here.wal_dir = here.data_dir + there->wal_dir.substr(there->data_dir.size());
  } else {
    here.wal_dir = dir + "/wal";
    Result<std::vector<FileEntry>> wal = agent->ReadTree(member, there->wal_dir);
    if (!wal.ok()) return wal.status();
    RL_RETURN_IF_ERROR(WriteTreeHere(here.wal_dir, *wal));
  }
  Result<std::string> log = agent->ReadFile(member, there->log_path);
  RL_RETURN_IF_ERROR(MakeDirs(dir));
  RL_RETURN_IF_ERROR(WriteFileAtomic(here.log_path, log.ok() ? *log : ""));
  return here;
}

void Lab::KeepLogBesideJournal(const Member& m, const std::string& journal_path) {
  Result<std::string> log = m.agent->ReadFile(m.name, m.layout.LogPath());
  if (!log.ok()) return;
  const std::string logs = std::filesystem::path(journal_path).parent_path().string() + "/etcd";
  if (MakeDirs(logs).ok()) (void)WriteFileAtomic(logs + "/" + m.name + ".log", *log);
}

std::string Lab::LogTail(const std::string& name, size_t lines) {
  HostAgent* agent = AgentOf(name);
  std::string path;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = members_.find(name);
    if (it == members_.end()) return "";
    path = it->second.layout.LogPath();
  }
  Result<std::string> log = agent->ReadFile(name, path);
  return log.ok() ? TailOfText(*log, lines) : "";
}

}  // namespace raftlab::cluster
