#include "evidence/wire_rafthttp.h"

#include "etcd/raft/raftpb/raft.pb.h"
#include "evidence/wal_reader.h"

namespace raftlab::evidence {
namespace {

constexpr uint64_t kMaxFrame = 512ull << 20;   // etcd's decoder limit per message (facts §8.5)
constexpr int kMsgApp = 3, kMsgSnap = 7, kMsgHeartbeat = 8;

uint64_t Be64(std::string_view b, size_t pos) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = v << 8 | static_cast<unsigned char>(b[pos + i]);
  return v;
}

std::string TypeName(int type) {
  if (raftpb::MessageType_IsValid(type)) return raftpb::MessageType_Name(static_cast<raftpb::MessageType>(type));
  return "MessageType(" + std::to_string(type) + ")";
}

void FillFromMessage(const raftpb::Message& m, WireMessage* out) {
  out->type = TypeName(m.type());
  out->to_id = m.to();
  out->from_id = m.from();
  out->term = m.term();
  out->log_term = m.logterm();
  out->index = m.index();
  out->commit = m.commit();
  out->reject = m.reject();
  out->reject_hint = m.rejecthint();
  out->context = m.context();
  out->entries.clear();
  for (const raftpb::Entry& e : m.entries()) {
    out->entries.push_back(DecodeLogEntry(static_cast<EntryType>(e.type()), e.term(), e.index(), e.data()));
  }
  const raftpb::SnapshotMetadata& md = m.snapshot().metadata();
  if (m.type() == kMsgSnap || md.index() != 0) {
    WireSnapshot s;
    s.index = md.index();
    s.term = md.term();
    const raftpb::ConfState& cs = md.conf_state();
    s.voters.assign(cs.voters().begin(), cs.voters().end());
    s.learners.assign(cs.learners().begin(), cs.learners().end());
    s.voters_outgoing.assign(cs.voters_outgoing().begin(), cs.voters_outgoing().end());
    s.learners_next.assign(cs.learners_next().begin(), cs.learners_next().end());
    s.auto_leave = cs.auto_leave();
    s.data_size = m.snapshot().data().size();
    out->snapshot = s;
  }
}

bool ParseMessage(std::string_view bytes, raftpb::Message* m) {
  return m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

// A length-prefixed Message at `pos`: 0 when cut off by the end of `b`, -1 on bad bytes (with
// *problem), else the frame's length including the prefix.
int64_t LengthPrefixed(std::string_view b, size_t pos, raftpb::Message* m, std::string* problem) {
  if (b.size() - pos < 8) return 0;
  uint64_t n = Be64(b, pos);
  if (n == 0 || n > kMaxFrame) {
    *problem = "offset " + std::to_string(pos) + ": frame length " + std::to_string(n) + " out of range";
    return -1;
  }
  if (b.size() - pos - 8 < n) return 0;
  if (!ParseMessage(b.substr(pos + 8, n), m)) {
    *problem = "offset " + std::to_string(pos) + ": " + std::to_string(n) + " bytes are not a raftpb.Message";
    return -1;
  }
  return static_cast<int64_t>(8 + n);
}

}  // namespace

bool WireMessageFromBytes(std::string_view bytes, WireMessage* out) {
  raftpb::Message m;
  if (!ParseMessage(bytes, &m)) return false;
  FillFromMessage(m, out);
  return true;
}

RaftBodyDecode DecodeMessageStream(std::string_view b) {
  RaftBodyDecode out;
  size_t pos = 0;
  while (pos < b.size()) {
    raftpb::Message m;
    int64_t n = LengthPrefixed(b, pos, &m, &out.problem);
    if (n <= 0) break;
    RaftFrame f;
    f.begin = pos;
    f.end = pos + static_cast<uint64_t>(n);
    f.link_heartbeat = m.type() == kMsgHeartbeat && m.from() == 0 && m.to() == 0;
    if (!f.link_heartbeat) FillFromMessage(m, &f.msg);
    out.frames.push_back(std::move(f));
    pos += static_cast<size_t>(n);
  }
  out.decoded_bytes = pos;
  return out;
}

RaftBodyDecode DecodeMsgAppV2Stream(std::string_view b) {
  RaftBodyDecode out;
  bool placed = false;
  uint64_t term = 0, index = 0;   // the stream's shared state (facts §8.6)
  size_t pos = 0;
  auto problem = [&](const std::string& what) { out.problem = "offset " + std::to_string(pos) + ": " + what; };
  while (pos < b.size()) {
    RaftFrame f;
    f.begin = pos;
    auto type = static_cast<unsigned char>(b[pos]);
    if (type == 0x00) {
      f.link_heartbeat = true;
      f.end = pos + 1;
    } else if (type == 0x02) {
      raftpb::Message m;
      int64_t n = LengthPrefixed(b, pos + 1, &m, &out.problem);
      if (n <= 0) break;
      if (m.type() != kMsgApp) {
        problem("a full msgappv2 frame holds " + TypeName(m.type()) + ", not MsgApp");
        break;
      }
      FillFromMessage(m, &f.msg);
      f.msg.encoding = "full";
      term = m.term();
      index = m.entries().empty() ? m.index() : m.entries(m.entries_size() - 1).index();
      placed = true;
      f.end = pos + 1 + static_cast<uint64_t>(n);
    } else if (type == 0x01) {
      size_t p = pos + 1;
      if (b.size() - p < 8) break;
      uint64_t k = Be64(b, p);
      p += 8;
      if (k > kMaxFrame) {
        problem("short msgappv2 frame claims " + std::to_string(k) + " entries");
        break;
      }
      bool cut = false, bad = false;
      std::vector<raftpb::Entry> entries;
      for (uint64_t i = 0; i < k; ++i) {
        if (b.size() - p < 8) { cut = true; break; }
        uint64_t s = Be64(b, p);
        p += 8;
        if (s > kMaxFrame) { bad = true; break; }
        if (b.size() - p < s) { cut = true; break; }
        raftpb::Entry e;
        if (!e.ParseFromArray(b.data() + p, static_cast<int>(s))) { bad = true; break; }
        entries.push_back(std::move(e));
        p += s;
      }
      if (bad) {
        problem("short msgappv2 frame: entry " + std::to_string(entries.size()) + " is not a raftpb.Entry");
        break;
      }
      if (cut || b.size() - p < 8) break;
      f.msg.commit = Be64(b, p);
      p += 8;
      f.end = p;
      f.msg.type = "MsgApp";
      if (!placed && !entries.empty()) {
        index = entries.front().index() - 1;
        term = entries.front().term();
        placed = true;
      }
      if (placed) {
        f.msg.encoding = "short";
        f.msg.term = f.msg.log_term = term;
        f.msg.index = index;
        for (size_t i = 0; i < entries.size(); ++i) {
          if (entries[i].index() != index + 1 + i && out.problem.empty()) {
            problem("short msgappv2 frame: entry index " + std::to_string(entries[i].index()) + " where the stream's state says " +
                    std::to_string(index + 1 + i));
          }
        }
        index += entries.size();
      } else {
        f.msg.encoding = "short_unplaced";
      }
      for (const raftpb::Entry& e : entries) {
        f.msg.entries.push_back(DecodeLogEntry(static_cast<EntryType>(e.type()), e.term(), e.index(), e.data()));
      }
    } else {
      problem("unknown msgappv2 frame type " + std::to_string(type));
      break;
    }
    pos = static_cast<size_t>(f.end);
    out.frames.push_back(std::move(f));
  }
  out.decoded_bytes = pos;
  return out;
}

RaftBodyDecode DecodePipelineBody(std::string_view body, bool complete) {
  RaftBodyDecode out;
  if (!complete) return out;
  if (body.empty()) {   // etcd always writes fields 1-6: an empty body is not a message it sent
    out.problem = "empty pipeline body";
    return out;
  }
  RaftFrame f;
  f.end = body.size();
  if (!WireMessageFromBytes(body, &f.msg)) {
    out.problem = std::to_string(body.size()) + "-byte pipeline body is not a raftpb.Message";
    return out;
  }
  out.frames.push_back(std::move(f));
  out.decoded_bytes = body.size();
  return out;
}

RaftBodyDecode DecodeSnapshotBody(std::string_view body) {
  RaftBodyDecode out;
  raftpb::Message m;
  int64_t n = LengthPrefixed(body, 0, &m, &out.problem);
  if (n <= 0) {
    if (n == 0) out.problem = "snapshot body cut off inside its message (" + std::to_string(body.size()) + " bytes)";
    return out;
  }
  RaftFrame f;
  f.end = body.size();
  FillFromMessage(m, &f.msg);
  if (f.msg.snapshot) f.msg.snapshot->db_size = body.size() - static_cast<uint64_t>(n);
  out.frames.push_back(std::move(f));
  out.decoded_bytes = body.size();
  return out;
}

std::optional<StreamKind> ClassifyStreamBody(const HttpBody& body) {
  RaftBodyDecode msg = DecodeMessageStream(body.bytes);
  RaftBodyDecode app = DecodeMsgAppV2Stream(body.bytes);
  bool msg_ok = msg.problem.empty() && !msg.frames.empty();
  bool app_ok = app.problem.empty() && !app.frames.empty();
  if (msg_ok != app_ok) return msg_ok ? StreamKind::kMessage : StreamKind::kMsgAppV2;
  if (!msg_ok && msg.decoded_bytes == 0 && app.decoded_bytes == 0) return std::nullopt;
  if (!msg_ok) return msg.decoded_bytes >= app.decoded_bytes ? StreamKind::kMessage : StreamKind::kMsgAppV2;
  uint64_t first_chunk = body.pieces.size() > 1 ? body.pieces[1].first : body.bytes.size();
  return first_chunk == 1 ? StreamKind::kMsgAppV2 : StreamKind::kMessage;
}

}  // namespace raftlab::evidence
