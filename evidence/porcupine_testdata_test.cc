// Runs the checker on every history listed in shared/testdata/porcupine/expected.tsv and asserts
// each verdict. The directory is $RAFTLAB_TESTDATA, else $RAFTLAB_SOURCE_DIR/../shared/testdata/
// porcupine. Without that directory (a user's fresh clone has no ../shared) the tests skip and say
// where to get it; under CI=true they fail instead (common/test_guard.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/test_guard.h"
#include "evidence/history_formats.h"
#include "evidence/linearizability.h"

namespace raftlab::evidence {
namespace {

namespace fs = std::filesystem;

// ../shared/testdata/porcupine or $RAFTLAB_TESTDATA; *missing says why it is not there.
std::string TestdataDir(std::string* missing) {
  return testguard::SharedTestdataDir("porcupine", "RAFTLAB_TESTDATA", missing);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

TEST(PorcupineTestdata, EveryVerdictMatchesExpectedTsv) {
  std::string missing;
  std::string dir = TestdataDir(&missing);
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing);
  fs::path tsv = fs::path(dir) / "expected.tsv";
  ASSERT_TRUE(fs::exists(tsv)) << "missing " << tsv;

  std::istringstream lines(ReadFile(tsv));
  std::string line;
  int total = 0, right = 0;
  size_t keys_unique = 0, keys_total = 0;
  int64_t t_all = NowNs();
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << "bad expected.tsv line: " << line;
    std::string name = line.substr(0, tab);
    std::string want = line.substr(tab + 1);
    ASSERT_TRUE(want == "true" || want == "false") << "bad expected.tsv line: " << line;
    ++total;
    fs::path file = fs::path(dir) / name;
    if (!fs::exists(file)) {
      ADD_FAILURE() << name << ": file missing";
      continue;
    }
    Result<History> h = ParseHistory(ReadFile(file), name);
    if (!h.ok()) {
      ADD_FAILURE() << name << ": " << h.status().ToString();
      continue;
    }
    // Twice: the search alone, and the unique-value path first (with the shrinker on): both
    // must give the expected verdict, so the two paths agree on every file.
    Validity expect = want == "true" ? Validity::kOk : Validity::kViolated;
    double ms = 0;
    bool both_right = true;
    for (bool unique_first : {false, true}) {
      LinOptions opt;
      opt.now_ns = NowNs;
      opt.time_budget_ns = 30LL * 1000 * 1000 * 1000;
      opt.unique_value_path = unique_first;
      opt.shrink_violations = unique_first;
      int64_t t0 = NowNs();
      Result<LinResult> r = CheckLinearizability(*h, opt);
      ms = std::max(ms, (NowNs() - t0) / 1e6);
      if (!r.ok()) {
        ADD_FAILURE() << name << ": " << r.status().ToString();
        both_right = false;
        break;
      }
      if (unique_first) keys_unique += r->keys_unique_path, keys_total += r->partitions_total;
      if (r->validity != expect) {
        both_right = false;
        ADD_FAILURE() << name << (unique_first ? " (unique-value path first)" : " (search only)")
                      << ": got " << ValidityName(r->validity) << ", want "
                      << ValidityName(expect) << "\n"
                      << r->evidence[0];
      }
    }
    right += both_right;
    if (ms > 500) std::cout << "  slow: " << name << " " << ms << " ms\n";
  }
  std::cout << "porcupine testdata: " << right << " of " << total << " verdicts match, search "
            << "alone and unique-value path first (" << keys_unique << " of " << keys_total
            << " keys decided by the unique-value path; " << (NowNs() - t_all) / 1000000
            << " ms)\n";
  EXPECT_GE(total, 108) << "expected.tsv lists fewer files than it should";
  EXPECT_EQ(right, total);
}

// Files present in the directory but not listed in expected.tsv have no expected verdict: they
// must still parse and be judged (not unknown) within the budget (empty files are skipped).
// Their verdicts are printed.
TEST(PorcupineTestdata, UnlistedFilesAreJudged) {
  std::string missing;
  std::string dir = TestdataDir(&missing);
  RAFTLAB_SKIP_OR_FAIL_UNDER_CI(missing);
  std::string tsv = ReadFile(fs::path(dir) / "expected.tsv");
  for (const char* sub : {"jepsen", "kv"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(dir) / sub)) {
      std::string name = std::string(sub) + "/" + entry.path().filename().string();
      if (tsv.find(name + "\t") != std::string::npos) continue;
      if (fs::file_size(entry.path()) == 0) {   // jepsen/etcd_095.log is empty upstream
        std::cout << "  unlisted " << name << ": empty file, no verdict\n";
        continue;
      }
      Result<History> h = ParseHistory(ReadFile(entry.path()), name);
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      LinOptions opt;
      opt.now_ns = NowNs;
      opt.time_budget_ns = 30LL * 1000 * 1000 * 1000;
      Result<LinResult> r = CheckLinearizability(*h, opt);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_NE(r->validity, Validity::kUnknown) << name;
      std::cout << "  unlisted " << name << ": " << ValidityName(r->validity) << "\n";
    }
  }
}

}  // namespace
}  // namespace raftlab::evidence
