// CLI commands that operate the lab through raftlabd: up, down, status, put, get, env, logs.
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cluster/topology.h"
#include "common/clock.h"
#include "common/json_util.h"
#include "common/privileges.h"
#include "driver/cli.h"
#include "driver/daemon_client.h"
#include "driver/lab_down.h"
#include "driver/lab_service.h"

namespace raftlab::driver {
namespace {

Json MemberJson(const v1::MemberStatus& m) {
  Json match = Json::object();
  for (const auto& p : m.progress()) match[p.peer()] = p.match();
  return {{"name", m.name()}, {"id", m.id()}, {"role", m.role()}, {"term", m.term()},
          {"commit", m.commit()}, {"applied", m.applied()}, {"leader", m.leader()},
          {"healthy", m.healthy()}, {"learner", m.learner()}, {"match", match},
          {"client_url", m.client_url()}, {"process", m.process()}, {"error", m.error()}};
}

void PrintStatusTable(const v1::StatusReply& reply, std::ostream& out) {
  out << std::left << std::setw(7) << "MEMBER" << std::setw(18) << "ID" << std::setw(13) << "ROLE"
      << std::setw(6) << "TERM" << std::setw(8) << "COMMIT" << std::setw(9) << "APPLIED" << std::setw(8)
      << "LEADER" << std::setw(9) << "HEALTHY" << "MATCH (leader's view)\n";
  for (const auto& m : reply.members()) {
    std::string match;
    for (const auto& p : m.progress()) match += (match.empty() ? "" : " ") + p.peer() + "=" + std::to_string(p.match());
    if (!m.healthy() && !m.error().empty()) match += (match.empty() ? "" : "  ") + std::string("(") + m.error() + ")";
    out << std::left << std::setw(7) << m.name() << std::setw(18) << (m.id().empty() ? "-" : m.id()) << std::setw(13)
        << m.role() << std::setw(6) << m.term() << std::setw(8) << m.commit() << std::setw(9) << m.applied()
        << std::setw(8) << (m.leader().empty() ? "-" : m.leader()) << std::setw(9) << (m.healthy() ? "yes" : "NO")
        << match << "\n";
  }
}

std::string DefaultJournalPath() {
  return (std::filesystem::current_path() / "runs" / (WallNowCompact() + "-session") / "journal.jsonl").string();
}

int Up(const ParsedArgs& a, CliContext& ctx) {
  if (Status s = CheckNetAdmin(); !s.ok()) return ctx.Fail("up", s);
  v1::UpRequest req;
  v1::LabFlags* f = req.mutable_flags();
  for (auto [flag, fallback] : std::vector<std::pair<const char*, long>>{
           {"members", 3}, {"heartbeat-ms", 100}, {"election-ms", 1000}, {"snapshot-count", 0}, {"sample-ms", 50}}) {
    Result<long> v = a.GetInt(flag, fallback);
    if (!v.ok()) return ctx.Fail("up", v.status());
  }
  f->set_members(static_cast<uint32_t>(*a.GetInt("members", 3)));
  f->set_heartbeat_ms(static_cast<uint32_t>(*a.GetInt("heartbeat-ms", 100)));
  f->set_election_ms(static_cast<uint32_t>(*a.GetInt("election-ms", 1000)));
  f->set_snapshot_count(static_cast<uint64_t>(*a.GetInt("snapshot-count", 0)));
  f->set_sample_interval_ms(static_cast<uint32_t>(*a.GetInt("sample-ms", 50)));
  f->set_pre_vote(a.Has("pre-vote"));
  f->set_slow_wal(a.Has("slow-wal"));
  f->set_capture(a.Has("capture"));
  f->set_prometheus(a.Has("prometheus"));
  Result<long> scrape = ParseDurationMs(a.Get("prometheus-interval", "500ms"));
  if (!scrape.ok()) return ctx.Fail("up", scrape.status());
  if (*scrape < 100 || *scrape > 1000)
    return ctx.Fail("up", InvalidArgument("--prometheus-interval must be between 100ms and 1s"));
  f->set_prometheus_interval_ms(static_cast<uint32_t>(*scrape));
  f->set_etcd_binary(a.Get("etcd", "/usr/bin/etcd"));
  f->set_journal_path(std::filesystem::absolute(a.Get("journal", DefaultJournalPath())).string());
  req.set_keep_data(a.Has("keep-data"));
  for (const auto& placement : a.GetAll("agent")) {
    const size_t eq = placement.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == placement.size())
      return ctx.Fail("up", InvalidArgument("--agent needs NAME=HOST:PORT, got '" + placement + "'"));
    (*req.mutable_agents())[placement.substr(0, eq)] = placement.substr(eq + 1);
  }
  if (a.Has("token-file")) req.set_token_file(std::filesystem::absolute(a.Get("token-file")).string());
  if (f->members() < 1 || f->members() > static_cast<uint32_t>(cluster::kMaxMembers))
    return ctx.Fail("up", InvalidArgument("--members must be between 1 and " + std::to_string(cluster::kMaxMembers)));
  if (req.agents_size() < static_cast<int>(f->members()) && !IsExecutable(f->etcd_binary()))
    return ctx.Fail("up", FailedPrecondition("etcd binary not found at " + f->etcd_binary() +
                                             ": apt-get install etcd-server (make lab does), or pass --etcd PATH"));
  auto say = [&ctx](const std::string& line) { ctx.err << "  " << line << "\n" << std::flush; };
  Result<DaemonClient*> daemon = ctx.Daemon();
  bool started_daemon = false;
  if (!daemon.ok()) {
    started_daemon = true;
    Result<std::unique_ptr<DaemonClient>> started = DaemonClient::StartAndConnect(ctx.state_dir, ctx.self_path, say);
    if (!started.ok()) return ctx.Fail("up", started.status());
    ctx.daemon = std::move(*started);
    daemon = ctx.daemon.get();
  }
  grpc::ClientContext call;
  auto reader = (*daemon)->stub()->Up(&call, req);
  v1::UpProgress p;
  v1::UpProgress last;
  while (reader->Read(&p)) {
    if (!p.line().empty()) say(p.line());
    if (p.done()) last = p;
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) {
    // A control plane started only for this failed `up` must not stay behind.
    if (started_daemon) {
      grpc::ClientContext down_call;
      v1::DownReply ignored;
      if ((*daemon)->stub()->Down(&down_call, v1::DownRequest(), &ignored).ok()) (void)(*daemon)->WaitForExit(15000, say);
    }
    return ctx.Fail("up", FromGrpcStatus(s));
  }
  if (a.Has("json")) {
    Json members = Json::array();
    for (const auto& m : last.status().members()) members.push_back(MemberJson(m));
    ctx.out << Json{{"members", members}, {"journal", last.journal_path()}}.dump(2) << "\n";
  } else {
    ctx.out << "lab up: " << last.status().members_size() << " members; journal " << last.journal_path() << "\n";
    PrintStatusTable(last.status(), ctx.out);
  }
  return 0;
}

int Down(const ParsedArgs& a, CliContext& ctx) {
  if (Status s = CheckNetAdmin(); !s.ok()) return ctx.Fail("down", s);
  Result<DaemonClient*> daemon = ctx.Daemon();
  auto say = [&ctx](const std::string& line) { ctx.err << "  " << line << "\n" << std::flush; };
  LabDownOutcome down = TakeLabDown(ctx.state_dir, daemon.ok() ? *daemon : nullptr, say);
  // raftlabd failing (or not exiting) is reported; its leftovers are swept all the same.
  if (!down.daemon_status.ok())
    ctx.err << "raftlab down: raftlabd: " << down.daemon_status.ToString() << "; removed what it left directly\n";
  if (a.Has("json")) {
    ctx.out << Json{{"removed", down.removed}, {"journal", down.journal_path}, {"left", down.still}}.dump(2) << "\n";
  } else {
    if (down.removed.empty()) ctx.out << "no lab was up; nothing to remove\n";
    for (const auto& line : down.removed) ctx.out << "  " << line << "\n";
    if (!down.journal_path.empty()) ctx.out << "journal kept at " << down.journal_path << "\n";
  }
  if (!down.still.empty()) {
    for (const auto& d : down.still) ctx.err << "raftlab down: still present: " << d << "\n";
    return 1;
  }
  return 0;
}

int StatusCmd(const ParsedArgs& a, CliContext& ctx) {
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return ctx.Fail("status", daemon.status());
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::StatusReply reply;
  grpc::Status s = (*daemon)->stub()->Status(&call, v1::StatusRequest(), &reply);
  if (!s.ok()) return ctx.Fail("status", FromGrpcStatus(s));
  if (a.Has("json")) {
    Json members = Json::array();
    for (const auto& m : reply.members()) members.push_back(MemberJson(m));
    ctx.out << Json{{"members", members}}.dump(2) << "\n";
  } else {
    PrintStatusTable(reply, ctx.out);
  }
  return 0;
}

int Put(const ParsedArgs& a, CliContext& ctx) {
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return ctx.Fail("put", daemon.status());
  Result<long> timeout = ParseDurationMs(a.Get("timeout", "10s"));
  if (!timeout.ok()) return ctx.Fail("put", timeout.status());
  v1::PutRequest req;
  req.set_key(a.positional[0]);
  req.set_value(a.positional[1]);
  req.set_via(a.Get("via"));
  req.set_timeout_ms(static_cast<uint32_t>(*timeout));
  grpc::ClientContext call;
  v1::PutReply reply;
  grpc::Status s = (*daemon)->stub()->Put(&call, req, &reply);
  if (!s.ok()) return ctx.Fail("put", FromGrpcStatus(s));
  if (a.Has("json")) ctx.out << Json{{"key", req.key()}, {"revision", reply.revision()}, {"via", reply.via()}}.dump() << "\n";
  else ctx.out << "OK revision " << reply.revision() << " via " << reply.via() << "\n";
  return 0;
}

int Get(const ParsedArgs& a, CliContext& ctx) {
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return ctx.Fail("get", daemon.status());
  Result<long> timeout = ParseDurationMs(a.Get("timeout", "10s"));
  if (!timeout.ok()) return ctx.Fail("get", timeout.status());
  v1::GetRequest req;
  req.set_key(a.positional[0]);
  req.set_via(a.Get("via"));
  req.set_serializable(a.Has("serializable"));
  req.set_timeout_ms(static_cast<uint32_t>(*timeout));
  grpc::ClientContext call;
  v1::GetReply reply;
  grpc::Status s = (*daemon)->stub()->Get(&call, req, &reply);
  if (!s.ok()) return ctx.Fail("get", FromGrpcStatus(s));
  if (a.Has("json")) {
    ctx.out << Json{{"key", req.key()}, {"found", reply.found()}, {"value", reply.value()},
                    {"mod_revision", reply.mod_revision()}, {"revision", reply.revision()}, {"via", reply.via()},
                    {"serializable", req.serializable()}}.dump() << "\n";
  } else if (reply.found()) {
    ctx.out << reply.value() << "\n";
  } else {
    ctx.err << "raftlab get: key '" << req.key() << "' not found (via " << reply.via() << ")\n";
  }
  return reply.found() ? 0 : 1;
}

int Env(const ParsedArgs& a, CliContext& ctx) {
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return ctx.Fail("env", daemon.status());
  grpc::ClientContext call;
  v1::EnvReply reply;
  grpc::Status s = (*daemon)->stub()->Env(&call, v1::EnvRequest(), &reply);
  if (!s.ok()) return ctx.Fail("env", FromGrpcStatus(s));
  Json j = Json::object();
  for (const auto& line : reply.lines()) {
    size_t eq = line.find('=');
    if (a.Has("json")) j[line.substr(0, eq)] = line.substr(eq + 1);
    else ctx.out << "export " << line << "\n";
  }
  if (a.Has("json")) ctx.out << j.dump(2) << "\n";
  return 0;
}

int Logs(const ParsedArgs& a, CliContext& ctx) {
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return ctx.Fail("logs", daemon.status());
  grpc::ClientContext call;
  v1::MemberInfoRequest req;
  req.set_name(a.positional[0]);
  v1::MemberInfoReply reply;
  grpc::Status s = (*daemon)->stub()->MemberInfo(&call, req, &reply);
  if (!s.ok()) return ctx.Fail("logs", FromGrpcStatus(s));
  std::ifstream in(reply.log_path());
  if (!in) return ctx.Fail("logs", NotFound("no log at " + reply.log_path()));
  if (a.Has("path")) {
    ctx.out << reply.log_path() << "\n";
    return 0;
  }
  Result<long> tail = a.GetInt("tail", 0);
  if (!tail.ok()) return ctx.Fail("logs", tail.status());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  size_t from = *tail > 0 && static_cast<size_t>(*tail) < lines.size() ? lines.size() - static_cast<size_t>(*tail) : 0;
  for (size_t i = from; i < lines.size(); ++i) ctx.out << lines[i] << "\n";
  return 0;
}

}  // namespace

std::vector<Command> LabCommands() {
  const FlagSpec json{"json", false, "machine-readable output"};
  return {
      {"up", "", "bring up a lab: etcd members, each in its own network namespace",
       {{"members", true, "N  members (1-9, default 3)"},
        {"heartbeat-ms", true, "MS  etcd --heartbeat-interval (default 100)"},
        {"election-ms", true, "MS  etcd --election-timeout (default 1000)"},
        {"pre-vote", false, "start members with --pre-vote"},
        {"snapshot-count", true, "N  etcd --snapshot-count (default: etcd's)"},
        {"sample-ms", true, "MS  sampler period for raft.status (default 50; /metrics is read every 500 ms)"},
        {"journal", true, "PATH  journal file (default runs/<time>-session/journal.jsonl)"},
        {"etcd", true, "PATH  etcd binary (default /usr/bin/etcd)"},
        {"slow-wal", false, "put every WAL on the lab's FUSE mount (fsync delay 0) so slow-disk works"},
        {"capture", false, "capture the peer traffic on the lab bridge; down leaves wire.pcap and messages.jsonl in the run"},
        {"prometheus", false, "also run Debian's prometheus (127.0.0.1:9090) scraping every member and the exporter"},
        {"prometheus-interval", true, "DUR  its scrape interval, 100ms-1s (default 500ms)"},
        {"keep-data", false, "move an earlier lab's member data to <state>/kept/<UTC time>/ instead of removing it"},
        {"agent", true, "NAME=HOST:PORT  run member NAME on that raftlab-agent (repeatable)"},
        {"token-file", true, "FILE  the agents' token (needed with --agent)"},
        json},
       0, 0, Up,
       "Starts raftlabd if it is not running. Members are n1..nN at 127.99.0.11.., client port 2379,\n"
       "peer port 2380, inside namespaces rl-n1..; needs root. A member named by --agent runs on that\n"
       "raftlab-agent at the address it reports. Every up starts a fresh cluster: an earlier lab's\n"
       "leftovers and member data are removed first (also after a crash), or kept aside with --keep-data."},
      {"down", "", "take the lab down: nothing of it remains (also cleans up after a crash)", {json}, 0, 0, Down},
      {"status", "", "member, id, role, term, commit, applied, leader, match per peer, health", {json}, 0, 0, StatusCmd},
      {"put", "KEY VALUE", "write a key through a member (default: the leader)",
       {{"via", true, "MEMBER  send through this member"}, {"timeout", true, "DUR  deadline (default 10s)"}, json},
       2, 2, Put},
      {"get", "KEY", "read a key (linearizable unless --serializable)",
       {{"via", true, "MEMBER  read through this member"},
        {"serializable", false, "local read, possibly stale"},
        {"timeout", true, "DUR  deadline (default 10s)"}, json},
       1, 1, Get, "Exit 1 when the key is absent."},
      {"env", "", "print ETCDCTL_ENDPOINTS=... (and more) so stock etcdctl works against the lab", {json}, 0, 0, Env,
       "Use: eval $(raftlab env) && etcdctl get greeting"},
      {"logs", "MEMBER", "print that member's own etcd log",
       {{"tail", true, "N  only the last N lines"}, {"path", false, "print the log's path only"}}, 1, 1, Logs},
  };
}

}  // namespace raftlab::driver
