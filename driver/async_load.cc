#include "driver/async_load.h"

#include <grpcpp/grpcpp.h>
#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <random>
#include <unordered_set>

#include "common/clock.h"
#include "etcd/etcdserver/etcdserverpb/rpc.grpc.pb.h"

namespace raftlab::driver {
namespace {

using SystemClock = std::chrono::system_clock;

constexpr int kKinds = 4;                     // put, then one per ReadPath
constexpr size_t kMaxBurst = 256;             // arrivals issued before completions are looked at again
constexpr size_t kJournalChunk = 64 * 1024;   // journal bytes handed to the batcher at once
constexpr int64_t kJournalHandoffNs = 5'000'000;
constexpr size_t kDistinctErrors = 20;

int KindIndex(bool write, ReadPath path) { return write ? 0 : 1 + static_cast<int>(path); }
std::string KindNameAt(int index) {
  return index == 0 ? KindName(true, "") : KindName(false, ReadPathName(static_cast<ReadPath>(index - 1)));
}

const char* GrpcCodeName(grpc::StatusCode code) {
  static const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                                 "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                 "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : "?";
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

int64_t WallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SystemClock::now().time_since_epoch()).count();
}

struct Channel {
  std::string member;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<etcdserverpb::KV::Stub> kv;
};

struct Client {
  int64_t id = 0;
  size_t channel = 0;
};

// One op in flight: its journal identity, the gRPC call and whichever request/response it uses.
struct Call {
  LoadOp op;
  Client client;
  int kind = 0;
  int64_t invoke_ns = 0;
  grpc::ClientContext ctx;
  grpc::Status status;
  etcdserverpb::RangeRequest range_req;
  etcdserverpb::RangeResponse range_resp;
  std::unique_ptr<grpc::ClientAsyncResponseReader<etcdserverpb::RangeResponse>> range_rpc;
  etcdserverpb::PutRequest put_req;
  etcdserverpb::PutResponse put_resp;
  std::unique_ptr<grpc::ClientAsyncResponseReader<etcdserverpb::PutResponse>> put_rpc;
  etcdserverpb::TxnRequest txn_req;
  etcdserverpb::TxnResponse txn_resp;
  std::unique_ptr<grpc::ClientAsyncResponseReader<etcdserverpb::TxnResponse>> txn_rpc;
};

}  // namespace

Status ValidateLoadOptions(const AsyncLoadOptions& o) {
  if (o.targets.empty()) return InvalidArgument("no target members");
  for (const LoadTarget& t : o.targets)
    if (t.member.empty() || t.endpoint.empty()) return InvalidArgument("a target needs a member name and an endpoint");
  if (o.channels_per_target < 1 || o.channels_per_target > 64) return InvalidArgument("channels per member must be 1-64");
  if (o.rate < 0 || o.rate > 1e6) return InvalidArgument("rate must be between 0 and 1000000 ops/s");
  if (o.rate == 0 && (o.in_flight < 1 || o.in_flight > 100000))
    return InvalidArgument("without a rate, in_flight must be 1-100000");
  if (o.max_in_flight < 1) return InvalidArgument("max_in_flight must be at least 1");
  if (o.read_ratio < 0 || o.read_ratio > 1) return InvalidArgument("read ratio must be between 0 and 1");
  if (o.read_ratio > 0 && o.read_paths.empty()) return InvalidArgument("reads need at least one read path");
  if (o.keys < 1) return InvalidArgument("keys must be at least 1");
  if (o.value_size < 0 || o.value_size > 1 << 20) return InvalidArgument("value size must be 0-1048576 bytes");
  if (o.duration_ms <= 0 && o.max_ops == 0) return InvalidArgument("a duration or a number of ops is needed");
  if (o.timeout_ms < 1) return InvalidArgument("timeout must be positive");
  return Status::Ok();
}

class AsyncLoad::Engine {
 public:
  Engine(const AsyncLoadOptions& o, LoadJournal* journal, std::atomic<bool>* stop)
      : o_(o), journal_(journal), stop_(stop), rng_(o.seed), wall_(MonoNowNs(), WallNowMs()) {
    for (const LoadTarget& t : o_.targets) {
      for (int i = 0; i < o_.channels_per_target; ++i) {
        grpc::ChannelArguments args;
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);   // a connection of its own per channel
        args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
        args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
        args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
        Channel c;
        c.member = t.member;
        c.channel = grpc::CreateCustomChannel(t.endpoint, grpc::InsecureChannelCredentials(), args);
        c.kv = etcdserverpb::KV::NewStub(c.channel);
        channels_.push_back(std::move(c));
      }
    }
  }

  ~Engine() {
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) delete static_cast<Call*>(tag);
  }

  void Connect() {
    const auto deadline = SystemClock::now() + std::chrono::seconds(3);
    for (Channel& c : channels_) (void)c.channel->WaitForConnected(deadline);
  }

  void Run() {
    const double cpu0 = CpuSeconds();
    start_ns_ = MonoNowNs();
    for (int i = 0; i < o_.min_clients; ++i) idle_.push_back(NewClient());
    const bool open_loop = o_.rate > 0;
    const double interval_ns = open_loop ? 1e9 / o_.rate : 0;
    const int64_t end_ns = o_.duration_ms > 0 ? start_ns_ + o_.duration_ms * 1'000'000 : INT64_MAX;
    const int64_t progress_ns = std::max(o_.progress_interval_ms, 10) * int64_t{1'000'000};
    int64_t next_progress = start_ns_ + progress_ns;
    uint64_t arrivals = 0;
    bool scheduling = true, cancelled = false;
    int64_t drain_deadline = 0;
    auto arrival_at = [&](uint64_t k) { return start_ns_ + static_cast<int64_t>(static_cast<double>(k) * interval_ns); };
    auto schedule_done = [&] { return o_.max_ops != 0 && arrivals >= o_.max_ops; };
    for (;;) {
      int64_t now = MonoNowNs();
      if (scheduling && (stop_->load() || now >= end_ns || schedule_done())) {
        scheduling = false;
        drain_deadline = now + (o_.timeout_ms + 5000) * int64_t{1'000'000};
      }
      if (scheduling) {
        if (open_loop) {
          for (size_t burst = 0; burst < kMaxBurst && !schedule_done(); ++burst) {
            const int64_t at = arrival_at(arrivals);
            if (at > now || at >= end_ns) break;
            ++arrivals;
            if (in_flight_.size() >= static_cast<size_t>(o_.max_in_flight)) ++report_.skipped;
            else Issue(at);
          }
        } else {
          while (in_flight_.size() < static_cast<size_t>(o_.in_flight) && !schedule_done()) {
            ++arrivals;
            Issue(now);
          }
        }
      } else if (in_flight_.empty()) {
        break;
      } else if (!cancelled && now > drain_deadline) {
        for (Call* c : in_flight_) c->ctx.TryCancel();   // each still completes, as CANCELLED (info)
        cancelled = true;
      }
      now = MonoNowNs();
      FlushJournal(false, now);
      if (now >= next_progress) {
        Progress(now, progress_ns);
        while (next_progress <= now) next_progress += progress_ns;
      }
      int64_t wake = next_progress;
      if (scheduling) wake = std::min(wake, open_loop ? std::min(arrival_at(arrivals), end_ns) : end_ns);
      else if (!cancelled) wake = std::min(wake, drain_deadline);
      if (!journal_buf_.empty()) wake = std::min(wake, last_handoff_ns_ + kJournalHandoffNs);
      void* tag = nullptr;
      bool ok = false;
      auto deadline = SystemClock::now() + std::chrono::nanoseconds(std::max<int64_t>(wake - MonoNowNs(), 0));
      if (cq_.AsyncNext(&tag, &ok, deadline) != grpc::CompletionQueue::GOT_EVENT) continue;
      Complete(static_cast<Call*>(tag), ok);
      for (size_t more = 0; more < kMaxBurst; ++more) {   // whatever else is ready, without waiting
        if (cq_.AsyncNext(&tag, &ok, SystemClock::time_point()) != grpc::CompletionQueue::GOT_EVENT) break;
        Complete(static_cast<Call*>(tag), ok);
      }
    }
    FlushJournal(true, MonoNowNs());
    report_.cpu_s = CpuSeconds() - cpu0;
    report_.wall_s = static_cast<double>(MonoNowNs() - start_ns_) / 1e9;
    for (int k = 0; k < kKinds; ++k)
      if (issued_by_kind_[k] > 0) report_.kinds[KindNameAt(k)] = kinds_[k];
  }

  LoadReport& report() { return report_; }

 private:
  int64_t NextOpId() { return journal_ ? journal_->NextOpId() : ++local_op_id_; }

  Client NewClient() {
    Client c;
    c.id = journal_ ? journal_->NextClientId() : ++local_client_id_;
    c.channel = next_channel_++ % channels_.size();
    ++report_.clients;
    return c;
  }

  Client TakeClient() {
    if (idle_.empty()) return NewClient();
    Client c = idle_.front();
    idle_.pop_front();
    return c;
  }

  void Issue(int64_t scheduled_ns) {
    auto* c = new Call;
    c->client = TakeClient();
    LoadOp& op = c->op;
    op.op_id = NextOpId();
    op.client = c->client.id;
    op.via = channels_[c->client.channel].member;
    op.write = std::uniform_real_distribution<double>(0, 1)(rng_) >= o_.read_ratio;
    op.key = o_.key_prefix + "k" + std::to_string(rng_() % static_cast<uint64_t>(o_.keys));
    const std::string unique = "c" + std::to_string(op.client) + "-" + std::to_string(op.op_id);
    if (op.write) {
      op.value = unique;
      if (o_.value_size > static_cast<int>(op.value.size())) op.value.resize(static_cast<size_t>(o_.value_size), '.');
    } else {
      op.path = o_.read_paths[rng_() % o_.read_paths.size()];
    }
    c->kind = KindIndex(op.write, op.path);
    ++issued_by_kind_[c->kind];
    c->ctx.set_deadline(SystemClock::now() + std::chrono::milliseconds(o_.timeout_ms));
    const int64_t t = MonoNowNs();   // the invoke precedes the send
    c->invoke_ns = t;
    journal_buf_ += InvokeLine(op, t, wall_.At(t));
    etcdserverpb::KV::Stub* kv = channels_[c->client.channel].kv.get();
    if (op.write) {
      c->put_req.set_key(op.key);
      c->put_req.set_value(op.value);
      c->put_rpc = kv->PrepareAsyncPut(&c->ctx, c->put_req, &cq_);
      c->put_rpc->StartCall();
      c->put_rpc->Finish(&c->put_resp, &c->status, c);
    } else if (op.path == ReadPath::kLog) {
      c->txn_req.add_success()->mutable_request_range()->set_key(op.key);
      etcdserverpb::PutRequest* scratch = c->txn_req.add_success()->mutable_request_put();
      scratch->set_key(o_.key_prefix + "scratch/" + std::to_string(op.client));
      scratch->set_value(unique);
      c->txn_rpc = kv->PrepareAsyncTxn(&c->ctx, c->txn_req, &cq_);
      c->txn_rpc->StartCall();
      c->txn_rpc->Finish(&c->txn_resp, &c->status, c);
    } else {
      c->range_req.set_key(op.key);
      c->range_req.set_serializable(op.path == ReadPath::kSerializable);
      c->range_rpc = kv->PrepareAsyncRange(&c->ctx, c->range_req, &cq_);
      c->range_rpc->StartCall();
      c->range_rpc->Finish(&c->range_resp, &c->status, c);
    }
    in_flight_.insert(c);
    ++report_.issued;
    if (report_.first_invoke_ns == 0) report_.first_invoke_ns = t;
    report_.schedule_lag.Record(t - scheduled_ns);
  }

  static void ReadRange(const etcdserverpb::RangeResponse& r, LoadOutcome* o) {
    if (r.kvs_size() > 0) {
      o->found = true;
      o->value = r.kvs(0).value();
    }
  }

  LoadOutcome OutcomeOf(const Call& c, bool cq_ok) {
    LoadOutcome o;
    if (!cq_ok) {
      o.phase = OpPhase::kInfo;
      o.error = "the call did not complete";
      return o;
    }
    if (!c.status.ok()) {
      o.phase = ClassifyError(static_cast<int>(c.status.error_code()), c.status.error_message(), c.op.write);
      o.error = std::string(GrpcCodeName(c.status.error_code())) + ": " + c.status.error_message();
      return o;
    }
    if (c.op.write) {
      o.revision = c.put_resp.header().revision();
    } else if (c.op.path == ReadPath::kLog) {
      o.revision = c.txn_resp.header().revision();
      if (c.txn_resp.responses_size() > 0) ReadRange(c.txn_resp.responses(0).response_range(), &o);
    } else {
      o.revision = c.range_resp.header().revision();
      ReadRange(c.range_resp, &o);
    }
    return o;
  }

  void Complete(Call* c, bool cq_ok) {
    const int64_t t = MonoNowNs();
    in_flight_.erase(c);
    const LoadOutcome o = OutcomeOf(*c, cq_ok);
    journal_buf_ += CompletionLine(c->op, o, t, wall_.At(t));
    KindStats& k = kinds_[c->kind];
    switch (o.phase) {
      case OpPhase::kOk:
        ++k.ok, ++report_.ok;
        k.ok_latency.Record(t - c->invoke_ns);
        break;
      case OpPhase::kFail: ++k.fail, ++report_.fail; break;
      case OpPhase::kInfo: ++k.info, ++report_.info; break;
    }
    if (o.phase != OpPhase::kOk) {
      std::string what = KindNameAt(c->kind) + " " + OpPhaseName(o.phase) + ": " + o.error;
      if (report_.errors.count(what) || report_.errors.size() < kDistinctErrors) ++report_.errors[what];
      else ++report_.errors["(other errors)"];
    }
    report_.last_complete_ns = std::max(report_.last_complete_ns, t);
    // A client whose op may still take effect is retired; the others go back to the pool.
    if (o.phase != OpPhase::kInfo) idle_.push_back(c->client);
    delete c;
  }

  void FlushJournal(bool force, int64_t now) {
    if (journal_buf_.empty()) return;
    if (!force && journal_buf_.size() < kJournalChunk && now - last_handoff_ns_ < kJournalHandoffNs) return;
    report_.journal_lines += static_cast<uint64_t>(std::count(journal_buf_.begin(), journal_buf_.end(), '\n'));
    if (journal_) journal_->Append(std::move(journal_buf_));
    journal_buf_.clear();
    last_handoff_ns_ = now;
  }

  void Progress(int64_t now, int64_t interval_ns) {
    if (!o_.progress) return;
    LoadProgress p;
    p.elapsed_s = static_cast<double>(now - start_ns_) / 1e9;
    p.issued = report_.issued;
    p.ok = report_.ok;
    p.fail = report_.fail;
    p.info = report_.info;
    p.skipped = report_.skipped;
    p.in_flight = in_flight_.size();
    const uint64_t done = report_.completed();
    p.rate = static_cast<double>(done - completed_at_progress_) * 1e9 / static_cast<double>(interval_ns);
    completed_at_progress_ = done;
    o_.progress(p);
  }

  const AsyncLoadOptions& o_;
  LoadJournal* journal_;
  std::atomic<bool>* stop_;
  std::mt19937_64 rng_;
  WallStamper wall_;
  grpc::CompletionQueue cq_;
  std::vector<Channel> channels_;
  std::deque<Client> idle_;
  size_t next_channel_ = 0;
  std::unordered_set<Call*> in_flight_;
  std::string journal_buf_;
  int64_t last_handoff_ns_ = 0;
  int64_t start_ns_ = 0;
  int64_t local_op_id_ = 0, local_client_id_ = 0;
  uint64_t completed_at_progress_ = 0;
  KindStats kinds_[kKinds];
  uint64_t issued_by_kind_[kKinds] = {};
  LoadReport report_;
};

AsyncLoad::AsyncLoad(AsyncLoadOptions options, LoadJournal* journal)
    : options_(std::move(options)), journal_(journal) {}

AsyncLoad::~AsyncLoad() {
  RequestStop();
  (void)Wait();
}

Status AsyncLoad::Start() {
  if (engine_) return FailedPrecondition("the load generator was started already");
  RL_RETURN_IF_ERROR(ValidateLoadOptions(options_));
  engine_ = std::make_unique<Engine>(options_, journal_, &stop_);
  engine_->Connect();
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rl-load");
    engine_->Run();
    finished_ = true;
  });
  return Status::Ok();
}

void AsyncLoad::RequestStop() { stop_ = true; }

LoadReport AsyncLoad::Wait() {
  if (waited_ || !engine_) return report_;
  if (thread_.joinable()) thread_.join();
  report_ = std::move(engine_->report());
  engine_.reset();
  waited_ = true;
  const AsyncLoadOptions& o = options_;
  report_.target_rate = o.rate;
  report_.in_flight = o.rate > 0 ? 0 : o.in_flight;
  report_.read_ratio = o.read_ratio;
  for (ReadPath p : o.read_paths)
    if (std::find(report_.read_paths.begin(), report_.read_paths.end(), ReadPathName(p)) == report_.read_paths.end())
      report_.read_paths.push_back(ReadPathName(p));
  report_.duration_ms = o.duration_ms;
  report_.keys = o.keys;
  for (const LoadTarget& t : o.targets) report_.via.push_back(t.member);
  report_.channels = static_cast<int>(o.targets.size()) * o.channels_per_target;
  report_.timeout_ms = o.timeout_ms;
  if (journal_) {
    report_.journal_path = journal_->path();
    JournalBatcher::Stats s = journal_->stats();
    report_.journal_writes = s.writes;
    report_.journal_lost = s.lines_lost;
  }
  return report_;
}

Result<LoadReport> AsyncLoad::Run(AsyncLoadOptions options, LoadJournal* journal) {
  AsyncLoad load(std::move(options), journal);
  RL_RETURN_IF_ERROR(load.Start());
  return load.Wait();
}

}  // namespace raftlab::driver
