// EtcdMemberSpec and the etcd command line built from it (pure), so that the flags a member
// runs with are data that tests and the journal can see.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace raftlab::cluster {

struct EtcdFlags {
  uint32_t heartbeat_ms = 100;
  uint32_t election_ms = 1000;
  bool pre_vote = false;
  uint64_t snapshot_count = 0;     // 0: etcd's default
};

struct EtcdMemberSpec {
  std::string etcd_binary = "/usr/bin/etcd";
  std::string name;                // n1
  std::string address;             // the IP it listens on (its agent's HostIp); empty: MemberIp(name)
  std::string data_dir;
  std::string wal_dir;             // empty: inside data_dir
  std::string initial_cluster;     // "n1=http://...:2380,n2=..."
  bool join_existing = false;      // --initial-cluster-state existing
  EtcdFlags flags;
};

std::vector<std::string> EtcdArgv(const EtcdMemberSpec& spec);

// Checks etcd's limits before anything starts: both > 0, election >= 5 x heartbeat,
// election <= 50000 ms. Empty string when fine, else the reason.
std::string ValidateEtcdFlags(const EtcdFlags& flags);

}  // namespace raftlab::cluster
