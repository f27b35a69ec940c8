#include "common/json_util.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace raftlab {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": " + strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteFileAtomic(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Internal("cannot write " + tmp + ": " + strerror(errno));
    out << content;
    if (!out.flush()) return Internal("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Internal("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

Result<Json> ParseJson(const std::string& text) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("not valid JSON");
  return doc;
}

Result<Json> ReadJsonFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Result<Json> doc = ParseJson(*text);
  if (!doc.ok()) return InvalidArgument(path + ": not valid JSON");
  return doc;
}

Status WriteJsonFileAtomic(const std::string& path, const Json& doc) {
  return WriteFileAtomic(path, doc.dump(2) + "\n");
}

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Internal("cannot create " + path + ": " + ec.message());
  return Status::Ok();
}

std::string TailOfText(const std::string& text, size_t lines) {
  std::istringstream in(text);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "\n    " + all[i].substr(0, 300);
  return out;
}

std::string TailOfFile(const std::string& path, size_t lines) {
  Result<std::string> text = ReadFile(path);
  return text.ok() ? TailOfText(*text, lines) : "";
}

}  // namespace raftlab
