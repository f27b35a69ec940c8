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

std::vector<LogLine> LinesSince(const LogMark& mark, const std::string& needle) {
  std::vector<LogLine> out;
  std::ifstream in(mark.path);
  if (!in) return out;
  in.seekg(static_cast<std::streamoff>(mark.offset));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] != '{' || line.find(needle) == std::string::npos) continue;
    Result<Json> j = ParseJson(line);
    if (!j.ok() || !j->is_object()) continue;
    auto msg = j->find("msg");
    auto ts = j->find("ts");
    if (msg == j->end() || !msg->is_string() || msg->get<std::string>().find(needle) == std::string::npos) continue;
    out.push_back({ts != j->end() && ts->is_string() ? ts->get<std::string>() : "", msg->get<std::string>()});
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

std::string QuoteLine(const std::string& member, const LogLine& line) {
  size_t t = line.ts.find('T');
  std::string clock = t == std::string::npos ? line.ts : line.ts.substr(t + 1, 12);
  return member + " " + clock + "  " + line.msg;
}

}  // namespace raftlab::scenarios
