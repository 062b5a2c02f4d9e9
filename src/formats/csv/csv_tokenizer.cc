#include "formats/csv/csv_tokenizer.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mortar::formats::csv {

void CsvIndex::clear() {
  ends.clear();
  row_first.clear();
  row_start.clear();
  consumed = 0;
  lines = 0;
  unterminated_quote = false;
}

int64_t count_lines(const char* data, size_t len) {
  int64_t n = 0;
  for (size_t i = 0; i < len; ++i) {
    if (data[i] == '\n') ++n;
    else if (data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n')) ++n;
  }
  return n;
}

namespace {

// Appends rows as terminators are found; shared by the SIMD and scalar paths.
class RowBuilder {
 public:
  RowBuilder(CsvIndex* index) : index_(index) {
    index_->row_first.push_back(0);
  }
  void field_end(uint32_t pos) { index_->ends.push_back(pos); }
  // A record ends at `pos`; the next one starts at `next`.
  void row_end(uint32_t pos, uint32_t next) {
    index_->ends.push_back(pos);
    uint32_t first = index_->row_first.back();
    if (index_->ends.size() - first == 1 && pos == row_start_) {
      index_->ends.pop_back();  // blank line
    } else {
      index_->row_start.push_back(row_start_);
      index_->row_first.push_back(static_cast<uint32_t>(index_->ends.size()));
    }
    row_start_ = next;
  }
  uint32_t row_start() const { return row_start_; }
  // Drops the fields of an incomplete trailing record.
  void discard_partial() { index_->ends.resize(index_->row_first.back()); }

 private:
  CsvIndex* index_;
  uint32_t row_start_ = 0;
};

inline uint64_t prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

struct Masks {
  uint64_t quote, sep, lf, cr;
};

inline Masks classify(const char* p, char quote, char sep) {
  Masks m;
#if defined(__SSE2__)
  const __m128i vq = _mm_set1_epi8(quote), vs = _mm_set1_epi8(sep);
  const __m128i vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r');
  uint64_t q = 0, s = 0, n = 0, r = 0;
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    q |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)))) << (16 * k);
    s |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vs)))) << (16 * k);
    n |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn)))) << (16 * k);
    r |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, vr)))) << (16 * k);
  }
  m = {quote ? q : 0, s, n, r};
#else
  m = {0, 0, 0, 0};
  for (int i = 0; i < 64; ++i) {
    uint64_t bit = uint64_t{1} << i;
    if (quote && p[i] == quote) m.quote |= bit;
    if (p[i] == sep) m.sep |= bit;
    if (p[i] == '\n') m.lf |= bit;
    if (p[i] == '\r') m.cr |= bit;
  }
#endif
  return m;
}

// Returns false, leaving the index unfinished, when a quote opens somewhere
// other than at a field start (a stray quote in an unquoted field, as in
// Men's or 5'10"): the scalar path reads those as literal characters.
bool tokenize_simd(const char* data, size_t len, const Dialect& d, bool final, CsvIndex* index) {
  RowBuilder rows(index);
  uint64_t start_carry = 1;  // bit 0: the next block starts a field
  uint64_t quote_carry = 0;  // bit 0: the previous block ended with a quote
  uint64_t in_quote = 0;     // all ones while inside a quoted field
  uint64_t skip_lf = 0;      // bit 0: the LF of a CRLF split across blocks
  int64_t lines = 0;
  alignas(16) char tail[64];
  for (size_t pos = 0; pos < len; pos += 64) {
    const char* p = data + pos;
    uint64_t valid = ~uint64_t{0};
    if (len - pos < 64) {
      size_t n = len - pos;
      std::memset(tail, 0, sizeof(tail));
      std::memcpy(tail, p, n);
      p = tail;
      valid = (uint64_t{1} << n) - 1;
    }
    Masks m = classify(p, d.quote, d.separator);
    m.quote &= valid;
    m.sep &= valid;
    m.lf &= valid;
    m.cr &= valid;
    const bool next_lf = pos + 64 < len && data[pos + 64] == '\n';
    const uint64_t lf_follows = (m.lf >> 1) | (static_cast<uint64_t>(next_lf) << 63);
    const uint64_t crlf_cr = m.cr & lf_follows;
    const uint64_t lf_of_crlf = (crlf_cr << 1) | skip_lf;
    skip_lf = crlf_cr >> 63;
    lines += __builtin_popcountll(m.lf | (m.cr & ~lf_follows));
    const uint64_t inside = prefix_xor(m.quote) ^ in_quote;
    in_quote = static_cast<uint64_t>(static_cast<int64_t>(inside) >> 63);
    if (m.quote) {
      const uint64_t structural = m.sep | m.lf | m.cr;
      const uint64_t field_starts = (structural << 1) | start_carry;
      const uint64_t after_quote = (m.quote << 1) | quote_carry;
      if (m.quote & inside & ~(field_starts | after_quote)) return false;
    }
    start_carry = ((m.sep | m.lf | m.cr) >> 63) & 1;
    quote_carry = (m.quote >> 63) & 1;
    uint64_t delims = (m.sep | m.lf | m.cr) & ~inside & ~lf_of_crlf;
    while (delims) {
      const uint32_t at = static_cast<uint32_t>(pos + __builtin_ctzll(delims));
      delims &= delims - 1;
      const char c = data[at];
      if (c == d.separator) {
        rows.field_end(at);
      } else {
        const bool crlf = c == '\r' && at + 1 < len && data[at + 1] == '\n';
        rows.row_end(at, at + 1 + crlf);
      }
    }
  }
  uint32_t start = rows.row_start();
  if (final) {
    if (start < len) {
      if (in_quote) {
        index->unterminated_quote = true;
        rows.discard_partial();
        index->consumed = start;
        index->lines = lines - count_lines(data + start, len - start);
        return true;
      }
      rows.row_end(static_cast<uint32_t>(len), static_cast<uint32_t>(len));
    }
    index->consumed = len;
    index->lines = lines;
  } else {
    rows.discard_partial();
    index->consumed = start;
    index->lines = lines - count_lines(data + start, len - start);
  }
  return true;
}

void tokenize_scalar(const char* data, size_t len, const Dialect& d, bool final, CsvIndex* index) {
  RowBuilder rows(index);
  bool in_quote = false;
  bool field_start = true;
  bool just_closed = false;  // the previous byte closed a quoted section
  int64_t lines = 0;
  for (size_t i = 0; i < len; ++i) {
    const char c = data[i];
    if (in_quote) {
      if (c == d.escape && d.escape) {
        if (i + 1 < len && (data[i + 1] == '\n' || data[i + 1] == '\r')) ++lines;
        ++i;
      } else if (c == d.quote) {
        in_quote = false;
        just_closed = true;
        continue;
      } else if (c == '\n' || (c == '\r' && (i + 1 == len || data[i + 1] != '\n'))) {
        ++lines;
      }
      continue;
    }
    const bool at_start = field_start, reopen = just_closed;
    field_start = false;
    just_closed = false;
    if (c == d.escape && d.escape) {
      ++i;
    } else if (c == d.quote && d.quote && (at_start || reopen)) {
      in_quote = true;  // opening quote, or the second of a doubled pair
    } else if (c == d.separator) {
      rows.field_end(static_cast<uint32_t>(i));
      field_start = true;
    } else if (c == '\n' || c == '\r') {
      const bool crlf = c == '\r' && i + 1 < len && data[i + 1] == '\n';
      ++lines;
      rows.row_end(static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1 + crlf));
      i += crlf;
      field_start = true;
    }
  }
  uint32_t start = rows.row_start();
  if (final) {
    if (start < len) {
      if (in_quote) {
        index->unterminated_quote = true;
        rows.discard_partial();
        index->consumed = start;
        index->lines = lines - count_lines(data + start, len - start);
        return;
      }
      rows.row_end(static_cast<uint32_t>(len), static_cast<uint32_t>(len));
    }
    index->consumed = len;
    index->lines = lines;
  } else {
    rows.discard_partial();
    index->consumed = start;
    index->lines = lines - count_lines(data + start, len - start);
  }
}

}  // namespace

void tokenize(const char* data, size_t len, const Dialect& dialect, bool final, CsvIndex* index) {
  index->clear();
  if (dialect.escape && dialect.escape != dialect.quote) {
    tokenize_scalar(data, len, dialect, final, index);
  } else if (!tokenize_simd(data, len, dialect, final, index)) {
    index->clear();
    tokenize_scalar(data, len, dialect, final, index);
  }
}

namespace {
bool is_special(char c, const Dialect& d) {
  return c == d.quote || c == d.separator || c == d.escape || c == '\n' || c == '\r';
}
}  // namespace

bool decode_field(std::string_view raw, const Dialect& d, std::string* scratch,
                  std::string_view* out, bool* quoted) {
  const char q = d.quote;
  const char e = d.escape && d.escape != d.quote ? d.escape : '\0';
  if (q && !raw.empty() && raw[0] == q) {
    *quoted = true;
    if (raw.size() < 2 || raw.back() != q) return false;
    std::string_view inner = raw.substr(1, raw.size() - 2);
    // Fast path: nothing to undo.
    if (inner.find(q) == std::string_view::npos &&
        (!e || inner.find(e) == std::string_view::npos)) {
      *out = inner;
      return true;
    }
    scratch->clear();
    for (size_t i = 0; i < inner.size(); ++i) {
      char c = inner[i];
      if (e && c == e) {
        if (i + 1 == inner.size()) return false;  // escaped the closing quote
        // The escaper escapes only special characters; before others it is
        // an ordinary character (as Python's csv and Pollock read it).
        if (!is_special(inner[i + 1], d)) scratch->push_back(c);
        scratch->push_back(inner[++i]);
      } else if (c == q) {
        if (i + 1 == inner.size() || inner[i + 1] != q) return false;
        scratch->push_back(q);
        ++i;
      } else {
        scratch->push_back(c);
      }
    }
    *out = *scratch;
    return true;
  }
  *quoted = false;
  if (!e || raw.find(e) == std::string_view::npos) {
    *out = raw;
    return true;
  }
  scratch->clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == e && i + 1 < raw.size()) {
      if (!is_special(raw[i + 1], d)) scratch->push_back(raw[i]);
      scratch->push_back(raw[++i]);
    } else {
      scratch->push_back(raw[i]);
    }
  }
  *out = *scratch;
  return true;
}

}  // namespace mortar::formats::csv
