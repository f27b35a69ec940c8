// AsyncLoad against an in-process fake etcd KV service (Range, Put, Txn over a map): the
// target rate is reached, every op is journaled whole and the run loader and the
// linearizability checker accept the history, no client has two ops in flight, timeouts end
// as info (never fail) and retire their client, and a full in-flight window skips arrivals.
#include "driver/async_load.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "common/json_util.h"
#include "etcd/etcdserver/etcdserverpb/rpc.grpc.pb.h"
#include "evidence/checkers.h"
#include "evidence/run_loader.h"

namespace raftlab::driver {
namespace {

// A single-register-per-key store with etcd's revision counting; `delay` slows every call.
class FakeKv final : public etcdserverpb::KV::Service {
 public:
  std::chrono::milliseconds delay{0};

  grpc::Status Range(grpc::ServerContext*, const etcdserverpb::RangeRequest* req,
                     etcdserverpb::RangeResponse* resp) override {
    Sleep();
    std::lock_guard<std::mutex> lock(mu_);
    ReadInto(req->key(), resp);
    resp->mutable_header()->set_revision(revision_);
    ++ranges;
    if (req->serializable()) ++serializable;
    return grpc::Status::OK;
  }
  grpc::Status Put(grpc::ServerContext*, const etcdserverpb::PutRequest* req, etcdserverpb::PutResponse* resp) override {
    Sleep();
    std::lock_guard<std::mutex> lock(mu_);
    data_[req->key()] = req->value();
    resp->mutable_header()->set_revision(++revision_);
    ++puts;
    return grpc::Status::OK;
  }
  grpc::Status Txn(grpc::ServerContext*, const etcdserverpb::TxnRequest* req, etcdserverpb::TxnResponse* resp) override {
    Sleep();
    std::lock_guard<std::mutex> lock(mu_);
    resp->set_succeeded(true);
    bool wrote = false;
    for (const auto& op : req->success()) {
      if (op.has_request_range()) ReadInto(op.request_range().key(), resp->add_responses()->mutable_response_range());
      if (op.has_request_put()) {
        data_[op.request_put().key()] = op.request_put().value();
        resp->add_responses()->mutable_response_put();
        wrote = true;
      }
    }
    if (wrote) ++revision_;
    resp->mutable_header()->set_revision(revision_);
    ++txns;
    return grpc::Status::OK;
  }
  std::atomic<int> ranges{0}, serializable{0}, puts{0}, txns{0};

 private:
  void Sleep() {
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
  }
  void ReadInto(const std::string& key, etcdserverpb::RangeResponse* resp) {
    auto it = data_.find(key);
    if (it == data_.end()) return;
    auto* kv = resp->add_kvs();
    kv->set_key(key);
    kv->set_value(it->second);
  }
  std::mutex mu_;
  std::map<std::string, std::string> data_;
  int64_t revision_ = 1;
};

class AsyncLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    b.RegisterService(&kv_);
    server_ = b.BuildAndStart();
    ASSERT_TRUE(server_ != nullptr);
    dir_ = std::filesystem::temp_directory_path() / ("async_load_test_" + std::to_string(getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    journal_path_ = dir_ + "/journal.jsonl";
  }
  void TearDown() override {
    server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }
  AsyncLoadOptions Options() {
    AsyncLoadOptions o;
    o.targets = {{"n1", "127.0.0.1:" + std::to_string(port_)}, {"n2", "127.0.0.1:" + std::to_string(port_)}};
    o.keys = 5;
    o.timeout_ms = 2000;
    return o;
  }
  Result<evidence::Run> LoadJournalRun() {
    Result<std::string> text = ReadFile(journal_path_);
    if (!text.ok()) return text.status();
    return evidence::RunFromJournal(*text);
  }

  FakeKv kv_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::string dir_, journal_path_;
};

TEST_F(AsyncLoadTest, ReachesItsRateAndJournalsAHistoryTheCheckersAccept) {
  Result<std::unique_ptr<LoadJournal>> journal = LoadJournal::Open(journal_path_, "test");
  ASSERT_TRUE(journal.ok()) << journal.status().message();
  AsyncLoadOptions o = Options();
  o.rate = 2000;
  o.duration_ms = 1500;
  o.read_ratio = 0.8;
  o.read_paths = {ReadPath::kLinearizable, ReadPath::kSerializable, ReadPath::kLog};
  int progress_calls = 0;
  o.progress_interval_ms = 500;
  o.progress = [&](const LoadProgress& p) {
    ++progress_calls;
    EXPECT_GE(p.issued, p.ok);
  };
  Result<LoadReport> r = AsyncLoad::Run(o, journal->get());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE((*journal)->Close().ok());
  std::string why;
  EXPECT_TRUE(Sustained(*r, 0.1, &why)) << why << "\n" << LoadTable(*r);
  EXPECT_NEAR(static_cast<double>(r->issued), 3000, 30);
  EXPECT_EQ(r->ok, r->issued);
  EXPECT_GE(progress_calls, 2);
  EXPECT_EQ(r->kinds.size(), 4u) << LoadTable(*r);
  EXPECT_GT(r->kinds["get/log"].ok, 0u);
  EXPECT_EQ(kv_.puts + kv_.ranges + kv_.txns, static_cast<int>(r->issued));
  EXPECT_EQ(kv_.txns, static_cast<int>(r->kinds["get/log"].ok));
  EXPECT_EQ(kv_.serializable, static_cast<int>(r->kinds["get/serializable"].ok));
  EXPECT_EQ(r->journal_lines, 2 * r->issued);
  EXPECT_EQ(r->journal_lost, 0u);

  Result<evidence::Run> run = LoadJournalRun();
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_EQ(run->ops.size(), r->issued);
  std::map<int64_t, std::vector<const evidence::ClientOp*>> by_client;
  for (const auto& op : run->ops) {
    EXPECT_GE(op.op_id, kFirstLoadOpId);
    EXPECT_GE(op.client, kFirstLoadClient);
    EXPECT_EQ(op.outcome, evidence::OpOutcome::kOk);
    EXPECT_TRUE(op.via == "n1" || op.via == "n2");
    by_client[op.client].push_back(&op);
  }
  // One op at a time per logical client.
  for (auto& [client, ops] : by_client) {
    std::sort(ops.begin(), ops.end(), [](auto* a, auto* b) { return a->invoke_ns < b->invoke_ns; });
    for (size_t i = 1; i < ops.size(); ++i)
      ASSERT_GE(ops[i]->invoke_ns, ops[i - 1]->complete_ns) << "client " << client << " had two ops in flight";
  }
  evidence::Verdict lin = evidence::CheckLinearizable(*run);
  EXPECT_EQ(lin.validity, evidence::Validity::kOk) << (lin.evidence.empty() ? "" : lin.evidence[0]);
  // Histograms hold every ok op.
  uint64_t recorded = 0;
  for (const auto& [kind, k] : r->kinds) recorded += k.ok_latency.count();
  EXPECT_EQ(recorded, r->ok);
  Json j = LoadJson(*r);
  EXPECT_EQ(j["kinds"]["put"]["latency"]["count"], r->kinds["put"].ok);
  EXPECT_GT(j["rate"].get<double>(), 1800);
}

TEST_F(AsyncLoadTest, TimeoutsAreInfoAndRetireTheirClient) {
  kv_.delay = std::chrono::milliseconds(300);
  AsyncLoadOptions o = Options();
  o.rate = 100;
  o.duration_ms = 400;
  o.timeout_ms = 50;
  o.min_clients = 2;
  o.read_ratio = 0.5;
  Result<std::unique_ptr<LoadJournal>> journal = LoadJournal::Open(journal_path_, "test");
  ASSERT_TRUE(journal.ok());
  Result<LoadReport> r = AsyncLoad::Run(o, journal->get());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*journal)->Close().ok());
  EXPECT_GT(r->issued, 30u);
  EXPECT_EQ(r->info, r->issued) << LoadTable(*r);
  EXPECT_EQ(r->fail, 0u);
  EXPECT_EQ(r->clients, r->issued) << "every timed-out client is retired: one client per op";
  std::string why;
  EXPECT_FALSE(Sustained(*r, 0.5, &why));   // the rate is near the target; the infos are the shortfall
  EXPECT_NE(why.find("info"), std::string::npos) << why;
  Result<evidence::Run> run = LoadJournalRun();
  ASSERT_TRUE(run.ok()) << run.status().message();
  for (const auto& op : run->ops) EXPECT_EQ(op.outcome, evidence::OpOutcome::kUnknown);
}

TEST_F(AsyncLoadTest, AFullWindowSkipsArrivalsAndClosedLoopKeepsItsWindow) {
  kv_.delay = std::chrono::milliseconds(100);
  AsyncLoadOptions o = Options();
  o.rate = 200;
  o.duration_ms = 500;
  o.max_in_flight = 2;
  Result<LoadReport> open = AsyncLoad::Run(o, nullptr);
  ASSERT_TRUE(open.ok());
  EXPECT_GT(open->skipped, 50u) << LoadTable(*open);
  EXPECT_EQ(open->issued + open->skipped, 100u);
  std::string why;
  EXPECT_FALSE(Sustained(*open, 0.1, &why));

  AsyncLoadOptions closed = Options();
  closed.rate = 0;
  closed.in_flight = 4;
  closed.max_ops = 40;
  closed.duration_ms = 60000;
  Result<LoadReport> c = AsyncLoad::Run(closed, nullptr);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->issued, 40u);
  EXPECT_EQ(c->ok, 40u);
  EXPECT_GE(c->ActiveSeconds(), 0.9);   // 40 ops, 4 at a time, 100 ms each
  EXPECT_LE(c->clients, 16u);
}

TEST(AsyncLoadOptionsTest, BadOptionsAreNamed) {
  AsyncLoadOptions o;
  EXPECT_NE(ValidateLoadOptions(o).message().find("target"), std::string::npos);
  o.targets = {{"n1", "127.0.0.1:1"}};
  EXPECT_TRUE(ValidateLoadOptions(o).ok());
  o.read_ratio = 1.5;
  EXPECT_NE(ValidateLoadOptions(o).message().find("read ratio"), std::string::npos);
  o.read_ratio = 0.5;
  o.rate = 0;
  EXPECT_NE(ValidateLoadOptions(o).message().find("in_flight"), std::string::npos);
  o.rate = 10;
  o.read_paths.clear();
  EXPECT_NE(ValidateLoadOptions(o).message().find("read path"), std::string::npos);
}

}  // namespace
}  // namespace raftlab::driver
