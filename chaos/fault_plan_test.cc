// Fault plans: deterministic per seed, every fault kind over a few seeds, steps and quiet periods
// inside the duration, the leader pause and the member change always present, JSON round trips,
// and bad plan files refused with the field named.
#include "chaos/fault_plan.h"

#include <gtest/gtest.h>

#include <set>

namespace raftlab::chaos {
namespace {

PlanOptions Options(uint64_t seed, int64_t duration_ms, int members = 3) {
  PlanOptions o;
  o.seed = seed;
  o.duration_ms = duration_ms;
  o.members = members;
  return o;
}

FaultPlan Make(uint64_t seed, int64_t duration_ms, int members = 3) {
  Result<FaultPlan> p = MakeFaultPlan(Options(seed, duration_ms, members));
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : FaultPlan{};
}

TEST(FaultPlan, SameSeedSamePlanOtherSeedOtherPlan) {
  for (uint64_t seed : {1u, 7u, 42u}) {
    EXPECT_EQ(FaultPlanToJson(Make(seed, 300000)), FaultPlanToJson(Make(seed, 300000))) << seed;
  }
  EXPECT_NE(FaultPlanToJson(Make(1, 300000))["steps"], FaultPlanToJson(Make(2, 300000))["steps"]);
}

TEST(FaultPlan, EveryFaultKindOverAFewSeeds) {
  // A 5-minute plan holds every (fault, target) variant; so the union of three short ones...
  std::set<PlanFault> five_minutes;
  for (const PlanStep& s : Make(7, 300000).steps) five_minutes.insert(s.fault);
  EXPECT_EQ(five_minutes.size(), AllPlanFaults().size());
  std::set<std::pair<PlanFault, PlanRole>> variants;
  for (uint64_t seed = 1; seed <= 3; ++seed)
    for (const PlanStep& s : Make(seed, 300000).steps) variants.insert({s.fault, s.fault == PlanFault::kMemberChange ? PlanRole::kFollower : s.target});
  for (PlanFault f : AllPlanFaults()) {
    EXPECT_TRUE(variants.count({f, PlanRole::kFollower}) || variants.count({f, PlanRole::kLeader})) << PlanFaultName(f);
    if (f != PlanFault::kBridge && f != PlanFault::kTransferLeader && f != PlanFault::kMemberChange) {
      EXPECT_TRUE(variants.count({f, PlanRole::kLeader})) << PlanFaultName(f) << " on the leader";
      EXPECT_TRUE(variants.count({f, PlanRole::kFollower})) << PlanFaultName(f) << " on a follower";
    }
  }
  // ... and 60-second plans over ten seeds still meet every kind.
  std::set<PlanFault> short_plans;
  for (uint64_t seed = 1; seed <= 10; ++seed)
    for (const PlanStep& s : Make(seed, 60000).steps) short_plans.insert(s.fault);
  EXPECT_EQ(short_plans.size(), AllPlanFaults().size());
}

TEST(FaultPlan, StepsAndQuietPeriodsFitTheDuration) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    for (int64_t duration : {MinimumPlanDurationMs(Options(seed, 0)), int64_t{60000}, int64_t{300000}}) {
      const PlanOptions o = Options(seed, duration);
      Result<FaultPlan> p = MakeFaultPlan(o);
      ASSERT_TRUE(p.ok()) << seed << " " << duration << ": " << p.status().message();
      ASSERT_TRUE(ValidateFaultPlan(*p).ok());
      ASSERT_FALSE(p->steps.empty());
      EXPECT_GE(p->steps.front().at_ms, o.lead_in_ms);
      EXPECT_LE(p->steps.back().end_ms(), duration - o.tail_ms) << seed;
      for (size_t i = 1; i < p->steps.size(); ++i) {
        const int64_t quiet = p->steps[i].at_ms - p->steps[i - 1].end_ms();
        EXPECT_GE(quiet, o.quiet_min_ms) << seed << " step " << i;
        EXPECT_LE(quiet, o.quiet_max_ms) << seed << " step " << i;
      }
      for (const PlanStep& s : p->steps) {
        EXPECT_EQ(s.duration_ms == 0, IsInstant(s.fault)) << DescribeStep(s);
        if (s.fault == PlanFault::kPause && s.target == PlanRole::kLeader) {
          EXPECT_GE(s.duration_ms, 1000);
          EXPECT_LE(s.duration_ms, 3000);
        }
      }
    }
  }
}

TEST(FaultPlan, AlwaysPausesTheLeaderAndChangesMembershipWhileNamesAreLeft) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    FaultPlan p = Make(seed, 60000);
    bool pause_leader = false;
    for (const PlanStep& s : p.steps) pause_leader = pause_leader || (s.fault == PlanFault::kPause && s.target == PlanRole::kLeader);
    EXPECT_TRUE(pause_leader) << seed;
    EXPECT_GE(MemberChanges(p), 1) << seed;
  }
  // Long plans never ask for more new members than names n4..n9 (n8, n9 for 7 members).
  EXPECT_LE(MemberChanges(Make(3, 3600000, 3)), 6);
  EXPECT_LE(MemberChanges(Make(3, 3600000, 7)), 2);
  EXPECT_EQ(MemberChanges(Make(3, 60000, 9)), 0);
}

TEST(FaultPlan, TooShortOrBadOptionsAreRefused) {
  Result<FaultPlan> p = MakeFaultPlan(Options(1, 10000));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_NE(p.status().message().find("too short"), std::string::npos) << p.status().message();
  EXPECT_FALSE(MakeFaultPlan(Options(1, 60000, 2)).ok());
  EXPECT_FALSE(MakeFaultPlan(Options(1, 60000, 10)).ok());
}

TEST(FaultPlan, JsonRoundTrips) {
  for (uint64_t seed : {1u, 7u, 99u}) {
    FaultPlan p = Make(seed, 300000, 5);
    Json j = FaultPlanToJson(p);
    Result<FaultPlan> back = ParseFaultPlan(j.dump(2));
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(FaultPlanToJson(*back), j);
    EXPECT_EQ(back->seed, seed);
    EXPECT_EQ(back->members, 5);
    EXPECT_EQ(back->steps.size(), p.steps.size());
    EXPECT_EQ(DescribePlan(*back), DescribePlan(p));
  }
}

TEST(FaultPlan, DescribesEveryStep) {
  FaultPlan p = Make(7, 300000);
  std::string text = DescribePlan(p);
  EXPECT_NE(text.find(std::to_string(p.steps.size()) + " steps over 300.0 s"), std::string::npos) << text;
  EXPECT_NE(text.find("pause the leader (SIGSTOP"), std::string::npos) << text;
  EXPECT_NE(text.find("member change"), std::string::npos) << text;
  PlanStep loss;
  loss.fault = PlanFault::kLoss;
  loss.target = PlanRole::kLeader;
  loss.loss_percent = 25;
  loss.duration_ms = 4000;
  EXPECT_EQ(DescribeStep(loss), "loss 25% on the leader's peer traffic for 4.0 s");
}

// A small valid plan as JSON, to break one field at a time.
Json GoodPlan() {
  return Json::parse(R"({"format":"raftlab-fault-plan/1","seed":7,"members":3,"duration_ms":30000,"steps":[
    {"step":1,"at_ms":3000,"duration_ms":2000,"fault":"pause","target":"leader","pick":5},
    {"step":2,"at_ms":8000,"duration_ms":3000,"fault":"loss","target":"follower","loss_percent":20},
    {"step":3,"at_ms":14000,"duration_ms":0,"fault":"transfer-leader","target":"follower"},
    {"step":4,"at_ms":16000,"duration_ms":9000,"fault":"member-change"}]})");
}

std::string Error(const Json& doc) {
  Result<FaultPlan> p = FaultPlanFromJson(doc);
  EXPECT_FALSE(p.ok()) << doc.dump();
  if (p.ok()) return "";
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  return p.status().message();
}

TEST(FaultPlan, BadPlanFilesGiveClearErrors) {
  ASSERT_TRUE(FaultPlanFromJson(GoodPlan()).ok()) << FaultPlanFromJson(GoodPlan()).status().message();
  Result<FaultPlan> text = ParseFaultPlan("{\"format\": ");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("not a JSON document"), std::string::npos);

  auto with = [](const std::function<void(Json&)>& change) {
    Json j = GoodPlan();
    change(j);
    return j;
  };
  EXPECT_NE(Error(with([](Json& j) { j["format"] = "other/2"; })).find("plan.format"), std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j.erase("format"); })).find("plan.format: missing"), std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["members"] = 12; })).find("plan.members"), std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["steps"] = 3; })).find("plan.steps: must be an array"), std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["extra"] = 1; })).find("plan.extra: unknown field"), std::string::npos);
  std::string unknown = Error(with([](Json& j) { j["steps"][1]["fault"] = "flood"; }));
  EXPECT_NE(unknown.find("steps[1].fault: unknown fault 'flood'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("isolate"), std::string::npos) << unknown;
  EXPECT_NE(Error(with([](Json& j) { j["steps"][0]["target"] = "boss"; })).find("steps[0].target"), std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["steps"][0]["at_ms"] = "soon"; })).find("steps[0].at_ms: must be an integer"),
            std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["steps"][1].erase("loss_percent"); })).find("steps[1].loss_percent: missing"),
            std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["steps"][0]["delay_ms"] = 50; })).find("only a delay step"), std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["steps"][1]["loss_percent"] = 100; })).find("out of range"), std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["steps"][2]["step"] = 9; })).find("steps[2].step"), std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["steps"][3]["target"] = "leader"; })).find("no target"), std::string::npos);
  // Rules across steps.
  std::string overlap = Error(with([](Json& j) { j["steps"][1]["at_ms"] = 4000; }));
  EXPECT_NE(overlap.find("before the previous step ends"), std::string::npos) << overlap;
  std::string late = Error(with([](Json& j) { j["steps"][3]["duration_ms"] = 20000; }));
  EXPECT_NE(late.find("after the plan's duration_ms"), std::string::npos) << late;
  EXPECT_NE(Error(with([](Json& j) { j["steps"][2]["duration_ms"] = 500; })).find("one action"), std::string::npos);
  EXPECT_NE(Error(with([](Json& j) { j["steps"][2]["target"] = "leader"; })).find("must be a follower"), std::string::npos);
  std::string too_many = Error(with([](Json& j) { j["members"] = 9; }));
  EXPECT_NE(too_many.find("names left"), std::string::npos) << too_many;
  Json bad_rate = GoodPlan();
  bad_rate["steps"][1] = Json::parse(R"({"at_ms":8000,"duration_ms":3000,"fault":"bandwidth","target":"leader","rate":"fast"})");
  EXPECT_NE(Error(bad_rate).find("rate must be"), std::string::npos);
}

}  // namespace
}  // namespace raftlab::chaos
