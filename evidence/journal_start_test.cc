// The run's start (journal_start.h): the first session start wins, even over earlier lines and
// later sessions; a journal without one starts at its smallest mono_ns; ReadRunStartNs agrees
// with RunStartNs on the same text and reports what is wrong with a bad file.
#include "evidence/journal_start.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace raftlab::evidence {
namespace {

std::vector<Json> Events(const std::string& jsonl) {
  std::vector<Json> out;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(Json::parse(line));
  return out;
}

// A journal file in the temp dir, removed at the end of the scope.
class TempJournal {
 public:
  explicit TempJournal(const std::string& text) {
    static int n = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("raftlab-journal-start-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".jsonl"))
                .string();
    std::ofstream(path_) << text;
  }
  ~TempJournal() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A scenario note (written by another process) lands before the lab's session start, and a
// second session is appended later: the start is still the first session start.
constexpr char kTwoSessions[] =
    R"({"mono_ns":900,"kind":"note","text":"written early"}
{"mono_ns":1000,"kind":"session","event":"start","members":3}
{"mono_ns":2500,"kind":"sample","member":"n1","ok":true}
{"mono_ns":3000,"kind":"session","event":"end"}
{"mono_ns":4000,"kind":"session","event":"start","members":3}
)";

TEST(RunStartNs, FirstSessionStartWins) {
  EXPECT_EQ(RunStartNs(Events(kTwoSessions)), 1000);
}

TEST(RunStartNs, SessionEndIsNotAStart) {
  EXPECT_TRUE(IsRunStartEvent(Json::parse(R"({"kind":"session","event":"start"})")));
  EXPECT_FALSE(IsRunStartEvent(Json::parse(R"({"kind":"session","event":"end"})")));
  EXPECT_FALSE(IsRunStartEvent(Json::parse(R"({"kind":"note","event":"start"})")));
  EXPECT_FALSE(IsRunStartEvent(Json::parse(R"([1,2])")));
}

TEST(RunStartNs, WithoutASessionStartTheSmallestMonoNs) {
  // An older journal: no session line, and its lines slightly out of order.
  EXPECT_EQ(RunStartNs(Events(R"({"mono_ns":7000,"kind":"membership"}
{"mono_ns":5000,"kind":"sample","member":"n1","ok":true}
{"mono_ns":6000,"kind":"op","op_id":1,"phase":"invoke"}
)")),
            5000);
}

TEST(RunStartNs, LinesWithoutAnIntegerMonoNsAreIgnored) {
  EXPECT_EQ(RunStartNs(Events(R"({"kind":"session","event":"start"}
{"mono_ns":"12","kind":"session","event":"start"}
{"mono_ns":40,"kind":"sample"}
)")),
            40);
  EXPECT_EQ(RunStartNs({}), std::nullopt);
  EXPECT_EQ(RunStartNs(Events(R"({"kind":"note"})")), std::nullopt);
}

TEST(ReadRunStartNs, AgreesWithRunStartNsOnTheSameText) {
  TempJournal j(kTwoSessions);
  Result<int64_t> start = ReadRunStartNs(j.path());
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  EXPECT_EQ(*start, 1000);
  TempJournal old(R"({"mono_ns":7000,"kind":"membership"}
{"mono_ns":5000,"kind":"sample"}
)");
  ASSERT_TRUE(ReadRunStartNs(old.path()).ok());
  EXPECT_EQ(*ReadRunStartNs(old.path()), 5000);
}

TEST(ReadRunStartNs, StopsAtTheSessionStart) {
  // A line being written by raftlabd (torn) after the start does not matter.
  TempJournal j("{\"mono_ns\":1000,\"kind\":\"session\",\"event\":\"start\"}\n{\"mono_ns\":20");
  Result<int64_t> start = ReadRunStartNs(j.path());
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  EXPECT_EQ(*start, 1000);
}

TEST(ReadRunStartNs, BadLineBeforeTheStartIsAnError) {
  TempJournal j("{\"mono_ns\":900,\"kind\":\"note\"}\nnot json\n{\"mono_ns\":1000,\"kind\":\"session\",\"event\":\"start\"}\n");
  Result<int64_t> start = ReadRunStartNs(j.path());
  ASSERT_FALSE(start.ok());
  EXPECT_EQ(start.status().code(), Code::kInvalidArgument);
  EXPECT_NE(start.status().message().find("line 2"), std::string::npos) << start.status().ToString();
}

TEST(ReadRunStartNs, MissingFileOrNoTimesIsNotFound) {
  EXPECT_EQ(ReadRunStartNs("/nonexistent/journal.jsonl").status().code(), Code::kNotFound);
  TempJournal j("{\"kind\":\"note\"}\n\n");
  EXPECT_EQ(ReadRunStartNs(j.path()).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace raftlab::evidence
