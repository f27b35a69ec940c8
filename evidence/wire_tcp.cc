#include "evidence/wire_tcp.h"

#include <algorithm>

namespace raftlab::evidence {
namespace {

// The 64-bit offset of 32-bit relative sequence `rel`, taken as the one nearest to `near`.
int64_t Unwrap(uint32_t rel, uint64_t near) {
  return static_cast<int64_t>(near) + static_cast<int32_t>(rel - static_cast<uint32_t>(near));
}

}  // namespace

std::string Ipv4Text(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string(ip >> 16 & 0xff) + "." + std::to_string(ip >> 8 & 0xff) +
         "." + std::to_string(ip & 0xff);
}

std::string EndpointText(const TcpEndpoint& e) { return Ipv4Text(e.ip) + ":" + std::to_string(e.port); }

int64_t TcpDirection::TimeOf(uint64_t offset) const {
  auto it = std::upper_bound(arrivals.begin(), arrivals.end(), offset,
                             [](uint64_t o, const TcpArrival& a) { return o < a.offset; });
  return it == arrivals.begin() ? 0 : std::prev(it)->time_ns;
}

std::optional<int64_t> TcpDirection::AckedAt(uint64_t end) const {
  auto it = std::lower_bound(acks.begin(), acks.end(), end,
                             [](const TcpAckStep& a, uint64_t e) { return a.acked < e; });
  if (it == acks.end()) return std::nullopt;
  return it->time_ns;
}

std::vector<uint64_t> TcpDirection::SegmentStarts() const {
  std::vector<uint64_t> out;
  out.reserve(arrivals.size());
  for (const TcpArrival& a : arrivals) out.push_back(a.offset);
  return out;
}

void TcpReassembler::Add(const TcpSegment& s) {
  auto key = std::minmax(s.src, s.dst);
  auto it = open_.find(key);
  bool opening = (s.flags & tcpflag::kSyn) && !(s.flags & tcpflag::kAck);
  if (it != open_.end()) {
    Conn& old = conns_[it->second];
    const DirState& st = old.st[old.c.dir[0].src == s.src ? 0 : 1];
    bool same_syn = st.have_base && st.base == s.seq + 1;   // a retransmitted SYN
    if (opening && (old.closed || old.carried_data) && !same_syn) {
      open_.erase(it);
      it = open_.end();
    }
  }
  if (it == open_.end()) {
    Conn conn;
    conn.c.dir[0].src = conn.c.dir[1].dst = s.src;
    conn.c.dir[0].dst = conn.c.dir[1].src = s.dst;
    conn.c.first_ns = s.time_ns;
    conns_.push_back(std::move(conn));
    it = open_.emplace(key, conns_.size() - 1).first;
  }
  Conn& conn = conns_[it->second];
  int d = conn.c.dir[0].src == s.src ? 0 : 1;
  conn.c.last_ns = s.time_ns;
  TcpDirection& dir = conn.c.dir[d];
  DirState& st = conn.st[d];

  if (s.flags & tcpflag::kSyn) {
    dir.syn_seen = true;
    if (dir.bytes.empty() && st.pending.empty()) {
      st.base = s.seq + 1;
      st.have_base = true;
    }
    conn.c.mid_stream = false;
    conn.c.client = (s.flags & tcpflag::kAck) ? 1 - d : d;
  }
  if (!s.payload.empty() && !dir.rst_seen) AddPayload(conn, d, s);
  if (s.flags & tcpflag::kAck) AddAck(conn, 1 - d, s);
  if (s.flags & tcpflag::kFin) {
    dir.fin_seen = true;
    conn.closed = true;
  }
  if (s.flags & tcpflag::kRst) {
    dir.rst_seen = true;
    conn.closed = true;
  }
}

void TcpReassembler::AddPayload(Conn& conn, int d, const TcpSegment& s) {
  TcpDirection& dir = conn.c.dir[d];
  DirState& st = conn.st[d];
  uint32_t seq = s.seq + ((s.flags & tcpflag::kSyn) ? 1 : 0);
  if (!st.have_base) {   // mid-stream: the first byte seen is offset 0
    st.base = seq;
    st.have_base = true;
  }
  conn.carried_data = true;
  uint64_t next = dir.bytes.size();
  int64_t off = Unwrap(seq - st.base, next);
  std::string_view p = s.payload;
  int64_t end = off + static_cast<int64_t>(p.size());
  if (end <= static_cast<int64_t>(next)) {
    dir.duplicate_bytes += p.size();
    return;
  }
  if (off < static_cast<int64_t>(next)) {
    size_t trim = static_cast<size_t>(static_cast<int64_t>(next) - off);
    dir.duplicate_bytes += trim;
    p.remove_prefix(trim);
    off = static_cast<int64_t>(next);
  }
  if (off == static_cast<int64_t>(next)) {
    dir.arrivals.push_back({next, s.time_ns});
    dir.bytes.append(p);
    Drain(dir, st);
    return;
  }
  ++dir.out_of_order_segments;
  auto [slot, inserted] = st.pending.try_emplace(static_cast<uint64_t>(off), std::string(p), s.time_ns);
  if (!inserted) {
    if (slot->second.first.size() < p.size()) {
      dir.duplicate_bytes += slot->second.first.size();
      slot->second.first = std::string(p);   // keeps the first copy's time
    } else {
      dir.duplicate_bytes += p.size();
    }
  }
}

void TcpReassembler::Drain(TcpDirection& dir, DirState& st) {
  while (!st.pending.empty()) {
    auto it = st.pending.begin();
    uint64_t next = dir.bytes.size();
    if (it->first > next) break;
    const std::string& b = it->second.first;
    if (it->first + b.size() <= next) {
      dir.duplicate_bytes += b.size();
    } else {
      size_t trim = static_cast<size_t>(next - it->first);
      dir.duplicate_bytes += trim;
      dir.arrivals.push_back({next, it->second.second});
      dir.bytes.append(b, trim, std::string::npos);
    }
    st.pending.erase(it);
  }
}

void TcpReassembler::AddAck(Conn& conn, int d, const TcpSegment& s) {
  TcpDirection& dir = conn.c.dir[d];
  DirState& st = conn.st[d];
  if (!st.have_base) return;   // acknowledges bytes sent before the capture began
  int64_t a = Unwrap(s.ack - st.base, dir.bytes.size());
  if (a <= static_cast<int64_t>(st.acked)) return;
  st.acked = static_cast<uint64_t>(a);
  dir.acks.push_back({st.acked, s.time_ns});
}

void TcpReassembler::Retire(Conn& conn) {
  for (int d = 0; d < 2; ++d) {
    DirState& st = conn.st[d];
    TcpDirection& dir = conn.c.dir[d];
    if (st.pending.empty()) continue;
    dir.gap_at = dir.bytes.size();
    for (const auto& [off, piece] : st.pending) dir.bytes_after_gap += piece.first.size();
    st.pending.clear();
  }
}

std::vector<TcpConnection> TcpReassembler::Finish(uint16_t server_port) {
  std::vector<TcpConnection> out;
  out.reserve(conns_.size());
  for (Conn& conn : conns_) {
    Retire(conn);
    TcpConnection& c = conn.c;
    if (c.mid_stream) {
      if (c.dir[0].src.port == server_port) {
        c.client = 1;
      } else if (c.dir[1].src.port == server_port) {
        c.client = 0;
      } else {
        c.client = c.dir[0].src.port > c.dir[1].src.port ? 0 : 1;
      }
    }
    out.push_back(std::move(c));
  }
  conns_.clear();
  open_.clear();
  return out;
}

}  // namespace raftlab::evidence
