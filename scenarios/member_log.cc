#include "scenarios/member_log.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "driver/lab_service.h"

namespace raftlab::scenarios {

Result<LogMark> MarkMemberLog(ScenarioContext& ctx, const std::string& member) {
  v1::MemberInfoRequest req;
  req.set_name(member);
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::MemberInfoReply info;
  grpc::Status s = ctx.stub()->MemberInfo(&call, req, &info);
  if (!s.ok()) return driver::FromGrpcStatus(s);
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(info.log_path(), ec);
  if (ec) return Unavailable(member + "'s log " + info.log_path() + ": " + ec.message());
  return LogMark{member, info.log_path(), static_cast<uint64_t>(size)};
}

uint64_t LogLine::U64(const std::string& field) const {
  auto it = fields.find(field);
  return it != fields.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

std::string LogLine::Str(const std::string& field) const {
  auto it = fields.find(field);
  if (it == fields.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::vector<LogLine> LinesSince(const LogMark& mark, const std::string& needle, MsgMatch match) {
  std::vector<LogLine> out;
  std::ifstream in(mark.path);
  if (!in) return out;
  in.seekg(static_cast<std::streamoff>(mark.offset));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] != '{' || line.find(needle) == std::string::npos) continue;
    Result<Json> j = ParseJson(line);
    if (!j.ok() || !j->is_object()) continue;
    auto msg = j->find("msg");
    if (msg == j->end() || !msg->is_string()) continue;
    const std::string& text = msg->get_ref<const std::string&>();
    if (match == MsgMatch::kExact ? text != needle : text.find(needle) == std::string::npos) continue;
    auto ts = j->find("ts");
    LogLine l{ts != j->end() && ts->is_string() ? ts->get<std::string>() : "", text, Json()};
    l.fields = std::move(*j);
    out.push_back(std::move(l));
  }
  return out;
}

int64_t TsMsOfDay(const std::string& ts) {
  size_t t = ts.find('T');
  if (t == std::string::npos) return -1;
  int h = 0, m = 0, ms = 0;
  double s = 0;
  if (sscanf(ts.c_str() + t + 1, "%d:%d:%lf", &h, &m, &s) != 3) return -1;
  ms = static_cast<int>(s * 1000 + 0.5);
  return (static_cast<int64_t>(h) * 3600 + m * 60) * 1000 + ms;
}

std::string QuoteLine(const std::string& member, const LogLine& line, const std::vector<std::string>& fields) {
  size_t t = line.ts.find('T');
  std::string clock = t == std::string::npos ? line.ts : line.ts.substr(t + 1, 12);
  std::string out = member + " " + clock + "  " + line.msg;
  for (const auto& f : fields)
    if (line.fields.contains(f)) out += " " + f + "=" + line.Str(f);
  return out;
}

}  // namespace raftlab::scenarios
