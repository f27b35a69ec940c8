// CLI commands that break the lab and mend it: partition, loss, delay, bandwidth, kill,
// pause, resume, restart, slow-disk, faults, heal.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <iomanip>
#include <sstream>

#include "common/json_util.h"
#include "driver/cli.h"
#include "driver/daemon_client.h"
#include "driver/lab_service.h"

namespace raftlab::driver {
namespace {

const FlagSpec kJson{"json", false, "machine-readable output"};

std::vector<std::string> SplitOn(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, sep);)
    if (!item.empty()) out.push_back(item);
  return out;
}

// "n1 / n2,n3" (as one or several words) -> {{n1},{n2,n3}}.
std::vector<std::vector<std::string>> ParseGroups(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& w : words) joined += w + " ";
  std::vector<std::vector<std::string>> groups;
  for (const auto& side : SplitOn(joined, '/')) {
    std::vector<std::string> members;
    for (const auto& piece : SplitOn(side, ','))
      for (const auto& m : SplitOn(piece, ' ')) members.push_back(m);
    groups.push_back(members);
  }
  return groups;
}

Json FaultJson(const v1::FaultInfo& f) {
  Result<Json> detail = ParseJson(f.detail_json());
  return {{"id", f.id()}, {"kind", f.kind()}, {"targets", std::vector<std::string>(f.targets().begin(), f.targets().end())},
          {"since", f.since()}, {"mechanism", f.mechanism()}, {"description", f.description()},
          {"detail", detail.ok() ? *detail : Json()}, {"error", f.error()}};
}

int ApplyFault(const std::string& cmd, const v1::FaultRequest& req, const ParsedArgs& a, CliContext& ctx) {
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return ctx.Fail(cmd, daemon.status());
  grpc::ClientContext call;
  v1::FaultInfo info;
  grpc::Status s = (*daemon)->stub()->ApplyFault(&call, req, &info);
  if (!s.ok()) return ctx.Fail(cmd, FromGrpcStatus(s));
  if (a.Has("json")) {
    ctx.out << FaultJson(info).dump(2) << "\n";
  } else {
    ctx.out << info.id() << ": " << info.description() << "  [" << info.mechanism() << "]\n";
    Result<Json> detail = ParseJson(info.detail_json());
    if (detail.ok() && detail->contains("resolved"))
      for (auto& [spec, name] : (*detail)["resolved"].items()) ctx.out << "  " << spec << " = " << name.get<std::string>() << "\n";
    ctx.out << "  undo with: raftlab heal " << info.id() << "\n";
  }
  return 0;
}

int Partition(const ParsedArgs& a, CliContext& ctx) {
  v1::FaultRequest req;
  if (a.Has("isolate")) {
    if (!a.positional.empty()) return ctx.Fail("partition", InvalidArgument("--isolate takes one member and no groups"));
    req.set_kind("partition");
    // The daemon resolves "leader"/"a-follower"; the rest is everyone else.
    req.add_groups()->add_members(a.Get("isolate"));
    req.set_target(a.Get("isolate"));
    req.set_kind("isolate");
  } else if (a.Has("one-way")) {
    std::string joined;
    for (const auto& w : a.positional) joined += w + " ";
    size_t arrow;
    while ((arrow = joined.find("->")) != std::string::npos) joined.replace(arrow, 2, " ");
    std::vector<std::string> ends = SplitOn(joined, ' ');
    if (ends.size() != 2) return ctx.Fail("partition", InvalidArgument("--one-way needs FROM TO, e.g. --one-way n1 n2 (or 'n1 -> n2', quoted)"));
    req.set_kind("one-way");
    req.set_from(ends[0]);
    req.set_to(ends[1]);
  } else {
    std::vector<std::vector<std::string>> groups = ParseGroups(a.positional);
    if (a.Has("bridge")) {
      req.set_kind("bridge");
      req.set_bridge(a.Get("bridge"));
      if (groups.size() != 2) return ctx.Fail("partition", InvalidArgument("--bridge M needs two sides: --bridge n3 n1 / n2"));
    } else {
      req.set_kind("partition");
      if (groups.size() < 2) return ctx.Fail("partition", InvalidArgument("give at least two groups separated by '/': n1 / n2,n3"));
    }
    for (const auto& g : groups) {
      v1::Group* group = req.add_groups();
      for (const auto& m : g) group->add_members(m);
    }
  }
  return ApplyFault("partition", req, a, ctx);
}

int Loss(const ParsedArgs& a, CliContext& ctx) {
  std::string pct = a.positional[1];
  if (!pct.empty() && pct.back() == '%') pct.pop_back();
  char* end = nullptr;
  double v = strtod(pct.c_str(), &end);
  if (pct.empty() || *end != '\0' || v <= 0 || v >= 100)
    return ctx.Fail("loss", InvalidArgument("loss must be a percentage between 0 and 100, e.g. 30%, got '" + a.positional[1] + "'"));
  v1::FaultRequest req;
  req.set_kind("loss");
  req.set_target(a.positional[0]);
  req.set_probability(v / 100.0);
  return ApplyFault("loss", req, a, ctx);
}

int Delay(const ParsedArgs& a, CliContext& ctx) {
  Result<long> ms = ParseDurationMs(a.positional[1]);
  if (!ms.ok()) return ctx.Fail("delay", ms.status());
  v1::FaultRequest req;
  req.set_kind("delay");
  req.set_target(a.positional[0]);
  req.set_delay_ms(static_cast<uint32_t>(*ms));
  for (const auto& p : SplitOn(a.Get("to"), ',')) req.add_peers(p);
  return ApplyFault("delay", req, a, ctx);
}

int Bandwidth(const ParsedArgs& a, CliContext& ctx) {
  v1::FaultRequest req;
  req.set_kind("bandwidth");
  req.set_target(a.positional[0]);
  req.set_rate(a.positional[1]);
  return ApplyFault("bandwidth", req, a, ctx);
}

int Kill(const ParsedArgs& a, CliContext& ctx) {
  v1::FaultRequest req;
  req.set_kind("kill");
  req.set_target(a.positional[0]);
  std::string sig = a.Get("signal", "KILL");
  if (sig.rfind("SIG", 0) == 0) sig = sig.substr(3);
  static const std::map<std::string, int> kSignals = {{"KILL", SIGKILL}, {"TERM", SIGTERM}, {"INT", SIGINT}, {"9", SIGKILL}, {"15", SIGTERM}};
  auto it = kSignals.find(sig);
  if (it == kSignals.end()) return ctx.Fail("kill", InvalidArgument("--signal must be KILL, TERM or INT, got '" + a.Get("signal") + "'"));
  req.set_signal(it->second);
  return ApplyFault("kill", req, a, ctx);
}

int Pause(const ParsedArgs& a, CliContext& ctx) {
  v1::FaultRequest req;
  req.set_kind("pause");
  req.set_target(a.positional[0]);
  return ApplyFault("pause", req, a, ctx);
}

int SlowDisk(const ParsedArgs& a, CliContext& ctx) {
  if (!a.Has("fsync")) return ctx.Fail("slow-disk", InvalidArgument("--fsync DURATION is required, e.g. --fsync 1500ms"));
  Result<long> ms = ParseDurationMs(a.Get("fsync"));
  if (!ms.ok()) return ctx.Fail("slow-disk", ms.status());
  v1::FaultRequest req;
  req.set_kind("slow-disk");
  req.set_target(a.positional[0]);
  req.set_fsync_ms(static_cast<uint32_t>(*ms));
  return ApplyFault("slow-disk", req, a, ctx);
}

Result<v1::FaultList> ListFaults(CliContext& ctx) {
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return daemon.status();
  grpc::ClientContext call;
  v1::FaultList list;
  grpc::Status s = (*daemon)->stub()->ListFaults(&call, v1::ListFaultsRequest(), &list);
  if (!s.ok()) return FromGrpcStatus(s);
  return list;
}

int Faults(const ParsedArgs& a, CliContext& ctx) {
  Result<v1::FaultList> list = ListFaults(ctx);
  if (!list.ok()) return ctx.Fail("faults", list.status());
  if (a.Has("json")) {
    Json arr = Json::array();
    for (const auto& f : list->faults()) arr.push_back(FaultJson(f));
    ctx.out << Json{{"faults", arr}}.dump(2) << "\n";
    return 0;
  }
  if (list->faults_size() == 0) {
    ctx.out << "no active faults\n";
    return 0;
  }
  ctx.out << std::left << std::setw(6) << "ID" << std::setw(11) << "KIND" << std::setw(14) << "TARGETS" << std::setw(26)
          << "SINCE" << "WHAT\n";
  for (const auto& f : list->faults()) {
    std::string targets;
    for (const auto& t : f.targets()) targets += (targets.empty() ? "" : ",") + t;
    ctx.out << std::left << std::setw(6) << f.id() << std::setw(11) << f.kind() << std::setw(14) << targets
            << std::setw(26) << f.since() << f.description() << "  [" << f.mechanism() << "]\n";
    if (!f.error().empty()) ctx.out << "      its revert failed (`raftlab heal " << f.id() << "` retries): " << f.error() << "\n";
  }
  return 0;
}

int Heal(const std::string& cmd, const std::string& id, const ParsedArgs& a, CliContext& ctx) {
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return ctx.Fail(cmd, daemon.status());
  grpc::ClientContext call;
  v1::HealRequest req;
  req.set_id(id);
  v1::FaultList healed;
  grpc::Status s = (*daemon)->stub()->Heal(&call, req, &healed);
  if (!s.ok()) return ctx.Fail(cmd, FromGrpcStatus(s));
  if (a.Has("json")) {
    Json arr = Json::array();
    for (const auto& f : healed.faults()) arr.push_back(FaultJson(f));
    ctx.out << Json{{"healed", arr}}.dump(2) << "\n";
  } else if (healed.faults_size() == 0) {
    ctx.out << "no active faults\n";
  } else {
    for (const auto& f : healed.faults()) ctx.out << "healed " << f.id() << ": " << f.description() << "\n";
  }
  return 0;
}

int Resume(const ParsedArgs& a, CliContext& ctx) {
  Result<v1::FaultList> list = ListFaults(ctx);
  if (!list.ok()) return ctx.Fail("resume", list.status());
  for (const auto& f : list->faults())
    if (f.kind() == "pause" && f.targets_size() == 1 && f.targets(0) == a.positional[0])
      return Heal("resume", f.id(), a, ctx);
  return ctx.Fail("resume", FailedPrecondition(a.positional[0] + " is not paused (raftlab faults lists what is)"));
}

int Restart(const ParsedArgs& a, CliContext& ctx) {
  v1::RestartRequest req;
  req.set_member(a.positional[0]);
  req.set_wal_dir(a.Get("wal-dir"));
  // 0 (absent) keeps the member's value; raftlabd checks etcd's limits (election >= 5 x
  // heartbeat) against the member's flags before it stops the member.
  Result<long> heartbeat = a.GetInt("heartbeat-ms", 0), election = a.GetInt("election-ms", 0);
  if (!heartbeat.ok()) return ctx.Fail("restart", heartbeat.status());
  if (!election.ok()) return ctx.Fail("restart", election.status());
  if (*heartbeat > 50000 || *election > 50000)
    return ctx.Fail("restart", InvalidArgument("--heartbeat-ms and --election-ms must be at most 50000 (etcd's limit)"));
  req.set_heartbeat_ms(static_cast<uint32_t>(*heartbeat));
  req.set_election_ms(static_cast<uint32_t>(*election));
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return ctx.Fail("restart", daemon.status());
  grpc::ClientContext call;
  auto reader = (*daemon)->stub()->Restart(&call, req);
  v1::UpProgress p;
  while (reader->Read(&p))
    if (!p.line().empty()) ctx.err << "  " << p.line() << "\n" << std::flush;
  grpc::Status s = reader->Finish();
  if (!s.ok()) return ctx.Fail("restart", FromGrpcStatus(s));
  ctx.out << "restarted " << req.member() << "\n";
  return 0;
}

}  // namespace

std::vector<Command> ChaosCommands() {
  return {
      {"partition", "[GROUP / GROUP ...]", "cut the network between groups of members (iptables, inside the lab)",
       {{"isolate", true, "MEMBER  cut MEMBER (or leader, a-follower) off from all others"},
        {"one-way", false, "FROM TO: drop FROM's packets to TO only (quote an arrow: 'n1 -> n2')"},
        {"bridge", true, "MEMBER  MEMBER sees both sides; the two sides do not see each other"}, kJson},
       0, 16, Partition,
       "Examples:\n  raftlab partition n1 / n2,n3\n  raftlab partition --isolate leader\n"
       "  raftlab partition --one-way n1 n2\n  raftlab partition --bridge n3 n1 / n2\n"
       "Every member must be in a group (or be the --bridge member): `n1 / n2` on three members is refused.\n"
       "\"leader\" and \"a-follower\" are resolved when the fault is applied; the journal records to whom."},
      {"loss", "MEMBER PERCENT", "drop PERCENT of MEMBER's peer traffic at random (iptables statistic)", {kJson}, 2, 2, Loss},
      {"delay", "MEMBER DURATION", "delay MEMBER's outgoing peer traffic (tc netem, else raftlab-delayer on NFQUEUE)",
       {{"to", true, "PEERS  only toward these members (comma-separated)"}, kJson}, 2, 2, Delay},
      {"bandwidth", "MEMBER RATE", "limit MEMBER's link to RATE, e.g. 256kbit (tc tbf)", {kJson}, 2, 2, Bandwidth},
      {"kill", "MEMBER", "kill the member's etcd (SIGKILL by default); heal restarts it",
       {{"signal", true, "SIG  KILL, TERM or INT"}, kJson}, 1, 1, Kill},
      {"pause", "MEMBER", "freeze the member's etcd (SIGSTOP); resume or heal continues it", {kJson}, 1, 1, Pause},
      {"resume", "MEMBER", "continue a paused member (SIGCONT)", {kJson}, 1, 1, Resume},
      {"restart", "MEMBER", "stop (if running) and start the member on its own data",
       {{"wal-dir", true, "fast|slow  move the WAL off or onto the lab's slow-fsync mount first"},
        {"election-ms", true, "MS  restart with this etcd --election-timeout (default: the member's current one)"},
        {"heartbeat-ms", true, "MS  restart with this etcd --heartbeat-interval (default: the member's current one)"}},
       1, 1, Restart,
       "Examples:\n  raftlab restart n2 --wal-dir fast\n  raftlab restart n1 --election-ms 5000\n"
       "A rolling change of the election timeout restarts one member at a time; etcd requires\n"
       "election >= 5 x heartbeat and election <= 50000 ms, checked before the member stops."},
      {"slow-disk", "MEMBER", "delay the member's WAL fsyncs (its WAL must be on the slowfs mount: up --slow-wal)",
       {{"fsync", true, "DURATION  added to every fsync, e.g. 1500ms"}, kJson}, 1, 1, SlowDisk},
      {"faults", "", "list active faults: id, kind, targets, since", {kJson}, 0, 0, Faults},
      {"heal", "[ID]", "undo one fault, or all of them", {kJson}, 0, 1,
       [](const ParsedArgs& a, CliContext& ctx) { return Heal("heal", a.positional.empty() ? "" : a.positional[0], a, ctx); }},
  };
}

}  // namespace raftlab::driver
