#include "evidence/wire_http.h"

#include <algorithm>
#include <cctype>

namespace raftlab::evidence {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsRequest(std::string_view s) {
  for (std::string_view m : {"GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH "}) {
    if (StartsWith(s, m)) return true;
  }
  return false;
}

bool StartsResponse(std::string_view s) { return StartsWith(s, "HTTP/1."); }

// A chunk-size line at the start of `s`: hex digits, optional ";ext", CRLF. Sets *size and *line_len.
bool ChunkSizeLine(std::string_view s, uint64_t* size, size_t* line_len) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < s.size() && i < 16 && std::isxdigit(static_cast<unsigned char>(s[i]))) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    v = v << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    ++i;
  }
  if (i == 0) return false;
  size_t eol = s.find(kCrlf, i);
  if (eol == std::string_view::npos || eol > i + 256) return false;
  if (eol != i && s[i] != ';' && s[i] != ' ') return false;
  *size = v;
  *line_len = eol + 2;
  return true;
}

bool LooksLikeChunk(std::string_view s) {
  uint64_t size;
  size_t len;
  return ChunkSizeLine(s, &size, &len);
}

// Reads chunks from `pos`, appending their data to `body`. Returns the position after the last
// whole element read; sets body->complete at the 0-chunk. A chunk cut off by the end of the data
// contributes the bytes that arrived. *error on bytes that are not chunked encoding.
size_t ReadChunked(std::string_view b, size_t pos, HttpBody* body, std::string* error) {
  body->chunked = true;
  while (pos < b.size()) {
    uint64_t size;
    size_t line;
    if (!ChunkSizeLine(b.substr(pos), &size, &line)) {
      if (b.find(kCrlf, pos) == std::string_view::npos && b.size() - pos < 20) return pos;   // cut off
      *error = "offset " + std::to_string(pos) + ": bad chunk size line";
      return pos;
    }
    size_t data = pos + line;
    if (size == 0) {   // last chunk, then trailer lines up to an empty one
      size_t p = data;
      while (true) {
        size_t eol = b.find(kCrlf, p);
        if (eol == std::string_view::npos) return pos;   // trailer not captured yet
        if (eol == p) {
          body->complete = true;
          return eol + 2;
        }
        p = eol + 2;
      }
    }
    size_t avail = std::min<uint64_t>(size, b.size() - std::min(b.size(), data));
    if (avail > 0) {
      body->pieces.emplace_back(body->bytes.size(), data);
      body->bytes.append(b.substr(data, avail));
    }
    if (avail < size) return b.size();   // the capture ends inside this chunk
    size_t after = data + size;
    if (b.size() < after + 2) return b.size();
    if (b.substr(after, 2) != kCrlf) {
      *error = "offset " + std::to_string(after) + ": chunk data not followed by CRLF";
      return after;
    }
    pos = after + 2;
  }
  return pos;
}

void ReadFixed(std::string_view b, size_t pos, uint64_t length, HttpBody* body) {
  size_t avail = std::min<uint64_t>(length, b.size() - pos);
  if (avail > 0) {
    body->pieces.emplace_back(0, pos);
    body->bytes.assign(b.substr(pos, avail));
  }
  body->complete = avail == length;
}

bool ParseHead(std::string_view head, bool request, HttpMessage* m) {
  size_t eol = head.find(kCrlf);
  std::string_view start = head.substr(0, eol);
  size_t sp1 = start.find(' ');
  if (sp1 == std::string_view::npos) return false;
  if (request) {
    size_t sp2 = start.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return false;
    m->method = std::string(start.substr(0, sp1));
    m->target = std::string(start.substr(sp1 + 1, sp2 - sp1 - 1));
  } else {
    std::string_view code = start.substr(sp1 + 1, 3);
    if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    m->status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  }
  size_t p = eol == std::string_view::npos ? head.size() : eol + 2;
  while (p < head.size()) {
    size_t e = head.find(kCrlf, p);
    if (e == std::string_view::npos) e = head.size();
    std::string_view line = head.substr(p, e - p);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      m->headers.push_back({std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
    }
    p = e + 2;
  }
  return true;
}

// The next resync point after `pos` where a message or a chunk begins.
std::optional<size_t> NextStart(std::string_view b, size_t pos, bool request, const std::vector<uint64_t>& starts) {
  for (auto it = std::upper_bound(starts.begin(), starts.end(), pos); it != starts.end(); ++it) {
    std::string_view s = b.substr(*it);
    if ((request ? StartsRequest(s) : StartsResponse(s)) || LooksLikeChunk(s)) return *it;
  }
  return std::nullopt;
}

}  // namespace

uint64_t HttpBody::TcpOffsetOf(uint64_t pos) const {
  auto it = std::upper_bound(pieces.begin(), pieces.end(), pos,
                             [](uint64_t p, const std::pair<uint64_t, uint64_t>& piece) { return p < piece.first; });
  if (it == pieces.begin()) return pos;
  --it;
  return it->second + (pos - it->first);
}

const std::string* HttpMessage::Header(std::string_view name) const {
  for (const HttpHeaderField& h : headers) {
    if (EqualsNoCase(h.name, name)) return &h.value;
  }
  return nullptr;
}

HttpStreamParse ParseHttpStream(std::string_view b, bool requests, const std::vector<uint64_t>& segment_starts) {
  HttpStreamParse out;
  size_t pos = 0;
  bool first = true;
  while (pos < b.size()) {
    std::string_view rest = b.substr(pos);
    bool starts_message = requests ? StartsRequest(rest) : StartsResponse(rest);
    if (!starts_message && !(first && LooksLikeChunk(rest))) {
      std::optional<size_t> next = NextStart(b, pos, requests, segment_starts);
      out.problems.push_back("offset " + std::to_string(pos) + ": no HTTP message or chunk here; skipped " +
                             std::to_string((next ? *next : b.size()) - pos) + " bytes");
      if (!next) break;
      pos = *next;
      first = true;   // after a resync a headless body may follow again
      continue;
    }
    HttpMessage m;
    m.request = requests;
    m.begin = pos;
    std::string error;
    if (!starts_message) {   // a chunked body whose headers were before the capture
      m.headless = true;
      pos = ReadChunked(b, pos, &m.body, &error);
    } else {
      size_t head_end = b.find("\r\n\r\n", pos);
      if (head_end == std::string_view::npos) break;   // headers not complete in the capture
      if (!ParseHead(b.substr(pos, head_end - pos), requests, &m)) {
        out.problems.push_back("offset " + std::to_string(pos) + ": bad start line");
        std::optional<size_t> next = NextStart(b, pos, requests, segment_starts);
        if (!next) break;
        pos = *next;
        continue;
      }
      pos = head_end + 4;
      const std::string* te = m.Header("Transfer-Encoding");
      const std::string* cl = m.Header("Content-Length");
      bool no_body = !requests && (m.status / 100 == 1 || m.status == 204 || m.status == 304);
      if (no_body) {
        m.body.complete = true;
      } else if (te != nullptr && te->find("chunked") != std::string::npos) {
        pos = ReadChunked(b, pos, &m.body, &error);
      } else if (cl != nullptr) {
        uint64_t length = std::strtoull(cl->c_str(), nullptr, 10);
        ReadFixed(b, pos, length, &m.body);
        pos = static_cast<size_t>(std::min<uint64_t>(pos + length, b.size()));
      } else if (requests) {
        m.body.complete = true;
      } else {   // a response without framing runs until the connection closes
        ReadFixed(b, pos, b.size() - pos, &m.body);
        pos = b.size();
      }
    }
    m.end = pos;
    m.complete = m.body.complete;
    out.messages.push_back(std::move(m));
    first = false;
    if (!error.empty()) {
      out.problems.push_back(error);
      std::optional<size_t> next = NextStart(b, pos, requests, segment_starts);
      if (!next) break;
      pos = *next;
      first = true;
    } else if (!out.messages.back().complete) {
      break;   // the rest of the capture is inside this message
    }
  }
  return out;
}

HttpConversation ParseHttpConnection(const TcpConnection& conn) {
  HttpConversation out;
  const TcpDirection& c = conn.FromClient();
  const TcpDirection& s = conn.FromServer();
  HttpStreamParse reqs = ParseHttpStream(c.bytes, true, c.SegmentStarts());
  HttpStreamParse resps = ParseHttpStream(s.bytes, false, s.SegmentStarts());
  for (auto& p : reqs.problems) out.problems.push_back("client " + p);
  for (auto& p : resps.problems) out.problems.push_back("server " + p);
  size_t next_req = 0;
  for (HttpMessage& r : resps.messages) {
    int64_t r_time = s.TimeOf(r.begin);
    // A response that began before the next captured request was sent answers one sent before
    // the capture (or its headers were never seen): it has no request.
    if (!r.headless && next_req < reqs.messages.size() && c.TimeOf(reqs.messages[next_req].begin) <= r_time) {
      out.exchanges.push_back({std::move(reqs.messages[next_req++]), std::move(r)});
    } else {
      out.exchanges.push_back({std::nullopt, std::move(r)});
    }
  }
  for (; next_req < reqs.messages.size(); ++next_req) out.exchanges.push_back({std::move(reqs.messages[next_req]), std::nullopt});
  auto first_time = [&](const HttpExchange& e) {
    return e.request ? c.TimeOf(e.request->begin) : s.TimeOf(e.response->begin);
  };
  std::stable_sort(out.exchanges.begin(), out.exchanges.end(),
                   [&](const HttpExchange& a, const HttpExchange& b) { return first_time(a) < first_time(b); });
  return out;
}

std::string HttpPathKey(std::string_view target) {
  target = target.substr(0, target.find('?'));
  std::string out;
  size_t p = 0;
  while (p < target.size()) {
    size_t slash = target.find('/', p + 1);
    std::string_view seg = target.substr(p, slash == std::string_view::npos ? std::string_view::npos : slash - p);
    std::string_view name = seg.substr(seg.empty() || seg[0] != '/' ? 0 : 1);
    bool id = name.size() >= 6 && std::all_of(name.begin(), name.end(), [](char ch) {
                return std::isxdigit(static_cast<unsigned char>(ch)) && !std::isupper(static_cast<unsigned char>(ch));
              });
    if (!id) out.append(seg);
    if (slash == std::string_view::npos) break;
    p = slash;
  }
  return out.empty() ? "/" : out;
}

}  // namespace raftlab::evidence
