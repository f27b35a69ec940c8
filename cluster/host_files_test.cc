// HostFiles' confinement rules, edge by edge (the agent contract covers the operations).
#include "cluster/host_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace raftlab::cluster {
namespace {

class HostFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/raftlab-host-files-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  std::string root_;
};

TEST_F(HostFilesTest, PathRules) {
  HostFiles files(root_ + "/");   // a trailing slash on the root is dropped
  EXPECT_EQ(files.root(), root_);
  EXPECT_TRUE(files.CheckPath(root_).ok());
  EXPECT_TRUE(files.CheckPath(root_ + "/a/b").ok());
  EXPECT_TRUE(files.CheckPath(root_ + "/not-yet/there").ok());
  for (const std::string& bad : {root_ + "/", root_ + "//a", root_ + "/./a", root_ + "/a/..", root_ + "x",
                                std::string("/"), std::string(""), std::string("a")}) {
    Status s = files.CheckPath(bad);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << "\"" << bad << "\" accepted";
    EXPECT_NE(s.message().find(root_), std::string::npos) << s.ToString();
  }
}

TEST_F(HostFilesTest, SymlinkOutOfTheRootIsRefused) {
  std::filesystem::create_directory_symlink("/etc", root_ + "/etc-link");
  HostFiles files(root_);
  Status s = files.CheckPath(root_ + "/etc-link/hostname");
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("/etc/hostname"), std::string::npos) << s.ToString();
  // ReadTree does not follow a link inside the tree either.
  Result<std::vector<FileEntry>> tree = files.ReadTree(root_);
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  EXPECT_TRUE(tree->empty());
}

TEST_F(HostFilesTest, EmptyRootRefusesEveryPath) {
  HostFiles files("");
  EXPECT_EQ(files.CheckPath("/etc/hostname").code(), Code::kFailedPrecondition);
}

TEST_F(HostFilesTest, MoveIntoItselfAndRemovingTheRootAreRefused) {
  HostFiles files(root_);
  ASSERT_TRUE(files.WriteFile(root_ + "/d/f", "x").ok());
  EXPECT_EQ(files.MoveTree(root_ + "/d", root_ + "/d/inner").code(), Code::kInvalidArgument);
  EXPECT_EQ(files.MoveTree(root_ + "/d", root_ + "/d").code(), Code::kInvalidArgument);
  EXPECT_EQ(files.RemoveTree(root_).code(), Code::kInvalidArgument);
  EXPECT_EQ(files.ReadFile(root_ + "/d").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(*files.ReadFile(root_ + "/d/f"), "x");
}

}  // namespace
}  // namespace raftlab::cluster
