// The message-level checkers on the three real etcd 3.4.23 captures in shared/testdata/wire,
// decoded by the wire decoder (wire_decoder.h). Each capture is of a healthy 3-member lab, so no
// checker may say violated, and each says what it judged (printed). The directory is
// $RAFTLAB_WIRE_TESTDATA, else $RAFTLAB_SOURCE_DIR/../shared/testdata/wire; without it the tests
// skip, under CI=true they fail (common/test_guard.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "common/test_guard.h"
#include "evidence/check_test_util.h"
#include "evidence/checkers.h"
#include "evidence/wire_decoder.h"
#include "evidence/wire_timeline.h"

namespace raftlab::evidence {
namespace {
using namespace checktest;

// The capture as a run: its messages, the members' ids from them, and the lab's one membership
// record (n1 n2 n3, unchanged: the captures hold no ConfChange).
void CaptureRun(const std::string& name, evidence::Run* run) {
  std::string missing;
  const std::string dir = testguard::SharedTestdataDir("wire", "RAFTLAB_WIRE_TESTDATA", &missing);
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing);
  const std::string path = (std::filesystem::path(dir) / name).string();
  ASSERT_TRUE(std::filesystem::exists(path)) << "missing " << path;
  Result<WireCapture> c =
      DecodeWireFile(path, {{"127.99.0.11", "n1"}, {"127.99.0.12", "n2"}, {"127.99.0.13", "n3"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  run->dir = name;
  run->member_names = WireMemberNames(c->messages);
  ASSERT_EQ(run->member_names.size(), 3u);
  MembershipRecord rec;
  rec.voters = {"n1", "n2", "n3"};
  run->memberships.push_back(rec);
  run->messages = std::move(c->messages);
}

struct Expected {
  const char* checker;
  Validity validity;
  uint64_t min_judged;
};

void ExpectVerdicts(const std::string& capture, const std::vector<Expected>& expected) {
  evidence::Run run;
  CaptureRun(capture, &run);
  if (testing::Test::IsSkipped() || testing::Test::HasFatalFailure()) return;
  for (const Verdict& v : RunAllCheckers(run)) {
    if (v.checker.rfind("msg_", 0) != 0) continue;
    std::cout << capture << " " << v.checker << ": " << ValidityName(v.validity) << ", judged " << v.judged << " of "
              << v.of << " " << v.unit << "\n    " << (v.evidence.empty() ? "" : v.evidence.front()) << "\n";
    EXPECT_NE(v.validity, Validity::kViolated) << capture << "\n" << Dump(v);
    for (const Expected& e : expected) {
      if (v.checker != e.checker) continue;
      EXPECT_EQ(v.validity, e.validity) << capture << "\n" << Dump(v);
      EXPECT_GE(v.judged, e.min_judged) << capture << "\n" << Dump(v);
    }
  }
}

// n2 leads term 2 when the capture begins (its earlier acks are missing), then two elections:
// n1 wins term 3 and term 8 with n3's grant, each announcement of those terms judged.
TEST(MsgCaptures, ElectionPartition) {
  ExpectVerdicts("election-partition.pcap", {{"msg_commit_rule", Validity::kOk, 20},
                                             {"msg_votes", Validity::kOk, 4},
                                             {"msg_prevote", Validity::kNotApplicable, 0},
                                             {"msg_snapshot_conf", Validity::kNotApplicable, 0},
                                             {"msg_durable_copies", Validity::kOk, 3}});
}

// n1 wins term 18 and sends n2 the snapshot at 5414 (ConfState n1 n2 n3).
TEST(MsgCaptures, InstallSnapshot) {
  ExpectVerdicts("install-snapshot.pcap", {{"msg_commit_rule", Validity::kOk, 5},
                                           {"msg_votes", Validity::kOk, 3},
                                           {"msg_prevote", Validity::kNotApplicable, 0},
                                           {"msg_snapshot_conf", Validity::kOk, 1},
                                           {"msg_durable_copies", Validity::kOk, 1}});
}

// n1 leads term 18 through the whole capture (its election is before it) and no write happens:
// no acknowledgement of its term is on the wire, so its commits cannot be judged; n3, cut off
// from n1, campaigns for terms 19 and 20 and is granted nothing.
TEST(MsgCaptures, OneWayCut) {
  ExpectVerdicts("one-way-cut.pcap", {{"msg_commit_rule", Validity::kUnknown, 0},
                                      {"msg_prevote", Validity::kNotApplicable, 0},
                                      {"msg_snapshot_conf", Validity::kNotApplicable, 0}});
}

}  // namespace
}  // namespace raftlab::evidence
