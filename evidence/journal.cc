#include "evidence/journal.h"

#include <filesystem>

#include "common/clock.h"

namespace raftlab::evidence {

Result<std::unique_ptr<Journal>> Journal::Open(const std::string& path) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) RL_RETURN_IF_ERROR(MakeDirs(p.parent_path().string()));
  std::unique_ptr<Journal> j(new Journal(path));
  j->out_.open(path, std::ios::app);
  if (!j->out_) return Internal("cannot open journal " + path);
  return j;
}

void Journal::Record(const std::string& kind, Json fields) {
  Json line = Json::object();
  line["mono_ns"] = MonoNowNs();
  line["wall"] = WallNowIso();
  line["kind"] = kind;
  if (fields.is_object()) line.update(fields);
  std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::lock_guard<std::mutex> lock(mu_);
  out_ << text << '\n';
  out_.flush();
}

}  // namespace raftlab::evidence
