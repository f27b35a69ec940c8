// CLI command `load`: the async load generator (async_load.h) against the running lab,
// straight to the members' client URLs. raftlabd is asked only for the members (Status) and
// the journal (Env); the ops go to etcd and into the lab's journal through the generator's own
// batched writer. Progress on stderr every second; the table (or --json) on stdout; the full
// report with histogram buckets kept beside the journal as load.json (load-2.json, ... when
// taken).
#include <grpcpp/grpcpp.h>

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <tuple>

#include "cluster/topology.h"
#include "common/json_util.h"
#include "driver/async_load.h"
#include "driver/cli.h"
#include "driver/daemon_client.h"
#include "driver/lab_service.h"

namespace raftlab::driver {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

Result<double> GetDouble(const ParsedArgs& a, const std::string& flag, double fallback) {
  if (!a.Has(flag)) return fallback;
  const std::string v = a.Get(flag);
  char* end = nullptr;
  double d = strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(d) || d < 0)
    return InvalidArgument("--" + flag + " needs a non-negative number, got '" + v + "'");
  return d;
}

// Everything the flags say, checked before raftlabd is asked anything.
Result<AsyncLoadOptions> OptionsFromFlags(const ParsedArgs& a) {
  AsyncLoadOptions o;
  if (a.Has("rate") && a.Has("in-flight")) return InvalidArgument("--rate and --in-flight exclude each other");
  Result<double> rate = GetDouble(a, "rate", 1000);
  if (!rate.ok()) return rate.status();
  Result<long> in_flight = a.GetInt("in-flight", 0);
  if (!in_flight.ok()) return in_flight.status();
  if (a.Has("in-flight")) {
    o.rate = 0;
    o.in_flight = static_cast<int>(*in_flight);
    if (o.in_flight < 1 || o.in_flight > 100000) return InvalidArgument("--in-flight must be between 1 and 100000");
  } else {
    o.rate = *rate;
    if (o.rate <= 0 || o.rate > 1e6) return InvalidArgument("--rate must be between 1 and 1000000 ops/s");
  }
  Result<double> ratio = GetDouble(a, "read-ratio", 0.9);
  if (!ratio.ok()) return ratio.status();
  if (*ratio > 1) return InvalidArgument("--read-ratio must be between 0 and 1, got " + a.Get("read-ratio"));
  o.read_ratio = *ratio;
  o.read_paths.clear();
  for (const std::string& name : SplitList(a.Get("read-path", "linearizable"))) {
    ReadPath p;
    if (!ParseReadPath(name, &p))
      return InvalidArgument("--read-path '" + name + "' is not linearizable, serializable or log");
    o.read_paths.push_back(p);
  }
  if (o.read_paths.empty()) return InvalidArgument("--read-path needs linearizable, serializable or log");
  Result<long> duration = ParseDurationMs(a.Get("duration", "10s"));
  if (!duration.ok()) return InvalidArgument("--duration: " + duration.status().message());
  if (*duration < 100 || *duration > 24L * 3600 * 1000)
    return InvalidArgument("--duration must be between 100ms and 24h");
  o.duration_ms = *duration;
  Result<long> timeout = ParseDurationMs(a.Get("timeout", "3s"));
  if (!timeout.ok()) return InvalidArgument("--timeout: " + timeout.status().message());
  if (*timeout < 1 || *timeout > 60000) return InvalidArgument("--timeout must be between 1ms and 60s");
  o.timeout_ms = static_cast<int>(*timeout);
  for (auto [flag, fallback, low, high] : std::vector<std::tuple<const char*, long, long, long>>{
           {"keys", 100, 1, 10000000}, {"channels", 2, 1, 64}, {"max-in-flight", 4096, 1, 1000000},
           {"value-size", 0, 0, 1 << 20}, {"seed", 1, 0, LONG_MAX}}) {
    Result<long> v = a.GetInt(flag, fallback);
    if (!v.ok()) return v.status();
    if (*v < low || *v > high)
      return InvalidArgument("--" + std::string(flag) + " must be between " + std::to_string(low) + " and " +
                             std::to_string(high));
  }
  o.keys = static_cast<int>(*a.GetInt("keys", 100));
  o.channels_per_target = static_cast<int>(*a.GetInt("channels", 2));
  o.max_in_flight = static_cast<int>(*a.GetInt("max-in-flight", 4096));
  o.value_size = static_cast<int>(*a.GetInt("value-size", 0));
  o.seed = static_cast<uint64_t>(*a.GetInt("seed", 1));
  o.key_prefix = a.Get("key-prefix", "load/");
  if (o.key_prefix.empty()) return InvalidArgument("--key-prefix must not be empty");
  return o;
}

// The members to load: those named by --via, else every running voter.
Result<std::vector<LoadTarget>> Targets(const v1::StatusReply& status, const std::string& via) {
  std::vector<LoadTarget> out;
  if (via.empty()) {
    for (const auto& m : status.members())
      if (m.role() != "down" && !m.learner()) out.push_back({m.name(), cluster::ClientEndpoint(m.name())});
    if (out.empty()) return FailedPrecondition("no voting member is running");
    return out;
  }
  for (const std::string& name : SplitList(via)) {
    const v1::MemberStatus* found = nullptr;
    std::string known;
    for (const auto& m : status.members()) {
      known += (known.empty() ? "" : ", ") + m.name();
      if (m.name() == name) found = &m;
    }
    if (found == nullptr) return InvalidArgument("--via: unknown member '" + name + "' (members: " + known + ")");
    if (found->role() == "down") return FailedPrecondition("--via: member " + name + " is down");
    out.push_back({name, cluster::ClientEndpoint(name)});
  }
  if (out.empty()) return InvalidArgument("--via needs a member name");
  return out;
}

Result<std::string> JournalPath(DaemonClient& daemon) {
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::EnvReply reply;
  grpc::Status s = daemon.stub()->Env(&call, v1::EnvRequest(), &reply);
  if (!s.ok()) return FromGrpcStatus(s);
  for (const std::string& line : reply.lines())
    if (line.rfind("RAFTLAB_JOURNAL=", 0) == 0) return line.substr(16);
  return FailedPrecondition("the lab has no journal (is it up? `raftlab up`)");
}

// load.json beside the journal, or load-2.json, load-3.json, ... when taken.
std::string ReportPath(const std::string& journal) {
  fs::path dir = fs::path(journal).parent_path();
  fs::path p = dir / "load.json";
  for (int i = 2; fs::exists(p); ++i) p = dir / ("load-" + std::to_string(i) + ".json");
  return p.string();
}

std::string Describe(const AsyncLoadOptions& o, const std::vector<LoadTarget>& targets) {
  std::string paths, via;
  for (ReadPath p : o.read_paths) paths += (paths.empty() ? "" : ",") + std::string(ReadPathName(p));
  for (const LoadTarget& t : targets) via += (via.empty() ? "" : ",") + t.member;
  char buf[512];
  std::string mode = o.rate > 0 ? std::to_string(static_cast<long>(o.rate)) + " ops/s"
                                : std::to_string(o.in_flight) + " in flight";
  snprintf(buf, sizeof buf, "%s for %.1f s, read ratio %.2f (%s), %d keys %sk*, via %s", mode.c_str(),
           static_cast<double>(o.duration_ms) / 1000.0, o.read_ratio, paths.c_str(), o.keys, o.key_prefix.c_str(),
           via.c_str());
  return buf;
}

int Load(const ParsedArgs& a, CliContext& ctx) {
  Result<AsyncLoadOptions> options = OptionsFromFlags(a);
  if (!options.ok()) return ctx.Fail("load", options.status());
  Result<DaemonClient*> daemon = ctx.Daemon();
  if (!daemon.ok()) return ctx.Fail("load", daemon.status());
  v1::StatusReply status;
  {
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
    grpc::Status s = (*daemon)->stub()->Status(&call, v1::StatusRequest(), &status);
    if (!s.ok()) return ctx.Fail("load", FromGrpcStatus(s));
  }
  Result<std::vector<LoadTarget>> targets = Targets(status, a.Get("via"));
  if (!targets.ok()) return ctx.Fail("load", targets.status());
  options->targets = *targets;
  Result<std::string> journal_path = JournalPath(**daemon);
  if (!journal_path.ok()) return ctx.Fail("load", journal_path.status());
  Result<std::unique_ptr<LoadJournal>> journal = LoadJournal::Open(*journal_path, "raftlab load");
  if (!journal.ok()) return ctx.Fail("load", journal.status());
  const std::string what = Describe(*options, *targets);
  ctx.err << "raftlab load: " << what << "\n" << std::flush;
  (*journal)->Note("raftlab load: " + what);
  options->progress = [&ctx](const LoadProgress& p) {
    char line[200];
    snprintf(line, sizeof line, "  %5.1f s: %llu issued, %llu ok, %llu fail, %llu info, %llu skipped, %llu in flight, %.0f/s\n",
             p.elapsed_s, static_cast<unsigned long long>(p.issued), static_cast<unsigned long long>(p.ok),
             static_cast<unsigned long long>(p.fail), static_cast<unsigned long long>(p.info),
             static_cast<unsigned long long>(p.skipped), static_cast<unsigned long long>(p.in_flight), p.rate);
    ctx.err << line << std::flush;
  };
  Result<LoadReport> report = AsyncLoad::Run(*options, journal->get());
  if (!report.ok()) return ctx.Fail("load", report.status());
  std::string why;
  const bool sustained = Sustained(*report, 0.05, &why);
  (*journal)->Note("raftlab load: " + std::to_string(report->completed()) + " ops, " +
                   std::to_string(static_cast<long>(report->Rate())) + "/s, " + std::to_string(report->fail) +
                   " fail, " + std::to_string(report->info) + " info" + (sustained ? "" : "; not sustained: " + why));
  Status closed = (*journal)->Close();
  report->journal_lost = (*journal)->stats().lines_lost;
  const std::string out_path = a.Has("out") ? fs::absolute(a.Get("out")).string() : ReportPath(*journal_path);
  Json doc = LoadJson(*report);
  doc["sustained"] = sustained;
  doc["not_sustained_because"] = why;
  Status saved = WriteJsonFileAtomic(out_path, doc);
  if (a.Has("json")) {
    doc["report_path"] = out_path;
    ctx.out << doc.dump(2) << "\n";
  } else {
    ctx.out << LoadTable(*report);
    ctx.out << "journal " << *journal_path << " (" << report->journal_lines << " lines, "
            << report->journal_lost << " lost); report " << out_path << "\n";
  }
  if (!saved.ok()) ctx.err << "raftlab load: could not write " << out_path << ": " << saved.message() << "\n";
  if (!closed.ok()) return ctx.Fail("load", closed);
  if (!sustained) {
    ctx.err << "raftlab load: target not sustained: " << why << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

std::vector<Command> LoadCommands() {
  return {
      {"load", "", "drive the lab with an open-loop async load: puts and reads on one or more read paths",
       {{"rate", true, "N  ops per second, open loop (default 1000)"},
        {"in-flight", true, "N  instead of a rate: keep N ops outstanding (closed loop)"},
        {"read-ratio", true, "F  fraction of ops that are reads, 0-1 (default 0.9)"},
        {"read-path", true, "P[,P]  linearizable (ReadIndex), serializable (local) or log (Txn through the log)"},
        {"duration", true, "DUR  how long to schedule ops (default 10s)"},
        {"via", true, "M[,M]  members to send through (default: every running voter)"},
        {"keys", true, "N  keys <prefix>k0..k<N-1> (default 100)"},
        {"key-prefix", true, "P  key prefix (default load/)"},
        {"value-size", true, "N  pad put values to N bytes (default: the unique value only)"},
        {"timeout", true, "DUR  per-op deadline; a timeout is journaled as info (default 3s)"},
        {"channels", true, "N  gRPC channels per member (default 2)"},
        {"max-in-flight", true, "N  arrivals beyond N outstanding ops are skipped (default 4096)"},
        {"seed", true, "N  seeds keys, paths and the read/write mix (default 1)"},
        {"out", true, "FILE  the report (default: load.json beside the journal)"},
        {"json", false, "print the report as JSON"}},
       0, 0, Load,
       "Every op goes into the lab's journal as invoke + ok/fail/info (unique values, one logical client\n"
       "per op in flight), so `raftlab check run` can judge the history afterwards. Rates count ops over\n"
       "the time from the first invoke to the last completion.\n"
       "Exit 0 when the target was sustained (rate within 5%, nothing skipped, every op ok), 1 when not,\n"
       "2 on bad flags. Example: raftlab load --rate 2000 --read-ratio 0.9 --read-path log --duration 10s"},
  };
}

}  // namespace raftlab::driver
