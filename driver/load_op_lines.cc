#include "driver/load_op_lines.h"

#include <ctime>

namespace raftlab::driver {
namespace {

// grpc::StatusCode values (grpcpp/impl/codegen/status_code_enum.h), kept out of this pure file.
enum GrpcCode {
  kOk = 0, kCancelled = 1, kUnknown = 2, kInvalidArgument = 3, kDeadlineExceeded = 4, kNotFound = 5,
  kAlreadyExists = 6, kPermissionDenied = 7, kResourceExhausted = 8, kFailedPrecondition = 9, kAborted = 10,
  kOutOfRange = 11, kUnimplemented = 12, kInternal = 13, kUnavailable = 14, kDataLoss = 15, kUnauthenticated = 16,
};

void Field(std::string* out, const char* name, std::string_view value) {
  *out += ",\"";
  *out += name;
  *out += "\":\"";
  AppendJsonEscaped(out, value);
  *out += '"';
}
void Field(std::string* out, const char* name, int64_t value) {
  *out += ",\"";
  *out += name;
  *out += "\":";
  *out += std::to_string(value);
}
void Field(std::string* out, const char* name, bool value) {
  *out += ",\"";
  *out += name;
  *out += value ? "\":true" : "\":false";
}

// {"mono_ns":N,"wall":"...","kind":"op","op_id":N,"client":N,"phase":"..."
std::string Head(const LoadOp& op, const char* phase, int64_t mono_ns, std::string_view wall) {
  std::string line;
  line.reserve(256);
  line += "{\"mono_ns\":";
  line += std::to_string(mono_ns);
  Field(&line, "wall", wall);
  line += ",\"kind\":\"op\"";
  Field(&line, "op_id", op.op_id);
  Field(&line, "client", op.client);
  Field(&line, "phase", std::string_view(phase));
  Field(&line, "f", std::string_view(op.write ? "put" : "get"));
  Field(&line, "key", op.key);
  return line;
}

}  // namespace

const char* ReadPathName(ReadPath path) {
  switch (path) {
    case ReadPath::kLinearizable: return "linearizable";
    case ReadPath::kSerializable: return "serializable";
    case ReadPath::kLog: return "log";
  }
  return "?";
}

bool ParseReadPath(std::string_view name, ReadPath* path) {
  for (ReadPath p : {ReadPath::kLinearizable, ReadPath::kSerializable, ReadPath::kLog}) {
    if (name == ReadPathName(p)) {
      *path = p;
      return true;
    }
  }
  return false;
}

const char* OpPhaseName(OpPhase phase) {
  switch (phase) {
    case OpPhase::kOk: return "ok";
    case OpPhase::kFail: return "fail";
    case OpPhase::kInfo: return "info";
  }
  return "?";
}

OpPhase ClassifyError(int code, std::string_view message, bool write) {
  if (code == kOk) return OpPhase::kOk;
  const bool etcd_timeout = message.find("timed out") != std::string_view::npos ||
                            message.find("took too long") != std::string_view::npos;
  if (code == kDeadlineExceeded || code == kCancelled || etcd_timeout) return OpPhase::kInfo;
  if (!write) return OpPhase::kFail;
  switch (code) {
    case kInvalidArgument: case kFailedPrecondition: case kResourceExhausted: case kPermissionDenied:
    case kUnauthenticated: case kUnimplemented: case kOutOfRange: case kNotFound: case kAlreadyExists:
      return OpPhase::kFail;   // rejected before a proposal
    default:
      return OpPhase::kInfo;   // unavailable, leader changed, aborted, internal: may have been proposed
  }
}

void AppendJsonEscaped(std::string* out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += static_cast<char>(c);
    } else if (c == '\n') {
      *out += "\\n";
    } else if (c < 0x20) {
      *out += "\\u00";
      *out += kHex[c >> 4];
      *out += kHex[c & 15];
    } else if (c >= 0x80) {
      *out += '?';
    } else {
      *out += static_cast<char>(c);
    }
  }
}

std::string InvokeLine(const LoadOp& op, int64_t mono_ns, std::string_view wall) {
  std::string line = Head(op, "invoke", mono_ns, wall);
  if (op.write) Field(&line, "value", op.value);
  Field(&line, "via", op.via);
  if (!op.write) {
    Field(&line, "serializable", op.path == ReadPath::kSerializable);
    Field(&line, "read_path", std::string_view(ReadPathName(op.path)));
  }
  line += "}\n";
  return line;
}

std::string CompletionLine(const LoadOp& op, const LoadOutcome& o, int64_t mono_ns, std::string_view wall) {
  std::string line = Head(op, OpPhaseName(o.phase), mono_ns, wall);
  Field(&line, "via", op.via);
  if (op.write) {
    Field(&line, "value", op.value);
  } else {
    Field(&line, "serializable", op.path == ReadPath::kSerializable);
    Field(&line, "read_path", std::string_view(ReadPathName(op.path)));
  }
  if (o.phase == OpPhase::kOk) {
    Field(&line, "revision", o.revision);
    if (!op.write) {
      Field(&line, "found", o.found);
      if (o.found) Field(&line, "value", o.value);
    }
  } else {
    Field(&line, "error", o.error);
  }
  line += "}\n";
  return line;
}

std::string_view WallStamper::At(int64_t mono_ns) {
  const int64_t wall_ms = base_wall_ms_ + (mono_ns - base_mono_ns_) / 1'000'000;
  const int64_t second = wall_ms / 1000;
  if (second != cached_second_) {
    time_t t = static_cast<time_t>(second);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    text_ = buf;
    text_ += ".000Z";
    cached_second_ = second;
  }
  const int ms = static_cast<int>(wall_ms % 1000);
  text_[text_.size() - 4] = static_cast<char>('0' + ms / 100);
  text_[text_.size() - 3] = static_cast<char>('0' + ms / 10 % 10);
  text_[text_.size() - 2] = static_cast<char>('0' + ms % 10);
  return text_;
}

}  // namespace raftlab::driver
