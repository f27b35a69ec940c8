#include "evidence/wal_test_util.h"

#include <cstdio>

#include "etcd/etcdserver/api/snap/snappb/snap.pb.h"
#include "etcd/etcdserver/etcdserverpb/etcdserver.pb.h"
#include "etcd/etcdserver/etcdserverpb/raft_internal.pb.h"
#include "etcd/raft/raftpb/raft.pb.h"
#include "etcd/wal/walpb/record.pb.h"
#include "evidence/crc32c.h"

namespace raftlab::evidence {

uint64_t WalSegmentBuilderForTest::AddFrame(const std::string& record) {
  uint64_t off = bytes_.size();
  uint64_t word = wal::EncodeFrameWord(record.size());
  for (int i = 0; i < 8; ++i) bytes_ += static_cast<char>((word >> (8 * i)) & 0xff);
  bytes_ += record;
  bytes_.append(wal::PaddingFor(record.size()), '\0');
  return off;
}

uint64_t WalSegmentBuilderForTest::AddCrc() {
  walpb::Record rec;
  rec.set_type(static_cast<int64_t>(wal::RecordType::kCrc));
  rec.set_crc(crc_);
  return AddFrame(rec.SerializeAsString());
}

uint64_t WalSegmentBuilderForTest::AddRecord(wal::RecordType type, const std::string& data,
                                             const uint32_t* crc_override) {
  crc_ = crc32c::Extend(crc_, data);
  walpb::Record rec;
  rec.set_type(static_cast<int64_t>(type));
  rec.set_crc(crc_override ? *crc_override : crc_);
  rec.set_data(data);
  return AddFrame(rec.SerializeAsString());
}

uint64_t WalSegmentBuilderForTest::AddMetadata(uint64_t node_id, uint64_t cluster_id) {
  etcdserverpb::Metadata md;
  md.set_nodeid(node_id);
  md.set_clusterid(cluster_id);
  return AddRecord(wal::RecordType::kMetadata, md.SerializeAsString());
}

uint64_t WalSegmentBuilderForTest::AddEntry(uint64_t index, uint64_t term, const std::string& data,
                                            EntryType type) {
  raftpb::Entry e;
  e.set_index(index);
  e.set_term(term);
  e.set_type(static_cast<raftpb::EntryType>(type));
  e.set_data(data);
  return AddRecord(wal::RecordType::kEntry, e.SerializeAsString());
}

uint64_t WalSegmentBuilderForTest::AddState(uint64_t term, uint64_t vote, uint64_t commit) {
  raftpb::HardState hs;
  hs.set_term(term);
  hs.set_vote(vote);
  hs.set_commit(commit);
  return AddRecord(wal::RecordType::kState, hs.SerializeAsString());
}

uint64_t WalSegmentBuilderForTest::AddSnapshot(uint64_t index, uint64_t term) {
  walpb::Snapshot s;
  s.set_index(index);
  s.set_term(term);
  return AddRecord(wal::RecordType::kSnapshot, s.SerializeAsString());
}

std::string PutPayloadForTest(const std::string& key, const std::string& value, uint64_t request_id) {
  etcdserverpb::InternalRaftRequest r;
  r.mutable_header()->set_id(request_id);
  r.mutable_put()->set_key(key);
  r.mutable_put()->set_value(value);
  return r.SerializeAsString();
}

std::string DeletePayloadForTest(const std::string& key, const std::string& range_end) {
  etcdserverpb::InternalRaftRequest r;
  r.mutable_header()->set_id(9);
  r.mutable_delete_range()->set_key(key);
  r.mutable_delete_range()->set_range_end(range_end);
  return r.SerializeAsString();
}

std::string V2PutPayloadForTest(const std::string& path, const std::string& val) {
  etcdserverpb::Request r;
  r.set_id(42);
  r.set_method("PUT");
  r.set_path(path);
  r.set_val(val);
  return r.SerializeAsString();
}

std::string ConfChangePayloadForTest(int type, uint64_t node_id, const std::string& context) {
  raftpb::ConfChange cc;
  cc.set_id(5);
  cc.set_type(static_cast<raftpb::ConfChangeType>(type));
  cc.set_node_id(node_id);
  if (!context.empty()) cc.set_context(context);
  return cc.SerializeAsString();
}

std::string SnapFileForTest(uint64_t index, uint64_t term, const std::vector<uint64_t>& voters,
                            const std::vector<uint64_t>& learners, bool corrupt_crc) {
  raftpb::Snapshot s;
  s.set_data(R"({"Root":{"Path":"/"}})");
  s.mutable_metadata()->set_index(index);
  s.mutable_metadata()->set_term(term);
  for (uint64_t v : voters) s.mutable_metadata()->mutable_conf_state()->add_voters(v);
  for (uint64_t l : learners) s.mutable_metadata()->mutable_conf_state()->add_learners(l);
  snappb::snapshot outer;
  outer.set_data(s.SerializeAsString());
  outer.set_crc(crc32c::Value(outer.data()) ^ (corrupt_crc ? 1u : 0u));
  return outer.SerializeAsString();
}

std::string SegmentNameForTest(uint64_t seq, uint64_t index) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016llx-%016llx.wal", static_cast<unsigned long long>(seq),
                static_cast<unsigned long long>(index));
  return buf;
}

}  // namespace raftlab::evidence
