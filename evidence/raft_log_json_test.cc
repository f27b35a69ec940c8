#include "evidence/raft_log_json.h"

#include <nlohmann/json.hpp>
#include <gtest/gtest.h>

#include "evidence/wal_reader.h"
#include "evidence/wal_test_util.h"

namespace raftlab::evidence {
namespace {

LogEntry Entry(uint64_t index, uint64_t term, std::string kind, std::string key = "", std::string value = "") {
  LogEntry e;
  e.index = index;
  e.term = term;
  e.data_crc = static_cast<uint32_t>(index * 2654435761u);
  e.data_size = key.size() + value.size();
  e.request.kind = std::move(kind);
  e.request.key = std::move(key);
  e.request.value = std::move(value);
  e.request.summary = e.request.kind + " " + e.request.key;
  return e;
}

RaftLog RichLog() {
  RaftLog log;
  log.node_id = 0xfedcba9876543210ULL;  // above 2^53: must not be rounded
  log.cluster_id = 0xcdf818194e3a8c32ULL;
  log.first_index = 10;
  log.files = {"0000000000000000-0000000000000000.wal", "0000000000000001-000000000000000c.wal"};
  LogEntry conf = Entry(10, 2, "conf_change");
  conf.type = EntryType::kConfChange;
  conf.request.conf_type = "AddLearnerNode";
  conf.request.conf_node_id = 0xffffffffffffffffULL;
  conf.request.conf_name = "n4";
  conf.request.conf_peer_urls = {"http://10.0.0.4:2380", "http://10.0.1.4:2380"};
  conf.request.conf_is_learner = true;
  conf.request.request_id = 0x8000000000000001ULL;
  log.entries.push_back(conf);
  LogEntry put = Entry(11, 2, "put", std::string("bin\x00\xff", 5), "caf\xc3\xa9");
  put.request.lease = 0x694d7a5a8c3b1f21LL;
  log.entries.push_back(put);
  LogEntry del = Entry(12, 3, "delete", "a", "");
  del.request.range_end = std::string(1, '\0');
  log.entries.push_back(del);
  log.entries.push_back(Entry(13, 3, "noop"));
  log.hard_states = {{2, 0xfedcba9876543210ULL, 11}, {3, 0, 12}};
  Truncation t;
  t.at_index = 12;
  t.discarded = {Entry(12, 2, "put", "k", "lost"), Entry(13, 2, "put", "k", "lost2")};
  t.replaced_by = Entry(12, 3, "delete", "a");
  t.wal_file = log.files[1];
  t.file_offset = 4096;
  log.truncations.push_back(t);
  log.snapshots = {{0, 0, false}, {9, 2, true}};
  log.problems = {{log.files[0], 128, "crc mismatch in entry record: want 0x1, got 0x2"}};
  log.notes = {{log.files[1], 8192, "torn record: ..."}};
  return log;
}

TEST(RaftLogJson, RoundTripsEveryField) {
  RaftLog log = RichLog();
  std::string jsonl = RaftLogToJsonl(log);
  auto back = RaftLogFromJsonl(jsonl);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->entries, log.entries);
  EXPECT_EQ(back->hard_states, log.hard_states);
  EXPECT_EQ(back->truncations, log.truncations);
  EXPECT_EQ(back->snapshots, log.snapshots);
  EXPECT_EQ(back->problems, log.problems);
  EXPECT_EQ(back->notes, log.notes);
  EXPECT_EQ(back->files, log.files);
  EXPECT_EQ(*back, log);
  EXPECT_EQ(RaftLogToJsonl(*back), jsonl);
}

TEST(RaftLogJson, EveryLineIsAnObjectNamingItsRecord) {
  std::string jsonl = RaftLogToJsonl(RichLog());
  std::map<std::string, int> kinds;
  size_t start = 0;
  while (start < jsonl.size()) {
    size_t nl = jsonl.find('\n', start);
    auto j = nlohmann::json::parse(jsonl.substr(start, nl - start));
    ASSERT_TRUE(j.is_object());
    ASSERT_TRUE(j.contains("record"));
    ++kinds[j["record"].get<std::string>()];
    if (j["record"] == "header") {
      EXPECT_EQ(j["node_id"], "fedcba9876543210");
    }
    if (j["record"] == "entry" && j["index"] == 11) {
      EXPECT_EQ(j["key_hex"], "62696e00ff");
      EXPECT_EQ(j["value"], "caf\xc3\xa9");
    }
    start = nl + 1;
  }
  EXPECT_EQ(kinds, (std::map<std::string, int>{{"header", 1}, {"entry", 4}, {"hard_state", 2}, {"truncation", 1},
                                                {"snapshot", 2}, {"problem", 1}, {"note", 1}}));
  EXPECT_EQ(jsonl.rfind("{", 0), 0u);
  EXPECT_NE(jsonl.find(R"("record":"header")"), std::string::npos);
}

TEST(RaftLogJson, RoundTripsADecodedWal) {
  WalSegmentBuilderForTest b;
  b.AddFirstSegmentHead(1, 2);
  b.AddEntry(1, 1, ConfChangePayloadForTest(0, 1, R"({"id":1,"peerURLs":["http://a:1"],"name":"x"})"),
             EntryType::kConfChange);
  b.AddEntry(2, 2, "");
  b.AddEntry(3, 2, PutPayloadForTest("k", "v"));
  b.AddEntry(3, 3, V2PutPayloadForTest("/0/version", "3.4.0"));
  b.AddState(3, 1, 3);
  RaftLog log = DecodeWal({{"0000000000000000-0000000000000000.wal", b.bytes()}});
  auto back = RaftLogFromJsonl(RaftLogToJsonl(log));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, log);
}

TEST(RaftLogJson, EmptyLogRoundTrips) {
  auto back = RaftLogFromJsonl(RaftLogToJsonl(RaftLog{}));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, RaftLog{});
}

TEST(RaftLogJson, BadInputNamesTheLine) {
  auto not_json = RaftLogFromJsonl("{\"record\":\"header\"}\n{oops\n");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.status().code(), Code::kInvalidArgument);
  EXPECT_NE(not_json.status().message().find("line 2"), std::string::npos);

  auto wrong_type = RaftLogFromJsonl("{\"record\":\"entry\",\"index\":\"seven\"}\n");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.status().message().find("line 1"), std::string::npos);

  auto no_record = RaftLogFromJsonl("{\"index\":1}\n");
  EXPECT_FALSE(no_record.ok());

  auto bad_id = RaftLogFromJsonl("{\"record\":\"header\",\"node_id\":\"xyz\"}\n");
  EXPECT_FALSE(bad_id.ok());
}

TEST(RaftLogJson, UnknownKindsAndBlankLinesAreSkipped) {
  auto log = RaftLogFromJsonl("\n{\"record\":\"from_the_future\",\"x\":1}\n{\"record\":\"snapshot\",\"index\":5,\"term\":1}\n\n");
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->snapshots.size(), 1u);
  EXPECT_EQ(log->snapshots[0].index, 5u);
}

}  // namespace
}  // namespace raftlab::evidence
