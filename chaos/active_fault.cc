#include "chaos/active_fault.h"

#include "common/subprocess.h"

namespace raftlab::chaos {
namespace {

Result<std::vector<HostCommand>> HostCommandsFromJson(const Json& doc) {
  std::vector<HostCommand> out;
  if (doc.is_null()) return out;
  if (!doc.is_array()) return InvalidArgument("commands must be an array");
  for (const auto& c : doc) {
    if (!c.is_object() || !c.contains("host") || !c["host"].is_string() || !c.contains("argv") || !c["argv"].is_array())
      return InvalidArgument("a command needs a string 'host' and an array 'argv': " + c.dump());
    HostCommand h;
    h.host = c["host"].get<std::string>();
    for (const auto& a : c["argv"]) {
      if (!a.is_string()) return InvalidArgument("argv holds a non-string: " + c.dump());
      h.argv.push_back(a.get<std::string>());
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace

Json HostCommandsToJson(const std::vector<HostCommand>& commands) {
  Json out = Json::array();
  for (const auto& c : commands) out.push_back({{"host", c.host}, {"argv", c.argv}});
  return out;
}

Json RenderedCommands(const std::vector<HostCommand>& commands) {
  Json out = Json::array();
  for (const auto& c : commands) out.push_back(c.host + ": " + JoinArgv(c.argv));
  return out;
}

Json ActiveFaultToJson(const ActiveFault& f) {
  Json helpers = Json::array();
  for (const auto& h : f.applied.helpers) helpers.push_back({{"host", h.host}, {"id", h.id}});
  Json files = Json::array();
  for (const auto& r : f.applied.files) files.push_back({{"host", r.host}, {"path", r.path}, {"bytes", r.bytes}});
  return {{"id", f.info.id},
          {"kind", f.info.kind},
          {"targets", f.info.targets},
          {"since", f.info.since},
          {"since_mono_ns", f.info.since_mono_ns},
          {"mechanism", f.info.mechanism},
          {"description", f.info.description},
          {"detail", f.info.detail},
          {"error", f.info.error},
          {"spec", FaultSpecToJson(f.spec)},
          {"exclusive", f.exclusive},
          {"applied",
           {{"commands", HostCommandsToJson(f.applied.plan.apply)},
            {"undo", HostCommandsToJson(f.applied.plan.revert)},
            {"helpers", helpers},
            {"files", files},
            {"member", f.applied.member},
            {"signal", f.applied.signal}}}};
}

Result<ActiveFault> ActiveFaultFromJson(const Json& doc) {
  if (!doc.is_object() || !doc.contains("id") || !doc["id"].is_string())
    return InvalidArgument("a persisted fault needs a string 'id': " + doc.dump());
  ActiveFault f;
  f.info.id = doc["id"].get<std::string>();
  Result<FaultSpec> spec = FaultSpecFromJson(doc.value("spec", Json()));
  if (!spec.ok()) return InvalidArgument("fault " + f.info.id + ": " + spec.status().message());
  f.spec = *spec;
  f.info.kind = doc.value("kind", std::string(FaultKindName(f.spec.kind)));
  if (doc.contains("targets") && doc["targets"].is_array())
    for (const auto& t : doc["targets"]) if (t.is_string()) f.info.targets.push_back(t.get<std::string>());
  f.info.since = doc.value("since", "");
  f.info.since_mono_ns = doc.value("since_mono_ns", int64_t{0});
  f.info.mechanism = doc.value("mechanism", "");
  f.info.description = doc.value("description", "");
  f.info.detail = doc.value("detail", Json::object());
  f.info.error = doc.value("error", "");
  f.exclusive = doc.value("exclusive", "");
  const Json applied = doc.value("applied", Json::object());
  Result<std::vector<HostCommand>> apply = HostCommandsFromJson(applied.value("commands", Json()));
  Result<std::vector<HostCommand>> undo = HostCommandsFromJson(applied.value("undo", Json()));
  if (!apply.ok()) return InvalidArgument("fault " + f.info.id + ": " + apply.status().message());
  if (!undo.ok()) return InvalidArgument("fault " + f.info.id + ": " + undo.status().message());
  f.applied.plan.apply = *apply;
  f.applied.plan.revert = *undo;
  for (const auto& h : applied.value("helpers", Json::array()))
    if (h.is_object()) f.applied.helpers.push_back({h.value("host", ""), h.value("id", uint64_t{0})});
  for (const auto& r : applied.value("files", Json::array()))
    if (r.is_object()) f.applied.files.push_back({r.value("host", ""), r.value("path", ""), r.value("bytes", "")});
  f.applied.member = applied.value("member", "");
  f.applied.signal = applied.value("signal", 0);
  return f;
}

}  // namespace raftlab::chaos
