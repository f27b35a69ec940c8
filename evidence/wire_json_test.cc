// messages.jsonl: every field round-trips (entries through the `wal dump` entry form, binary
// keys as *_hex, context bytes, snapshot metadata), and malformed lines name their line.
#include "evidence/wire_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "evidence/wal_reader.h"
#include "evidence/wire_test_util.h"

namespace raftlab::evidence {
namespace {

WireMessage FullMessage() {
  WireMessage m;
  m.time_ns = 1796153035938581000;
  m.from = "n1";
  m.to = "n2";
  m.from_id = 0x92b8626990d6620;
  m.to_id = 0xf8d99e78b6dd5f41;
  m.type = "MsgApp";
  m.term = 8;
  m.log_term = 2;
  m.index = 10;
  m.commit = 12;
  m.entries.push_back(DecodeLogEntry(EntryType::kNormal, 3, 11, ""));
  m.entries.push_back(DecodeLogEntry(EntryType::kNormal, 8, 12, wiretest::PutRequest(std::string("\xff\x01", 2), "v")));
  m.reject = true;
  m.reject_hint = 10;
  m.context = std::string("\x00\x01\xfe", 3);
  m.stream = StreamKind::kMsgAppV2;
  m.encoding = "full";
  m.delivered = true;
  m.delivered_ns = 1796153035938582000;
  m.flow = "127.99.0.11:2380>127.99.0.12:40312";
  return m;
}

TEST(WireJson, EveryFieldRoundTrips) {
  WireMessage snap;
  snap.type = "MsgSnap";
  snap.stream = StreamKind::kSnapshot;
  snap.http_status = 204;
  snap.snapshot = WireSnapshot{5414, 8, {1, 2, 3}, {4}, {5}, {6}, true, 8940, 454656};
  std::vector<WireMessage> in = {FullMessage(), snap};
  std::string jsonl = WireMessagesToJsonl(in);
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), 2);
  Result<std::vector<WireMessage>> out = WireMessagesFromJsonl(jsonl);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(*out == in);
}

TEST(WireJson, TheLineReadsAsTheIssueDescribesIt) {
  nlohmann::json j = nlohmann::json::parse(WireMessageToJson(FullMessage()));
  EXPECT_EQ(j["type"], "MsgApp");
  EXPECT_EQ(j["from_id"], "92b8626990d6620");
  EXPECT_EQ(j["entry_count"], 2);
  EXPECT_EQ(j["first_index"], 11);
  EXPECT_EQ(j["last_index"], 12);
  EXPECT_EQ(j["entries"][0]["kind"], "noop");
  EXPECT_EQ(j["entries"][1]["kind"], "put");
  EXPECT_EQ(j["entries"][1]["key_hex"], "ff01");   // as wal dump writes a non-UTF-8 key
  EXPECT_EQ(j["context_hex"], "0001fe");
  EXPECT_EQ(j["stream"], "msgappv2");
  EXPECT_EQ(j["delivered"], true);
  EXPECT_FALSE(j.contains("snapshot"));
  EXPECT_FALSE(j.contains("http_status"));
}

TEST(WireJson, MalformedLinesNameTheLine) {
  std::string good = WireMessageToJson(FullMessage());
  auto bad = WireMessagesFromJsonl(good + "\n{not json\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status().ToString();
  auto no_type = WireMessagesFromJsonl(R"({"t_ns":1})");
  ASSERT_FALSE(no_type.ok());
  EXPECT_NE(no_type.status().message().find("type"), std::string::npos) << no_type.status().ToString();
  auto bad_id = WireMessagesFromJsonl(R"({"type":"MsgApp","from_id":"xyz"})");
  ASSERT_FALSE(bad_id.ok());
  EXPECT_NE(bad_id.status().message().find("from_id"), std::string::npos) << bad_id.status().ToString();
  auto bad_stream = WireMessagesFromJsonl(R"({"type":"MsgApp","stream":"carrier-pigeon"})");
  ASSERT_FALSE(bad_stream.ok());
  EXPECT_TRUE(WireMessagesFromJsonl("\n\n").ok());
}

TEST(WireJson, CountersAreOneObject) {
  WireCounters c;
  c.http_requests["GET /raft/probing"] = 44;
  c.frames["message MsgHeartbeat"] = 207;
  c.unacked["message MsgHeartbeat"] = 6;
  nlohmann::json j = nlohmann::json::parse(WireCountersToJson(c));
  EXPECT_EQ(j["http_requests"]["GET /raft/probing"], 44);
  EXPECT_EQ(j["frames"]["message MsgHeartbeat"], 207);
  EXPECT_EQ(j["unacked"]["message MsgHeartbeat"], 6);
}

}  // namespace
}  // namespace raftlab::evidence
