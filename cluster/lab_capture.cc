// The lab's wire capture: raftlab-capture on the fabric host of the local agent (the bridge
// namespace, interface rl-br0, peer port only), started before the members and stopped after
// them; at the stop the pcap, its counters and the decoded messages land in the run folder
// (beside the journal) as wire.pcap, capture.json and messages.jsonl.
#include <signal.h>

#include <filesystem>

#include "cluster/lab.h"
#include "common/clock.h"
#include "common/json_util.h"
#include "evidence/wire_decoder.h"
#include "evidence/wire_json.h"

namespace raftlab::cluster {
namespace {

constexpr uint64_t kCaptureMaxBytes = 256ull << 20;
constexpr int kCaptureReadyMs = 5000;

struct CapturePaths {
  std::string dir, pcap, stats, log;
};
CapturePaths CapturePathsUnder(const std::string& root) {
  const std::string dir = root + "/capture";
  return {dir, dir + "/wire.pcap", dir + "/capture.json", dir + "/capture.log"};
}

}  // namespace

Status Lab::StartCapture(const std::map<std::string, HostAgent*>& placement, const Progress& progress) {
  HostAgent* agent = agents_.local();
  for (const auto& [name, a] : placement) {
    if (a == agent) continue;
    // Their traffic never crosses the local bridge; a capture per remote host is not built yet.
    progress("not capturing: " + name + " runs on " + a->Describe() +
             " and the capture covers only the local fabric (rl-br0)");
    Record("capture", {{"event", "skipped"}, {"reason", "members on remote agents"}});
    return Status::Ok();
  }
  const CapturePaths paths = CapturePathsUnder(agent->RootDir());
  RL_RETURN_IF_ERROR(agent->RemoveTree(kFabricHost, paths.dir));
  RL_RETURN_IF_ERROR(agent->MakeDirs(kFabricHost, paths.dir));
  const std::string filter = "tcp port " + std::to_string(kPeerPort);
  Result<ProcessRef> ref = agent->StartOnHost(
      kFabricHost,
      {"raftlab-capture", "--iface", kBridge, "--filter", filter, "--out", paths.pcap, "--stats", paths.stats,
       "--max-bytes", std::to_string(kCaptureMaxBytes)},
      paths.log);
  if (!ref.ok()) return Status(ref.status().code(), "cannot start the capture: " + ref.status().message());
  // Live once it wrote its first stats (the pcap header is on disk by then).
  const int64_t deadline = MonoNowNs() + int64_t{kCaptureReadyMs} * 1'000'000;
  for (;;) {
    Result<std::string> stats = agent->ReadFile(kFabricHost, paths.stats);
    if (stats.ok()) break;
    if (Result<std::string> ended = agent->WaitExit(*ref, 100); ended.ok()) {
      Result<std::string> log = agent->ReadFile(kFabricHost, paths.log);
      return Internal("raftlab-capture on " + std::string(kBridge) + " " + *ended + ": " + (log.ok() ? *log : ""));
    }
    if (MonoNowNs() > deadline) {
      (void)agent->Signal(*ref, SIGKILL);
      return Timeout("raftlab-capture did not start capturing on " + std::string(kBridge) + " within " +
                     std::to_string(kCaptureReadyMs) + " ms");
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    capture_ = *ref;
  }
  progress("capturing the peer traffic on " + std::string(kBridge) + " (" + filter + ", at most " +
           std::to_string(kCaptureMaxBytes >> 20) + " MiB)");
  Record("capture", {{"event", "start"}, {"iface", kBridge}, {"filter", filter}, {"max_bytes", kCaptureMaxBytes}});
  return Status::Ok();
}

void Lab::StopCapture(const std::map<std::string, std::string>& names_by_ip, evidence::Journal* journal,
                      std::vector<std::string>* lines) {
  ProcessRef ref;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ref = capture_;
    capture_ = {};
  }
  if (!ref.valid()) return;
  HostAgent* agent = agents_.local();
  const CapturePaths paths = CapturePathsUnder(agent->RootDir());
  (void)agent->Signal(ref, SIGTERM);
  Result<std::string> ended = agent->WaitExit(ref, 10000);
  if (!ended.ok()) {
    (void)agent->Signal(ref, SIGKILL);
    ended = agent->WaitExit(ref, 5000);
  }
  const std::string exit = ended.ok() ? *ended : ended.status().message();
  const std::string run_dir =
      journal ? std::filesystem::path(journal->path()).parent_path().string() : std::string();
  Json stats = Json::object();
  if (Result<std::string> s = agent->ReadFile(kFabricHost, paths.stats); s.ok()) {
    Result<Json> doc = ParseJson(*s);
    if (doc.ok()) stats = *doc;
  }
  stats["exit"] = exit;
  // The capture's end is "running": false; still true means it was killed before writing it.
  const bool clean = stats.value("running", true) == false;
  if (!clean) stats["note_exit"] = "raftlab-capture did not write its final counters (" + exit + "): the drop counter is unknown";
  Json counts = Json::object();
  std::string decode_error;
  if (!run_dir.empty()) {
    Result<std::string> pcap = agent->ReadFile(kFabricHost, paths.pcap);
    Status copied = pcap.ok() ? WriteFileAtomic(run_dir + "/wire.pcap", *pcap) : pcap.status();
    if (copied.ok()) {
      evidence::MemberAddresses members(names_by_ip.begin(), names_by_ip.end());
      Result<evidence::WireCapture> decoded = evidence::DecodeWireFile(run_dir + "/wire.pcap", members);
      if (decoded.ok()) {
        for (const auto& m : decoded->messages) counts[m.type] = counts.value(m.type, 0) + 1;
        Status w = WriteFileAtomic(run_dir + "/messages.jsonl", evidence::WireMessagesToJsonl(decoded->messages));
        if (!w.ok()) decode_error = w.message();
        stats["messages_total"] = decoded->messages.size();
      } else {
        decode_error = decoded.status().message();
      }
    } else {
      decode_error = "wire.pcap not kept: " + copied.message();
    }
    stats["messages"] = counts;
    if (!decode_error.empty()) stats["decode_error"] = decode_error;
    (void)WriteJsonFileAtomic(run_dir + "/capture.json", stats);
  }
  const uint64_t drops = stats.value("ps_drop", uint64_t{0}) + stats.value("ps_ifdrop", uint64_t{0});
  if (journal) {
    Json event = {{"event", "stop"}, {"exit", exit}, {"packets_captured", stats.value("packets_captured", 0)},
                  {"ps_recv", stats.value("ps_recv", 0)}, {"ps_drop", stats.value("ps_drop", 0)},
                  {"ps_ifdrop", stats.value("ps_ifdrop", 0)}, {"bytes", stats.value("bytes", 0)},
                  {"truncated_at_bound", stats.value("truncated_at_bound", false)}, {"messages", counts}};
    if (!decode_error.empty()) event["decode_error"] = decode_error;
    journal->Record("capture", event);
  }
  lines->push_back("stopped raftlab-capture (" + exit + ": " + std::to_string(stats.value("packets_captured", 0)) +
                   " packets, " + std::to_string(drops) + " dropped by the kernel" +
                   (stats.value("truncated_at_bound", false) ? ", TRUNCATED at its size bound" : "") + ")" +
                   (run_dir.empty() ? "" : "; wire.pcap, capture.json, messages.jsonl in " + run_dir) +
                   (decode_error.empty() ? "" : "; decode failed: " + decode_error));
  (void)agent->RemoveTree(kFabricHost, paths.dir);
}

}  // namespace raftlab::cluster
