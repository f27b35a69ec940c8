#include "evidence/sample_gaps.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

namespace raftlab::evidence {
namespace {

// "n2" < "n10": the text before the trailing digits, then their value.
bool MemberNameLess(const std::string& a, const std::string& b) {
  auto split = [](const std::string& s) {
    size_t i = s.size();
    while (i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1]))) --i;
    return std::make_pair(s.substr(0, i), s.size() - i);   // prefix, digit count
  };
  auto [pa, da] = split(a);
  auto [pb, db] = split(b);
  if (pa != pb) return pa < pb;
  if (da != db) return da < db;   // same prefix: fewer digits is the smaller number
  return a < b;
}

double Seconds(int64_t origin_ns, int64_t mono_ns) { return static_cast<double>(mono_ns - origin_ns) / 1e9; }

double Median(std::vector<int64_t> v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  if (v.size() % 2 == 1) return static_cast<double>(v[mid]);
  const int64_t upper = v[mid];
  const int64_t lower = *std::max_element(v.begin(), v.begin() + mid);
  return (static_cast<double>(lower) + static_cast<double>(upper)) / 2;
}

}  // namespace

std::vector<MemberSampleGaps> SampleGaps(const Run& run, int64_t origin_ns) {
  std::map<std::string, std::vector<int64_t>> times;
  for (const RaftSample& s : run.samples) times[s.member].push_back(s.mono_ns);
  std::vector<MemberSampleGaps> out;
  for (auto& [member, t] : times) {
    std::sort(t.begin(), t.end());
    MemberSampleGaps g;
    g.member = member;
    g.samples = t.size();
    g.first_s = Seconds(origin_ns, t.front());
    g.last_s = Seconds(origin_ns, t.back());
    std::vector<int64_t> gaps;
    size_t widest = 0;   // index of the sample that ends the largest gap
    for (size_t i = 1; i < t.size(); ++i) {
      gaps.push_back(t[i] - t[i - 1]);
      if (widest == 0 || gaps.back() > t[widest] - t[widest - 1]) widest = i;
    }
    if (widest != 0) {
      g.median_gap_ms = Median(gaps) / 1e6;
      g.max_gap_ms = static_cast<double>(t[widest] - t[widest - 1]) / 1e6;
      g.max_gap_from_s = Seconds(origin_ns, t[widest - 1]);
      g.max_gap_to_s = Seconds(origin_ns, t[widest]);
    }
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end(),
            [](const MemberSampleGaps& a, const MemberSampleGaps& b) { return MemberNameLess(a.member, b.member); });
  return out;
}

std::string DescribeSampleGaps(const MemberSampleGaps& g) {
  char buf[256];
  if (g.samples < 2) {
    std::snprintf(buf, sizeof buf, "%s: %llu sample at %.3fs, no gap to measure", g.member.c_str(),
                  static_cast<unsigned long long>(g.samples), g.first_s);
  } else {
    std::snprintf(buf, sizeof buf, "%s: %llu samples %.3f-%.3fs, median gap %.1f ms, largest %.1f ms (%.3f-%.3fs)",
                  g.member.c_str(), static_cast<unsigned long long>(g.samples), g.first_s, g.last_s,
                  g.median_gap_ms, g.max_gap_ms, g.max_gap_from_s, g.max_gap_to_s);
  }
  return buf;
}

}  // namespace raftlab::evidence
