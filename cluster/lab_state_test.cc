#include "cluster/lab_state.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace raftlab::cluster {
namespace {

class LabStateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lab_state_test." + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "lab.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(LabStateFileTest, AnOlderSnapshotNeverOverwritesANewerOne) {
  LabStateFile file(path_);
  file.Write(2, {{"v", 2}});
  file.Write(1, {{"v", 1}});   // taken earlier, written later: dropped
  EXPECT_EQ(LabStateFile::Read(path_)["v"], 2);
  file.Write(3, {{"v", 3}});
  EXPECT_EQ(LabStateFile::Read(path_)["v"], 3);
}

TEST_F(LabStateFileTest, RemoveDropsSnapshotsTakenBeforeIt) {
  LabStateFile file(path_);
  file.Write(1, {{"v", 1}});
  file.Remove(5);
  EXPECT_TRUE(LabStateFile::Read(path_).is_null());
  file.Write(4, {{"v", 4}});   // a snapshot of the lab Down just ended
  EXPECT_TRUE(LabStateFile::Read(path_).is_null());
  file.Write(6, {{"v", 6}});
  EXPECT_EQ(LabStateFile::Read(path_)["v"], 6);
}

TEST_F(LabStateFileTest, UpdateFaultsKeepsACrashedLabsMembers) {
  LabStateFile file(path_);
  file.Write(1, {{"members", {{{"name", "n1"}, {"agent", "127.99.0.21:7070"}}}}, {"faults", {{{"id", "f1"}}}}});
  file.UpdateFaults(Json::array());
  Json state = LabStateFile::Read(path_);
  EXPECT_EQ(state["faults"], Json::array());
  EXPECT_EQ(PersistedAgents(state), (std::map<std::string, std::string>{{"n1", "127.99.0.21:7070"}}));
}

TEST(PersistedState, AgentsOfEachMemberLocalAsEmpty) {
  Json state = {{"members", {{{"name", "n1"}, {"agent", "10.0.0.5:7070"}}, {{"name", "n2"}}, {{"id", "x"}}}}};
  EXPECT_EQ(PersistedAgents(state), (std::map<std::string, std::string>{{"n1", "10.0.0.5:7070"}, {"n2", ""}}));
  EXPECT_TRUE(PersistedAgents(Json()).empty());
  EXPECT_TRUE(PersistedAgents(Json{{"members", 3}}).empty());
  EXPECT_EQ(PersistedToken(Json{{"token_file", "/nonexistent/token"}}), "");
}

}  // namespace
}  // namespace raftlab::cluster
