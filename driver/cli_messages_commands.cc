// CLI command `messages`: a run's raft messages (RUN_DIR/messages.jsonl, wire_json.h) as a
// readable timeline, as JSON lines, or as a Lamport diagram (dashboards/lamport_diagram.h).
// Offline: reads the run folder only (its journal.jsonl for the time base, fault windows and
// terms when present). Filtering and formatting are evidence/wire_timeline.h's.
#include <algorithm>
#include <filesystem>
#include <set>

#include "common/json_util.h"
#include "common/strings.h"
#include "dashboards/journal_series.h"
#include "dashboards/lamport_draw.h"
#include "dashboards/lamport_overlays.h"
#include "driver/cli.h"
#include "evidence/wire_json.h"
#include "evidence/wire_timeline.h"

namespace raftlab::driver {
namespace {

namespace fs = std::filesystem;

// RUN_DIR, else ./runs/latest, else the newest folder under ./runs (folder names start with
// their time).
Result<std::string> RunDirFor(const ParsedArgs& a) {
  std::error_code ec;
  if (!a.positional.empty()) {
    if (!fs::is_directory(a.positional[0], ec)) return InvalidArgument("no run folder " + a.positional[0]);
    return a.positional[0];
  }
  if (fs::is_directory("runs/latest", ec)) return std::string("runs/latest");
  std::string newest;
  for (const auto& e : fs::directory_iterator("runs", ec))
    if (e.is_directory(ec) && e.path().filename().string() > fs::path(newest).filename().string()) newest = e.path().string();
  if (newest.empty())
    return InvalidArgument("no RUN_DIR given and no runs/ folder here (" + fs::current_path(ec).string() + "); name the run folder");
  return newest;
}

struct MessagesRun {
  std::vector<evidence::WireMessage> messages;
  std::vector<Json> events;                  // the journal, empty without one
  std::optional<int64_t> run_start_wall_ns;  // from the journal
};

Result<MessagesRun> ReadMessagesRun(const std::string& run) {
  std::error_code ec;
  const std::string path = (fs::path(run) / "messages.jsonl").string();
  if (!fs::exists(path, ec)) return InvalidArgument("no messages.jsonl in " + run + ": the run was not captured (up --capture)");
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Result<std::vector<evidence::WireMessage>> messages = evidence::WireMessagesFromJsonl(*text);
  if (!messages.ok()) return InvalidArgument(path + ": " + messages.status().message());
  MessagesRun r;
  r.messages = std::move(*messages);
  const std::string journal = (fs::path(run) / "journal.jsonl").string();
  if (fs::exists(journal, ec)) {
    Result<std::string> jtext = ReadFile(journal);
    if (!jtext.ok()) return jtext.status();
    Result<std::vector<Json>> events = dashboards::ParseJournal(*jtext);
    if (!events.ok()) return InvalidArgument(journal + ": " + events.status().message());
    r.events = std::move(*events);
    r.run_start_wall_ns = evidence::RunStartWallNs(r.events);
  }
  return r;
}

Status BuildFilter(const ParsedArgs& a, const std::vector<evidence::WireMessage>& messages, const std::string& run,
                   evidence::WireFilter* f) {
  if (a.Has("types")) RL_RETURN_IF_ERROR(evidence::ParseWireTypes(a.Get("types"), f));
  if (a.Has("member")) {
    RL_RETURN_IF_ERROR(evidence::ParseWireMembers(a.Get("member"), f));
    std::set<std::string> seen;
    for (const auto& m : messages) seen.insert(m.from), seen.insert(m.to);
    for (const std::string& who : f->members)
      if (!seen.count(who)) {
        std::vector<std::string> all(seen.begin(), seen.end());
        return InvalidArgument("--member " + who + ": no message from or to it in " + run + " (members: " + JoinNames(all) + ")");
      }
  }
  for (const char* flag : {"from", "to"}) {
    if (!a.Has(flag)) continue;
    Result<int64_t> t = evidence::ParseTimelineTimeNs(a.Get(flag));
    if (!t.ok()) return InvalidArgument(std::string("--") + flag + ": " + t.status().message());
    (std::string(flag) == "from" ? f->from_ns : f->to_ns) = *t;
  }
  return evidence::CheckWireWindow(*f);
}

int Messages(const ParsedArgs& a, CliContext& ctx) {
  Result<std::string> run = RunDirFor(a);
  if (!run.ok()) return ctx.Fail("messages", run.status());
  Result<MessagesRun> data = ReadMessagesRun(*run);
  if (!data.ok()) return ctx.Fail("messages", data.status());
  evidence::WireFilter filter;
  if (Status s = BuildFilter(a, data->messages, *run, &filter); !s.ok()) return ctx.Fail("messages", s);
  const evidence::WireTimeBase base = evidence::ChooseWireTimeBase(data->run_start_wall_ns, data->messages);
  const std::vector<evidence::WireMessage> picked = evidence::FilterWireMessages(data->messages, filter, base.zero_ns);

  if (a.Has("svg") || a.Has("png")) {
    dashboards::LamportInput in;
    in.messages = picked;
    in.zero_ns = base.zero_ns;
    // The journal counts from the run's start: shift its times when time 0 is the first packet.
    const double shift = data->run_start_wall_ns ? static_cast<double>(*data->run_start_wall_ns - base.zero_ns) / 1e9 : 0;
    in.faults = dashboards::LamportFaultBands(data->events, shift);
    in.terms = dashboards::LamportTermMarks(data->events, shift);
    if (!filter.members.empty())
      std::erase_if(in.terms, [&](const dashboards::LamportTermMark& t) { return !filter.members.count(t.member); });
    // The window asked for; an open end stops at the first / last message picked.
    if (filter.from_ns || filter.to_ns) {
      const double first = picked.empty() ? 0 : static_cast<double>(picked.front().time_ns - base.zero_ns) / 1e9;
      const double last = picked.empty() ? first + 1 : static_cast<double>(picked.back().time_ns - base.zero_ns) / 1e9 + 0.01;
      in.from = filter.from_ns ? static_cast<double>(*filter.from_ns) / 1e9 : first;
      in.to = filter.to_ns ? static_cast<double>(*filter.to_ns) / 1e9 : last;
    }
    in.title = fs::path(*run).filename().string() + ": " + std::to_string(picked.size()) + " raft messages";
    in.subtitle = "time: " + base.describe;
    dashboards::LamportOptions opt;
    opt.show_all_heartbeats = a.Has("all-heartbeats");
    Status s = dashboards::DrawLamport(in, opt, a.Get("svg"), a.Get("png"));
    if (!s.ok()) return ctx.Fail("messages", s);
    for (const char* f : {"svg", "png"})
      if (a.Has(f)) ctx.out << a.Get(f) << "\n";
    return 0;
  }
  if (a.Has("json")) {
    for (const auto& m : picked) ctx.out << evidence::WireTimelineJson(m, base.zero_ns) << "\n";
    return 0;
  }
  const auto names = evidence::WireMemberNames(data->messages);
  ctx.out << "# " << *run << ": " << picked.size() << " of " << data->messages.size() << " messages; times are "
          << base.describe << "\n";
  for (const auto& m : picked) ctx.out << evidence::WireTimelineLine(m, base.zero_ns, names) << "\n";
  return 0;
}

}  // namespace

std::vector<Command> MessagesCommands() {
  return {{"messages", "[RUN_DIR]",
           "a run's raft messages (messages.jsonl): a readable timeline, JSON lines, or a Lamport diagram",
           {{"from", true, "T  only messages sent at or after T (12.3s, 800ms; a bare number is seconds)"},
            {"to", true, "T  only messages sent at or before T"},
            {"types", true, "LIST  vote,prevote,app,heartbeat,snap,readindex,prop,timeoutnow,other or raft names (MsgAppResp)"},
            {"member", true, "NAME  only messages from or to this member (n2, or n1,n3)"},
            {"json", false, "one JSON object per message: the messages.jsonl line plus \"t\" (seconds)"},
            {"svg", true, "FILE  write the Lamport diagram of the filtered window instead of the timeline"},
            {"png", true, "FILE  the same diagram as PNG (drawn with gnuplot, as the panels are)"},
            {"all-heartbeats", false, "diagram: draw every heartbeat (default: more than 6 per band fold into \"xN heartbeats\")"}},
           0, 1, Messages,
           "RUN_DIR defaults to runs/latest, else the newest folder under runs/ in the current directory.\n"
           "Times are seconds since the run's start (the journal's session start, as in the transcript and\n"
           "the panels), matched to the capture's clock through the journal's wall time; without a journal\n"
           "(or a capture far from it) seconds since the first packet. The first line says which.\n"
           "A line: \"12.345s n1 -> n2 MsgApp term 3 index 10 logterm 2 entries [11..12] commit 10\"; a message\n"
           "the receiver's TCP never acknowledged ends in DROPPED. `app` covers MsgApp and MsgAppResp,\n"
           "`heartbeat` MsgHeartbeat and MsgHeartbeatResp, and so on.\n"
           "Exit 0 done, 1 a file could not be written or drawn, 2 bad input (unknown type, --from after\n"
           "--to, unknown member, no messages.jsonl in the run).\n"
           "Examples:\n  raftlab messages runs/latest --types vote,prevote\n"
           "  raftlab messages RUN --from 12.3s --to 14s --member n2\n  raftlab messages RUN --from 9s --to 11s --svg out.svg"}};
}

}  // namespace raftlab::driver
