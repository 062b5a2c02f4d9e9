#include "engine/file_sink.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>

#include "formats/format_options.h"
#include "formats/hive_path.h"
#include "formats/json/json_text.h"
#include "io/file_system.h"

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypeKind;
using types::TypePtr;

namespace {

std::string run_id() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}

bool has_choice(const types::DataType& t) {
  if (t.kind() == TypeKind::kChoice) return true;
  for (const auto& f : t.fields())
    if (has_choice(*f.type)) return true;
  return false;
}

std::string compression_suffix(const std::string& codec) {
  if (codec == "gzip" || codec == "gz") return ".gz";
  if (codec == "zstd" || codec == "zst") return ".zst";
  if (codec == "snappy") return ".snappy";
  if (codec == "bzip2" || codec == "bz2") return ".bz2";
  if (codec == "lz4") return ".lz4";
  if (codec == "xz") return ".xz";
  return "";
}

// Writes the frame's batches into `tmp`; returns the relative file paths.
class Writer {
 public:
  Writer(io::FileSystem& fs, std::string tmp, const formats::Format& format,
         std::string file_suffix, TypePtr schema, std::vector<int> partition_columns, int num_files,
         formats::WriteOptions options, std::string run)
      : fs_(fs),
        tmp_(std::move(tmp)),
        format_(format),
        suffix_(std::move(file_suffix)),
        schema_(std::move(schema)),
        partition_columns_(std::move(partition_columns)),
        num_files_(std::max(1, num_files)),
        options_(std::move(options)),
        run_(std::move(run)) {
    std::vector<bool> is_partition(schema_->fields().size(), false);
    for (int c : partition_columns_) is_partition[c] = true;
    std::vector<types::Field> fields;
    for (size_t i = 0; i < schema_->fields().size(); ++i) {
      if (is_partition[i]) continue;
      data_columns_.push_back(static_cast<int>(i));
      fields.push_back(schema_->fields()[i]);
    }
    data_schema_ = types::DataType::structure(std::move(fields));
  }

  Status write(const RecordBatch& batch) {
    const int64_t n = batch.num_rows();
    int64_t start = 0;
    while (start < n) {
      std::string dir = folder_of(batch, start);
      int64_t end = start + 1;
      while (end < n && folder_of(batch, end) == dir) ++end;
      // Rows spread over the folder's files in equal slices, as a
      // round-robin repartition would.
      int64_t len = end - start;
      int64_t chunks = std::min<int64_t>(num_files_, len);
      for (int64_t k = 0; k < chunks; ++k) {
        int64_t from = start + len * k / chunks, to = start + len * (k + 1) / chunks;
        MORTAR_RETURN_IF_ERROR(write_slice(batch, dir, from, to));
      }
      start = end;
    }
    return ok_status();
  }

  Status write_slice(const RecordBatch& batch, const std::string& dir, int64_t start, int64_t end) {
    int& next = next_file_[dir];
    std::string key = dir + std::to_string(next);
    std::string rel = dir + fmt::format("part-{:05d}-{}{}", next, run_, suffix_);
    next = (next + 1) % num_files_;
    auto it = writers_.find(key);
    if (it == writers_.end()) {
      MORTAR_ASSIGN_OR_RETURN(
          auto w, format_.open_writer(fs_, io::join_path(tmp_, rel), data_schema_, options_));
      it = writers_.emplace(key, std::move(w)).first;
      files_.push_back(rel);
    }
    std::vector<std::unique_ptr<Column>> cols;
    for (int c : data_columns_) cols.push_back(batch.column(c).slice(start, end - start));
    RecordBatch part(data_schema_, std::move(cols), end - start);
    MORTAR_RETURN_IF_ERROR(it->second->write(part));
    rows_ += end - start;
    return ok_status();
  }

  Status close() {
    for (auto& [key, w] : writers_) MORTAR_RETURN_IF_ERROR(w->close());
    writers_.clear();
    return ok_status();
  }
  const std::vector<std::string>& files() const { return files_; }
  int64_t rows() const { return rows_; }

 private:
  std::string folder_of(const RecordBatch& batch, int64_t row) const {
    std::string dir;
    for (int c : partition_columns_) {
      const Column& col = batch.column(c);
      std::string value;
      if (!col.is_null(row)) formats::json::append_text_value(value, col, row);
      if (col.is_null(row) || value.empty()) {
        value = "__HIVE_DEFAULT_PARTITION__";
      } else {
        value = formats::hive_escape(value);
      }
      dir += schema_->fields()[c].name + "=" + value + "/";
    }
    return dir;
  }

  io::FileSystem& fs_;
  std::string tmp_;
  const formats::Format& format_;
  std::string suffix_;
  TypePtr schema_;
  TypePtr data_schema_;
  std::vector<int> partition_columns_;
  std::vector<int> data_columns_;
  int num_files_;
  formats::WriteOptions options_;
  std::string run_;
  std::map<std::string, std::unique_ptr<formats::RecordWriter>> writers_;
  std::map<std::string, int> next_file_;
  std::vector<std::string> files_;
  int64_t rows_ = 0;
};

// Moves the written files into place.
Status publish(io::FileSystem& fs, const std::string& tmp, const std::string& target,
               const std::vector<std::string>& files, bool target_exists) {
  if (!target_exists && fs.rename(tmp, target).ok()) return ok_status();  // one atomic step
  for (const auto& rel : files) {
    MORTAR_RETURN_IF_ERROR(fs.rename(io::join_path(tmp, rel), io::join_path(target, rel)));
  }
  return fs.remove(tmp);
}

}  // namespace

StatusOr<WriteResult> write_files(const DynamicFrame& frame, const FileSinkOptions& options) {
  if (options.path.empty()) return invalid_input("write: no path");
  MORTAR_ASSIGN_OR_RETURN(const formats::Format* format, formats::format_by_name(options.format));
  MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(options.path));
  MORTAR_ASSIGN_OR_RETURN(TypePtr schema, frame.schema());

  std::vector<int> partition_columns;
  for (const std::string& key : options.partition_keys) {
    int i = schema->field_index(key);
    if (i < 0)
      return invalid_input("partition key '" + key + "' is not a field of " + schema->to_string());
    if (schema->fields()[i].type->is_nested())
      return invalid_input("partition key '" + key + "' is " +
                           schema->fields()[i].type->to_string() +
                           ": partition keys must be scalar");
    partition_columns.push_back(i);
  }
  if (format->name() != "json" && format->name() != "csv" && has_choice(*schema)) {
    return invalid_input(format->name() + " cannot store choice types (" + schema->to_string() +
                         "): resolve them first with resolve_choice");
  }
  formats::WriteOptions wo;
  wo.format_options = options.format_options;
  std::string codec = options.compression;
  if (codec.empty())
    codec = formats::find_option(options.format_options, "compression").value_or("");
  if (!codec.empty()) wo.format_options["compression"] = codec;
  std::string lower_codec = codec;
  std::transform(lower_codec.begin(), lower_codec.end(), lower_codec.begin(), ::tolower);
  const bool text = format->name() == "csv" || format->name() == "json" || format->name() == "xml";
  std::string suffix = format->extensions().empty() ? "" : format->extensions()[0];
  if (text) suffix += compression_suffix(lower_codec);

  std::string target = options.path;
  while (target.size() > 1 && target.back() == '/') target.pop_back();
  size_t slash = target.find_last_of('/');
  std::string parent = slash == std::string::npos ? "." : target.substr(0, slash);
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  const std::string run = run_id();
  const std::string tmp = io::join_path(parent, "." + base + ".mortar-" + run + ".tmp");
  bool target_exists = fs->stat(target).ok();

  int num_files = options.num_files > 0 ? options.num_files : std::max(1, frame.num_partitions());
  auto writer_ptr = std::make_unique<Writer>(*fs, tmp, *format, suffix, schema, partition_columns,
                                             num_files, wo, run);
  Writer& writer = *writer_ptr;
  auto cleanup = [&](Status s) {
    writer_ptr.reset();     // unclosed outputs leave nothing behind
    (void)fs->remove(tmp);  // may not exist yet
    return s;
  };
  Status s;
  try {
    s = frame.for_each_batch([&](const RecordBatch& b) { return writer.write(b); });
    if (s.ok()) s = writer.close();
  } catch (const std::exception& e) {
    s = internal_error(std::string("write: ") + e.what());
  }
  if (!s.ok()) return cleanup(annotate(s, "writing " + target));
  if (writer.files().empty()) {
    MORTAR_RETURN_IF_ERROR(fs->make_directories(target));
  } else {
    Status p = publish(*fs, tmp, target, writer.files(), target_exists);
    if (!p.ok()) return cleanup(p);
  }
  WriteResult result;
  for (const auto& rel : writer_ptr->files()) result.files.push_back(io::join_path(target, rel));
  std::sort(result.files.begin(), result.files.end());
  result.rows = writer.rows();
  return result;
}

}  // namespace mortar::engine
