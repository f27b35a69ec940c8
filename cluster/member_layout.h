// MemberLayout: where one member's files live on its host, under the root directory of the
// agent that serves it (HostAgent::RootDir()), and the URLs it listens on at the address its
// agent reports (HostAgent::HostIp). Pure; thread-safe.
//
//   <root>/members/<name>/data            etcd --data-dir (WAL in data/member/wal unless moved)
//   <root>/members/<name>/etcd.log        etcd's own log
//   <root>/members/<name>/wal-slow/wal    the WAL on the slow store (mount wal-slow, backing
//                                         wal-backing, fsync delay in fsync-delay-ms)
#pragma once

#include <string>

#include "cluster/host_agent.h"
#include "cluster/topology.h"

namespace raftlab::cluster {

// Every member's directory of one agent: what a fresh `up` removes (or keeps aside).
inline std::string MembersDir(const std::string& root) { return root + "/members"; }

struct MemberLayout {
  std::string root, name;

  std::string Dir() const { return MembersDir(root) + "/" + name; }
  std::string DataDir() const { return Dir() + "/data"; }
  std::string LogPath() const { return Dir() + "/etcd.log"; }
  // Where etcd keeps its WAL when --wal-dir is not given.
  std::string FastWalDir() const { return DataDir() + "/member/wal"; }
  std::string SnapDir() const { return DataDir() + "/member/snap"; }
  SlowStore SlowWal() const {
    return {Dir() + "/wal-backing", Dir() + "/wal-slow", Dir() + "/fsync-delay-ms", Dir() + "/slowfs.log"};
  }
  // etcd creates its WAL dir as <dir>.tmp and renames it into place, so the WAL dir must be
  // inside the mount, not the mount point itself.
  std::string SlowWalDir() const { return SlowWal().mount + "/wal"; }
};

inline std::string ClientEndpointAt(const std::string& ip) { return ip + ":" + std::to_string(kClientPort); }
inline std::string ClientUrlAt(const std::string& ip) { return "http://" + ClientEndpointAt(ip); }
inline std::string PeerUrlAt(const std::string& ip) { return "http://" + ip + ":" + std::to_string(kPeerPort); }

}  // namespace raftlab::cluster
