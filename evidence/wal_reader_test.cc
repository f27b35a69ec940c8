// WAL reader tests over hand-built segments: the frame layout, the rolling CRC, the replay rules
// and each way a real log ends (zero tail, torn write) or is damaged.
#include "evidence/wal_reader.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "etcd/etcdserver/etcdserverpb/raft_internal.pb.h"
#include "etcd/raft/raftpb/raft.pb.h"
#include "evidence/request_decoder.h"
#include "evidence/wal_format.h"
#include "evidence/wal_test_util.h"

namespace raftlab::evidence {
namespace {

constexpr uint64_t kNode = 0x8e9e05c52164694dULL;
constexpr uint64_t kCluster = 0xcdf818194e3a8c32ULL;

std::vector<std::pair<uint64_t, uint64_t>> IndexTerms(const std::vector<LogEntry>& entries) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const auto& e : entries) out.emplace_back(e.index, e.term);
  return out;
}

RaftLog DecodeOne(WalSegmentBuilderForTest& b) {
  return DecodeWal({WalSegment{SegmentNameForTest(0, 0), b.bytes()}});
}

TEST(WalFormat, FirstFrameIsTheCrcRecordEtcdWrites) {
  // Observed in a real etcd 3.4 WAL: 04 00 00 00 00 00 00 84 | 08 04 10 00 | 00 x4.
  WalSegmentBuilderForTest b;
  b.AddCrc();
  const std::string want("\x04\x00\x00\x00\x00\x00\x00\x84\x08\x04\x10\x00\x00\x00\x00\x00", 16);
  EXPECT_EQ(b.bytes(), want);
}

TEST(WalFormat, FrameWordRoundTripsEveryPadding) {
  for (uint64_t size = 0; size < 64; ++size) {
    uint64_t word = wal::EncodeFrameWord(size);
    wal::Frame f = wal::DecodeFrameWord(word);
    EXPECT_EQ(f.size, size);
    EXPECT_EQ(f.padding, (8 - size % 8) % 8);
    EXPECT_EQ((size + f.padding) % 8, 0u);
    EXPECT_EQ(word >> 63, f.padding != 0 ? 1u : 0u);
  }
}

TEST(WalFormat, SegmentNames) {
  auto n = wal::ParseSegmentName("000000000000000a-00000000000003e8.wal");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->seq, 10u);
  EXPECT_EQ(n->index, 1000u);
  EXPECT_FALSE(wal::ParseSegmentName("0.tmp"));
  EXPECT_FALSE(wal::ParseSegmentName("000000000000000a-00000000000003e8.wal.broken"));
  EXPECT_FALSE(wal::ParseSegmentName("000000000000000A-00000000000003e8.wal"));
}

TEST(WalReader, ReadsAFirstSegment) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  b.AddEntry(1, 1, ConfChangePayloadForTest(0, kNode, R"({"id":10276657743932975437,"peerURLs":["http://127.0.0.1:2380"],"name":"n1"})"),
             EntryType::kConfChange);
  b.AddState(1, 0, 1);
  b.AddEntry(2, 2, "");
  b.AddEntry(3, 2, V2PutPayloadForTest("/0/members/8e9e05c52164694d/attributes", R"({"name":"n1"})"));
  b.AddEntry(4, 2, PutPayloadForTest("greeting", "hello"));
  b.AddEntry(5, 2, DeletePayloadForTest("a", "b"));
  b.AddState(2, kNode, 5);
  b.AddZeros(4096);

  RaftLog log = DecodeOne(b);
  EXPECT_TRUE(log.problems.empty()) << log.problems.front().what;
  EXPECT_TRUE(log.notes.empty());
  EXPECT_EQ(log.node_id, kNode);
  EXPECT_EQ(log.cluster_id, kCluster);
  EXPECT_EQ(log.first_index, 1u);
  ASSERT_EQ(log.entries.size(), 5u);
  EXPECT_EQ(log.entries[0].type, EntryType::kConfChange);
  EXPECT_EQ(log.entries[0].request.kind, "conf_change");
  EXPECT_EQ(log.entries[0].request.conf_type, "AddNode");
  EXPECT_EQ(log.entries[0].request.conf_node_id, kNode);
  EXPECT_EQ(log.entries[0].request.conf_name, "n1");
  EXPECT_EQ(log.entries[1].request.kind, "noop");
  EXPECT_EQ(log.entries[1].data_size, 0u);
  EXPECT_EQ(log.entries[2].request.kind, "v2");
  EXPECT_EQ(log.entries[2].request.key, "/0/members/8e9e05c52164694d/attributes");
  EXPECT_EQ(log.entries[3].request.kind, "put");
  EXPECT_EQ(log.entries[3].request.key, "greeting");
  EXPECT_EQ(log.entries[3].request.value, "hello");
  EXPECT_EQ(log.entries[3].request.summary, "put greeting=hello");
  EXPECT_EQ(log.entries[4].request.kind, "delete");
  EXPECT_EQ(log.entries[4].request.summary, "delete [a, b)");
  ASSERT_EQ(log.hard_states.size(), 2u);
  EXPECT_EQ(log.hard_states[1].vote, kNode);
  EXPECT_EQ(log.LastCommit(), 5u);
  ASSERT_EQ(log.snapshots.size(), 1u);
  EXPECT_FALSE(log.snapshots[0].log_jump);
  EXPECT_EQ(log.files, std::vector<std::string>{SegmentNameForTest(0, 0)});
  ASSERT_NE(log.At(4), nullptr);
  EXPECT_EQ(log.At(4)->request.value, "hello");
}

TEST(WalReader, EveryPaddingLengthDecodes) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  std::set<uint64_t> paddings;
  for (uint64_t i = 1; i <= 24; ++i) {
    uint64_t off = b.AddEntry(i, 1, std::string(i, 'v'));
    uint64_t word = 0;
    for (int k = 7; k >= 0; --k) word = word << 8 | static_cast<unsigned char>(b.bytes()[off + k]);
    paddings.insert(wal::DecodeFrameWord(word).padding);
  }
  EXPECT_EQ(paddings, (std::set<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  RaftLog log = DecodeOne(b);
  EXPECT_TRUE(log.problems.empty());
  ASSERT_EQ(log.entries.size(), 24u);
  for (uint64_t i = 1; i <= 24; ++i) EXPECT_EQ(log.At(i)->data_size, i);
}

TEST(WalReader, ZeroTailEndsTheSegmentQuietly) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  b.AddEntry(1, 1, "");
  b.AddZeros(1 << 20);
  RaftLog log = DecodeOne(b);
  EXPECT_TRUE(log.problems.empty());
  EXPECT_TRUE(log.notes.empty());
  EXPECT_EQ(log.entries.size(), 1u);
}

TEST(WalReader, TornTailAtEndOfFileIsTheEndOfTheLog) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  b.AddEntry(1, 1, "");
  b.AddEntry(2, 1, PutPayloadForTest("k", "v"));
  uint64_t off3 = b.AddEntry(3, 1, PutPayloadForTest("k", std::string(100, 'x')));
  b.bytes().resize(off3 + 40);  // the crash cut the third record short
  RaftLog log = DecodeOne(b);
  EXPECT_TRUE(log.problems.empty());
  ASSERT_EQ(log.notes.size(), 1u);
  EXPECT_EQ(log.notes[0].offset, off3);
  EXPECT_NE(log.notes[0].what.find("torn"), std::string::npos);
  EXPECT_EQ(IndexTerms(log.entries), (std::vector<std::pair<uint64_t, uint64_t>>{{1, 1}, {2, 1}}));
}

TEST(WalReader, TornRecordOverAZeroSectorIsTheEndOfTheLog) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  b.AddEntry(1, 1, "");
  uint64_t off = b.AddEntry(2, 1, PutPayloadForTest("k", std::string(3000, 'x')));
  b.AddZeros(4096);
  // The sectors after the first one the record touches never reached the disk.
  size_t zero_from = (off / wal::kSectorSize + 1) * wal::kSectorSize;
  for (size_t i = zero_from; i < b.bytes().size(); ++i) b.bytes()[i] = '\0';
  RaftLog log = DecodeOne(b);
  EXPECT_TRUE(log.problems.empty()) << log.problems.front().what;
  ASSERT_EQ(log.notes.size(), 1u);
  EXPECT_EQ(log.notes[0].offset, off);
  EXPECT_EQ(log.entries.size(), 1u);
}

TEST(WalReader, BadCrcIsAProblemWithFileAndOffsetAndReadingGoesOn) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  b.AddEntry(1, 1, "");
  uint64_t off = b.AddEntry(2, 1, PutPayloadForTest("key", "value"));
  b.AddEntry(3, 1, PutPayloadForTest("key", "after"));
  b.AddState(1, kNode, 3);
  // Flip the last byte of "value" inside record 2.
  size_t pos = b.bytes().find("value", off);
  ASSERT_NE(pos, std::string::npos);
  b.bytes()[pos + 4] = 'X';
  std::vector<WalProblem> reported;
  RaftLog log = DecodeWal({WalSegment{SegmentNameForTest(0, 0), b.bytes()}},
                          WalReadOptions{[&](const WalProblem& p) { reported.push_back(p); }});
  ASSERT_EQ(log.problems.size(), 1u);
  EXPECT_EQ(log.problems[0].file, SegmentNameForTest(0, 0));
  EXPECT_EQ(log.problems[0].offset, off);
  EXPECT_NE(log.problems[0].what.find("crc mismatch"), std::string::npos);
  EXPECT_EQ(reported, log.problems);
  // The records after the damaged one still check and are read.
  EXPECT_EQ(log.entries.size(), 3u);
  EXPECT_EQ(log.hard_states.size(), 1u);
}

TEST(WalReader, ZeroSectorInAnOlderSegmentIsAProblemNotATornTail) {
  WalSegmentBuilderForTest first;
  first.AddFirstSegmentHead(kNode, kCluster);
  first.AddEntry(1, 1, "");
  uint64_t off = first.AddEntry(2, 1, PutPayloadForTest("k", std::string(3000, 'x')));
  size_t zero_from = (off / wal::kSectorSize + 1) * wal::kSectorSize;
  for (size_t i = zero_from; i < zero_from + wal::kSectorSize; ++i) first.bytes()[i] = '\0';
  WalSegmentBuilderForTest second(first.running_crc());
  second.AddCrc();
  second.AddMetadata(kNode, kCluster);
  second.AddEntry(3, 1, "");
  RaftLog log = DecodeWal({{SegmentNameForTest(0, 0), first.bytes()}, {SegmentNameForTest(1, 3), second.bytes()}});
  ASSERT_GE(log.problems.size(), 1u);
  EXPECT_EQ(log.problems[0].offset, off);
  EXPECT_TRUE(log.notes.empty());
}

TEST(WalReader, OverwriteRecordsATruncation) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  for (uint64_t i = 1; i <= 5; ++i) b.AddEntry(i, 1, PutPayloadForTest("k", "v" + std::to_string(i)));
  uint64_t off = b.AddEntry(4, 2, "");
  b.AddEntry(5, 2, PutPayloadForTest("k", "new"));
  RaftLog log = DecodeOne(b);
  EXPECT_TRUE(log.problems.empty());
  EXPECT_EQ(IndexTerms(log.entries),
            (std::vector<std::pair<uint64_t, uint64_t>>{{1, 1}, {2, 1}, {3, 1}, {4, 2}, {5, 2}}));
  ASSERT_EQ(log.truncations.size(), 1u);
  const Truncation& t = log.truncations[0];
  EXPECT_EQ(t.at_index, 4u);
  EXPECT_EQ(IndexTerms(t.discarded), (std::vector<std::pair<uint64_t, uint64_t>>{{4, 1}, {5, 1}}));
  EXPECT_EQ(t.discarded[0].request.value, "v4");
  EXPECT_EQ(t.replaced_by.index, 4u);
  EXPECT_EQ(t.replaced_by.term, 2u);
  EXPECT_EQ(t.replaced_by.request.kind, "noop");
  EXPECT_EQ(t.wal_file, SegmentNameForTest(0, 0));
  EXPECT_EQ(t.file_offset, off);
}

TEST(WalReader, SnapshotAboveTheLastEntryIsALogJump) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  for (uint64_t i = 1; i <= 3; ++i) b.AddEntry(i, 1, "");
  b.AddSnapshot(2, 1);       // the member's own snapshot: nothing dropped
  b.AddSnapshot(5252, 3);    // installed from the leader
  b.AddState(3, 0, 5252);
  b.AddEntry(5253, 3, PutPayloadForTest("k", "v"));
  RaftLog log = DecodeOne(b);
  EXPECT_TRUE(log.problems.empty());
  ASSERT_EQ(log.snapshots.size(), 3u);
  EXPECT_FALSE(log.snapshots[1].log_jump);
  EXPECT_TRUE(log.snapshots[2].log_jump);
  EXPECT_EQ(log.snapshots[2].index, 5252u);
  EXPECT_EQ(IndexTerms(log.entries), (std::vector<std::pair<uint64_t, uint64_t>>{{5253, 3}}));
  EXPECT_EQ(log.first_index, 5253u);
  EXPECT_TRUE(log.truncations.empty());
}

TEST(WalReader, JumpWithNoEntryYetSetsFirstIndex) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  b.AddSnapshot(10302, 4);
  RaftLog log = DecodeOne(b);
  EXPECT_TRUE(log.entries.empty());
  EXPECT_EQ(log.first_index, 10303u);
  EXPECT_TRUE(log.snapshots.back().log_jump);
}

TEST(WalReader, SecondSegmentCarriesTheRunningCrc) {
  WalSegmentBuilderForTest first;
  first.AddFirstSegmentHead(kNode, kCluster);
  first.AddEntry(1, 1, "");
  first.AddEntry(2, 1, PutPayloadForTest("a", "1"));
  first.AddZeros(1024);
  WalSegmentBuilderForTest second(first.running_crc());
  second.AddCrc();
  second.AddMetadata(kNode, kCluster);
  second.AddState(1, kNode, 2);
  second.AddEntry(3, 1, PutPayloadForTest("b", "2"));
  second.AddZeros(1024);
  // Given out of order, plus the temp file etcd prepares the next segment in.
  RaftLog log = DecodeWal({{SegmentNameForTest(1, 3), second.bytes()},
                           {"0.tmp", std::string(64, '\x5a')},
                           {SegmentNameForTest(0, 0), first.bytes()}});
  EXPECT_TRUE(log.problems.empty()) << log.problems.front().what;
  EXPECT_EQ(log.files, (std::vector<std::string>{SegmentNameForTest(0, 0), SegmentNameForTest(1, 3)}));
  EXPECT_EQ(log.entries.size(), 3u);
  EXPECT_EQ(log.At(3)->request.key, "b");
}

TEST(WalReader, BrokenCrcChainBetweenSegmentsIsAProblem) {
  WalSegmentBuilderForTest first;
  first.AddFirstSegmentHead(kNode, kCluster);
  first.AddEntry(1, 1, "");
  WalSegmentBuilderForTest second(first.running_crc() ^ 1);
  uint64_t off = second.AddCrc();
  second.AddEntry(2, 1, "");
  RaftLog log = DecodeWal({{SegmentNameForTest(0, 0), first.bytes()}, {SegmentNameForTest(1, 2), second.bytes()}});
  ASSERT_EQ(log.problems.size(), 1u);
  EXPECT_EQ(log.problems[0].file, SegmentNameForTest(1, 2));
  EXPECT_EQ(log.problems[0].offset, off);
  EXPECT_NE(log.problems[0].what.find("chain"), std::string::npos);
  EXPECT_EQ(log.entries.size(), 2u);  // the second segment verifies against its own crc record
}

TEST(WalReader, PurgedStartBeginsAtTheFirstEntryFound) {
  // After --max-wals purged older segments, the first one left starts crc, metadata, state.
  WalSegmentBuilderForTest b(0x12345678);
  b.AddCrc();
  b.AddMetadata(kNode, kCluster);
  b.AddState(4, kNode, 900);
  b.AddEntry(901, 4, "");
  b.AddEntry(902, 4, "");
  RaftLog log = DecodeWal({{SegmentNameForTest(7, 901), b.bytes()}});
  EXPECT_TRUE(log.problems.empty());
  EXPECT_EQ(log.first_index, 901u);
  EXPECT_EQ(log.entries.size(), 2u);
}

TEST(WalReader, GapsAndMissingSegmentsAreProblems) {
  WalSegmentBuilderForTest first;
  first.AddFirstSegmentHead(kNode, kCluster);
  first.AddEntry(1, 1, "");
  WalSegmentBuilderForTest third(first.running_crc());
  third.AddCrc();
  third.AddEntry(5, 1, "");
  RaftLog log = DecodeWal({{SegmentNameForTest(0, 0), first.bytes()}, {SegmentNameForTest(2, 5), third.bytes()}});
  ASSERT_EQ(log.problems.size(), 2u);
  EXPECT_NE(log.problems[0].what.find("segment is missing"), std::string::npos);
  EXPECT_NE(log.problems[1].what.find("gap"), std::string::npos);
  EXPECT_EQ(log.first_index, 5u);
}

TEST(WalReader, MetadataConflictAndUnknownTypeAreProblems) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  b.AddMetadata(kNode + 1, kCluster);
  b.AddRecord(static_cast<wal::RecordType>(9), "??");
  RaftLog log = DecodeOne(b);
  ASSERT_EQ(log.problems.size(), 2u);
  EXPECT_NE(log.problems[0].what.find("metadata conflict"), std::string::npos);
  EXPECT_NE(log.problems[1].what.find("unknown record type 9"), std::string::npos);
}

class WalDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("raftlab-wal-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }
  std::filesystem::path dir_;
};

TEST_F(WalDirTest, ReadsSegmentsFromDiskAndSkipsTmp) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(kNode, kCluster);
  b.AddEntry(1, 1, "");
  b.AddZeros(wal::kSegmentSizeBytes / 100);
  Write(SegmentNameForTest(0, 0), b.bytes());
  Write("0.tmp", std::string(4096, '\0'));
  auto log = ReadWal(dir_.string());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(log->files.size(), 1u);
  EXPECT_EQ(log->entries.size(), 1u);
}

TEST_F(WalDirTest, MissingDirOrNoSegmentIsNotFound) {
  auto missing = ReadWal((dir_ / "nope").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  Write("0.tmp", "");
  auto empty = ReadWal(dir_.string());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), Code::kNotFound);
}

// Request decoding, one case per payload family.
TEST(RequestDecoder, ConfChangeContexts) {
  DecodedRequest learner = DecodeRequest(
      EntryType::kConfChange,
      ConfChangePayloadForTest(3, 0xabc, R"({"id":2748,"peerURLs":["http://10.0.0.4:2380"],"name":"n4","isLearner":true})"));
  EXPECT_EQ(learner.conf_type, "AddLearnerNode");
  EXPECT_EQ(learner.conf_node_id, 0xabcu);
  EXPECT_EQ(learner.conf_name, "n4");
  EXPECT_EQ(learner.conf_peer_urls, std::vector<std::string>{"http://10.0.0.4:2380"});
  EXPECT_TRUE(learner.conf_is_learner);
  EXPECT_EQ(learner.summary, "conf AddLearnerNode abc name=n4 peers=http://10.0.0.4:2380 learner");

  DecodedRequest promote =
      DecodeRequest(EntryType::kConfChange, ConfChangePayloadForTest(0, 0xabc, R"({"id":2748,"isPromote":true})"));
  EXPECT_EQ(promote.conf_type, "AddNode");
  EXPECT_TRUE(promote.conf_is_promote);

  DecodedRequest remove = DecodeRequest(EntryType::kConfChange, ConfChangePayloadForTest(1, 0xabc, ""));
  EXPECT_EQ(remove.kind, "conf_change");
  EXPECT_EQ(remove.conf_type, "RemoveNode");

  DecodedRequest bad_json = DecodeRequest(EntryType::kConfChange, ConfChangePayloadForTest(0, 1, "{not json"));
  EXPECT_EQ(bad_json.kind, "conf_change");
  EXPECT_TRUE(bad_json.conf_name.empty());
}

TEST(RequestDecoder, InternalRequests) {
  etcdserverpb::InternalRaftRequest txn;
  txn.mutable_header()->set_id(77);
  auto* cmp = txn.mutable_txn()->add_compare();
  cmp->set_key("k");
  cmp->set_target(etcdserverpb::Compare::VALUE);
  cmp->set_value("old");
  auto* put = txn.mutable_txn()->add_success()->mutable_request_put();
  put->set_key("k");
  put->set_value("new");
  txn.mutable_txn()->add_failure()->mutable_request_range()->set_key("k");
  DecodedRequest t = DecodeRequest(EntryType::kNormal, txn.SerializeAsString());
  EXPECT_EQ(t.kind, "txn");
  EXPECT_EQ(t.request_id, 77u);
  EXPECT_EQ(t.summary, "txn if [value(k) = old] then [put k=new] else [range k]");

  etcdserverpb::InternalRaftRequest lease;
  lease.mutable_lease_grant()->set_id(0x1234);
  lease.mutable_lease_grant()->set_ttl(10);
  DecodedRequest l = DecodeRequest(EntryType::kNormal, lease.SerializeAsString());
  EXPECT_EQ(l.kind, "lease_grant");
  EXPECT_EQ(l.summary, "lease_grant id=1234 ttl=10s");

  etcdserverpb::InternalRaftRequest compact;
  compact.mutable_compaction()->set_revision(55);
  EXPECT_EQ(DecodeRequest(EntryType::kNormal, compact.SerializeAsString()).summary, "compaction rev=55");

  etcdserverpb::InternalRaftRequest auth;
  auth.mutable_auth_user_add()->set_name("root");
  DecodedRequest a = DecodeRequest(EntryType::kNormal, auth.SerializeAsString());
  EXPECT_EQ(a.kind, "auth");
  EXPECT_EQ(a.summary, "auth_user_add");

  DecodedRequest binary = DecodeRequest(EntryType::kNormal, PutPayloadForTest(std::string("\x01\xff", 2), "v"));
  EXPECT_EQ(binary.summary, "put \\x01\\xff=v");
}

TEST(RequestDecoder, V2NoopAndGarbage) {
  DecodedRequest v2 = DecodeRequest(EntryType::kNormal, V2PutPayloadForTest("/0/version", "3.4.0"));
  EXPECT_EQ(v2.kind, "v2");
  EXPECT_EQ(v2.request_id, 42u);
  EXPECT_EQ(v2.summary, "v2 PUT /0/version=3.4.0");
  EXPECT_EQ(DecodeRequest(EntryType::kNormal, "").kind, "noop");
  EXPECT_EQ(DecodeRequest(EntryType::kNormal, std::string("\xff\xff\xff\xff", 4)).kind, "undecodable");
}

}  // namespace
}  // namespace raftlab::evidence
