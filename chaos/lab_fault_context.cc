#include "chaos/lab_fault_context.h"

namespace raftlab::chaos {

Status LabFaultContext::RestartMember(const std::string& member) {
  return lab_->RestartMember(member, cluster::WalPlacement::kUnchanged, [](const std::string&) {});
}

std::string LabFaultContext::MemberDir(const std::string& member) const {
  Result<cluster::MemberFiles> files = lab_->Files(member);
  if (files.ok() && !files->member_dir.empty()) return files->member_dir;
  return lab_->paths().MemberDir(member);
}

void LabFaultContext::Journal(const std::string& kind, const Json& fields) {
  if (auto j = lab_->journal()) j->Record(kind, fields);
}

void LabFaultContext::SetFaultActive(const std::string& kind, const std::string& target, bool active) {
  if (auto e = lab_->exporter()) e->SetFaultActive(kind, target, active);
}

}  // namespace raftlab::chaos
