// JournalBatcher loses nothing and writes only whole lines: many producers, lines of every
// size (some longer than a batch), short writes, a failing disk, and a real file shared with
// other O_APPEND writers (as raftlabd and a scenario share a run's journal).
#include "driver/journal_batcher.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "common/json_util.h"

namespace raftlab::driver {
namespace {

// "p<producer> n<seq> <padding>\n": which producer wrote it, its sequence number, any length.
std::string Line(int producer, int seq, size_t pad) {
  return "p" + std::to_string(producer) + " n" + std::to_string(seq) + " " + std::string(pad, 'x') + "\n";
}

struct Recorded {
  std::mutex mu;
  std::vector<std::string> calls;
};

// Every line of every producer exactly once, each producer's in order.
void ExpectAllLinesInOrder(const std::string& text, int producers, int per_producer) {
  std::map<int, int> next;
  std::istringstream in(text);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    int p = -1, n = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "p%d n%d", &p, &n), 2) << "torn line: " << line.substr(0, 80);
    ASSERT_EQ(n, next[p]) << "producer " << p << " out of order or lost";
    ++next[p];
  }
  EXPECT_EQ(lines, producers * per_producer);
  for (int p = 0; p < producers; ++p) EXPECT_EQ(next[p], per_producer) << p;
}

void Produce(JournalBatcher& b, int producers, int per_producer, uint64_t seed, size_t huge_every = 997) {
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&b, p, per_producer, seed, huge_every] {
      std::mt19937_64 rng(seed + static_cast<uint64_t>(p));
      for (int i = 0; i < per_producer;) {
        // Sometimes several lines in one Append, as the load generator hands over its buffer.
        std::string chunk;
        int k = 1 + static_cast<int>(rng() % 4);
        for (int j = 0; j < k && i < per_producer; ++j, ++i) {
          size_t pad = rng() % huge_every == 0 ? 300000 + rng() % 100000 : rng() % 400;
          chunk += Line(p, i, pad);
        }
        b.Append(std::move(chunk));
      }
    });
  }
  for (auto& t : threads) t.join();
}

TEST(JournalBatcher, ManyProducersEveryWriteHoldsWholeLines) {
  auto rec = std::make_shared<Recorded>();
  JournalBatcher::Options o;
  o.flush_interval_ms = 2;
  o.max_write_bytes = 64 * 1024;
  JournalBatcher b(
      [rec](std::string_view bytes) -> Result<size_t> {
        std::lock_guard<std::mutex> lock(rec->mu);
        rec->calls.emplace_back(bytes);
        return bytes.size();
      },
      o);
  Produce(b, 8, 4000, 1);
  ASSERT_TRUE(b.Close().ok());
  std::string all;
  for (const std::string& call : rec->calls) {
    ASSERT_FALSE(call.empty());
    EXPECT_EQ(call.back(), '\n') << "a write ended inside a line";
    // Longer than a batch only when it is one line.
    if (call.size() > o.max_write_bytes) EXPECT_EQ(std::count(call.begin(), call.end(), '\n'), 1);
    all += call;
  }
  ExpectAllLinesInOrder(all, 8, 4000);
  JournalBatcher::Stats s = b.stats();
  EXPECT_EQ(s.lines_queued, 32000u);
  EXPECT_EQ(s.lines_written, 32000u);
  EXPECT_EQ(s.lines_lost, 0u);
  EXPECT_EQ(s.bytes_written, all.size());
  EXPECT_LT(s.writes, 32000u / 4) << "lines were not batched";
}

TEST(JournalBatcher, ShortWritesAreFinished) {
  auto rec = std::make_shared<Recorded>();
  auto rng = std::make_shared<std::mt19937_64>(9);
  JournalBatcher b(
      [rec, rng](std::string_view bytes) -> Result<size_t> {
        std::lock_guard<std::mutex> lock(rec->mu);
        size_t n = std::min(bytes.size(), 1 + static_cast<size_t>((*rng)() % 5000));
        rec->calls.emplace_back(bytes.substr(0, n));
        return n;
      },
      {.flush_interval_ms = 1, .max_write_bytes = 16 * 1024});
  Produce(b, 4, 3000, 5);
  ASSERT_TRUE(b.Close().ok());
  std::string all;
  for (const auto& c : rec->calls) all += c;
  ExpectAllLinesInOrder(all, 4, 3000);
  EXPECT_EQ(b.stats().lines_written, 12000u);
}

TEST(JournalBatcher, AWriteErrorIsReportedAndCounted) {
  auto calls = std::make_shared<int>(0);
  JournalBatcher b(
      [calls](std::string_view bytes) -> Result<size_t> {
        if (++*calls > 3) return Internal("No space left on device");
        return bytes.size();
      },
      {.flush_interval_ms = 1, .max_write_bytes = 1024});
  Produce(b, 2, 2000, 3);
  Status s = b.Close();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("No space"), std::string::npos);
  JournalBatcher::Stats st = b.stats();
  EXPECT_GT(st.lines_lost, 0u);
  EXPECT_EQ(st.lines_written + st.lines_lost, st.lines_queued) << "every line is written or counted lost";
  b.Append("late\n");
  EXPECT_EQ(b.stats().lines_lost, st.lines_lost + 1);
}

TEST(JournalBatcher, CloseWritesEverythingQueuedAndAddsAMissingNewline) {
  auto rec = std::make_shared<Recorded>();
  JournalBatcher b(
      [rec](std::string_view bytes) -> Result<size_t> {
        std::lock_guard<std::mutex> lock(rec->mu);
        rec->calls.emplace_back(bytes);
        return bytes.size();
      },
      {.flush_interval_ms = 60000, .max_write_bytes = 1 << 20});   // the writer never wakes by itself
  b.Append("{\"a\":1}");
  b.Append("{\"b\":2}\n{\"c\":3}\n");
  ASSERT_TRUE(b.Close().ok());
  std::string all;
  for (const auto& c : rec->calls) all += c;
  EXPECT_EQ(all, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
  EXPECT_TRUE(b.Close().ok());   // idempotent
}

TEST(JournalBatcher, SharesARealFileWithOtherAppendingWriters) {
  std::string dir = std::filesystem::temp_directory_path() / ("journal_batcher_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/journal.jsonl";
  {
    // Another process's writer (raftlabd: one line per write), while two batchers run.
    std::thread raw([&] {
      int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      ASSERT_GE(fd, 0);
      for (int i = 0; i < 3000; ++i) {
        std::string line = Line(100, i, static_cast<size_t>(i % 300));
        ASSERT_EQ(write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
      }
      close(fd);
    });
    Result<std::unique_ptr<JournalBatcher>> a = JournalBatcher::OpenAppend(path, {.flush_interval_ms = 1, .max_write_bytes = 8192});
    Result<std::unique_ptr<JournalBatcher>> c = JournalBatcher::OpenAppend(path, {.flush_interval_ms = 3, .max_write_bytes = 65536});
    ASSERT_TRUE(a.ok() && c.ok());
    std::thread ta([&] { Produce(**a, 3, 2000, 11, 499); });
    std::thread tc([&] {
      for (int i = 0; i < 2000; ++i) (*c)->Append(Line(50, i, static_cast<size_t>(i % 1000)));
    });
    ta.join();
    tc.join();
    raw.join();
    ASSERT_TRUE((*a)->Close().ok());
    ASSERT_TRUE((*c)->Close().ok());
  }
  Result<std::string> text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  // Split per producer and check each one's lines, whole and in order.
  std::map<int, std::string> by;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    int p = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "p%d", &p), 1) << line.substr(0, 80);
    by[p] += line + "\n";
  }
  ASSERT_EQ(by.size(), 5u);
  for (auto& [p, lines] : by) {
    int expected = p == 100 ? 3000 : 2000;
    std::map<int, int> next;
    std::istringstream li(lines);
    int n = 0;
    for (std::string line; std::getline(li, line); ++n) {
      int pp, seq;
      ASSERT_EQ(std::sscanf(line.c_str(), "p%d n%d", &pp, &seq), 2);
      ASSERT_EQ(seq, next[pp]++) << "producer " << p;
    }
    EXPECT_EQ(n, expected) << "producer " << p;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace raftlab::driver
