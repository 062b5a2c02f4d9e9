// libFuzzer target: parse + next_after on arbitrary text never crash or
// hang, and whatever parses is consistent: to_string() parses back to the
// same text and schedule, and every fire time returned is strictly later,
// minute-aligned and matched by matches().
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "schedule/cron_expression.h"

using mortar::schedule::CronExpression;

namespace {

void check_fires(const CronExpression& a, const CronExpression& b, int64_t from) {
  int64_t t = from;
  for (int i = 0; i < 16; ++i) {
    auto next = a.next_after(t);
    if (next != b.next_after(t)) std::abort();
    if (!next) return;
    if (*next <= t || *next % 60 != 0 || !a.matches(*next)) std::abort();
    t = *next;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks how the rest becomes the text: as is; wrapped in
  // cron(...); or as leading fields, the missing ones taken from
  // "0 0 * * ? *" -- so that the fuzzer reaches valid expressions quickly.
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string text;
  switch (data[0] % 3) {
    case 0:
      text = body;
      break;
    case 1:
      text = "cron(" + body + ")";
      break;
    default: {
      static const char* const kDefaults[] = {"0", "0", "*", "*", "?", "*"};
      int given = 0;
      for (size_t i = 0; i < body.size();) {
        while (i < body.size() && body[i] == ' ') ++i;
        if (i == body.size()) break;
        while (i < body.size() && body[i] != ' ') ++i;
        ++given;
      }
      text = "cron(" + body;
      for (int f = given; f < 6; ++f) text += std::string(" ") + kDefaults[f];
      text += ")";
    }
  }
  auto cron = CronExpression::parse(text);
  if (!cron.ok()) return 0;
  auto again = CronExpression::parse(cron->to_string());
  if (!again.ok() || again->to_string() != cron->to_string()) std::abort();

  int64_t from = 1700000000;
  if (size >= 9) std::memcpy(&from, data + size - 8, sizeof(from));
  for (int64_t start : {from, int64_t{0}, int64_t{-1}, int64_t{951782400} /* 2000-02-29 */,
                        int64_t{7258118399} /* 2199-12-31 23:59:59 */,
                        std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    check_fires(*cron, *again, start);
  }
  return 0;
}
