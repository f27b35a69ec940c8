#include "scenarios/soak.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "cluster/topology.h"
#include "common/clock.h"
#include "driver/async_load.h"
#include "evidence/checkers.h"
#include "evidence/run_loader.h"
#include "scenarios/member_log.h"
#include "scenarios/soak_step.h"

namespace raftlab::scenarios {

using chaos::FaultPlan;
using chaos::PlanFault;
using chaos::PlanRole;
using chaos::PlanStep;

chaos::PlanOptions SoakPlanOptions(uint64_t seed, int members, int64_t duration_ms) {
  chaos::PlanOptions o;
  o.seed = seed;
  o.members = members;
  o.duration_ms = duration_ms;
  return o;
}

std::string SoakRequired(const FaultPlan& plan) {
  std::string spec = "election_safety,term_monotonic,commit_quorum:5,log_matching,state_machine_safety,durability:all,"
                     "linearizability";
  if (chaos::MemberChanges(plan) > 0) spec += ",membership:all";
  return spec;
}

std::vector<int64_t> FailingSubHistoryOpIds(const std::vector<std::string>& evidence) {
  std::vector<int64_t> ids;
  bool inside = false;
  for (const std::string& line : evidence) {
    if (line.find("failing sub-history") != std::string::npos) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (line.rfind("    ", 0) != 0) break;   // the sub-history's lines are indented deeper than its heading
    const size_t at = line.rfind(" op ");
    if (at == std::string::npos) continue;
    char* end = nullptr;
    const long long id = strtoll(line.c_str() + at + 4, &end, 10);
    if (end != line.c_str() + at + 4) ids.push_back(id);
  }
  return ids;
}

namespace {

constexpr int kReadyDeadlineMs = 30000;
constexpr int kConvergeDeadlineMs = 60000;
constexpr int64_t kLogWindowMarginMs = 1000;   // members' log lines this far around the failing ops
constexpr size_t kLogLinesPerMember = 40;

std::string Secs(int64_t ms) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

// The wall clock's milliseconds of the day (UTC), as etcd's log "ts" counts them
// (member_log.h TsMsOfDay), of a CLOCK_MONOTONIC instant.
int64_t UtcMsOfDay(int64_t mono_ns) {
  const int64_t now_wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count();
  const int64_t wall_ms = now_wall_ms - (MonoNowNs() - mono_ns) / 1'000'000;
  return ((wall_ms % 86'400'000) + 86'400'000) % 86'400'000;
}

// The load generator's counts, copied from its thread.
class LoadCounts {
 public:
  void Set(const driver::LoadProgress& p) {
    std::lock_guard<std::mutex> lock(mu_);
    last_ = p;
  }
  driver::LoadProgress Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  mutable std::mutex mu_;
  driver::LoadProgress last_;
};

struct PauseWindow {
  size_t step = 0;
  std::string member;
  int64_t from_ns = 0, to_ns = 0;
};

class Soak {
 public:
  Soak(ScenarioContext& ctx, const SoakSpec& spec) : ctx_(ctx), spec_(spec) {}
  raftlab::Status Run();

 private:
  raftlab::Status MakePlan();
  raftlab::Status StartClients();
  raftlab::Status StopClients();
  // One step: wait for its offset and a leader, resolve, apply, hold, revert.
  raftlab::Status RunStep(size_t index);
  // Adds `name` as a learner, waits for it to catch up, promotes it; *added once it is in.
  raftlab::Status MemberChangeStart(const std::string& name, bool* added);
  raftlab::Status MemberChangeEnd(const std::string& name);
  void WaitUntilOffset(int64_t offset_ms, const std::string& what);
  Result<ClusterRoles> AwaitReady(const std::string& what);
  void JudgeHistory(const evidence::Run& run);
  void QuoteMemberLogs(const evidence::Run& run, const std::vector<int64_t>& op_ids);
  void RecordPauseReads(const evidence::Run& run);
  int64_t OffsetMs() const { return (MonoNowNs() - t0_ns_) / 1'000'000; }
  // "+12.3 s of 60.0 s, 3/7 faults applied, ops 1234 ok / 2 fail / 15 info, leader n2 (term 4)"
  std::string Progress(int64_t until_offset_ms);
  void Journal(Json line);

  ScenarioContext& ctx_;
  const SoakSpec& spec_;
  FaultPlan plan_;
  std::unique_ptr<driver::LoadJournal> journal_;
  std::unique_ptr<driver::AsyncLoad> load_;
  LoadCounts counts_;
  driver::LoadReport report_;
  int64_t t0_ns_ = 0;
  int faults_applied_ = 0;
  int next_member_ = 0;
  std::vector<LogMark> log_marks_;
  std::vector<PauseWindow> pauses_;
  std::string leader_ = "?";
  int64_t leader_checked_ns_ = 0;
};

void Soak::Journal(Json line) {
  line["mono_ns"] = MonoNowNs();
  line["wall"] = WallNowIso();
  if (journal_) journal_->Append(line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
}

std::string Soak::Progress(int64_t until_offset_ms) {
  // The leader from a Status call at most once a second, and never in a wait's last 1.5 s: a
  // call that meets a paused or cut-off member takes a while, and a fault's hold must not overrun.
  if (MonoNowNs() - leader_checked_ns_ > 1'000'000'000 && until_offset_ms - OffsetMs() > 1500) {
    leader_checked_ns_ = MonoNowNs();
    Result<v1::StatusReply> st = ctx_.Status();
    std::optional<LeaderView> l = st.ok() ? AgreedLeader(*st) : std::nullopt;
    leader_ = l ? l->name + " (term " + std::to_string(l->term) + ")" : "none agreed";
  }
  const driver::LoadProgress p = counts_.Get();
  char buf[256];
  snprintf(buf, sizeof buf, "+%.1f s of %.1f s, %d/%zu faults applied, ops %llu ok / %llu fail / %llu info, leader %s",
           static_cast<double>(OffsetMs()) / 1000.0, static_cast<double>(plan_.duration_ms) / 1000.0, faults_applied_,
           plan_.steps.size(), static_cast<unsigned long long>(p.ok), static_cast<unsigned long long>(p.fail),
           static_cast<unsigned long long>(p.info), leader_.c_str());
  return buf;
}

void Soak::WaitUntilOffset(int64_t offset_ms, const std::string& what) {
  const int64_t wait_ms = offset_ms - OffsetMs();
  if (wait_ms <= 0) return;
  (void)ctx_.Await(what, static_cast<int>(wait_ms) + 5000,
                   [&](std::string* detail) {
                     *detail = Progress(offset_ms);
                     return OffsetMs() >= offset_ms;
                   },
                   50);
}

Result<ClusterRoles> Soak::AwaitReady(const std::string& what) {
  Result<ClusterRoles> roles = Unavailable("not yet looked");
  Result<v1::StatusReply> st = ctx_.AwaitStatus(what, kReadyDeadlineMs,
      [&](const v1::StatusReply& s, std::string* d) {
        for (const auto& m : s.members()) {
          if (m.role() == "down") {
            *d = m.name() + " is down";
            return false;
          }
        }
        roles = RolesFromStatus(s);
        *d = roles.ok() ? "leader " + roles->leader : roles.status().message();
        return roles.ok();
      });
  if (!st.ok()) return st.status();
  return roles;
}

raftlab::Status Soak::MakePlan() {
  ctx_.Section("The fault plan");
  if (spec_.plan) {
    plan_ = *spec_.plan;
  } else {
    Result<FaultPlan> made = chaos::MakeFaultPlan(SoakPlanOptions(ctx_.seed(), ctx_.lab().members, spec_.duration_ms));
    if (!made.ok()) return made.status();
    plan_ = *made;
  }
  if (plan_.members != ctx_.lab().members)
    return InvalidArgument("the plan was made for " + std::to_string(plan_.members) + " members, the lab has " +
                           std::to_string(ctx_.lab().members));
  if (!spec_.plan_source.empty())
    ctx_.Record("replaying the plan in " + spec_.plan_source + " (made from seed " + std::to_string(plan_.seed) + ")");
  else
    ctx_.Record("plan made from seed " + std::to_string(plan_.seed) +
                " before the run: the same seed, duration and lab size give the same plan");
  ctx_.Quote(chaos::DescribePlan(plan_));
  const Json doc = chaos::FaultPlanToJson(plan_);
  RL_RETURN_IF_ERROR(WriteJsonFileAtomic(ctx_.run_dir() + "/plan.json", doc));
  Journal({{"kind", "fault_plan"}, {"plan", doc}});
  ctx_.Record("saved as plan.json in the run folder (replay: raftlab soak --plan " + ctx_.run_dir() +
              "/plan.json); journaled as a fault_plan line");
  ctx_.facts()["plan_faults"] = plan_.steps.size();
  ctx_.facts()["plan_seed"] = plan_.seed;
  ctx_.facts()["plan_duration_ms"] = plan_.duration_ms;
  ctx_.facts()["plan_member_changes"] = chaos::MemberChanges(plan_);
  return Status::Ok();
}

raftlab::Status Soak::StartClients() {
  ctx_.Section("Clients through every member for the whole plan");
  Result<v1::StatusReply> st = ctx_.AwaitAgreedLeader(30000);
  if (!st.ok()) return st.status();
  driver::AsyncLoadOptions o;
  for (const auto& m : st->members()) {
    if (m.role() == "down" || m.learner()) continue;
    o.targets.push_back({m.name(), cluster::ClientEndpoint(m.name())});
    Result<LogMark> mark = MarkMemberLog(ctx_, m.name());
    if (mark.ok()) log_marks_.push_back(*mark);
  }
  o.rate = spec_.rate;
  o.read_ratio = 0.5;
  o.read_paths = {driver::ReadPath::kLinearizable, driver::ReadPath::kSerializable};
  o.keys = 8;
  o.key_prefix = "soak/";
  o.duration_ms = plan_.duration_ms + 10LL * 60 * 1000;   // stopped at the plan's end; steps may run late
  o.timeout_ms = 2500;
  o.seed = ctx_.seed();
  o.progress = [this](const driver::LoadProgress& p) { counts_.Set(p); };
  std::string via;
  for (const auto& t : o.targets) via += (via.empty() ? "" : ",") + t.member;
  load_ = std::make_unique<driver::AsyncLoad>(o, journal_.get());
  RL_RETURN_IF_ERROR(load_->Start());
  t0_ns_ = MonoNowNs();
  ctx_.Record("clients: " + std::to_string(static_cast<int>(o.rate)) + " ops/s open loop, half puts of unique values, "
              "half reads (linearizable and serializable in equal parts), over " + std::to_string(o.keys) +
              " keys soak/k*, through " + via + " (etcd's client URLs), " + std::to_string(o.timeout_ms) +
              " ms per op (a timeout is info); plan offsets count from now");
  return Status::Ok();
}

raftlab::Status Soak::StopClients() {
  if (!load_) return Status::Ok();
  load_->RequestStop();
  report_ = load_->Wait();
  load_.reset();
  raftlab::Status closed = journal_->Close();
  report_.journal_lost = journal_->stats().lines_lost;
  ctx_.Section("The clients' results");
  ctx_.Quote(driver::LoadTable(report_));
  (void)WriteJsonFileAtomic(ctx_.run_dir() + "/load.json", driver::LoadJson(report_));
  ctx_.Record("clients: " + std::to_string(report_.ok) + " ok, " + std::to_string(report_.fail) + " fail, " +
              std::to_string(report_.info) + " info (outcome unknown) of " + std::to_string(report_.issued) +
              " issued; histograms in load.json");
  ctx_.Expect(closed.ok() && report_.journal_lost == 0,
              "every client op reached the journal (" + std::to_string(report_.journal_lines) + " lines, " +
                  std::to_string(report_.journal_lost) + " lost" + (closed.ok() ? "" : "; " + closed.message()) + ")");
  ctx_.facts()["ops_ok"] = report_.ok;
  ctx_.facts()["ops_fail"] = report_.fail;
  ctx_.facts()["ops_info"] = report_.info;
  return Status::Ok();
}

raftlab::Status Soak::MemberChangeStart(const std::string& name, bool* added) {
  RL_RETURN_IF_ERROR(ctx_.MemberChange("add", name, true, 60000));
  *added = true;
  if (Result<LogMark> mark = MarkMemberLog(ctx_, name); mark.ok()) {
    mark->offset = 0;
    log_marks_.push_back(*mark);
  }
  Result<v1::StatusReply> caught = ctx_.AwaitStatus(name + " (learner) to catch up with the leader", 60000,
      [&](const v1::StatusReply& s, std::string* d) {
        const v1::MemberStatus* m = FindMember(s, name);
        std::vector<std::string> leaders = Leaders(s);
        const v1::MemberStatus* l = leaders.size() == 1 ? FindMember(s, leaders.front()) : nullptr;
        if (m == nullptr || l == nullptr) return false;
        *d = name + " applied " + std::to_string(m->applied()) + ", leader commit " + std::to_string(l->commit());
        return m->applied() + 5 >= l->commit() && !m->leader().empty();
      });
  if (!caught.ok()) return caught.status();
  return ctx_.MemberChange("promote", name, false, 60000);
}

raftlab::Status Soak::MemberChangeEnd(const std::string& name) {
  // Its data goes with it: decode its WAL first (the membership checker judges every member's).
  Result<evidence::RaftLog> gone = ctx_.CaptureWal(name);
  if (gone.ok()) ctx_.Record("decoded " + name + "'s WAL before its removal: " + std::to_string(gone->entries.size()) + " entries");
  Result<v1::StatusReply> st = ctx_.Status();
  if (st.ok()) {
    std::optional<LeaderView> l = AgreedLeader(*st);
    if (l && l->name == name) {
      // Removing the leader makes etcd step it down mid-change; hand leadership on first.
      for (const auto& m : st->members())
        if (m.name() != name && m.role() == "follower") {
          (void)ctx_.TransferLeader(m.name());
          break;
        }
    }
  }
  return ctx_.MemberChange("remove", name, false, 60000);
}

raftlab::Status Soak::RunStep(size_t index) {
  const PlanStep& step = plan_.steps[index];
  const std::string label = "step " + std::to_string(index + 1) + "/" + std::to_string(plan_.steps.size());
  WaitUntilOffset(step.at_ms, label + " at +" + Secs(step.at_ms));
  Result<ClusterRoles> roles = AwaitReady(label + ": one agreed leader, every member running");
  if (!roles.ok()) {
    ctx_.Expect(false, label + " (" + chaos::DescribeStep(step) + ") not applied: the cluster did not recover within " +
                           Secs(kReadyDeadlineMs) + " of the previous step (" + roles.status().message() + ")");
    return Status::Ok();
  }
  Result<ResolvedStep> r = ResolveStep(step, *roles);
  if (!r.ok()) {
    ctx_.Expect(false, label + " (" + chaos::DescribeStep(step) + ") cannot be resolved: " + r.status().message());
    return Status::Ok();
  }
  std::string member_name;
  if (r->action == ResolvedStep::Action::kMemberChange) {
    member_name = "n" + std::to_string(next_member_++);
    r->targets = {member_name};
    r->description = "member change: " + member_name + " joins as a learner, is promoted, and is removed at the end";
  }
  const int64_t start_offset = OffsetMs();
  const int64_t late_ms = start_offset - step.at_ms;
  // A labelled line on the panels: restarts, transfers and member changes are no fault windows.
  ctx_.Mark(chaos::PlanFaultName(step.fault),
            label + " at +" + Secs(start_offset) + (late_ms > 500 ? " (" + Secs(late_ms) + " late)" : "") + ": " +
                r->description + (step.duration_ms > 0 ? " for " + Secs(step.duration_ms) : ""));
  Journal({{"kind", "plan_step"}, {"step", index + 1}, {"phase", "start"}, {"fault", chaos::PlanFaultName(step.fault)},
           {"target", chaos::PlanRoleName(step.target)}, {"planned_at_ms", step.at_ms}, {"at_ms", start_offset},
           {"members", r->targets}, {"description", r->description}});
  const int64_t applied_ns = MonoNowNs();
  std::string fault_id;
  bool added = false;   // member change: the new member is in the configuration (learner or voter)
  raftlab::Status applied = Status::Ok();
  switch (r->action) {
    case ResolvedStep::Action::kFault: {
      Result<v1::FaultInfo> f = ctx_.Fault(r->fault);
      if (f.ok()) fault_id = f->id();
      else applied = f.status();
      break;
    }
    case ResolvedStep::Action::kRestart: applied = ctx_.Restart(r->member, ""); break;
    case ResolvedStep::Action::kTransferLeader: {
      Result<v1::TransferLeaderReply> t = ctx_.TransferLeader(r->member);
      if (!t.ok()) applied = t.status();
      break;
    }
    case ResolvedStep::Action::kMemberChange: applied = MemberChangeStart(member_name, &added); break;
  }
  if (applied.ok()) ++faults_applied_;
  ctx_.Expect(applied.ok(), label + " applied" + (applied.ok() ? "" : ": " + applied.message()));
  // Hold, then undo.
  if (step.duration_ms > 0) WaitUntilOffset(start_offset + step.duration_ms, label + " held until +" + Secs(start_offset + step.duration_ms));
  raftlab::Status undone = Status::Ok();
  if (!fault_id.empty()) {
    Result<v1::FaultList> healed = ctx_.Heal(fault_id);
    if (!healed.ok()) undone = healed.status();
  }
  if (added) undone = MemberChangeEnd(member_name);
  if (!fault_id.empty() || r->action == ResolvedStep::Action::kMemberChange)
    ctx_.Expect(undone.ok(), label + " undone" + (undone.ok() ? "" : ": " + undone.message()));
  if (step.fault == PlanFault::kPause && step.target == PlanRole::kLeader && applied.ok())
    pauses_.push_back({index + 1, r->fault.target(), applied_ns, MonoNowNs()});
  Journal({{"kind", "plan_step"}, {"step", index + 1}, {"phase", "end"}, {"fault", chaos::PlanFaultName(step.fault)},
           {"at_ms", OffsetMs()}, {"ok", applied.ok() && undone.ok()},
           {"error", !applied.ok() ? applied.message() : undone.message()}});
  return Status::Ok();
}

void Soak::RecordPauseReads(const evidence::Run& run) {
  if (pauses_.empty()) return;
  ctx_.Section("Linearizable reads through followers while the leader was paused");
  ctx_.Record("process pauses around ReadIndex retries are a known source of stale reads in etcd 3.4 (upstream etcd "
              "issue 20418); the linearizability verdict below judges every one of these reads");
  Json facts = Json::array();
  for (const PauseWindow& w : pauses_) {
    uint64_t ok = 0, info = 0, fail = 0;
    std::set<std::string> via;
    for (const evidence::ClientOp& op : run.ops) {
      if (op.f != "get" || op.serializable || op.via == w.member) continue;
      if (op.invoke_ns < w.from_ns || op.invoke_ns > w.to_ns) continue;
      via.insert(op.via);
      if (op.outcome == evidence::OpOutcome::kOk) ++ok;
      else if (op.outcome == evidence::OpOutcome::kFail) ++fail;
      else ++info;
    }
    const int64_t paused_ms = (w.to_ns - w.from_ns) / 1'000'000;
    ctx_.Record("step " + std::to_string(w.step) + ": " + w.member + " (the leader) stopped for " + Secs(paused_ms) + ": " +
                std::to_string(ok + info + fail) + " linearizable reads through " +
                (via.empty() ? std::string("no follower") : JoinNames({via.begin(), via.end()})) + ": " +
                std::to_string(ok) + " ok, " + std::to_string(info) + " info, " + std::to_string(fail) + " fail");
    facts.push_back({{"step", w.step}, {"leader", w.member}, {"paused_ms", paused_ms},
                     {"follower_linearizable_reads", ok + info + fail}, {"ok", ok}, {"info", info}, {"fail", fail}});
  }
  ctx_.facts()["pause_leader"] = facts;
}

void Soak::QuoteMemberLogs(const evidence::Run& run, const std::vector<int64_t>& op_ids) {
  int64_t from = INT64_MAX, to = INT64_MIN;
  for (const evidence::ClientOp& op : run.ops) {
    if (std::find(op_ids.begin(), op_ids.end(), op.op_id) == op_ids.end()) continue;
    from = std::min(from, op.invoke_ns);
    to = std::max(to, op.complete_ns != 0 ? op.complete_ns : op.invoke_ns);
  }
  if (from > to) {
    ctx_.Record("the failing operations could not be found in the journal to place the members' log lines");
    return;
  }
  const int64_t lo = UtcMsOfDay(from) - kLogWindowMarginMs, hi = UtcMsOfDay(to) + kLogWindowMarginMs;
  ctx_.Record("the members' own log lines from " + Secs(kLogWindowMarginMs) + " before the first failing op to " +
              Secs(kLogWindowMarginMs) + " after the last (t=" + Secs((from - run.start_ns) / 1'000'000) + " .. " +
              Secs((to - run.start_ns) / 1'000'000) + "):");
  for (const LogMark& mark : log_marks_) {
    std::vector<std::string> lines;
    size_t more = 0;
    for (const LogLine& l : LinesSince(mark, "")) {
      const int64_t t = TsMsOfDay(l.ts);
      if (t < lo || t > hi) continue;
      if (lines.size() < kLogLinesPerMember) lines.push_back(QuoteLine(mark.member, l));
      else ++more;
    }
    std::string text = JoinNames(lines, "\n");
    if (more > 0) text += "\n(" + std::to_string(more) + " more lines of " + mark.member + " in the window: etcd/" + mark.member + ".log)";
    ctx_.Quote(lines.empty() ? mark.member + ": no log lines in the window" : text);
  }
}

void Soak::JudgeHistory(const evidence::Run& run) {
  ctx_.Section("Linearizability of the whole client history");
  std::vector<evidence::CheckerInfo> lin;
  for (const auto& c : evidence::AllCheckers())
    if (std::string(c.name) == "linearizability") lin.push_back(c);
  if (lin.empty()) {
    ctx_.Expect(false, "the linearizability checker is registered");
    ctx_.facts()["linearizable"] = "unknown";
    return;
  }
  const int64_t t0 = MonoNowNs();
  const evidence::Verdict v = evidence::RunCheckers(run, lin).front();
  const std::string took = Secs((MonoNowNs() - t0) / 1'000'000);
  const std::string first = v.evidence.empty() ? "" : v.evidence.front();
  ctx_.Record(std::string("linearizability: ") + evidence::ValidityName(v.validity) + " (checked in " + took + "): " + first);
  if (v.validity == evidence::Validity::kOk) ctx_.facts()["linearizable"] = true;
  else if (v.validity == evidence::Validity::kViolated) ctx_.facts()["linearizable"] = false;
  else ctx_.facts()["linearizable"] = "unknown";
  ctx_.facts()["linearizability_judged"] = v.judged;
  if (v.validity != evidence::Validity::kViolated) {
    if (v.validity != evidence::Validity::kOk) ctx_.Quote(JoinNames(v.evidence, "\n"));
    return;
  }
  ctx_.Section("Linearizability violated: the minimal failing sub-history and the members' logs around it");
  ctx_.Quote(JoinNames(v.evidence, "\n"));
  QuoteMemberLogs(run, FailingSubHistoryOpIds(v.evidence));
}

int LeaderChanges(const evidence::Run& run) {
  std::set<uint64_t> leader_terms;
  for (const evidence::RaftSample& s : run.samples)
    if (s.state == "StateLeader") leader_terms.insert(s.term);
  return leader_terms.empty() ? 0 : static_cast<int>(leader_terms.size()) - 1;
}

raftlab::Status Soak::Run() {
  Result<std::unique_ptr<driver::LoadJournal>> journal =
      driver::LoadJournal::Open(ctx_.run_dir() + "/journal.jsonl", "scenario soak");
  if (!journal.ok()) return journal.status();
  journal_ = std::move(*journal);
  RL_RETURN_IF_ERROR(MakePlan());
  next_member_ = ctx_.lab().members + 1;
  RL_RETURN_IF_ERROR(StartClients());
  ctx_.Section("The plan, step by step");
  for (size_t i = 0; i < plan_.steps.size(); ++i) RL_RETURN_IF_ERROR(RunStep(i));
  WaitUntilOffset(plan_.duration_ms, "the plan's quiet tail until +" + Secs(plan_.duration_ms));
  const int64_t overran = OffsetMs() - plan_.duration_ms;
  ctx_.Record("plan done at +" + Secs(OffsetMs()) + ": " + std::to_string(faults_applied_) + " of " +
              std::to_string(plan_.steps.size()) + " steps applied" +
              (overran > 1000 ? " (" + Secs(overran) + " past the plan's end: steps took longer than planned)" : ""));
  ctx_.facts()["faults_applied"] = faults_applied_;
  RL_RETURN_IF_ERROR(StopClients());

  ctx_.Section("Convergence");
  Result<v1::StatusReply> settled = ctx_.AwaitStatus("one agreed leader and equal applied indexes on every member",
                                                     kConvergeDeadlineMs,
      [](const v1::StatusReply& s, std::string* d) {
        std::set<uint64_t> applied;
        for (const auto& m : s.members()) applied.insert(m.applied());
        *d = std::to_string(applied.size()) + " distinct applied indexes";
        return AgreedLeader(s).has_value() && applied.size() == 1;
      });
  ctx_.Expect(settled.ok(), settled.ok() ? "every member converged under leader " + AgreedLeader(*settled)->name
                                         : "members converged: " + settled.status().message());

  Result<evidence::Run> run = evidence::LoadRun(ctx_.run_dir());
  if (!run.ok()) {
    ctx_.Expect(false, "the run so far loads for the checkers: " + run.status().message());
    ctx_.facts()["linearizable"] = "unknown";
    return Status::Ok();
  }
  const int changes = LeaderChanges(*run);
  ctx_.facts()["leader_changes"] = changes;
  ctx_.Record(std::to_string(changes) + " leader changes over the soak (distinct terms with a sampled leader, minus the first)");
  RecordPauseReads(*run);
  JudgeHistory(*run);
  return Status::Ok();
}

}  // namespace

raftlab::Status RunSoakWith(ScenarioContext& ctx, const SoakSpec& spec) {
  Soak soak(ctx, spec);
  return soak.Run();
}

raftlab::Status RunSoak(ScenarioContext& ctx) {
  SoakSpec catalogue;
  if (ctx.options().soak_ms > 0) catalogue.duration_ms = ctx.options().soak_ms;   // lab --soak-duration
  return RunSoakWith(ctx, catalogue);
}

}  // namespace raftlab::scenarios
