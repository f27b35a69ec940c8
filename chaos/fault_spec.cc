#include "chaos/fault_spec.h"

#include <strings.h>

#include <cmath>
#include <cstdlib>

namespace raftlab::chaos {
namespace {

struct KindName {
  FaultKind kind;
  const char* name;
};

constexpr KindName kKinds[] = {
    {v1::FAULT_PARTITION, "partition"}, {v1::FAULT_ONE_WAY, "one-way"},   {v1::FAULT_BRIDGE, "bridge"},
    {v1::FAULT_ISOLATE, "isolate"},     {v1::FAULT_LOSS, "loss"},         {v1::FAULT_DELAY, "delay"},
    {v1::FAULT_BANDWIDTH, "bandwidth"}, {v1::FAULT_KILL, "kill"},         {v1::FAULT_PAUSE, "pause"},
    {v1::FAULT_SLOW_DISK, "slow-disk"},
};

std::vector<std::string> Strings(const Json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& x : j) if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

}  // namespace

const char* FaultKindName(FaultKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.name;
  return "unspecified";
}

Result<FaultKind> ParseFaultKind(const std::string& name) {
  for (const auto& k : kKinds)
    if (name == k.name) return k.kind;
  std::string known;
  for (const auto& k : kKinds) known += (known.empty() ? "" : ", ") + std::string(k.name);
  return InvalidArgument("unknown fault kind '" + name + "' (kinds: " + known + ")");
}

Result<FaultSpec> FaultSpecFromRequest(const v1::FaultRequest& r) {
  FaultSpec spec;
  if (r.fault_kind() != v1::FAULT_KIND_UNSPECIFIED) {
    spec.kind = r.fault_kind();
    if (std::string(FaultKindName(spec.kind)) == "unspecified")
      return InvalidArgument("unknown fault_kind " + std::to_string(static_cast<int>(r.fault_kind())));
    if (!r.kind().empty() && r.kind() != FaultKindName(spec.kind))
      return InvalidArgument("kind '" + r.kind() + "' and fault_kind " + v1::FaultKind_Name(r.fault_kind()) +
                             " disagree");
  } else {
    if (r.kind().empty()) return InvalidArgument("the fault request names no kind");
    Result<FaultKind> kind = ParseFaultKind(r.kind());
    if (!kind.ok()) return kind.status();
    spec.kind = *kind;
  }
  for (const auto& g : r.groups()) spec.groups.emplace_back(g.members().begin(), g.members().end());
  switch (spec.kind) {
    case v1::FAULT_PARTITION: break;
    case v1::FAULT_ONE_WAY: spec.targets = {r.from(), r.to()}; break;
    case v1::FAULT_BRIDGE: spec.targets = {r.bridge()}; break;
    default: spec.targets = {r.target()}; break;
  }
  spec.params.peers.assign(r.peers().begin(), r.peers().end());
  spec.params.probability = r.probability();
  spec.params.delay_ms = static_cast<int>(r.delay_ms());
  spec.params.rate = r.rate();
  spec.params.signal = r.signal();
  spec.params.fsync_ms = static_cast<int>(r.fsync_ms());
  return spec;
}

Status CheckTcRate(const std::string& rate) {
  static const char* const kUnits[] = {"bit",  "kbit",  "mbit",  "gbit",  "tbit",  "kibit", "mibit", "gibit",
                                       "tibit", "bps",  "kbps",  "mbps",  "gbps",  "tbps",  "kibps", "mibps",
                                       "gibps", "tibps"};
  auto bad = [&](const std::string& why) {
    return InvalidArgument("bandwidth must be a positive tc rate like 256kbit or 10mbit (units: bit, kbit, mbit, "
                           "gbit, bps, kbps, mbps, gbps), got '" + rate + "': " + why);
  };
  size_t digits = 0;
  while (digits < rate.size() && (isdigit(static_cast<unsigned char>(rate[digits])) || rate[digits] == '.')) ++digits;
  if (digits == 0) return bad("it does not start with a number");
  const std::string number = rate.substr(0, digits), unit = rate.substr(digits);
  char* end = nullptr;
  const double value = strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) return bad("'" + number + "' is not a number");
  if (value <= 0) return bad("the rate must be above zero");
  if (unit.empty()) return bad("it has no unit");
  for (const char* u : kUnits)
    if (strcasecmp(unit.c_str(), u) == 0) return Status::Ok();
  return bad("tc knows no unit '" + unit + "'");
}

Status ValidateParams(const FaultSpec& spec) {
  const FaultParams& p = spec.params;
  if (spec.duration_ms != 0) return Unsupported("a fault with a duration is not supported: apply it, then heal it");
  switch (spec.kind) {
    case v1::FAULT_LOSS:
      if (!(p.probability > 0 && p.probability < 1))
        return InvalidArgument("loss must be between 0% and 100% (exclusive), got " +
                               std::to_string(p.probability * 100) + "%");
      return Status::Ok();
    case v1::FAULT_DELAY:
      if (p.delay_ms <= 0 || p.delay_ms > 60000) return InvalidArgument("delay must be between 1 ms and 60 s");
      return Status::Ok();
    case v1::FAULT_BANDWIDTH: return CheckTcRate(p.rate);
    case v1::FAULT_SLOW_DISK:
      if (p.fsync_ms < 0 || p.fsync_ms > 600000) return InvalidArgument("--fsync must be between 0 and 600 s");
      return Status::Ok();
    default: return Status::Ok();
  }
}

Json FaultSpecToJson(const FaultSpec& spec) {
  return {{"kind", FaultKindName(spec.kind)},
          {"targets", spec.targets},
          {"groups", spec.groups},
          {"params",
           {{"peers", spec.params.peers},
            {"probability", spec.params.probability},
            {"delay_ms", spec.params.delay_ms},
            {"rate", spec.params.rate},
            {"signal", spec.params.signal},
            {"fsync_ms", spec.params.fsync_ms}}},
          {"duration_ms", spec.duration_ms}};
}

Result<FaultSpec> FaultSpecFromJson(const Json& doc) {
  if (!doc.is_object() || !doc.contains("kind") || !doc["kind"].is_string())
    return InvalidArgument("a fault spec needs a string 'kind'");
  FaultSpec spec;
  Result<FaultKind> kind = ParseFaultKind(doc["kind"].get<std::string>());
  if (!kind.ok()) return kind.status();
  spec.kind = *kind;
  spec.targets = Strings(doc.value("targets", Json::array()));
  if (doc.contains("groups") && doc["groups"].is_array())
    for (const auto& g : doc["groups"]) spec.groups.push_back(Strings(g));
  const Json p = doc.value("params", Json::object());
  spec.params.peers = Strings(p.value("peers", Json::array()));
  spec.params.probability = p.value("probability", 0.0);
  spec.params.delay_ms = p.value("delay_ms", 0);
  spec.params.rate = p.value("rate", "");
  spec.params.signal = p.value("signal", 0);
  spec.params.fsync_ms = p.value("fsync_ms", 0);
  spec.duration_ms = doc.value("duration_ms", int64_t{0});
  return spec;
}

}  // namespace raftlab::chaos
