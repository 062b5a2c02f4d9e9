// The CSV tokenizer: finds the field boundaries of the complete records in a
// buffer without copying anything. Structural characters (quote, separator,
// CR, LF) are located 64 bytes at a time with SSE2 compares and bit masks; the
// quote state is a prefix XOR over the quote mask, so separators and newlines
// inside quoted fields drop out without a per-byte branch. A dialect with an
// escape character other than the quote uses a scalar state machine.
//
// Quotes toggle the quote state wherever they are (a stray quote in an
// unquoted field is caught later, when the field is decoded). Blank lines are
// skipped. CR, LF and CRLF all end records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mortar::formats::csv {

struct Dialect {
  char separator = ',';
  char quote = '"';    // '\0': no quoting
  char escape = '\0';  // '\0': quotes escape by doubling only
};

// Field boundaries of the complete rows of a buffer. Offsets are relative to
// the buffer start; buffers are < 4 GiB.
struct CsvIndex {
  std::vector<uint32_t> ends;       // per field: offset of its terminator (or buffer end)
  std::vector<uint32_t> row_first;  // per row: first field in `ends`; one extra sentinel
  std::vector<uint32_t> row_start;  // per row: offset of its first byte
  size_t consumed = 0;              // bytes covered by complete rows
  int64_t lines = 0;                // line terminators in [0, consumed)
  bool unterminated_quote = false;  // final buffer ended inside a quoted field

  void clear();
  size_t num_rows() const { return row_start.size(); }
  uint32_t num_fields(size_t row) const { return row_first[row + 1] - row_first[row]; }
  // The raw bytes of field `col` of `row` (quotes and escapes not removed).
  std::string_view raw_field(const char* data, size_t row, size_t col) const {
    uint32_t f = row_first[row] + static_cast<uint32_t>(col);
    uint32_t begin = col == 0 ? row_start[row] : ends[f - 1] + 1;
    return std::string_view(data + begin, ends[f] - begin);
  }
};

// Tokenizes data[0, len) from a record start. When `final` is false the bytes
// after the last complete record are left for the next call (consumed says
// where they begin); when true, trailing bytes form the last record.
void tokenize(const char* data, size_t len, const Dialect& dialect, bool final, CsvIndex* index);

// Line terminators (LF, CR, CRLF counted once) in data[0, len).
int64_t count_lines(const char* data, size_t len);

// Field decoding: strips quotes, undoubles quotes, applies the escape
// character. Returns false for a malformed field (text after a closing quote,
// a stray quote in an unquoted field, an unterminated quote). `*quoted` says
// whether the field was quoted (an empty quoted field is an empty string, an
// empty unquoted one is null). May use `scratch` for the decoded bytes.
bool decode_field(std::string_view raw, const Dialect& dialect, std::string* scratch,
                  std::string_view* out, bool* quoted);

}  // namespace mortar::formats::csv
