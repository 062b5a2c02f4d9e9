// next_after()'s field-skipping search against the plain per-minute
// predicate matches(), on random expressions over windows that cross month,
// leap-day and year boundaries. A skip or reset bug shows up as a missing or
// extra fire time.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "schedule/cron_expression.h"

namespace mortar::schedule {
namespace {

class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(uint32_t seed) : rng_(seed) {}

  std::string generate() {
    std::string minutes = list(0, 59, nullptr);
    std::string hours = list(0, 23, nullptr);
    std::string dom = "?";
    std::string dow = "?";
    if (pick(2) == 0) {
      const int k = pick(6);
      dom = k == 0   ? "L"
            : k == 1 ? "LW"
            : k == 2 ? std::to_string(1 + pick(31)) + "W"
                     : list(1, 31, nullptr);
    } else {
      const int k = pick(5);
      const std::string d = value(1, 7, kDays);
      dow = k == 0   ? d + "L"
            : k == 1 ? d + "#" + std::to_string(1 + pick(5))
            : k == 2 ? "L"
                     : list(1, 7, kDays);
    }
    std::string month = pick(2) == 0 ? "*" : list(1, 12, kMonths);
    std::string year = pick(4) == 0 ? "2024-2025,2028" : "*";
    return "cron(" + minutes + " " + hours + " " + dom + " " + month + " " + dow + " " + year + ")";
  }

 private:
  static constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  static constexpr const char* kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string value(int lo, int hi, const char* const* names) {
    int v = lo + pick(hi - lo + 1);
    return names != nullptr && pick(2) == 0 ? names[v - lo] : std::to_string(v);
  }

  std::string item(int lo, int hi, const char* const* names) {
    const int span = hi - lo + 1;
    switch (pick(6)) {
      case 0:
        return "*";
      case 1:
        return "*/" + std::to_string(1 + pick(span - 1));
      case 2:
        return value(lo, hi, names) + "/" + std::to_string(1 + pick(span - 1));
      case 3:
        return value(lo, hi, names) + "-" + value(lo, hi, names);  // may wrap
      case 4:
        return value(lo, hi, names) + "-" + value(lo, hi, names) + "/" +
               std::to_string(1 + pick(span - 1));
      default:
        return value(lo, hi, names);
    }
  }

  std::string list(int lo, int hi, const char* const* names) {
    std::string out = item(lo, hi, names);
    for (int n = pick(3); n > 0; --n) out += "," + item(lo, hi, names);
    return out;
  }

  std::mt19937 rng_;
};

TEST(CronSearchTest, NextAfterAgreesWithPerMinuteMatching) {
  ExpressionGenerator gen(20240229);
  std::mt19937 rng(7);
  // Windows of 70 days starting in the last weeks of a year, so they cover
  // Dec 31 -> Jan 1 and February, in leap and common years.
  const int64_t starts[] = {1703030400 /* 2023-12-20 */, 1734652800 /* 2024-12-20 */,
                            1829260800 /* 2027-12-20 */, 4102272000 /* 2099-12-30 */};
  constexpr int64_t kWindowMinutes = 70 * 1440;
  int fires_checked = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string text = gen.generate();
    auto cron = CronExpression::parse(text);
    ASSERT_TRUE(cron.ok()) << text << ": " << cron.status();
    const int64_t start =
        starts[i % 4] + std::uniform_int_distribution<int>(0, 20 * 1440)(rng) * 60;
    const int64_t end = start + kWindowMinutes * 60;

    std::vector<int64_t> brute;
    for (int64_t t = start; t < end; t += 60) {
      if (cron->matches(t)) brute.push_back(t);
    }
    std::vector<int64_t> chain;
    for (auto t = cron->next_after(start - 1); t && *t < end; t = cron->next_after(*t)) {
      ASSERT_EQ(*t % 60, 0) << text;
      chain.push_back(*t);
      ASSERT_LT(chain.size(), 200000u) << text;
    }
    ASSERT_EQ(chain, brute) << text << " from " << start;
    // From an arbitrary second inside the window, too.
    if (!brute.empty()) {
      EXPECT_EQ(cron->next_after(brute.front() - 17), brute.front()) << text;
    }
    fires_checked += static_cast<int>(brute.size());
  }
  EXPECT_GT(fires_checked, 1000);
}

}  // namespace
}  // namespace mortar::schedule
