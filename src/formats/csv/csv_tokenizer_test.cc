#include "formats/csv/csv_tokenizer.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mortar::formats::csv {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows rows_of(const std::string& data, const Dialect& d, bool final, size_t* consumed = nullptr) {
  CsvIndex index;
  tokenize(data.data(), data.size(), d, final, &index);
  Rows rows;
  for (size_t r = 0; r < index.num_rows(); ++r) {
    std::vector<std::string> row;
    for (uint32_t c = 0; c < index.num_fields(r); ++c)
      row.emplace_back(index.raw_field(data.data(), r, c));
    rows.push_back(row);
  }
  if (consumed) *consumed = index.consumed;
  return rows;
}

// A straightforward reference: a quote opens only at a field start or right
// after a closing quote (a doubled quote), CR/LF/CRLF end rows, blank lines
// dropped. The SIMD tokenizer must agree with it on any input.
Rows reference(const std::string& s, char sep, char quote) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  bool in_quote = false, at_field_start = true, just_closed = false;
  size_t start = 0;
  auto end_row = [&](size_t pos) {
    row.push_back(field);
    if (!(row.size() == 1 && pos == start)) rows.push_back(row);
    row.clear();
    field.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool was_start = at_field_start, reopen = just_closed;
    at_field_start = just_closed = false;
    if (c == quote) {
      if (in_quote) {
        in_quote = false;
        just_closed = true;
      } else if (was_start || reopen) {
        in_quote = true;
      }
    }
    if (!in_quote && c == sep) {
      row.push_back(field);
      field.clear();
      at_field_start = true;
    } else if (!in_quote && (c == '\n' || c == '\r')) {
      bool crlf = c == '\r' && i + 1 < s.size() && s[i + 1] == '\n';
      end_row(i);
      i += crlf;
      start = i + 1;
      at_field_start = true;
    } else {
      field += c;
    }
  }
  if (start < s.size()) end_row(s.size());
  return rows;
}

TEST(CsvTokenizer, SplitsFieldsAndRows) {
  Rows rows = rows_of("a,b,c\n1,2,3\n", Dialect{}, true);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "2", "3"}));
}

TEST(CsvTokenizer, QuotedSeparatorsNewlinesAndDoubledQuotes) {
  std::string data = "\"a,b\",\"line1\nline2\",\"say \"\"hi\"\"\"\nx,y,z";
  Rows rows = rows_of(data, Dialect{}, true);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "\"a,b\"");
  EXPECT_EQ(rows[0][1], "\"line1\nline2\"");
  EXPECT_EQ(rows[0][2], "\"say \"\"hi\"\"\"");
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x", "y", "z"}));
}

TEST(CsvTokenizer, CrLfLoneCrAndBlankLines) {
  Rows rows = rows_of("a,b\r\n\r\n1,2\r3,4\n\n5,6", Dialect{}, true);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"5", "6"}));
}

TEST(CsvTokenizer, NonFinalLeavesPartialRecord) {
  size_t consumed = 0;
  Rows rows = rows_of("a,b\n1,\"2\n3", Dialect{}, false, &consumed);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(consumed, 4u);
}

TEST(CsvTokenizer, UnterminatedQuoteAtEndIsReported) {
  std::string data = "a,b\n1,\"open\n";
  CsvIndex index;
  tokenize(data.data(), data.size(), Dialect{}, true, &index);
  EXPECT_TRUE(index.unterminated_quote);
  EXPECT_EQ(index.num_rows(), 1u);
  EXPECT_EQ(index.consumed, 4u);
}

TEST(CsvTokenizer, EscapeCharacterUsesScalarPath) {
  Dialect d;
  d.escape = '\\';
  Rows rows = rows_of("a\\,b,\"q\\\"x\"\n", d, true);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 2u);
  std::string scratch;
  std::string_view out;
  bool quoted;
  ASSERT_TRUE(decode_field(rows[0][0], d, &scratch, &out, &quoted));
  EXPECT_EQ(out, "a,b");
  ASSERT_TRUE(decode_field(rows[0][1], d, &scratch, &out, &quoted));
  EXPECT_EQ(out, "q\"x");
  EXPECT_TRUE(quoted);
}

TEST(CsvTokenizer, StrayQuotesInUnquotedFieldsAreLiteral) {
  std::string data = "Men's boots,5'10\",\"q\"\n";
  Dialect apostrophe;
  apostrophe.quote = '\'';
  Rows rows = rows_of(data, apostrophe, true);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Men's boots", "5'10\"", "\"q\""}));
  Rows dq = rows_of(data, Dialect{}, true);
  ASSERT_EQ(dq.size(), 1u);
  EXPECT_EQ(dq[0].size(), 3u);
}

TEST(CsvTokenizer, CountsLines) {
  std::string data = "a\r\nb\rc\n\"x\ny\"\n";
  CsvIndex index;
  tokenize(data.data(), data.size(), Dialect{}, true, &index);
  EXPECT_EQ(index.lines, 5);
  EXPECT_EQ(count_lines(data.data(), data.size()), 5);
}

TEST(CsvTokenizer, DecodeFieldRejectsMalformedQuotes) {
  std::string scratch;
  std::string_view out;
  bool quoted;
  Dialect d;
  EXPECT_FALSE(decode_field("\"abc\"def", d, &scratch, &out, &quoted));
  ASSERT_TRUE(decode_field("ab\"c", d, &scratch, &out, &quoted));  // literal, as Men's
  EXPECT_EQ(out, "ab\"c");
  EXPECT_FALSE(decode_field("\"abc", d, &scratch, &out, &quoted));
  ASSERT_TRUE(decode_field("\"\"", d, &scratch, &out, &quoted));
  EXPECT_TRUE(quoted);
  EXPECT_EQ(out, "");
}

TEST(CsvTokenizer, MatchesReferenceOnRandomInput) {
  std::mt19937 rng(42);
  const char alphabet[] = {'a', 'b', ',', '"', '\n', '\r', ' ', 'x'};
  for (int iter = 0; iter < 3000; ++iter) {
    size_t len = rng() % 300;
    std::string s;
    for (size_t i = 0; i < len; ++i) s += alphabet[rng() % sizeof(alphabet)];
    CsvIndex index;
    tokenize(s.data(), s.size(), Dialect{}, true, &index);
    Rows want = reference(s, ',', '"');
    if (index.unterminated_quote) continue;  // reference has no notion of it
    Rows got = rows_of(s, Dialect{}, true);
    ASSERT_EQ(got, want) << "input: " << s;
    // Escape-free scalar path agrees too.
    Dialect escaped;
    escaped.escape = '\\';
    if (s.find('\\') == std::string::npos) {
      ASSERT_EQ(rows_of(s, escaped, true), want) << s;
    }
  }
}

}  // namespace
}  // namespace mortar::formats::csv
