#include "evidence/snap_json.h"

#include <nlohmann/json.hpp>

#include "evidence/check_common.h"
#include "evidence/run_loader.h"

namespace raftlab::evidence {
namespace {

using nlohmann::json;

json Ids(const std::vector<uint64_t>& ids) {
  json a = json::array();
  for (uint64_t id : ids) a.push_back(HexId(id));
  return a;
}

Status ReadIds(const json& o, const char* key, std::vector<uint64_t>* out) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return InvalidArgument(std::string("field \"") + key + "\" is not a list");
  for (const json& x : *it) {
    if (!x.is_string()) return InvalidArgument(std::string("field \"") + key + "\" holds a non-string");
    Result<uint64_t> id = ParseHexId(x.get<std::string>());
    if (!id.ok()) return InvalidArgument(std::string("field \"") + key + "\": " + id.status().message());
    out->push_back(*id);
  }
  return Status::Ok();
}

Status ReadFile(const json& o, SnapFile* f) {
  auto name = o.find("name");
  if (name == o.end() || !name->is_string()) return InvalidArgument("snap without a \"name\"");
  f->name = name->get<std::string>();
  for (const auto& [key, field] : {std::pair{"index", &f->index}, std::pair{"term", &f->term},
                                   std::pair{"store_size", &f->store_size}}) {
    auto it = o.find(key);
    if (it == o.end()) continue;
    if (!it->is_number_unsigned()) {
      return InvalidArgument(std::string("field \"") + key + "\" is not a non-negative number");
    }
    *field = it->get<uint64_t>();
  }
  RL_RETURN_IF_ERROR(ReadIds(o, "voters", &f->voters));
  RL_RETURN_IF_ERROR(ReadIds(o, "learners", &f->learners));
  RL_RETURN_IF_ERROR(ReadIds(o, "voters_outgoing", &f->voters_outgoing));
  RL_RETURN_IF_ERROR(ReadIds(o, "learners_next", &f->learners_next));
  if (auto it = o.find("crc_ok"); it != o.end()) {
    if (!it->is_boolean()) return InvalidArgument("field \"crc_ok\" is not a bool");
    f->crc_ok = it->get<bool>();
  }
  if (auto it = o.find("problems"); it != o.end()) {
    if (!it->is_array()) return InvalidArgument("field \"problems\" is not a list");
    for (const json& p : *it) {
      if (!p.is_string()) return InvalidArgument("field \"problems\" holds a non-string");
      f->problems.push_back(p.get<std::string>());
    }
  }
  return Status::Ok();
}

}  // namespace

std::string SnapFilesToJsonl(const std::vector<SnapFile>& files) {
  std::string out;
  for (const SnapFile& f : files) {
    json j{{"record", "snap"},
           {"name", f.name},
           {"index", f.index},
           {"term", f.term},
           {"voters", Ids(f.voters)},
           {"learners", Ids(f.learners)},
           {"voters_outgoing", Ids(f.voters_outgoing)},
           {"learners_next", Ids(f.learners_next)},
           {"store_size", f.store_size},
           {"crc_ok", f.crc_ok},
           {"problems", f.problems}};
    out += j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  }
  return out;
}

Result<std::vector<SnapFile>> SnapFilesFromJsonl(std::string_view jsonl) {
  std::vector<SnapFile> files;
  size_t line_no = 0, pos = 0;
  while (pos < jsonl.size()) {
    size_t end = jsonl.find('\n', pos);
    if (end == std::string_view::npos) end = jsonl.size();
    const std::string_view line = jsonl.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    json o = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (o.is_discarded() || !o.is_object()) return InvalidArgument(where + "not a JSON object");
    auto record = o.find("record");
    if (record == o.end() || !record->is_string() || record->get<std::string>() != "snap") continue;
    SnapFile f;
    Status st = ReadFile(o, &f);
    if (!st.ok()) return InvalidArgument(where + st.message());
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace raftlab::evidence
