// EtcdClient: a small C++ client for one etcd 3.4 member over its v3 gRPC API (KV, Cluster,
// Maintenance), with a deadline on every call.
//
// One client talks to one endpoint (host:port); it never follows the leader by itself, so the
// lab can say exactly which member served a request. Errors come back as Status: a deadline or
// etcd's "request timed out" is kTimeout (the outcome is unknown), an unreachable member is
// kUnavailable. Thread-safe: gRPC stubs may be shared between threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace raftlab::driver {

using Millis = std::chrono::milliseconds;

struct ResponseHeader {
  uint64_t cluster_id = 0;
  uint64_t member_id = 0;
  int64_t revision = 0;
  uint64_t raft_term = 0;
};

struct PutResult {
  ResponseHeader header;
};

struct GetResult {
  ResponseHeader header;
  bool found = false;
  std::string value;
  int64_t mod_revision = 0;
  int64_t create_revision = 0;
  int64_t version = 0;
};

struct EtcdMember {
  uint64_t id = 0;
  std::string name;                     // empty until the member has started
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  bool is_learner = false;
};

struct MaintenanceStatus {
  ResponseHeader header;
  std::string version;
  int64_t db_size = 0;
  uint64_t leader = 0;
  uint64_t raft_index = 0;
  uint64_t raft_term = 0;
  uint64_t raft_applied_index = 0;
  std::vector<std::string> errors;
};

struct HashKvResult {
  ResponseHeader header;
  uint32_t hash = 0;
  int64_t compact_revision = 0;
};

class EtcdClient {
 public:
  // endpoint: "127.99.0.11:2379"
  explicit EtcdClient(std::string endpoint, Millis default_timeout = Millis(5000));
  ~EtcdClient();
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;

  const std::string& endpoint() const { return endpoint_; }

  Result<PutResult> Put(const std::string& key, const std::string& value, Millis timeout = Millis(0));
  Result<GetResult> Get(const std::string& key, bool serializable, Millis timeout = Millis(0));
  // Returns the number of keys deleted.
  Result<int64_t> Delete(const std::string& key, Millis timeout = Millis(0));
  // Put only if the key's value equals `expected` (empty `expected` with must_exist=false:
  // only if absent). Returns whether the swap happened.
  Result<bool> CompareAndSwap(const std::string& key, const std::string& expected,
                              const std::string& value, Millis timeout = Millis(0));

  Result<std::vector<EtcdMember>> MemberList(Millis timeout = Millis(0));
  Result<EtcdMember> MemberAdd(const std::vector<std::string>& peer_urls, bool learner,
                               Millis timeout = Millis(0));
  raftlab::Status MemberRemove(uint64_t id, Millis timeout = Millis(0));
  raftlab::Status MemberPromote(uint64_t id, Millis timeout = Millis(0));

  Result<MaintenanceStatus> ServerStatus(Millis timeout = Millis(0));
  Result<HashKvResult> HashKV(int64_t revision, Millis timeout = Millis(0));
  // Must be sent to the leader; returns once `target` leads.
  raftlab::Status MoveLeader(uint64_t target, Millis timeout = Millis(0));

 private:
  Millis Effective(Millis t) const { return t.count() > 0 ? t : default_timeout_; }

  std::string endpoint_;
  Millis default_timeout_;
  struct Stubs;                   // gRPC channel and stubs, kept out of this header
  std::unique_ptr<Stubs> stubs_;
};

}  // namespace raftlab::driver
