#include "formats/json/json_reader.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <simdjson.h>

#include "formats/format_options.h"
#include "formats/json/json_array_stream.h"
#include "formats/json/json_builder.h"
#include "formats/json/json_inference.h"
#include "formats/json/json_path.h"
#include "io/compression.h"
#include "io/io_util.h"
#include "io/read_buffer.h"

namespace mortar::formats::json {

using simdjson::dom::element;
using types::Column;
using types::DataType;
using types::TypePtr;

namespace {

// memchr hops line to line with the C library's vector code; std::count
// compiles to a byte loop at -O2 and cost 7% of an NDJSON convert.
int64_t count_newlines(const char* data, size_t len) {
  int64_t n = 0;
  const char* end = data + len;
  for (const char* p = data; p < end; ++n) {
    p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!p) break;
    ++p;
  }
  return n;
}

using RecordFn = std::function<Status(element record, size_t doc_offset)>;

// What parsing one block of documents gave.
struct BlockResult {
  Status status;              // the callback's error, or a syntax error (then syntax_error)
  bool syntax_error = false;  // status is invalid JSON at error_offset
  size_t error_offset = 0;
  size_t docs = 0;            // complete documents parsed
  size_t truncated = 0;       // bytes of an incomplete final document
  size_t too_long = 0;        // bytes of a document over the limit, at error_offset
};

bool is_json_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Parses the documents of data[0, len) (SIMDJSON_PADDING readable bytes must
// follow) and calls fn for each record (a document, each element of a
// top-level array unless the arrays were flattened into a stream already, or
// what `path` selects). A document longer than
// max_document bytes stops it (too_long); only a block longer than that can
// hold one, so a smaller block skips the check.
BlockResult parse_block(simdjson::dom::parser& parser, const char* data, size_t len,
                        const JsonPath& path, size_t max_document, bool expand_arrays,
                        const RecordFn& fn) {
  BlockResult r;
  simdjson::dom::document_stream stream;
  const size_t batch = std::max<size_t>(len + 1, simdjson::dom::MINIMAL_BATCH_SIZE);
  if (auto err = parser.parse_many(data, len, batch).get(stream)) {
    r.syntax_error = true;
    r.status = invalid_input(std::string("invalid JSON: ") + simdjson::error_message(err));
    return r;
  }
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    element doc;
    const size_t offset = it.current_index();
    if (auto e = (*it).get(doc)) {
      r.syntax_error = true;
      r.error_offset = offset;
      r.status = invalid_input(std::string("invalid JSON: ") + simdjson::error_message(e));
      return r;
    }
    ++r.docs;
    if (len > max_document) {
      std::string_view source = it.source();  // a scalar's may end in blanks
      while (!source.empty() && is_json_space(source.back())) source.remove_suffix(1);
      if (source.size() > max_document) {
        r.too_long = source.size();
        r.error_offset = offset;
        r.status = invalid_input("document longer than maxRecordSize");
        return r;
      }
    }
    auto call = [&](element record) { return fn(record, offset); };
    if (path.empty()) {
      simdjson::dom::array arr;
      if (expand_arrays && !doc.get_array().get(arr)) {
        for (element rec : arr) {
          r.status = call(rec);
          if (!r.status.ok()) return r;
        }
      } else {
        r.status = call(doc);
      }
    } else {
      r.status = path.select(doc, call);
    }
    if (!r.status.ok()) return r;
  }
  r.truncated = stream.truncated_bytes();
  return r;
}

// Line-delimited input at least this large is parsed as two halves on two threads.
constexpr size_t kParallelMinBytes = 1 << 20;

class JsonReaderImpl : public RecordReader {
 public:
  JsonReaderImpl(std::unique_ptr<io::InputStream> in, std::string path)
      : in_(std::move(in)), path_(std::move(path)) {}

  Status init(const ReadOptions& options);
  TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

 private:
  Status fill(size_t target);
  // Parses the buffer's documents as two halves on two threads when it is
  // large and splits at a line boundary into whole documents; false when the
  // block must be read sequentially instead (nothing consumed then).
  bool next_parallel();
  // A fresh set of columns for one batch.
  std::vector<std::unique_ptr<Column>> new_columns() const;
  // Parses the complete documents in the buffer (growing it until one is
  // complete) and calls fn for each record; *consumed: bytes to drop.
  Status for_each_record(const RecordFn& fn, size_t* consumed);
  Status error_at(size_t offset, std::string_view message) const {
    int64_t line = base_line_ + count_newlines(buf_.data(), std::min(offset, buf_.size()));
    return located_error(path_, line, base_offset_ + static_cast<int64_t>(offset), message);
  }
  Status append(element record, size_t offset);
  // Whether the top-level document at buf_[offset] is an array to read
  // element by element (once started, every later one is).
  bool can_flatten(size_t offset) const {
    return !flattener_ && json_path_.empty() && buf_.data()[offset] == '[';
  }
  void start_flattening(size_t offset) {
    flattener_.emplace(offset);
    parallel_ = false;  // array elements have no line boundaries to split at
  }
  Status document_too_long(size_t offset, size_t bytes) const {
    const std::string what =
        bytes ? fmt::format("JSON document of {} bytes is", bytes) : std::string("JSON document");
    int64_t line = base_line_ + count_newlines(buf_.data(), std::min(offset, buf_.size()));
    return record_too_long(path_, line, base_offset_ + static_cast<int64_t>(offset), what,
                           max_document_,
                           json_path_.empty() ? "raise maxRecordSize to read it"
                                              : "raise maxRecordSize to read it (the document "
                                                "jsonPath selects from is one document)");
  }
  void start_batch();
  void flush_batch();

  std::unique_ptr<io::InputStream> in_;
  std::string path_;
  io::ReadBuffer buf_;
  bool eof_ = false;
  bool done_ = false;
  int64_t base_offset_ = 0;
  int64_t base_line_ = 1;
  size_t block_size_ = 8 << 20;
  int64_t max_document_ = kDefaultMaxRecordSize;
  int64_t batch_rows_ = 65536;
  int64_t sample_rows_ = 10000;
  JsonPath json_path_;
  simdjson::dom::parser parser_;
  simdjson::dom::parser second_parser_;  // the second half's, in next_parallel()
  bool parallel_ = true;  // off after a block that did not split into whole documents
  // Set on meeting a top-level array larger than the block or maxRecordSize
  // (no jsonPath): from there on top-level arrays are read element by element,
  // so maxRecordSize bounds an element, not the array. Smaller arrays are
  // parsed whole, at simdjson's speed.
  std::optional<ArrayFlattener> flattener_;
  TypePtr schema_;
  bool wrap_value_ = false;
  std::unique_ptr<JsonBuilder> builder_;
  std::unique_ptr<JsonBuilder> second_builder_;
  std::vector<std::unique_ptr<Column>> columns_;
  int64_t rows_ = 0;
  std::deque<std::unique_ptr<types::RecordBatch>> ready_;
  std::string explicit_schema_hint_;
};

Status JsonReaderImpl::fill(size_t target) {
  return annotate(buf_.fill(*in_, target, &eof_), path_);
}

Status JsonReaderImpl::for_each_record(const RecordFn& fn, size_t* consumed) {
  *consumed = 0;
  for (;;) {
    const size_t avail = buf_.size();
    size_t len = avail;  // the bytes to parse now
    if (flattener_) {
      if (!flattener_->scan(buf_.mutable_data(), len))
        return error_at(flattener_->error_offset(), "invalid JSON: " + flattener_->error());
      if (eof_ && flattener_->inside_array())
        return error_at(len, "truncated JSON array: the input ends before its closing ']'");
      // Parse only whole elements: a number cut by the buffer's end would
      // parse as a shorter one.
      if (!eof_) len = flattener_->safe_end();
    }
    const char* text = buf_.data();
    size_t first = 0;
    while (first < len && is_json_space(text[first])) ++first;
    if (first == len) {
      *consumed = eof_ ? len : first;
      if (eof_ || avail == 0) return ok_status();
      if (len == avail) {
        MORTAR_RETURN_IF_ERROR(fill(avail + block_size_));
        continue;
      }
      // An array element is still incomplete: grow as below.
    } else {
      buf_.zero_padding(simdjson::SIMDJSON_PADDING);
      BlockResult r = parse_block(parser_, buf_.data(), len, json_path_,
                                  static_cast<size_t>(max_document_), !flattener_, fn);
      if (r.too_long && can_flatten(r.error_offset)) {
        // A top-level array over the limit: read it element by element, once
        // the documents before it (delivered already) are consumed.
        if (r.error_offset > first) {
          *consumed = r.error_offset;
          return ok_status();
        }
        start_flattening(first);
        continue;
      }
      if (r.too_long) return document_too_long(r.error_offset, r.too_long);
      if (r.syntax_error) return error_at(r.error_offset, status_message(r.status));
      MORTAR_RETURN_IF_ERROR(r.status);
      const size_t docs = r.docs, truncated = r.truncated;
      if (docs > 0 && (truncated == 0 || !eof_)) {
        *consumed = len - truncated;
        return ok_status();
      }
      if (eof_) {
        size_t at = truncated > 0 && truncated <= len ? len - truncated : first;
        return error_at(at, "truncated or invalid JSON document at the end of the input");
      }
    }
    // No document is complete yet: grow the buffer, but only as far as the
    // pending one may still be long, so memory stays bounded by the option
    // however much a compressed file expands.
    size_t pending = first;  // where the incomplete document starts
    text = buf_.data();      // zero_padding() may have moved the bytes
    while (pending < avail && is_json_space(text[pending])) ++pending;
    if (pending < avail && can_flatten(pending)) {  // an array larger than the block
      start_flattening(pending);
      continue;
    }
    const size_t max_document = static_cast<size_t>(max_document_);
    if (avail - pending > max_document) return document_too_long(pending, 0);
    MORTAR_RETURN_IF_ERROR(
        fill(std::min(std::max(avail * 2, block_size_), pending + max_document + 1)));
  }
}

Status JsonReaderImpl::init(const ReadOptions& options) {
  const Options& o = options.format_options;
  if (auto p = find_option(o, "jsonPath"); p && !p->empty()) {
    MORTAR_ASSIGN_OR_RETURN(json_path_, JsonPath::parse(*p));
  }
  MORTAR_ASSIGN_OR_RETURN(sample_rows_, int_option(o, "inferSampleRows", 10000));
  MORTAR_ASSIGN_OR_RETURN(int64_t block, int_option(o, "blockSize", 8 << 20));
  if (block < 64 || block > (1LL << 30)) return invalid_input("option blockSize: must be 64 bytes .. 1 GiB");
  block_size_ = static_cast<size_t>(block);
  MORTAR_ASSIGN_OR_RETURN(max_document_, max_record_size_option(o));
  batch_rows_ = std::max<int64_t>(1, options.batch_rows);
  MORTAR_ASSIGN_OR_RETURN(int64_t parallel, int_option(o, "parallelParse", 1));
  parallel_ = parallel != 0;
  MORTAR_RETURN_IF_ERROR(fill(block_size_));
  if (buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) {
    buf_.consume(3);
    base_offset_ = 3;
  } else if (buf_.size() >= 2 && (std::memcmp(buf_.data(), "\xFF\xFE", 2) == 0 ||
                                  std::memcmp(buf_.data(), "\xFE\xFF", 2) == 0)) {
    return located_error(path_, 1, 0, "UTF-16 text is not supported (convert it to UTF-8)");
  }

  TypePtr record_type;
  if (options.schema) {
    if (options.schema->kind() != types::TypeKind::kStruct)
      return invalid_input(path_ + ": the read schema must be a struct type");
    record_type = options.schema;
  } else {
    InferNode root;
    int64_t seen = 0;
    size_t consumed;
    MORTAR_RETURN_IF_ERROR(for_each_record(
        [&](element record, size_t) {
          if (seen++ < sample_rows_) root.observe(record);
          return ok_status();
        },
        &consumed));
    explicit_schema_hint_ = fmt::format(
        " (schema inferred from the first {} records; pass a schema or raise inferSampleRows)",
        sample_rows_);
    if (root.saw_object()) {
      std::vector<types::Field> fields;
      for (const auto& [name, node] : root.fields()) fields.push_back({name, node->to_type()});
      record_type = DataType::structure(std::move(fields));
    } else if (root.saw_non_object()) {
      wrap_value_ = true;
      record_type = DataType::structure({{"value", root.to_type()}});
    } else {
      record_type = DataType::structure({});
    }
  }
  if (options.columns.empty() || wrap_value_) {
    schema_ = record_type;
  } else {
    std::vector<types::Field> fields;
    for (const auto& name : options.columns) {
      int i = record_type->field_index(name);
      if (i < 0) return not_found(fmt::format("{}: no column named '{}'", path_, name));
      fields.push_back(record_type->fields()[i]);
    }
    schema_ = DataType::structure(std::move(fields));
  }
  builder_ = std::make_unique<JsonBuilder>(wrap_value_ ? schema_->fields()[0].type : schema_);
  second_builder_ = std::make_unique<JsonBuilder>(wrap_value_ ? schema_->fields()[0].type : schema_);
  start_batch();
  return ok_status();
}

std::vector<std::unique_ptr<Column>> JsonReaderImpl::new_columns() const {
  std::vector<std::unique_ptr<Column>> columns;
  for (const auto& f : schema_->fields()) {
    columns.push_back(std::make_unique<Column>(f.type));
    columns.back()->reserve(std::min<int64_t>(batch_rows_, 1 << 16));
  }
  return columns;
}

void JsonReaderImpl::start_batch() {
  columns_ = new_columns();
  rows_ = 0;
}

bool JsonReaderImpl::next_parallel() {
  const size_t len = buf_.size();
  if (!parallel_ || len < kParallelMinBytes) return false;
  const void* nl = std::memchr(buf_.data() + len / 2, '\n', len - len / 2);
  if (!nl) return false;
  const size_t split = static_cast<const char*>(nl) - buf_.data() + 1;
  if (split >= len) return false;
  struct Half {
    std::vector<std::unique_ptr<Column>> columns;
    int64_t rows = 0;
    BlockResult result;
  };
  auto parse_half = [this](Half& h, simdjson::dom::parser& parser, JsonBuilder& builder,
                           const char* data, size_t n) {
    h.columns = new_columns();
    const size_t max_doc = static_cast<size_t>(max_document_);
    h.result = parse_block(parser, data, n, json_path_, max_doc, true, [&](element record, size_t) {
      Status st;
      if (wrap_value_) {
        st = builder.append(*h.columns[0], record);
      } else if (record.type() != simdjson::dom::element_type::OBJECT) {
        st = invalid_input("record is not a JSON object");
      } else {
        st = builder.append_record(h.columns, record);
      }
      if (st.ok()) ++h.rows;
      return st;
    });
  };
  buf_.zero_padding(simdjson::SIMDJSON_PADDING);
  Half first, second;
  std::thread helper([&] {
    parse_half(second, second_parser_, *second_builder_, buf_.data() + split, len - split);
  });
  parse_half(first, parser_, *builder_, buf_.data(), split);
  helper.join();
  // The split is trusted only when the first half ended exactly on a document
  // boundary and both halves parsed cleanly; otherwise (multi-line documents,
  // or an error whose location the sequential path reports) read sequentially.
  const bool whole = first.result.status.ok() && second.result.status.ok() &&
                     first.result.truncated == 0 && first.result.docs > 0 &&
                     second.result.docs > 0 && !(eof_ && second.result.truncated > 0);
  if (!whole) {
    parallel_ = false;
    return false;
  }
  flush_batch();  // rows decoded before this block come first
  for (Half* h : {&first, &second}) {
    auto batch = std::make_unique<types::RecordBatch>(schema_, std::move(h->columns), h->rows);
    for (int64_t at = 0; at < h->rows; at += batch_rows_) {
      const int64_t n = std::min(batch_rows_, h->rows - at);
      ready_.push_back(at == 0 && n == h->rows ? std::move(batch) : batch->slice(at, n));
    }
  }
  const size_t consumed = len - second.result.truncated;
  base_line_ += count_newlines(buf_.data(), consumed);
  base_offset_ += static_cast<int64_t>(consumed);
  buf_.consume(consumed);
  return true;
}

void JsonReaderImpl::flush_batch() {
  if (rows_ == 0) return;
  ready_.push_back(std::make_unique<types::RecordBatch>(schema_, std::move(columns_), rows_));
  start_batch();
}

Status JsonReaderImpl::append(element record, size_t offset) {
  Status s;
  if (wrap_value_) {
    s = builder_->append(*columns_[0], record);
  } else if (record.type() != simdjson::dom::element_type::OBJECT) {
    return error_at(offset, "record is not a JSON object");
  } else {
    s = builder_->append_record(columns_, record);
  }
  if (!s.ok()) {
    std::string msg(status_message(s));
    if (!explicit_schema_hint_.empty()) msg += explicit_schema_hint_;
    return error_at(offset, msg);
  }
  if (++rows_ >= batch_rows_) flush_batch();
  return ok_status();
}

StatusOr<std::unique_ptr<types::RecordBatch>> JsonReaderImpl::next() {
  while (ready_.empty()) {
    if (done_) return std::unique_ptr<types::RecordBatch>();
    MORTAR_RETURN_IF_ERROR(fill(block_size_));
    if (buf_.empty() && eof_) {
      flush_batch();
      done_ = true;
      continue;
    }
    if (next_parallel()) continue;
    size_t consumed;
    MORTAR_RETURN_IF_ERROR(for_each_record(
        [&](element record, size_t offset) { return append(record, offset); }, &consumed));
    base_line_ += count_newlines(buf_.data(), consumed);
    base_offset_ += static_cast<int64_t>(consumed);
    buf_.consume(consumed);
    if (flattener_) flattener_->consumed(consumed);
  }
  auto b = std::move(ready_.front());
  ready_.pop_front();
  return b;
}

}  // namespace

StatusOr<std::unique_ptr<RecordReader>> JsonReader::open(io::FileSystem& fs,
                                                         const std::string& path,
                                                         const ReadOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(auto in, io::open_decompressed(fs, path));
  return open_stream(std::move(in), path, options);
}

StatusOr<std::unique_ptr<RecordReader>> JsonReader::open_stream(std::unique_ptr<io::InputStream> in,
                                                                const std::string& path,
                                                                const ReadOptions& options) {
  auto r = std::make_unique<JsonReaderImpl>(std::move(in), path);
  MORTAR_RETURN_IF_ERROR(r->init(options));
  return std::unique_ptr<RecordReader>(std::move(r));
}

}  // namespace mortar::formats::json
