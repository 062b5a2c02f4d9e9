#include "formats/xml/xml_reader.h"

#include <algorithm>
#include <deque>

#include <fmt/format.h>
#include <simdjson.h>

#include "formats/format_options.h"
#include "formats/json/json_builder.h"
#include "formats/json/json_inference.h"
#include "formats/xml/xml_record.h"
#include "formats/xml/xml_timestamps.h"
#include "formats/xml/xml_tokenizer.h"
#include "io/compression.h"

namespace mortar::formats::xml {

using types::Column;
using types::DataType;
using types::TypePtr;

namespace {

// Deeper nesting inside one record is refused (bounds recursion).
constexpr int kMaxRecordDepth = 256;

// Latin-1 bytes -> UTF-8 (each byte is its code point).
class Latin1Stream : public io::InputStream {
 public:
  explicit Latin1Stream(std::unique_ptr<io::InputStream> in) : in_(std::move(in)) {}
  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    if (pos_ == out_.size()) {
      out_.clear();
      pos_ = 0;
      raw_.resize(static_cast<size_t>(std::max<int64_t>(1, n / 2)));
      MORTAR_ASSIGN_OR_RETURN(int64_t got, in_->read(raw_.data(), static_cast<int64_t>(raw_.size())));
      for (int64_t i = 0; i < got; ++i) {
        auto c = static_cast<unsigned char>(raw_[static_cast<size_t>(i)]);
        if (c < 0x80) {
          out_.push_back(static_cast<char>(c));
        } else {
          out_.push_back(static_cast<char>(0xC0 | (c >> 6)));
          out_.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
      }
    }
    size_t k = std::min(out_.size() - pos_, static_cast<size_t>(n));
    std::copy(out_.data() + pos_, out_.data() + pos_ + k, buffer);
    pos_ += k;
    return static_cast<int64_t>(k);
  }
  const std::string& path() const override { return in_->path(); }

 private:
  std::unique_ptr<io::InputStream> in_;
  std::string raw_, out_;
  size_t pos_ = 0;
};

// Pulls records (as JSON text) out of the token stream.
class RecordScanner {
 public:
  RecordScanner(std::unique_ptr<io::InputStream> in, const std::string& path, const XmlOptions& o)
      : tokens_(std::move(in), path), options_(o) {
    tokens_.set_max_record(o.max_record_size);
  }

  // Sets *json to the next record; false at the end of the input.
  StatusOr<bool> next(std::string* json, int64_t* offset) {
    std::unique_ptr<XmlElement> root;
    std::vector<XmlElement*> stack;
    for (;;) {
      MORTAR_RETURN_IF_ERROR(tokens_.next(&event_));
      switch (event_.kind) {
        case XmlEvent::kEof:
          return false;
        case XmlEvent::kText:
          if (!stack.empty()) stack.back()->text += event_.text;
          break;
        case XmlEvent::kStart: {
          XmlElement* e;
          if (stack.empty()) {
            if (event_.name != options_.row_tag) break;
            root = std::make_unique<XmlElement>();
            e = root.get();
            *offset = event_.offset;
            tokens_.begin_record(event_.offset);
          } else {
            if (static_cast<int>(stack.size()) >= kMaxRecordDepth)
              return tokens_.error_at(event_.offset, "elements nested too deeply in one record");
            stack.back()->children.push_back(std::make_unique<XmlElement>());
            e = stack.back()->children.back().get();
          }
          e->name = std::move(event_.name);
          e->attributes = std::move(event_.attributes);
          if (!event_.self_closing) stack.push_back(e);
          break;
        }
        case XmlEvent::kEnd:
          if (!stack.empty()) stack.pop_back();
          break;
      }
      if (root && stack.empty()) {
        MORTAR_RETURN_IF_ERROR(tokens_.end_record());
        json->clear();
        record_to_json(*root, options_, *json);
        return true;
      }
    }
  }
  Status error_at(int64_t offset, std::string_view message) const {
    return tokens_.error_at(offset, message);
  }

 private:
  XmlTokenizer tokens_;
  const XmlOptions& options_;
  XmlEvent event_;
};

class XmlReaderImpl : public RecordReader {
 public:
  XmlReaderImpl(StreamOpener opener, std::string path) : opener_(std::move(opener)), path_(std::move(path)) {}

  Status init(const ReadOptions& options);
  TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

 private:
  StatusOr<std::unique_ptr<RecordScanner>> open_scanner();
  Status parse(int64_t offset, simdjson::dom::element* out);
  void start_batch();

  StreamOpener opener_;
  std::string path_;
  XmlOptions options_;
  std::unique_ptr<RecordScanner> scanner_;
  simdjson::dom::parser parser_;
  std::string json_;
  TypePtr schema_;
  std::unique_ptr<json::JsonBuilder> builder_;
  std::vector<std::unique_ptr<Column>> columns_;
  int64_t batch_rows_ = 65536;
  bool done_ = false;
  std::string inferred_hint_;
};

StatusOr<std::unique_ptr<RecordScanner>> XmlReaderImpl::open_scanner() {
  MORTAR_ASSIGN_OR_RETURN(auto in, opener_());
  if (options_.encoding != "UTF-8") in = std::make_unique<Latin1Stream>(std::move(in));
  return std::make_unique<RecordScanner>(std::move(in), path_, options_);
}

Status XmlReaderImpl::parse(int64_t offset, simdjson::dom::element* out) {
  auto err = parser_.parse(json_).get(*out);
  if (err) {
    // The text is built by record_to_json, so only bad UTF-8 gets here.
    return scanner_->error_at(offset, std::string("record is not valid text: ") +
                                          simdjson::error_message(err));
  }
  return ok_status();
}

Status XmlReaderImpl::init(const ReadOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(options_, XmlOptions::parse(options.format_options));
  batch_rows_ = std::max<int64_t>(1, options.batch_rows);
  MORTAR_ASSIGN_OR_RETURN(int64_t sample_rows,
                          int_option(options.format_options, "inferSampleRows", INT64_MAX));
  TypePtr record_type;
  if (options.schema) {
    if (options.schema->kind() != types::TypeKind::kStruct)
      return invalid_input(path_ + ": the read schema must be a struct type");
    record_type = options.schema;
  } else {
    json::InferNode root;
    TimestampNode timestamps;
    MORTAR_ASSIGN_OR_RETURN(scanner_, open_scanner());
    int64_t offset = 0;
    for (int64_t seen = 0; seen < sample_rows; ++seen) {
      MORTAR_ASSIGN_OR_RETURN(bool more, scanner_->next(&json_, &offset));
      if (!more) break;
      simdjson::dom::element e;
      MORTAR_RETURN_IF_ERROR(parse(offset, &e));
      root.observe(e);
      timestamps.observe(e);
    }
    std::vector<types::Field> fields;
    for (const auto& [name, node] : root.fields()) fields.push_back({name, node->to_type()});
    record_type = timestamps.apply(DataType::structure(std::move(fields)));
    if (sample_rows != INT64_MAX)
      inferred_hint_ = fmt::format(" (schema inferred from the first {} records)", sample_rows);
  }
  if (options.columns.empty()) {
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
  MORTAR_ASSIGN_OR_RETURN(scanner_, open_scanner());
  builder_ = std::make_unique<json::JsonBuilder>(schema_);
  return ok_status();
}

void XmlReaderImpl::start_batch() {
  columns_.clear();
  for (const auto& f : schema_->fields()) {
    columns_.push_back(std::make_unique<Column>(f.type));
    columns_.back()->reserve(std::min<int64_t>(batch_rows_, 1 << 16));
  }
}

StatusOr<std::unique_ptr<types::RecordBatch>> XmlReaderImpl::next() {
  if (done_) return std::unique_ptr<types::RecordBatch>();
  start_batch();
  int64_t rows = 0;
  int64_t offset = 0;
  while (rows < batch_rows_) {
    MORTAR_ASSIGN_OR_RETURN(bool more, scanner_->next(&json_, &offset));
    if (!more) {
      done_ = true;
      break;
    }
    simdjson::dom::element e;
    MORTAR_RETURN_IF_ERROR(parse(offset, &e));
    Status s = builder_->append_record(columns_, e);
    if (!s.ok()) return scanner_->error_at(offset, std::string(status_message(s)) + inferred_hint_);
    ++rows;
  }
  if (rows == 0) return std::unique_ptr<types::RecordBatch>();
  return std::make_unique<types::RecordBatch>(schema_, std::move(columns_), rows);
}

}  // namespace

StatusOr<std::unique_ptr<RecordReader>> XmlReader::open(io::FileSystem& fs, const std::string& path,
                                                        const ReadOptions& options) {
  return open_stream([&fs, path]() { return io::open_decompressed(fs, path); }, path, options);
}

StatusOr<std::unique_ptr<RecordReader>> XmlReader::open_stream(StreamOpener opener,
                                                               const std::string& path,
                                                               const ReadOptions& options) {
  auto r = std::make_unique<XmlReaderImpl>(std::move(opener), path);
  MORTAR_RETURN_IF_ERROR(r->init(options));
  return std::unique_ptr<RecordReader>(std::move(r));
}

}  // namespace mortar::formats::xml
