#include "formats/grok/grok_reader.h"

#include <cstring>

#include <fmt/format.h>

#include "formats/format_options.h"
#include "formats/text_values.h"
#include "io/compression.h"
#include "io/io_util.h"

namespace mortar::formats::grok {

using types::DataType;
using types::TypeKind;

namespace {
constexpr size_t kBlockBytes = 1 << 20;
}  // namespace

StatusOr<std::unique_ptr<GrokReader>> GrokReader::open(io::FileSystem& fs, const std::string& path,
                                                       const ReadOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(auto in, io::open_decompressed(fs, path));
  return open_stream(std::move(in), path, options);
}

StatusOr<std::unique_ptr<GrokReader>> GrokReader::open_stream(std::unique_ptr<io::InputStream> in,
                                                              const std::string& path,
                                                              const ReadOptions& options) {
  std::unique_ptr<GrokReader> r(new GrokReader());
  r->in_ = std::move(in);
  r->path_ = path;
  MORTAR_RETURN_IF_ERROR(r->init(options));
  return r;
}

Status GrokReader::init(const ReadOptions& options) {
  const Options& o = options.format_options;
  auto log_format = find_option(o, "logFormat");
  if (!log_format || log_format->empty())
    return invalid_input(path_ + ": the grok format needs the logFormat option (a grok pattern)");
  GrokLibrary library;
  if (auto custom = find_option(o, "customPatterns"))
    MORTAR_RETURN_IF_ERROR(annotate(library.add_definitions(*custom), path_));
  auto compiled = compile_grok(library, *log_format);
  if (!compiled.ok()) return annotate(compiled.status(), path_);
  grok_ = std::move(*compiled);
  missing_ = find_option(o, "MISSING").value_or("-");
  MORTAR_ASSIGN_OR_RETURN(strict_, bool_option(o, "StrictMode", false));
  MORTAR_ASSIGN_OR_RETURN(line_count_, int_option(o, "LineCount", 1));
  MORTAR_ASSIGN_OR_RETURN(max_record_, max_record_size_option(o));
  if (line_count_ < 1 || line_count_ > 1000)
    return invalid_input(fmt::format("{}: LineCount must be 1..1000, got {}", path_, line_count_));
  batch_rows_ = std::max<int64_t>(1, options.batch_rows);
  if (options.schema && options.schema->kind() != TypeKind::kStruct)
    return invalid_input(path_ + ": the read schema must be a struct type");

  std::vector<types::Field> fields;
  for (const auto& f : grok_->fields()) {
    types::TypePtr t = f.type;
    if (options.schema) {
      int i = options.schema->field_index(f.name);
      if (i >= 0) t = options.schema->fields()[i].type;
    }
    fields.push_back({f.name, t});
  }
  std::vector<types::Field> out;
  if (options.columns.empty()) {
    for (size_t i = 0; i < fields.size(); ++i) sources_.push_back(static_cast<int>(i));
    out = fields;
  } else {
    for (const auto& name : options.columns) {
      auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.name == name; });
      if (it == fields.end())
        return not_found(fmt::format("{}: no column '{}' among the grok pattern's captures", path_, name));
      sources_.push_back(static_cast<int>(it - fields.begin()));
      out.push_back(*it);
    }
  }
  schema_ = DataType::structure(std::move(out));
  return ok_status();
}

StatusOr<bool> GrokReader::next_line(std::string_view* line) {
  for (;;) {
    const void* nl = std::memchr(buf_.data() + pos_, '\n', buf_.size() - pos_);
    if (nl != nullptr || (eof_ && pos_ < buf_.size())) {
      size_t end = nl ? static_cast<const char*>(nl) - buf_.data() : buf_.size();
      *line = std::string_view(buf_.data() + pos_, end - pos_);
      line_offset_ = base_offset_ + static_cast<int64_t>(pos_);
      pos_ = nl ? end + 1 : end;
      ++line_no_;
      if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
      if (line->size() > static_cast<size_t>(max_record_))
        return record_too_long(path_, line_no_, line_offset_,
                               fmt::format("record of {} bytes is", line->size()), max_record_);
      return true;
    }
    if (eof_) return false;
    // No line end yet: read on, but only as far as this line may still be
    // long (and its CR), so memory stays bounded by maxRecordSize however
    // much a compressed file expands.
    const size_t pending = buf_.size() - pos_;
    if (pending > static_cast<size_t>(max_record_) + 1)
      return record_too_long(path_, line_no_ + 1, base_offset_ + static_cast<int64_t>(pos_),
                             "record", max_record_);
    // Compact what is consumed, then read more (the caller copied the last line).
    buf_.erase(0, pos_);
    base_offset_ += static_cast<int64_t>(pos_);
    pos_ = 0;
    const size_t target =
        std::max(kBlockBytes, std::min(pending * 2, static_cast<size_t>(max_record_) + 2));
    MORTAR_RETURN_IF_ERROR(annotate(io::fill_buffer(*in_, buf_, target, &eof_), path_));
  }
}

Status GrokReader::append_record(std::string_view record, int64_t line_no,
                                 types::RecordBatch* batch) {
  if (!grok_->match(record, &values_)) {
    if (strict_)
      return invalid_input(fmt::format("{}: line {}: the line does not match the grok pattern",
                                       path_, line_no));
    return ok_status();  // skipped
  }
  const int64_t row = batch->num_rows();
  for (size_t c = 0; c < sources_.size(); ++c) {
    types::Column& col = batch->column(static_cast<int>(c));
    std::string_view v = values_[sources_[c]];
    if (v.data() == nullptr || (missing_ && v == *missing_)) {
      col.append_null();
      continue;
    }
    bool ok = true;
    switch (col.type()->kind()) {
      case TypeKind::kBoolean: {
        bool b;
        ok = parse_bool(v, &b);
        if (ok) col.append_bool(b);
        break;
      }
      case TypeKind::kTinyInt:
      case TypeKind::kSmallInt:
      case TypeKind::kInt:
      case TypeKind::kBigInt: {
        int64_t i;
        ok = parse_int64(v, &i);
        int w = col.value_width();
        if (ok && w < 8) ok = i >= -(int64_t{1} << (8 * w - 1)) && i < (int64_t{1} << (8 * w - 1));
        if (ok) col.append_int(i);
        break;
      }
      case TypeKind::kFloat:
      case TypeKind::kDouble: {
        double d;
        ok = parse_double(v, &d);
        if (ok) col.append_double(d);
        break;
      }
      case TypeKind::kDate: {
        int32_t d;
        ok = parse_date(v, &d);
        if (ok) col.append_int(d);
        break;
      }
      case TypeKind::kTimestamp: {
        int64_t t;
        ok = parse_timestamp(v, &t);
        if (ok) col.append_timestamp(t);
        break;
      }
      default:
        col.append_string(v);
        break;
    }
    if (!ok) {
      if (strict_) {
        for (size_t k = 0; k < c; ++k) batch->column(static_cast<int>(k)).truncate(row);
        return invalid_input(fmt::format("{}: line {}: field '{}': '{}' is not a valid {}", path_,
                                         line_no, batch->schema()->fields()[c].name, v,
                                         col.type()->to_string()));
      }
      col.append_null();
    }
  }
  batch->set_num_rows(row + 1);
  return ok_status();
}

StatusOr<std::unique_ptr<types::RecordBatch>> GrokReader::next() {
  auto batch = types::RecordBatch::make_empty(schema_);
  while (batch->num_rows() < batch_rows_) {
    std::string_view line;
    MORTAR_ASSIGN_OR_RETURN(bool more, next_line(&line));
    if (!more) break;
    const int64_t first_line = line_no_, first_offset = line_offset_;
    std::string_view record = line;
    if (line_count_ > 1) {
      record_.assign(line);
      for (int64_t k = 1; k < line_count_; ++k) {
        MORTAR_ASSIGN_OR_RETURN(bool more2, next_line(&line));
        if (!more2) break;
        if (record_.size() + 1 + line.size() > static_cast<size_t>(max_record_))
          return record_too_long(path_, first_line, first_offset,
                                 fmt::format("record of {} lines", line_count_), max_record_);
        record_.push_back('\n');
        record_.append(line);
      }
      record = record_;
    } else if (line.empty()) {
      continue;  // blank lines are not log records
    }
    MORTAR_RETURN_IF_ERROR(append_record(record, first_line, batch.get()));
  }
  if (batch->num_rows() == 0) return std::unique_ptr<types::RecordBatch>();
  return batch;
}

}  // namespace mortar::formats::grok
