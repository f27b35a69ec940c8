// rafthttp body decoders on hand-built bytes: the message stream (etcd's exact link heartbeat
// bytes), msgappv2 with its per-stream state (full, then short frames; a capture that starts on
// a short frame), pipeline and snapshot bodies, classification of headless streams, bad bytes.
#include "evidence/wire_rafthttp.h"

#include <gtest/gtest.h>

#include "evidence/wire_test_util.h"

namespace raftlab::evidence {
namespace {

using namespace wiretest;

constexpr uint64_t kN1 = 0x92b8626990d6620, kN2 = 0xf8d99e78b6dd5f41;

HttpBody ChunkedBody(const std::vector<std::string>& chunks) {
  HttpBody b;
  for (const std::string& c : chunks) {
    b.pieces.emplace_back(b.bytes.size(), b.bytes.size());
    b.bytes += c;
  }
  return b;
}

TEST(WireRafthttp, MessageStreamFramesAndTheLinkHeartbeat) {
  raftpb::Message hb = Msg(raftpb::MsgHeartbeat, kN1, kN2, 2);
  hb.set_commit(8);
  raftpb::Message resp = Msg(raftpb::MsgAppResp, kN2, kN1, 3);
  resp.set_index(11);
  resp.set_reject(true);
  resp.set_rejecthint(10);
  std::string body = LinkHeartbeatFrame() + MessageFrame(hb) + MessageFrame(resp);
  RaftBodyDecode d = DecodeMessageStream(body);
  EXPECT_TRUE(d.problem.empty()) << d.problem;
  ASSERT_EQ(d.frames.size(), 3u);
  EXPECT_TRUE(d.frames[0].link_heartbeat);
  EXPECT_EQ(d.frames[0].end, 38u);
  EXPECT_EQ(d.frames[1].msg.type, "MsgHeartbeat");
  EXPECT_EQ(d.frames[1].msg.from_id, kN1);
  EXPECT_EQ(d.frames[1].msg.to_id, kN2);
  EXPECT_EQ(d.frames[1].msg.commit, 8u);
  EXPECT_EQ(d.frames[2].msg.type, "MsgAppResp");
  EXPECT_TRUE(d.frames[2].msg.reject);
  EXPECT_EQ(d.frames[2].msg.reject_hint, 10u);
  EXPECT_EQ(d.frames[2].msg.index, 11u);
  EXPECT_EQ(d.decoded_bytes, body.size());
}

TEST(WireRafthttp, AFrameCutOffAtTheEndIsNotAProblem) {
  std::string body = LinkHeartbeatFrame() + LinkHeartbeatFrame().substr(0, 20);
  RaftBodyDecode d = DecodeMessageStream(body);
  EXPECT_TRUE(d.problem.empty());
  EXPECT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.decoded_bytes, 38u);
}

TEST(WireRafthttp, ShortAppEntriesAfterAFullAppTakeTheStreamsTermAndIndex) {
  // A new leader's first append (no-op at index 11, term 3), then a put, a commit-only update,
  // and two more entries: each short frame continues from the stream's last index.
  std::string body = AppV2LinkHeartbeat() + AppV2Full(App(kN1, kN2, 3, 2, 10, 10, {Entry(3, 11)})) +
                     AppV2Short({Entry(3, 12, PutRequest("k1", "v1"))}, 11) + AppV2LinkHeartbeat() +
                     AppV2Short({}, 12) + AppV2Short({Entry(3, 13), Entry(3, 14)}, 12);
  RaftBodyDecode d = DecodeMsgAppV2Stream(body);
  EXPECT_TRUE(d.problem.empty()) << d.problem;
  ASSERT_EQ(d.frames.size(), 6u);
  EXPECT_TRUE(d.frames[0].link_heartbeat);
  const WireMessage& full = d.frames[1].msg;
  EXPECT_EQ(full.encoding, "full");
  EXPECT_EQ(full.type, "MsgApp");
  EXPECT_EQ(full.term, 3u);
  EXPECT_EQ(full.log_term, 2u);
  EXPECT_EQ(full.index, 10u);
  ASSERT_EQ(full.entries.size(), 1u);
  EXPECT_EQ(full.entries[0].request.kind, "noop");
  const WireMessage& put = d.frames[2].msg;
  EXPECT_EQ(put.encoding, "short");
  EXPECT_EQ(put.type, "MsgApp");
  EXPECT_EQ(put.term, 3u);
  EXPECT_EQ(put.log_term, 3u);
  EXPECT_EQ(put.index, 11u);
  EXPECT_EQ(put.commit, 11u);
  EXPECT_EQ(put.from_id, 0u);   // not in the encoding: the decoder fills it from the stream's endpoints
  ASSERT_EQ(put.entries.size(), 1u);
  EXPECT_EQ(put.entries[0].request.kind, "put");
  EXPECT_EQ(put.entries[0].request.key, "k1");
  EXPECT_EQ(put.entries[0].request.value, "v1");
  EXPECT_TRUE(d.frames[3].link_heartbeat);
  EXPECT_EQ(d.frames[4].msg.index, 12u);
  EXPECT_EQ(d.frames[4].msg.commit, 12u);
  EXPECT_TRUE(d.frames[4].msg.entries.empty());
  EXPECT_EQ(d.frames[5].msg.index, 12u);
  EXPECT_EQ(d.frames[5].msg.entries.size(), 2u);
}

TEST(WireRafthttp, AStreamCapturedWithoutItsFullFrameIsPlacedByItsFirstEntries) {
  std::string body = AppV2Short({}, 20) + AppV2Short({Entry(5, 21)}, 20) + AppV2Short({}, 21);
  RaftBodyDecode d = DecodeMsgAppV2Stream(body);
  EXPECT_TRUE(d.problem.empty()) << d.problem;
  ASSERT_EQ(d.frames.size(), 3u);
  EXPECT_EQ(d.frames[0].msg.encoding, "short_unplaced");
  EXPECT_EQ(d.frames[0].msg.term, 0u);
  EXPECT_EQ(d.frames[0].msg.commit, 20u);
  EXPECT_EQ(d.frames[1].msg.encoding, "short");
  EXPECT_EQ(d.frames[1].msg.term, 5u);
  EXPECT_EQ(d.frames[1].msg.index, 20u);
  EXPECT_EQ(d.frames[2].msg.index, 21u);
  EXPECT_EQ(d.frames[2].msg.term, 5u);
}

TEST(WireRafthttp, AShortFrameThatContradictsTheStreamStateIsAProblem) {
  std::string body = AppV2Full(App(kN1, kN2, 3, 3, 10, 10, {})) + AppV2Short({Entry(3, 15)}, 10);
  RaftBodyDecode d = DecodeMsgAppV2Stream(body);
  EXPECT_NE(d.problem.find("entry index 15 where the stream's state says 11"), std::string::npos) << d.problem;
}

TEST(WireRafthttp, UnknownMsgAppV2TypeByteStopsWithAProblem) {
  RaftBodyDecode d = DecodeMsgAppV2Stream(AppV2LinkHeartbeat() + "\x07");
  EXPECT_EQ(d.frames.size(), 1u);
  EXPECT_NE(d.problem.find("unknown msgappv2 frame type 7"), std::string::npos) << d.problem;
}

TEST(WireRafthttp, PipelineBodyIsOneMessage) {
  raftpb::Message hb = Msg(raftpb::MsgHeartbeat, kN1, kN2, 4);
  RaftBodyDecode d = DecodePipelineBody(hb.SerializeAsString(), true);
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.frames[0].msg.type, "MsgHeartbeat");
  EXPECT_EQ(d.frames[0].msg.term, 4u);
  EXPECT_TRUE(DecodePipelineBody(hb.SerializeAsString(), false).frames.empty());
  EXPECT_FALSE(DecodePipelineBody("\xff\xff\xff", true).problem.empty());
}

TEST(WireRafthttp, SnapshotBodyIsTheMsgSnapThenTheDbFile) {
  raftpb::Message snap = Msg(raftpb::MsgSnap, kN1, kN2, 18);
  raftpb::SnapshotMetadata* md = snap.mutable_snapshot()->mutable_metadata();
  md->set_index(5414);
  md->set_term(8);
  for (uint64_t v : {kN1, kN2, uint64_t{0x1234}}) md->mutable_conf_state()->add_voters(v);
  md->mutable_conf_state()->add_learners(0x99);
  snap.mutable_snapshot()->set_data(std::string(100, '{'));
  std::string db(4096, '\xed');
  RaftBodyDecode d = DecodeSnapshotBody(MessageFrame(snap) + db);
  EXPECT_TRUE(d.problem.empty()) << d.problem;
  ASSERT_EQ(d.frames.size(), 1u);
  const WireMessage& m = d.frames[0].msg;
  EXPECT_EQ(m.type, "MsgSnap");
  EXPECT_EQ(m.term, 18u);
  ASSERT_TRUE(m.snapshot.has_value());
  EXPECT_EQ(m.snapshot->index, 5414u);
  EXPECT_EQ(m.snapshot->term, 8u);
  EXPECT_EQ(m.snapshot->voters, (std::vector<uint64_t>{kN1, kN2, 0x1234}));
  EXPECT_EQ(m.snapshot->learners, (std::vector<uint64_t>{0x99}));
  EXPECT_EQ(m.snapshot->data_size, 100u);
  EXPECT_EQ(m.snapshot->db_size, 4096u);
  EXPECT_FALSE(DecodeSnapshotBody(MessageFrame(snap).substr(0, 30)).problem.empty());
}

TEST(WireRafthttp, HeadlessStreamsAreClassifiedByTheirBytes) {
  raftpb::Message hb = Msg(raftpb::MsgHeartbeat, kN1, kN2, 2);
  EXPECT_EQ(ClassifyStreamBody(ChunkedBody({LinkHeartbeatFrame(), MessageFrame(hb)})), StreamKind::kMessage);
  EXPECT_EQ(ClassifyStreamBody(ChunkedBody({AppV2LinkHeartbeat(), AppV2Short({}, 9)})), StreamKind::kMsgAppV2);
  EXPECT_EQ(ClassifyStreamBody(ChunkedBody({AppV2Short({Entry(2, 9)}, 8)})), StreamKind::kMsgAppV2);
  // Eight msgappv2 keep-alives also read as a zero-length message frame: refused, so msgappv2.
  EXPECT_EQ(ClassifyStreamBody(ChunkedBody(std::vector<std::string>(9, AppV2LinkHeartbeat()))), StreamKind::kMsgAppV2);
  EXPECT_EQ(ClassifyStreamBody(ChunkedBody({"hello world"})), std::nullopt);
}

}  // namespace
}  // namespace raftlab::evidence
