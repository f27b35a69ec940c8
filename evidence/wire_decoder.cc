#include "evidence/wire_decoder.h"

#include <algorithm>

#include "common/hex_id.h"
#include "evidence/wal_reader.h"
#include "evidence/wire_http.h"
#include "evidence/wire_pcap.h"
#include "evidence/wire_rafthttp.h"

namespace raftlab::evidence {
namespace {

// One body that carries raft frames, and where it sits.
struct RaftBody {
  StreamKind kind;
  const TcpConnection* conn;
  int writer;                  // index of the writing direction in conn->dir
  const HttpMessage* http;     // the request (pipeline, snapshot) or response (streams) holding it
  int http_status = 0;
};

struct Decoded {
  WireMessage m;
  uint32_t writer_ip, reader_ip;
};

std::string FlowText(const TcpDirection& d) { return EndpointText(d.src) + ">" + EndpointText(d.dst); }

void LearnId(std::map<uint32_t, uint64_t>& ids, uint32_t ip, const std::string* hex) {
  if (hex == nullptr) return;
  Result<uint64_t> id = ParseHexId(*hex);
  if (id.ok() && *id != 0) ids.emplace(ip, *id);
}

// The counter key's type part: raft type, or the encoding's own name for msgappv2 and keep-alives.
std::string FrameTypeKey(StreamKind kind, const RaftFrame& f) {
  if (f.link_heartbeat) return kind == StreamKind::kMsgAppV2 ? "linkHeartbeat" : "linkHB";
  if (kind == StreamKind::kMsgAppV2) return f.msg.encoding == "full" ? "full App" : "short AppEntries";
  return f.msg.type;
}

RaftBodyDecode DecodeBody(const RaftBody& b) {
  const HttpBody& body = b.http->body;
  switch (b.kind) {
    case StreamKind::kMessage: return DecodeMessageStream(body.bytes);
    case StreamKind::kMsgAppV2: return DecodeMsgAppV2Stream(body.bytes);
    case StreamKind::kPipeline: return DecodePipelineBody(body.bytes, body.complete);
    case StreamKind::kSnapshot: return DecodeSnapshotBody(body.bytes);
  }
  return {};
}

// The HTTP exchanges of one connection that carry raft frames; counts requests and learns ids.
void CollectBodies(const TcpConnection& conn, const HttpConversation& conv, WireCounters& counters,
                   std::map<uint32_t, uint64_t>& ids, std::vector<RaftBody>& bodies) {
  const int cdir = conn.client, sdir = 1 - conn.client;
  const uint32_t client_ip = conn.dir[cdir].src.ip, server_ip = conn.dir[sdir].src.ip;
  bool headless_counted = false;
  for (const HttpExchange& ex : conv.exchanges) {
    if (ex.request && !ex.request->headless) {
      const HttpMessage& rq = *ex.request;
      std::string path = HttpPathKey(rq.target);
      ++counters.http_requests[rq.method + " " + path];
      LearnId(ids, client_ip, rq.Header("X-Server-From"));
      LearnId(ids, server_ip, rq.Header("X-Raft-To"));
      int status = ex.response ? ex.response->status : 0;
      if (rq.method == "GET" && (path == "/raft/stream/message" || path == "/raft/stream/msgapp")) {
        std::string dialer = rq.target.substr(rq.target.rfind('/') + 1);
        LearnId(ids, client_ip, &dialer);
        if (ex.response && status == 200) {
          bodies.push_back({path == "/raft/stream/message" ? StreamKind::kMessage : StreamKind::kMsgAppV2, &conn, sdir,
                            &*ex.response, status});
        }
      } else if (rq.method == "POST" && path == "/raft") {
        bodies.push_back({StreamKind::kPipeline, &conn, cdir, &rq, status});
      } else if (rq.method == "POST" && path == "/raft/snapshot") {
        bodies.push_back({StreamKind::kSnapshot, &conn, cdir, &rq, status});
      }
    } else if (ex.request) {
      counters.problems.push_back(FlowText(conn.dir[cdir]) + ": a request body begun before the capture, not decoded (" +
                                  std::to_string(ex.request->body.bytes.size()) + " bytes)");
    } else if (ex.response && ex.response->headless) {
      std::optional<StreamKind> kind = ClassifyStreamBody(ex.response->body);
      if (!kind) {
        counters.problems.push_back(FlowText(conn.dir[sdir]) + ": a stream body begun before the capture is neither "
                                    "encoding (" + std::to_string(ex.response->body.bytes.size()) + " bytes)");
        continue;
      }
      if (!headless_counted) ++counters.headless_flows;
      headless_counted = true;
      bodies.push_back({*kind, &conn, sdir, &*ex.response, 0});
    }
  }
}

}  // namespace

WireCapture DecodeConnections(const std::vector<TcpConnection>& connections, const MemberAddresses& members) {
  WireCapture out;
  WireCounters& counters = out.counters;
  counters.connections = static_cast<int64_t>(connections.size());
  std::map<uint32_t, uint64_t> ids;   // IP -> raft id, from what the capture itself says
  std::vector<HttpConversation> convs(connections.size());
  std::vector<RaftBody> bodies;
  for (size_t i = 0; i < connections.size(); ++i) {
    const TcpConnection& conn = connections[i];
    if (i == 0 || conn.first_ns < out.first_ns) out.first_ns = conn.first_ns;
    out.last_ns = std::max(out.last_ns, conn.last_ns);
    for (const TcpDirection& d : conn.dir) {
      counters.duplicate_bytes += static_cast<int64_t>(d.duplicate_bytes);
      counters.out_of_order_segments += static_cast<int64_t>(d.out_of_order_segments);
      if (d.gap_at) {
        counters.problems.push_back(FlowText(d) + ": hole at stream offset " + std::to_string(*d.gap_at) +
                                    " never filled; " + std::to_string(d.bytes_after_gap) + " bytes after it not decoded");
      }
    }
    convs[i] = ParseHttpConnection(conn);
    for (const std::string& p : convs[i].problems) {
      counters.problems.push_back(FlowText(conn.FromClient()) + " (" + p.substr(0, p.find(' ')) + " side): " +
                                  p.substr(p.find(' ') + 1));
    }
    CollectBodies(conn, convs[i], counters, ids, bodies);
  }

  std::vector<Decoded> decoded;
  for (const RaftBody& b : bodies) {
    const TcpDirection& w = b.conn->dir[b.writer];
    RaftBodyDecode d = DecodeBody(b);
    std::string kind = StreamKindName(b.kind);
    if (!d.problem.empty()) counters.problems.push_back(FlowText(w) + ": " + kind + " body: " + d.problem);
    if (b.kind == StreamKind::kPipeline && !b.http->body.complete) {
      counters.problems.push_back(FlowText(w) + ": pipeline body cut off by the capture's end");
    }
    for (const RaftFrame& f : d.frames) {
      bool whole_request = b.kind == StreamKind::kPipeline || b.kind == StreamKind::kSnapshot;
      uint64_t end = whole_request ? b.http->end : b.http->body.TcpOffsetOf(f.end - 1) + 1;
      std::optional<int64_t> acked = w.AckedAt(end);
      if (whole_request && !b.http->complete) acked.reset();
      std::string key = kind + " " + FrameTypeKey(b.kind, f);
      ++(acked ? counters.frames : counters.unacked)[key];
      if (f.link_heartbeat) continue;
      Decoded x{f.msg, w.src.ip, w.dst.ip};
      x.m.time_ns = w.TimeOf(end - 1);
      x.m.stream = b.kind;
      x.m.delivered = acked.has_value();
      x.m.delivered_ns = acked.value_or(0);
      x.m.http_status = b.http_status;
      x.m.flow = FlowText(w);
      if (x.m.from_id != 0) ids.emplace(w.src.ip, x.m.from_id);
      if (x.m.to_id != 0) ids.emplace(w.dst.ip, x.m.to_id);
      decoded.push_back(std::move(x));
    }
  }

  auto name = [&](uint32_t ip) {
    std::string text = Ipv4Text(ip);
    auto it = members.find(text);
    return it == members.end() ? text : it->second;
  };
  auto id_of = [&](uint32_t ip) {
    auto it = ids.find(ip);
    return it == ids.end() ? uint64_t{0} : it->second;
  };
  out.messages.reserve(decoded.size());
  for (Decoded& x : decoded) {
    x.m.from = name(x.writer_ip);
    x.m.to = name(x.reader_ip);
    if (x.m.from_id == 0) x.m.from_id = id_of(x.writer_ip);
    if (x.m.to_id == 0) x.m.to_id = id_of(x.reader_ip);
    out.messages.push_back(std::move(x.m));
  }
  std::stable_sort(out.messages.begin(), out.messages.end(),
                   [](const WireMessage& a, const WireMessage& b) { return a.time_ns < b.time_ns; });
  return out;
}

Result<WireCapture> DecodeWire(std::string_view pcap_bytes, const MemberAddresses& members,
                               const WireDecodeOptions& options) {
  TcpReassembler tcp;
  PcapStats stats;
  Status st = ForEachTcpSegment(pcap_bytes, [&](const TcpSegment& s) { tcp.Add(s); }, &stats);
  if (!st.ok()) return st;
  WireCapture out = DecodeConnections(tcp.Finish(options.peer_port), members);
  out.counters.packets = stats.packets;
  out.counters.tcp_segments = stats.tcp_segments;
  out.counters.skipped_frames = stats.skipped;
  if (!stats.tail_error.empty()) out.counters.problems.push_back("capture: " + stats.tail_error);
  return out;
}

Result<WireCapture> DecodeWireFile(const std::string& path, const MemberAddresses& members,
                                   const WireDecodeOptions& options) {
  Result<std::string> bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.status();
  Result<WireCapture> out = DecodeWire(*bytes, members, options);
  if (!out.ok()) return Status(out.status().code(), path + ": " + out.status().message());
  return out;
}

}  // namespace raftlab::evidence
