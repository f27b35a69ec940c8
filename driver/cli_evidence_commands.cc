// CLI commands that read evidence: wal dump, snap show, check run, check history. They work
// offline on any data dir or run dir; given a member name instead, they ask raftlabd where
// that member's data lives.
#include <grpcpp/grpcpp.h>

#include "dashboards/gnuplot_panels.h"
#include "dashboards/grafana_json.h"
#include "driver/cli.h"
#include "driver/daemon_client.h"
#include "driver/lab_service.h"
#include "evidence/check_history_cli.h"
#include "evidence/check_run_cli.h"
#include "evidence/wal_cli.h"

namespace raftlab::driver {
namespace {

const FlagSpec kJson{"json", false, "machine-readable output"};

// The data dir to read: --dir PATH, or the live member's own.
Result<std::string> DataDirFor(const ParsedArgs& a, CliContext& ctx) {
  if (a.Has("dir")) {
    if (!a.positional.empty()) return InvalidArgument("give a MEMBER or --dir PATH, not both");
    return a.Get("dir");
  }
  if (a.positional.size() != 1) return InvalidArgument("give a MEMBER (e.g. n2) or --dir PATH");
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return daemon.status();
  grpc::ClientContext call;
  v1::MemberInfoRequest req;
  req.set_name(a.positional[0]);
  v1::MemberInfoReply reply;
  grpc::Status s = (*daemon)->stub()->MemberInfo(&call, req, &reply);
  if (!s.ok()) return FromGrpcStatus(s);
  // A WAL moved off the data dir (restart --wal-dir slow) is read where it is.
  return reply.wal_dir().find("/member/wal") == std::string::npos ? reply.wal_dir() : reply.data_dir();
}

int WalDump(const ParsedArgs& a, CliContext& ctx) {
  Result<std::string> dir = DataDirFor(a, ctx);
  if (!dir.ok()) return ctx.Fail("wal dump", dir.status());
  return evidence::RunWalDump(*dir, a.Has("json"), ctx.out, ctx.err);
}

int SnapShow(const ParsedArgs& a, CliContext& ctx) {
  Result<std::string> dir = DataDirFor(a, ctx);
  if (!dir.ok()) return ctx.Fail("snap show", dir.status());
  return evidence::RunSnapShow(*dir, a.Has("json"), ctx.out, ctx.err);
}

int Panels(const ParsedArgs& a, CliContext& ctx) {
  std::vector<std::string> written;
  Status s = dashboards::DrawPanels(a.positional[0], &written);
  if (!s.ok()) return ctx.Fail("panels", s);
  for (const auto& f : written) ctx.out << f << "\n";
  return 0;
}

int DashboardsExport(const ParsedArgs& a, CliContext& ctx) {
  std::vector<std::string> written;
  Status s = dashboards::ExportDashboards(a.positional[0], a.Get("prometheus-url", "http://127.0.0.1:9090"), &written);
  if (!s.ok()) return ctx.Fail("dashboards export", s);
  for (const auto& f : written) ctx.out << f << "\n";
  return 0;
}

}  // namespace

std::vector<Command> EvidenceCommands() {
  const FlagSpec dir{"dir", true, "PATH  an etcd 3.4 data dir (offline; no lab needed)"};
  const FlagSpec require{"require", true,
                        "SPEC  verdicts that must be earned, e.g. durability:all,commit_quorum:5,log_matching"};
  Command check_run{"check run", "RUN_DIR", "judge a recorded run with every checker; writes verdicts.json",
                    {require, kJson}, 1, 1,
                    [](const ParsedArgs& a, CliContext& ctx) {
                      std::vector<std::string> args = a.positional;
                      if (a.Has("require")) {
                        args.push_back("--require");
                        args.push_back(a.Get("require", ""));
                      }
                      if (a.Has("json")) args.push_back("--json");
                      return evidence::RunCheckRun(args, ctx.out, ctx.err);
                    },
                    "Required verdicts: --require SPEC (a bare name: ok on >= 1 judged instance; :N at least N;\n"
                    ":all every instance the run held), else what the run's scenario recorded in result.json,\n"
                    "else every checker the run exercised. Exit 0 every required verdict earned, 1 a property\n"
                    "was violated, 2 bad input, 3 a required verdict unknown, not applicable or below its minimum."};
  Command check_history{"check history", "FILE", "linearizability of a client history",
                        {{"format", true, "jsonl|jepsen|edn-kv  (default: detected)"},
                         {"timeout", true, "S  search budget in seconds"}, kJson},
                        1, 1,
                        [](const ParsedArgs& a, CliContext& ctx) {
                          std::vector<std::string> args = a.positional;
                          for (const char* f : {"format", "timeout"})
                            if (a.Has(f)) args.insert(args.end(), {std::string("--") + f, a.Get(f)});
                          if (a.Has("json")) args.push_back("--json");
                          return evidence::RunCheckHistory(args, ctx.out, ctx.err);
                        },
                        "Exit 0 linearizable, 1 not, 2 bad input, 3 unknown (budget exceeded)."};
  return {
      {"wal dump", "[MEMBER]", "a member's Raft log from its own WAL: entries, overwrites, snapshots, hard states",
       {dir, kJson}, 0, 1, WalDump},
      {"snap show", "[MEMBER]", "a member's .snap files: index, term, voters and learners", {dir, kJson}, 0, 1, SnapShow},
      check_run,
      check_history,
      {"panels", "RUN_DIR", "draw the panel catalogue from a run's journal into RUN_DIR/panels (PNG and SVG)", {}, 1, 1, Panels},
      {"dashboards export", "DIR", "Grafana dashboard JSON + provisioning files for the lab's Prometheus",
       {{"prometheus-url", true, "URL  the datasource (default http://127.0.0.1:9090)"}}, 1, 1, DashboardsExport},
  };
}

}  // namespace raftlab::driver
