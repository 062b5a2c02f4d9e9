#include "formats/csv/csv_reader.h"

#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "formats/csv/csv_choice.h"
#include "formats/csv/csv_column_names.h"
#include "formats/csv/csv_inference.h"
#include "formats/format_options.h"
#include "formats/text_values.h"
#include "io/compression.h"
#include "io/io_util.h"

namespace mortar::formats::csv {

using types::DataType;
using types::TypePtr;

namespace {
constexpr size_t kParallelMinBytes = 1 << 20;
}  // namespace

StatusOr<std::unique_ptr<CsvReader>> CsvReader::open(io::FileSystem& fs, const std::string& path,
                                                     const ReadOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(auto in, io::open_decompressed(fs, path));
  return open_stream(std::move(in), path, options, true);
}

StatusOr<std::unique_ptr<CsvReader>> CsvReader::open_stream(std::unique_ptr<io::InputStream> in,
                                                            const std::string& path,
                                                            const ReadOptions& options,
                                                            bool parallel) {
  std::unique_ptr<CsvReader> r(new CsvReader());
  r->in_ = std::move(in);
  r->path_ = path;
  r->parallel_ = parallel;
  MORTAR_ASSIGN_OR_RETURN(r->options_, CsvOptions::parse(options.format_options, path));
  MORTAR_RETURN_IF_ERROR(r->init(options));
  return r;
}

Status CsvReader::fill(size_t target) {
  return annotate(buf_.fill(*in_, target, &eof_), path_);
}

void CsvReader::consume(size_t bytes, int64_t lines) {
  buf_.consume(bytes);
  base_offset_ += static_cast<int64_t>(bytes);
  base_line_ += lines;
}

Status CsvReader::tokenize_parallel(CsvIndex* index) {
  const char* data = buf_.data();
  const size_t size = buf_.size();
  const void* nl = std::memchr(data + size / 2, '\n', size - size / 2);
  if (nl == nullptr) {
    tokenize(data, size, options_.dialect, eof_, index);
    return ok_status();
  }
  const size_t split = static_cast<const char*>(nl) - data + 1;
  const bool final = eof_;
  std::thread second([&] { tokenize(data + split, size - split, options_.dialect, final, &index2_); });
  tokenize(data, split, options_.dialect, false, index);
  second.join();
  if (index->consumed != split) {
    // The newline was inside a quoted field: the guess was wrong.
    tokenize(data, size, options_.dialect, final, index);
    return ok_status();
  }
  const uint32_t shift = static_cast<uint32_t>(split);
  const uint32_t field_shift = static_cast<uint32_t>(index->ends.size());
  index->ends.reserve(index->ends.size() + index2_.ends.size());
  for (uint32_t e : index2_.ends) index->ends.push_back(e + shift);
  for (size_t r = 0; r < index2_.num_rows(); ++r) {
    index->row_start.push_back(index2_.row_start[r] + shift);
    index->row_first.push_back(index2_.row_first[r + 1] + field_shift);
  }
  index->consumed = split + index2_.consumed;
  index->lines += index2_.lines;
  index->unterminated_quote = index2_.unterminated_quote;
  return ok_status();
}

Status CsvReader::tokenize_block(CsvIndex* index) {
  const size_t max_record = static_cast<size_t>(options_.max_record_size);
  for (;;) {
    if (parallel_ && options_.threads > 1 && buf_.size() >= kParallelMinBytes) {
      MORTAR_RETURN_IF_ERROR(tokenize_parallel(index));
    } else {
      tokenize(buf_.data(), buf_.size(), options_.dialect, eof_, index);
    }
    if (index->unterminated_quote) {
      int64_t line = base_line_ + count_lines(buf_.data(), index->consumed);
      return located_error(path_, line, base_offset_ + static_cast<int64_t>(index->consumed),
                           "unterminated quoted field (the file ends inside quotes)");
    }
    // A block larger than maxRecordSize may hold complete records that are too.
    if (buf_.size() > max_record) {
      for (size_t r = 0; r < index->num_rows(); ++r) {
        const size_t bytes = index->ends[index->row_first[r + 1] - 1] - index->row_start[r];
        if (bytes > max_record)
          return record_too_long(index->row_start[r], fmt::format("record of {} bytes is", bytes));
      }
    }
    if (index->num_rows() > 0 || eof_) return ok_status();
    // No record is complete yet: grow the buffer, but only as far as the
    // pending record may still be long, so memory stays bounded by the
    // option however much a compressed file expands.
    if (buf_.size() - index->consumed > max_record)
      return record_too_long(index->consumed, "record");
    MORTAR_RETURN_IF_ERROR(
        fill(std::min(std::max(buf_.size() * 2, block_size_), index->consumed + max_record + 1)));
  }
}

Status CsvReader::record_too_long(size_t at, const std::string& what) const {
  return formats::record_too_long(path_, base_line_ + count_lines(buf_.data(), at),
                                  base_offset_ + static_cast<int64_t>(at), what,
                                  options_.max_record_size,
                                  "unless a quote is unbalanced, raise maxRecordSize to read it");
}

Status CsvReader::init(const ReadOptions& options) {
  batch_rows_ = std::max<int64_t>(1, options.batch_rows);
  block_size_ = static_cast<size_t>(options_.block_size);
  MORTAR_RETURN_IF_ERROR(fill(block_size_));
  if (buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) {
    consume(3, 0);
  } else if (buf_.size() >= 2 && (std::memcmp(buf_.data(), "\xFF\xFE", 2) == 0 ||
                                  std::memcmp(buf_.data(), "\xFE\xFF", 2) == 0)) {
    return located_error(path_, 1, 0, "UTF-16 text is not supported (convert it to UTF-8)");
  }
  // Records skipped before the header.
  int64_t to_skip = options_.skip_rows + (options_.skip_first ? 1 : 0);
  while (to_skip > 0) {
    MORTAR_RETURN_IF_ERROR(fill(block_size_));
    MORTAR_RETURN_IF_ERROR(tokenize_block(&index_));
    if (index_.num_rows() == 0) break;
    size_t k = std::min<size_t>(static_cast<size_t>(to_skip), index_.num_rows());
    size_t bytes = k < index_.num_rows() ? index_.row_start[k] : index_.consumed;
    consume(bytes, count_lines(buf_.data(), bytes));
    to_skip -= static_cast<int64_t>(k);
  }
  MORTAR_RETURN_IF_ERROR(fill(block_size_));
  MORTAR_RETURN_IF_ERROR(tokenize_block(&index_));
  std::string scratch;
  std::string_view v;
  bool quoted;
  size_t first_data_row = 0;
  if (options_.with_header && index_.num_rows() > 0) {
    for (uint32_t c = 0; c < index_.num_fields(0); ++c) {
      std::string_view raw = index_.raw_field(buf_.data(), 0, c);
      if (!decode_field(raw, options_.dialect, &scratch, &v, &quoted)) v = raw;
      names_.emplace_back(v);
    }
    first_data_row = 1;
  }
  int width = static_cast<int>(names_.size());
  if (!options_.with_header && index_.num_rows() > 0) width = static_cast<int>(index_.num_fields(0));
  if (options.schema && options.schema->kind() != types::TypeKind::kStruct)
    return invalid_input(path_ + ": the read schema must be a struct type");
  if (options.schema) width = std::max<int>(width, static_cast<int>(options.schema->fields().size()));
  // Names: header names, empty ones as colN, duplicates suffixed.
  names_.resize(width);
  for (int c = 0; c < width; ++c) {
    if (options.schema && c < static_cast<int>(options.schema->fields().size()))
      names_[c] = options.schema->fields()[c].name;
    if (names_[c].empty()) names_[c] = fmt::format("col{}", c);
  }
  make_names_unique(names_);  // duplicates get _1, _2 ... (the first free suffix)
  std::vector<types::Field> fields;
  bool inferred = false;
  bool sample_covers_file = true;
  if (options.schema) {
    for (int c = 0; c < width; ++c) {
      TypePtr t = c < static_cast<int>(options.schema->fields().size())
                      ? options.schema->fields()[c].type
                      : DataType::string();
      fields.push_back({names_[c], t});
    }
  } else {
    inferred = true;
    std::vector<ColumnGuess> guesses(width, ColumnGuess(options_.choice_types));
    size_t end = std::min<size_t>(index_.num_rows(),
                                  first_data_row + static_cast<size_t>(options_.infer_sample_rows));
    if (!options_.infer_schema) end = first_data_row;
    for (size_t r = first_data_row; r < end; ++r) {
      uint32_t nf = std::min<uint32_t>(index_.num_fields(r), width);
      for (uint32_t c = 0; c < nf; ++c) {
        std::string_view raw = index_.raw_field(buf_.data(), r, c);
        if (raw.empty()) continue;
        if (!decode_field(raw, options_.dialect, &scratch, &v, &quoted)) continue;
        if (quoted && v.empty()) continue;
        if (!quoted && options_.null_value && v == *options_.null_value) continue;
        guesses[c].observe(v);
      }
    }
    for (int c = 0; c < width; ++c) fields.push_back({names_[c], guesses[c].result()});
    sample_covers_file = eof_ && end >= index_.num_rows();
  }
  // Projection.
  std::vector<int> sources;
  std::vector<types::Field> out_fields;
  if (options.columns.empty()) {
    for (int c = 0; c < width; ++c) sources.push_back(c);
    out_fields = fields;
  } else {
    for (const auto& name : options.columns) {
      auto it = std::find(names_.begin(), names_.end(), name);
      if (it == names_.end()) return not_found(fmt::format("{}: no column named '{}'", path_, name));
      int c = static_cast<int>(it - names_.begin());
      sources.push_back(c);
      out_fields.push_back(fields[c]);
    }
  }
  for (const auto& f : out_fields) {
    if (f.type->is_nested() && !is_csv_choice(*f.type))
      return invalid_input(fmt::format("{}: column '{}': type {} is not supported in CSV", path_,
                                       f.name, f.type->to_string()));
  }
  schema_ = DataType::structure(std::move(out_fields));
  converter_ = std::make_unique<CsvConverter>(options_, path_, schema_, sources, width,
                                              inferred);
  if (first_data_row == 1) {
    size_t bytes = index_.num_rows() > 1 ? index_.row_start[1] : index_.consumed;
    consume(bytes, count_lines(buf_.data(), bytes));
  }
  index_.clear();
  if (inferred && options_.choice_types && options_.whole_file_schema && !sample_covers_file)
    return widen_past_sample(sources);
  return ok_status();
}

Status CsvReader::widen_past_sample(const std::vector<int>& sources) {
  std::vector<types::Field> fields = schema_->fields();
  std::vector<size_t> open;  // output columns whose type may still fail
  for (size_t i = 0; i < fields.size(); ++i) {
    const types::TypeKind kind = fields[i].type->kind();
    if (kind != types::TypeKind::kString && kind != types::TypeKind::kChoice) open.push_back(i);
  }
  const Dialect& d = options_.dialect;
  // Whether every value of output column i in rows [b, e) passes `ok`.
  auto all_fit = [&](size_t i, size_t b, size_t e, std::string* scratch, auto ok) {
    const uint32_t src = static_cast<uint32_t>(sources[i]);
    std::string_view v;
    bool quoted = false;
    for (size_t r = b; r < e; ++r) {
      if (index_.num_fields(r) <= src) continue;
      std::string_view raw = index_.raw_field(buf_.data(), r, src);
      if (raw.empty()) continue;
      if (d.escape == '\0' && raw[0] != d.quote) {
        v = raw;
        quoted = false;
      } else if (!decode_field(raw, d, scratch, &v, &quoted)) {
        continue;  // malformed quoting is left for the reading pass to report
      }
      if (quoted && v.empty()) continue;
      if (!quoted && options_.null_value && v == *options_.null_value) continue;
      if (!ok(v)) return false;
    }
    return true;
  };
  // The common kinds get their own loop (no per-value dispatch).
  auto fits = [&](size_t i, size_t b, size_t e, std::string* scratch) {
    const types::TypePtr& type = fields[i].type;
    switch (type->kind()) {
      case types::TypeKind::kBigInt:
        return all_fit(i, b, e, scratch, [](std::string_view v) {
          int64_t x;
          return parse_int64(v, &x);
        });
      case types::TypeKind::kDouble:
        return all_fit(i, b, e, scratch, [](std::string_view v) { return parses_as_double(v); });
      default:
        return all_fit(i, b, e, scratch, [&](std::string_view v) { return parses_as(type, v); });
    }
  };
  auto check = [&](size_t b, size_t e, std::vector<char>* result) {
    std::string scratch;
    for (size_t k = 0; k < open.size(); ++k) (*result)[k] = fits(open[k], b, e, &scratch);
  };
  while (!open.empty()) {
    MORTAR_RETURN_IF_ERROR(fill(block_size_));
    if (buf_.empty()) break;
    MORTAR_RETURN_IF_ERROR(tokenize_block(&index_));
    const size_t rows = index_.num_rows();
    std::vector<char> ok(open.size(), 1), ok2(open.size(), 1);
    if (parallel_ && options_.threads > 1 && rows >= 4096) {
      std::thread second([&] { check(rows / 2, rows, &ok2); });
      check(0, rows / 2, &ok);
      second.join();
    } else {
      check(0, rows, &ok);
    }
    std::vector<size_t> still_open;
    for (size_t k = 0; k < open.size(); ++k) {
      const size_t i = open[k];
      if (ok[k] && ok2[k]) {
        still_open.push_back(i);
      } else {
        fields[i].type = DataType::choice({fields[i].type, DataType::string()});
      }
    }
    open = std::move(still_open);
    consume(index_.consumed, index_.lines);
  }
  schema_ = DataType::structure(std::move(fields));
  schema_only_ = true;
  return ok_status();
}

Status CsvReader::produce_batches() {
  MORTAR_RETURN_IF_ERROR(fill(block_size_));
  if (buf_.empty()) return ok_status();
  MORTAR_RETURN_IF_ERROR(tokenize_block(&index_));
  const size_t rows = index_.num_rows();
  if (rows > 0) {
    const bool two = parallel_ && options_.threads > 1 && rows >= 4096;
    size_t chunks = (rows + batch_rows_ - 1) / static_cast<size_t>(batch_rows_);
    if (two && chunks < 2) chunks = 2;
    const size_t per = (rows + chunks - 1) / chunks;
    std::vector<StatusOr<std::unique_ptr<types::RecordBatch>>> results(chunks);
    auto work = [&](size_t first, size_t step) {
      for (size_t i = first; i < chunks; i += step) {
        size_t b = i * per, e = std::min(rows, b + per);
        results[i] = converter_->convert(buf_.data(), index_, b, e, base_offset_, base_line_);
      }
    };
    if (two) {
      std::thread t([&] { work(1, 2); });
      work(0, 2);
      t.join();
    } else {
      work(0, 1);
    }
    for (auto& r : results) {
      if (!r.ok()) return r.status();
      if ((*r)->num_rows() > 0) ready_.push_back(std::move(*r));
    }
  }
  consume(index_.consumed, index_.lines);
  return ok_status();
}

StatusOr<std::unique_ptr<types::RecordBatch>> CsvReader::next() {
  if (schema_only_)
    return absl::FailedPreconditionError(
        path_ + ": opened with wholeFileSchema, which reads the file for its schema only");
  while (ready_.empty()) {
    if (eof_ && buf_.empty()) return std::unique_ptr<types::RecordBatch>();
    MORTAR_RETURN_IF_ERROR(produce_batches());
  }
  auto batch = std::move(ready_.front());
  ready_.pop_front();
  return batch;
}

}  // namespace mortar::formats::csv
