// Casts on the buffer fast paths give the same answers as the general
// per-value path (Glue's rules: trimmed strings, "12.7" -> 12, out of range
// or unparsable -> null).
#include "engine/cast.h"

#include <gtest/gtest.h>

namespace mortar::engine {
namespace {

std::vector<std::string> texts(const types::Column& c) {
  std::vector<std::string> out;
  for (int64_t r = 0; r < c.length(); ++r) out.push_back(c.debug_string(r));
  return out;
}

TEST(Cast, DigitStringsToIntegersMatchTheGeneralRules) {
  types::Column s(types::DataType::string());
  for (const char* v : {"12", " 13 ", "12.7", "abc", "99999999999", "+5", "-0", "", "-2147483648"})
    s.append_string(v);
  s.append_null();
  auto as_int = cast_column(s, types::DataType::int32());
  ASSERT_TRUE(as_int.ok());
  EXPECT_EQ(texts(**as_int), (std::vector<std::string>{"12", "13", "12", "null", "null", "5", "0",
                                                       "null", "-2147483648", "null"}));
  auto as_long = cast_column(s, types::DataType::bigint());
  ASSERT_TRUE(as_long.ok());
  EXPECT_EQ((*as_long)->debug_string(4), "99999999999");
}

TEST(Cast, IntegerWidthsNarrowToNullWhenOutOfRange) {
  types::Column l(types::DataType::bigint());
  for (int64_t v : {int64_t{300}, int64_t{-128}, int64_t{127}, int64_t{1} << 40}) l.append_int(v);
  l.append_null();
  auto b = cast_column(l, types::DataType::tinyint());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(texts(**b), (std::vector<std::string>{"null", "-128", "127", "null", "null"}));
  auto i = cast_column(**b, types::DataType::int32());  // widening keeps values and nulls
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(texts(**i), (std::vector<std::string>{"null", "-128", "127", "null", "null"}));
  // An owned column of the target type comes back as it is.
  auto owned = std::make_unique<types::Column>(types::DataType::bigint());
  owned->append_int(7);
  const types::Column* before = owned.get();
  auto same = cast_column(std::move(owned), types::DataType::bigint());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->get(), before);
}

}  // namespace
}  // namespace mortar::engine
