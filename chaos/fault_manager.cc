#include "chaos/fault_manager.h"

#include <algorithm>

#include "common/clock.h"
#include "common/strings.h"

namespace raftlab::chaos {
namespace {

Json Targets(const FaultInfo& info) { return info.targets; }

}  // namespace

std::vector<std::string> HealReport::Lines() const {
  std::vector<std::string> lines;
  for (const auto& f : reverted) lines.push_back("healed " + f.id + ": " + f.description);
  for (const auto& f : failed) lines.push_back(f.id + " (" + f.description + ") is still active, its revert failed: " + f.error);
  return lines;
}

FaultManager::FaultManager(FaultContext* ctx) : ctx_(ctx) {
  families_.push_back(MakePartitionFaults());
  families_.push_back(MakeLinkFaults());
  families_.push_back(MakeProcessFaults());
  families_.push_back(MakeDiskFaults());
  for (const auto& f : families_)
    for (FaultKind k : f->Kinds()) by_kind_[k] = f.get();
}

FaultManager::~FaultManager() = default;

FaultFamily* FaultManager::FamilyOf(FaultKind kind) const {
  auto it = by_kind_.find(kind);
  return it == by_kind_.end() ? nullptr : it->second;
}

Status FaultManager::CheckNoConflict(const ActiveFault& fault) const {
  // A second process, disk or qdisc fault on one member would be ambiguous to heal (healing a
  // kill restarts a member another fault paused). Judged before anything is applied.
  if (fault.exclusive.empty()) return Status::Ok();
  for (const auto& other : active_)
    if (other.exclusive == fault.exclusive)
      return AlreadyExists(fault.info.targets.at(0) + " already has fault " + other.info.id + " (" +
                           other.info.description + "): heal it first");
  return Status::Ok();
}

void FaultManager::Persist() {
  Json all = Json::array();
  for (const auto& f : active_) all.push_back(ActiveFaultToJson(f));
  ctx_->SaveFaults(all);
}

Result<FaultInfo> FaultManager::Apply(const FaultSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!ctx_->IsUp()) return FailedPrecondition("no lab is up: run `raftlab up` first");
  FaultFamily* family = FamilyOf(spec.kind);
  if (family == nullptr) return InvalidArgument(std::string("unknown fault kind '") + FaultKindName(spec.kind) + "'");
  ActiveFault fault;
  fault.info.id = "f" + std::to_string(next_id_ + 1);
  fault.info.detail = Json::object();
  RL_RETURN_IF_ERROR(ValidateParams(spec));
  RL_RETURN_IF_ERROR(family->Plan(spec, *ctx_, &fault));
  RL_RETURN_IF_ERROR(CheckNoConflict(fault));
  RL_RETURN_IF_ERROR(family->Apply(&fault, *ctx_));
  ++next_id_;
  fault.info.since = WallNowIso();
  fault.info.since_mono_ns = MonoNowNs();
  // Listed and persisted before anything else can fail, so heal can always undo it.
  active_.push_back(fault);
  Persist();
  const FaultInfo& info = active_.back().info;
  ctx_->Journal("fault", {{"phase", "start"}, {"id", info.id}, {"fault", info.kind}, {"targets", Targets(info)},
                          {"mechanism", info.mechanism}, {"description", info.description}, {"detail", info.detail}});
  for (const auto& t : info.targets) ctx_->SetFaultActive(info.kind, t, true);
  return info;
}

Result<HealReport> FaultManager::Heal(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!id.empty() && std::none_of(active_.begin(), active_.end(), [&](const ActiveFault& f) { return f.info.id == id; })) {
    std::vector<std::string> ids;
    for (const auto& f : active_) ids.push_back(f.info.id);
    return NotFound("no active fault '" + id + "' (active: " + (ids.empty() ? "none" : JoinNames(ids, ", ")) + ")");
  }
  HealReport report;
  for (size_t i = active_.size(); i-- > 0;) {
    ActiveFault& f = active_[i];
    if (!id.empty() && f.info.id != id) continue;
    Status s = FamilyOf(f.spec.kind)->Revert(&f, *ctx_, RevertMode::kLive);
    if (!s.ok()) {
      f.info.error = s.message();
      ctx_->Journal("fault", {{"phase", "revert_failed"}, {"id", f.info.id}, {"fault", f.info.kind},
                              {"targets", Targets(f.info)}, {"error", f.info.error}});
      report.failed.push_back(f.info);
      continue;
    }
    f.info.error.clear();
    ctx_->Journal("fault", {{"phase", "end"}, {"id", f.info.id}, {"fault", f.info.kind}, {"targets", Targets(f.info)},
                            {"ok", true}, {"error", ""}});
    for (const auto& t : f.info.targets) ctx_->SetFaultActive(f.info.kind, t, false);
    report.reverted.push_back(f.info);
    active_.erase(active_.begin() + static_cast<long>(i));
  }
  Persist();
  return report;
}

std::vector<FaultInfo> FaultManager::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FaultInfo> out;
  for (const auto& f : active_) out.push_back(f.info);
  return out;
}

HealReport FaultManager::RevertFromState(const Json& persisted) {
  std::lock_guard<std::mutex> lock(mu_);
  HealReport report;
  if (!persisted.is_array()) return report;
  for (size_t i = persisted.size(); i-- > 0;) {
    Result<ActiveFault> f = ActiveFaultFromJson(persisted[i]);
    if (!f.ok()) {
      FaultInfo bad;
      bad.id = persisted[i].is_object() ? persisted[i].value("id", "?") : "?";
      bad.description = "unreadable persisted fault";
      bad.error = f.status().message();
      report.failed.push_back(bad);
      continue;
    }
    FaultFamily* family = FamilyOf(f->spec.kind);
    Status s = family == nullptr ? InvalidArgument(std::string("no family for kind ") + FaultKindName(f->spec.kind))
                                 : family->Revert(&*f, *ctx_, RevertMode::kFromState);
    f->info.error = s.ok() ? "" : s.message();
    (s.ok() ? report.reverted : report.failed).push_back(f->info);
  }
  return report;
}

}  // namespace raftlab::chaos
