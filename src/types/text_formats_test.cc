// temporal.h, decimal.h, base64.h
#include <gtest/gtest.h>

#include <random>

#include "types/base64.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace mortar::types {
namespace {

TEST(TemporalTest, DatesFormatAndParse) {
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_EQ(format_date(18263), "2020-01-02");
  EXPECT_EQ(format_date(-1), "1969-12-31");
  EXPECT_EQ(format_date(-719162), "0001-01-01");
  EXPECT_EQ(format_date(2932896), "9999-12-31");
  EXPECT_EQ(parse_date("2020-01-02").value(), 18263);
  EXPECT_EQ(parse_date("2020-1-2").value(), 18263);
  EXPECT_EQ(parse_date("2000-02-29").value(), 11016);
  EXPECT_FALSE(parse_date("2001-02-29").ok());
  EXPECT_FALSE(parse_date("2020-13-01").ok());
  EXPECT_FALSE(parse_date("2020-01-02x").ok());
  EXPECT_FALSE(parse_date("20-01-02").ok());
  EXPECT_FALSE(parse_date("").ok());
  // Every day over a wide range survives format -> parse.
  for (int32_t d = -800000; d < 3000000; d += 997) {
    EXPECT_EQ(parse_date(format_date(d)).value(), d) << format_date(d);
  }
}

TEST(TemporalTest, TimestampsFormatAndParse) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01 00:00:00");
  EXPECT_EQ(format_timestamp(1577934245123456LL), "2020-01-02 03:04:05.123456");
  EXPECT_EQ(format_timestamp(1577934245000100LL), "2020-01-02 03:04:05.000100");
  EXPECT_EQ(format_timestamp(-1), "1969-12-31 23:59:59.999999");
  int64_t t = 1577934245123456LL;
  EXPECT_EQ(parse_timestamp("2020-01-02 03:04:05.123456").value(), t);
  EXPECT_EQ(parse_timestamp("2020-01-02T03:04:05.123456Z").value(), t);
  EXPECT_EQ(parse_timestamp("2020-01-02T03:04:05.123456789").value(), t);  // nanos truncated
  EXPECT_EQ(parse_timestamp("2020-01-02 03:04:05.1").value(), t - 23456);
  EXPECT_EQ(parse_timestamp("2020-01-02 05:04:05.123456+02:00").value(), t);
  EXPECT_EQ(parse_timestamp("2020-01-02 05:04:05.123456+0200").value(), t);
  EXPECT_EQ(parse_timestamp("2020-01-01 22:04:05.123456-05").value(), t);
  EXPECT_EQ(parse_timestamp("2020-01-02 03:04:05.123456 UTC").value(), t);
  EXPECT_EQ(parse_timestamp("2020-01-02 03:04").value(), t - 5123456);
  EXPECT_EQ(parse_timestamp("2020-01-02").value(), 1577923200000000LL);
  EXPECT_FALSE(parse_timestamp("2020-01-02 24:00:00").ok());
  EXPECT_FALSE(parse_timestamp("2020-01-02 03:04:05.").ok());
  EXPECT_FALSE(parse_timestamp("2020-01-02 03:04:05 PST").ok());
  EXPECT_FALSE(parse_timestamp("2020-01-02x03:04:05").ok());
  EXPECT_FALSE(parse_timestamp("99999-01-01 00:00:00").ok() &&
               parse_timestamp("99999-01-01 00:00:00").value() < 0);
  for (int64_t us = -5000000000000000LL; us < 9000000000000000LL; us += 123456789012345LL) {
    EXPECT_EQ(parse_timestamp(format_timestamp(us)).value(), us) << format_timestamp(us);
  }
}

TEST(DecimalTest, FormatIsExact) {
  EXPECT_EQ(format_decimal(12345, 2), "123.45");
  EXPECT_EQ(format_decimal(-5, 2), "-0.05");
  EXPECT_EQ(format_decimal(0, 3), "0.000");
  EXPECT_EQ(format_decimal(1230, 2), "12.30");
  EXPECT_EQ(format_decimal(7, 0), "7");
  int128 max38 = pow10_int128(38) - 1;
  EXPECT_EQ(format_decimal(max38, 0), std::string(38, '9'));
  EXPECT_EQ(format_decimal(-max38, 38), "-0." + std::string(38, '9'));
  int128 min = static_cast<int128>(static_cast<unsigned __int128>(1) << 127);
  EXPECT_EQ(int128_to_string(min), "-170141183460469231731687303715884105728");
}

TEST(DecimalTest, ParseRoundsAndChecksPrecision) {
  EXPECT_EQ(parse_decimal("123.45", 5, 2).value(), 12345);
  EXPECT_EQ(parse_decimal("-0.05", 5, 2).value(), -5);
  EXPECT_EQ(parse_decimal("+7", 5, 2).value(), 700);
  EXPECT_EQ(parse_decimal("1.005", 5, 2).value(), 101);   // half away from zero
  EXPECT_EQ(parse_decimal("-1.005", 5, 2).value(), -101);
  EXPECT_EQ(parse_decimal("1.004", 5, 2).value(), 100);
  EXPECT_EQ(parse_decimal("1.5e2", 5, 0).value(), 150);
  EXPECT_EQ(parse_decimal("15E-1", 5, 1).value(), 15);
  EXPECT_EQ(parse_decimal(".5", 3, 1).value(), 5);
  EXPECT_EQ(parse_decimal("000123", 3, 0).value(), 123);
  EXPECT_EQ(parse_decimal(std::string(38, '9'), 38, 0).value(), pow10_int128(38) - 1);
  EXPECT_FALSE(parse_decimal("1000", 3, 0).ok());
  EXPECT_FALSE(parse_decimal("999.995", 5, 2).ok());  // rounds to 1000.00
  EXPECT_FALSE(parse_decimal(std::string(39, '9'), 38, 0).ok());
  EXPECT_FALSE(parse_decimal("1.2.3", 5, 2).ok());
  EXPECT_FALSE(parse_decimal("abc", 5, 2).ok());
  EXPECT_FALSE(parse_decimal("", 5, 2).ok());
  EXPECT_FALSE(parse_decimal("-", 5, 2).ok());
  EXPECT_FALSE(parse_decimal("1e", 5, 2).ok());
  EXPECT_FALSE(parse_decimal("1e999999", 38, 0).ok());
  EXPECT_EQ(parse_decimal("1e-999999", 38, 0).value(), 0);
}

TEST(DecimalTest, RandomFormatParseRoundTrips) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    int precision = 1 + static_cast<int>(rng() % 38);
    int scale = static_cast<int>(rng() % (precision + 1));
    int128 v = (static_cast<int128>(rng()) << 64 | rng()) % pow10_int128(precision);
    if (rng() & 1) v = -v;
    std::string text = format_decimal(v, scale);
    auto back = parse_decimal(text, precision, scale);
    ASSERT_TRUE(back.ok()) << text << " " << back.status();
    EXPECT_TRUE(*back == v) << text;
  }
}

TEST(Base64Test, RoundTripAndErrors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  std::string out;
  ASSERT_TRUE(base64_decode(base64_encode(all), &out));
  EXPECT_EQ(out, all);
  EXPECT_FALSE(base64_decode("Zg=", &out));
  EXPECT_FALSE(base64_decode("Z=g=", &out));
  EXPECT_FALSE(base64_decode("Zm9v!A==", &out));
}

}  // namespace
}  // namespace mortar::types
