// The one guard for tests that need something a machine may lack (root, /dev/fuse, CAP_NET_ADMIN,
// gnuplot, etcd, the ../shared test data): on a developer's machine such a test skips and says
// what is missing and where to get it; under CI=true the same words make it FAIL, so CI can never
// pass by skipping (STYLE.md §10).
//
//   if (std::string missing = WhatThisTestLacks(); !missing.empty())
//     RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing);
//
// Header-only, for googletest binaries (the library raftlab_common does not link gtest). Reads
// the environment only; thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace raftlab::testguard {

// True when the environment holds CI=true (the project's CI sets it).
inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// The project's shared test data, testdata/<sub> of the shared/ folder that the project's CI
// checks out beside the clone (../shared next to $RAFTLAB_SOURCE_DIR, which ctest sets), or the
// directory $<override_env> names when that is set. A user's fresh clone has no ../shared: then
// *missing says what is absent and where to get it (pass it to RAFTLAB_SKIP_OR_FAIL_UNDER_CI),
// else it is cleared. Returns the directory looked for ("" when it cannot be named).
inline std::string SharedTestdataDir(const std::string& sub, const char* override_env, std::string* missing) {
  namespace fs = std::filesystem;
  std::string dir;
  if (const char* d = std::getenv(override_env); d != nullptr && *d != '\0') {
    dir = d;
  } else if (const char* src = std::getenv("RAFTLAB_SOURCE_DIR"); src != nullptr && *src != '\0') {
    dir = (fs::path(src) / ".." / "shared" / "testdata" / sub).lexically_normal().string();
  }
  std::error_code ec;
  if (dir.empty()) {
    *missing = "cannot locate ../shared/testdata/" + sub + ": neither " + override_env +
               " nor RAFTLAB_SOURCE_DIR is set (run the test through ctest, or set " + override_env +
               "=<dir of testdata/" + sub + ">)";
  } else if (!fs::is_directory(dir, ec)) {
    *missing = "shared test data missing: no directory " + dir + ". It is testdata/" + sub +
               " of the project's shared/ folder, which the project's CI checks out beside the clone as "
               "../shared; put that folder there, or point " + std::string(override_env) + " at a copy of testdata/" + sub;
  } else {
    missing->clear();
  }
  return dir;
}

}  // namespace raftlab::testguard

// When `missing` (text naming what is absent and how to get it; "" = nothing) is not empty:
// FAIL() under CI=true, else GTEST_SKIP(), both carrying `missing`. Like FAIL() it returns from
// the enclosing void function: use it in a TEST body, SetUp(), or a void helper whose caller
// then checks IsSkipped() / HasFatalFailure().
#define RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing)                                                   \
  do {                                                                                           \
    const std::string raftlab_missing_ = (missing);                                              \
    if (!raftlab_missing_.empty()) {                                                             \
      if (::raftlab::testguard::InCi())                                                          \
        FAIL() << "CI=true, so this test may not skip: " << raftlab_missing_;                    \
      GTEST_SKIP() << raftlab_missing_ << " (skipped; under CI=true this is a failure)";         \
    }                                                                                            \
  } while (0)
