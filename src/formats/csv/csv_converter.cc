#include "formats/csv/csv_converter.h"

#include <cstring>

#include <fmt/format.h>

#include "formats/csv/csv_choice.h"
#include "formats/format_options.h"
#include "formats/text_values.h"

namespace mortar::formats::csv {

using types::Column;
using types::TypeKind;

CsvConverter::CsvConverter(const CsvOptions& options, std::string path, types::TypePtr schema,
                           std::vector<int> sources, int expected_fields, bool inferred)
    : options_(options),
      path_(std::move(path)),
      schema_(std::move(schema)),
      sources_(std::move(sources)),
      expected_fields_(expected_fields),
      inferred_(inferred) {}

Status CsvConverter::row_error(const char* data, const CsvIndex& index, size_t row,
                               int64_t base_offset, int64_t base_line, uint32_t at,
                               const std::string& message) const {
  int64_t line = base_line + count_lines(data, index.row_start[row]);
  return located_error(path_, line, base_offset + at, message);
}

namespace {

// Validity bits for one column, materialized at the first null.
class Validity {
 public:
  explicit Validity(size_t n) : n_(n) {}
  void set_null(size_t i) {
    if (bits_.empty()) bits_.assign((n_ + 7) / 8, 0xFF);
    bits_[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
  }
  void move_to(Column* c) {
    if (!bits_.empty()) c->validity() = std::move(bits_);
  }

 private:
  size_t n_;
  std::vector<uint8_t> bits_;
};

std::string shorten(std::string_view v) {
  if (v.size() <= 40) return std::string(v);
  return std::string(v.substr(0, 37)) + "...";
}

template <typename T>
void put(Column* c, size_t i, T v) {
  std::memcpy(c->values_buffer().data() + i * sizeof(T), &v, sizeof(T));
}

}  // namespace

Status CsvConverter::convert_column(const char* data, const CsvIndex& index, size_t row_begin,
                                    size_t row_end, int64_t base_offset, int64_t base_line,
                                    int out_col, Column* column, bool* widen) const {
  const int src = sources_[out_col];
  const types::DataType& type = *column->type();
  const TypeKind kind = type.kind();
  const size_t n = row_end - row_begin;
  const Dialect& d = options_.dialect;
  const bool simple_dialect = d.escape == '\0';
  Validity validity(n);
  std::string scratch;
  const std::string& name = schema_->fields()[out_col].name;

  // 0: value in *out; 1: null; -1: malformed quoting.
  auto field = [&](size_t r, std::string_view* out, uint32_t* at, bool always_decode) -> int {
    if (index.num_fields(r) <= static_cast<uint32_t>(src)) return 1;
    std::string_view raw = index.raw_field(data, r, src);
    *at = static_cast<uint32_t>(raw.data() - data);
    if (raw.empty()) return 1;
    bool quoted = false;
    if (!always_decode && simple_dialect && raw[0] != d.quote) {
      *out = raw;
    } else if (!decode_field(raw, d, &scratch, out, &quoted)) {
      return -1;
    }
    if (!quoted && options_.null_value && *out == *options_.null_value) return 1;
    if (quoted && out->empty() && kind != TypeKind::kString && kind != TypeKind::kVarchar &&
        kind != TypeKind::kChar && kind != TypeKind::kBinary)
      return 1;
    return 0;
  };
  auto bad_quote = [&](size_t r, uint32_t at) {
    return row_error(data, index, r, base_offset, base_line, at,
                     fmt::format("column '{}': malformed quoted field", name));
  };
  auto bad_value = [&](size_t r, uint32_t at, std::string_view v) {
    if (widen) *widen = true;  // the caller retypes the column; the error is not shown
    std::string msg = fmt::format("column '{}': cannot parse '{}' as {}", name, shorten(v),
                                  type.to_string());
    if (inferred_)
      msg += fmt::format(" (type inferred from the first {} rows; pass a schema or raise "
                         "inferSampleRows)",
                         options_.infer_sample_rows);
    return row_error(data, index, r, base_offset, base_line, at, msg);
  };

  std::string_view v;
  uint32_t at = 0;
  switch (kind) {
    case TypeKind::kNull:
      break;
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary: {
      auto& offsets = column->offsets();
      auto& bytes = column->data();
      offsets.resize(n + 1);
      offsets[0] = 0;
      // Upper bound of the bytes: the raw field widths.
      size_t total = 0;
      for (size_t r = row_begin; r < row_end; ++r) {
        if (index.num_fields(r) > static_cast<uint32_t>(src)) total += index.raw_field(data, r, src).size();
      }
      bytes.resize(total);
      size_t used = 0;
      for (size_t r = row_begin, i = 0; r < row_end; ++r, ++i) {
        int s = field(r, &v, &at, true);
        if (s < 0) return bad_quote(r, at);
        if (s == 1) {
          validity.set_null(i);
        } else {
          std::memcpy(bytes.data() + used, v.data(), v.size());
          used += v.size();
        }
        offsets[i + 1] = static_cast<int64_t>(used);
      }
      bytes.resize(used);
      break;
    }
    case TypeKind::kBoolean: {
      column->values_buffer().assign(n, 0);
      for (size_t r = row_begin, i = 0; r < row_end; ++r, ++i) {
        int s = field(r, &v, &at, false);
        if (s < 0) return bad_quote(r, at);
        if (s == 1) { validity.set_null(i); continue; }
        bool b;
        if (!parse_bool(v, &b)) return bad_value(r, at, v);
        column->values_buffer()[i] = b;
      }
      break;
    }
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt: {
      int width = kind == TypeKind::kTinyInt ? 1 : kind == TypeKind::kSmallInt ? 2
                  : kind == TypeKind::kInt   ? 4 : 8;
      int64_t lo = width == 8 ? INT64_MIN : -(int64_t{1} << (8 * width - 1));
      int64_t hi = width == 8 ? INT64_MAX : (int64_t{1} << (8 * width - 1)) - 1;
      column->values_buffer().assign(n * width, 0);
      for (size_t r = row_begin, i = 0; r < row_end; ++r, ++i) {
        int s = field(r, &v, &at, false);
        if (s < 0) return bad_quote(r, at);
        if (s == 1) { validity.set_null(i); continue; }
        int64_t x;
        if (!parse_int64(v, &x) || x < lo || x > hi) return bad_value(r, at, v);
        switch (width) {
          case 1: put<int8_t>(column, i, static_cast<int8_t>(x)); break;
          case 2: put<int16_t>(column, i, static_cast<int16_t>(x)); break;
          case 4: put<int32_t>(column, i, static_cast<int32_t>(x)); break;
          default: put<int64_t>(column, i, x);
        }
      }
      break;
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      const bool is_float = kind == TypeKind::kFloat;
      column->values_buffer().assign(n * (is_float ? 4 : 8), 0);
      for (size_t r = row_begin, i = 0; r < row_end; ++r, ++i) {
        int s = field(r, &v, &at, false);
        if (s < 0) return bad_quote(r, at);
        if (s == 1) { validity.set_null(i); continue; }
        double x;
        if (!parse_double(v, &x)) return bad_value(r, at, v);
        if (is_float) put<float>(column, i, static_cast<float>(x));
        else put<double>(column, i, x);
      }
      break;
    }
    case TypeKind::kDecimal: {
      column->values_buffer().assign(n * 16, 0);
      for (size_t r = row_begin, i = 0; r < row_end; ++r, ++i) {
        int s = field(r, &v, &at, false);
        if (s < 0) return bad_quote(r, at);
        if (s == 1) { validity.set_null(i); continue; }
        __int128 x;
        if (!parse_decimal(v, type.precision(), type.scale(), &x)) return bad_value(r, at, v);
        put<__int128>(column, i, x);
      }
      break;
    }
    case TypeKind::kDate: {
      column->values_buffer().assign(n * 4, 0);
      for (size_t r = row_begin, i = 0; r < row_end; ++r, ++i) {
        int s = field(r, &v, &at, false);
        if (s < 0) return bad_quote(r, at);
        if (s == 1) { validity.set_null(i); continue; }
        int32_t x;
        if (!parse_date(v, &x)) return bad_value(r, at, v);
        put<int32_t>(column, i, x);
      }
      break;
    }
    case TypeKind::kTimestamp: {
      column->values_buffer().assign(n * 8, 0);
      for (size_t r = row_begin, i = 0; r < row_end; ++r, ++i) {
        int s = field(r, &v, &at, false);
        if (s < 0) return bad_quote(r, at);
        if (s == 1) { validity.set_null(i); continue; }
        int64_t x;
        int32_t days;
        if (parse_timestamp(v, &x)) {
        } else if (parse_date(v, &days)) {
          x = days * 86400000000LL;
        } else {
          return bad_value(r, at, v);
        }
        put<int64_t>(column, i, x);
      }
      break;
    }
    case TypeKind::kChoice: {
      if (!is_csv_choice(type))
        return invalid_input(fmt::format("{}: column '{}': type {} is not supported in CSV",
                                         path_, name, type.to_string()));
      column->reserve(static_cast<int64_t>(n));
      for (size_t r = row_begin; r < row_end; ++r) {
        int s = field(r, &v, &at, true);
        if (s < 0) return bad_quote(r, at);
        if (s == 1) {
          column->append_null();
        } else if (!append_choice_value(*column, v)) {
          return bad_value(r, at, v);
        }
      }
      return ok_status();  // built by appending: length and validity are set
    }
    default:
      return invalid_input(fmt::format("{}: column '{}': type {} is not supported in CSV", path_,
                                       name, type.to_string()));
  }
  if (kind == TypeKind::kNull) {
    column->set_length(static_cast<int64_t>(n));
    return ok_status();
  }
  validity.move_to(column);
  column->set_length(static_cast<int64_t>(n));
  return ok_status();
}

StatusOr<std::unique_ptr<types::RecordBatch>> CsvConverter::convert(
    const char* data, const CsvIndex& index, size_t row_begin, size_t row_end,
    int64_t base_offset, int64_t base_line) const {
  if (!options_.allow_ragged) {
    for (size_t r = row_begin; r < row_end; ++r) {
      uint32_t nf = index.num_fields(r);
      if (static_cast<int>(nf) != expected_fields_) {
        return row_error(data, index, r, base_offset, base_line, index.row_start[r],
                         fmt::format("expected {} fields, found {}", expected_fields_, nf));
      }
    }
  }
  std::vector<std::unique_ptr<Column>> columns;
  columns.reserve(schema_->fields().size());
  // choiceTypes: an inferred column whose value here does not parse becomes
  // choice<type,string> in this batch (the batch gets its own schema).
  const bool can_widen = inferred_ && options_.choice_types;
  std::vector<types::Field> widened;
  for (size_t c = 0; c < schema_->fields().size(); ++c) {
    const types::TypePtr& type = schema_->fields()[c].type;
    auto column = std::make_unique<Column>(type);
    bool widen = false;
    Status s = convert_column(data, index, row_begin, row_end, base_offset, base_line,
                              static_cast<int>(c), column.get(), can_widen ? &widen : nullptr);
    if (!s.ok() && widen) {
      if (widened.empty()) widened = schema_->fields();
      // (Inferred choices hold a string alternative and never get here.)
      widened[c].type = types::DataType::choice({type, types::DataType::string()});
      column = std::make_unique<Column>(widened[c].type);
      s = convert_column(data, index, row_begin, row_end, base_offset, base_line,
                         static_cast<int>(c), column.get(), nullptr);
    }
    MORTAR_RETURN_IF_ERROR(s);
    columns.push_back(std::move(column));
  }
  types::TypePtr schema =
      widened.empty() ? schema_ : types::DataType::structure(std::move(widened));
  return std::make_unique<types::RecordBatch>(std::move(schema), std::move(columns),
                                              static_cast<int64_t>(row_end - row_begin));
}

}  // namespace mortar::formats::csv
