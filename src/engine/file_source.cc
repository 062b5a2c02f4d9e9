#include "engine/file_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "engine/cast.h"
#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/decompressing_file_system.h"
#include "engine/field_path.h"
#include "engine/interrupt.h"
#include "engine/schema_guess.h"
#include "engine/schema_merge.h"
#include "io/compression.h"
#include "io/file_system.h"

namespace mortar::engine {

using types::RecordBatch;
using types::TypePtr;

namespace {

// What every reader of one source shares.
struct ScanConfig {
  FileSourceOptions options;
  io::Codec codec = io::Codec::kNone;
  std::map<std::string, TypePtr> partition_types;  // parsed options.partition_types
  std::vector<types::Field> table_columns;         // parsed options.table_columns
};

// One file's batches with its partition columns appended.
class FileReader {
 public:
  // `schema_only`: the caller reads schema() alone (CSV then covers the whole file).
  static StatusOr<std::unique_ptr<FileReader>> open(const SourceFile& f, const ScanConfig& c,
                                                    bool schema_only = false) {
    MORTAR_ASSIGN_OR_RETURN(io::FileSystem * base, io::file_system_for(f.path));
    auto r = std::make_unique<FileReader>();
    io::FileSystem* fs = base;
    if (c.codec != io::Codec::kNone) {
      r->fs_ = std::make_unique<DecompressingFileSystem>(*base, c.codec);
      fs = r->fs_.get();
    }
    formats::ReadOptions ro;
    ro.format_options = c.options.format_options;
    // DynamicFrame types CSV values one by one (mixed columns are choices)
    // unless the script sets choiceTypes false.
    if (f.format->name() == "csv") {
      ro.format_options.emplace("choiceTypes", "true");
      if (schema_only) ro.format_options.emplace("wholeFileSchema", "true");
    }
    ro.batch_rows = c.options.batch_rows;
    auto reader = f.format->open_reader(*fs, f.path, ro);
    if (!reader.ok()) return annotate(reader.status(), f.path);
    r->file_ = &f;
    r->reader_ = std::move(*reader);
    TypePtr data = r->reader_->schema();
    if (!c.table_columns.empty())
      data = r->table_view(*data, c.table_columns, f.format->name() == "csv");
    std::vector<types::Field> fields = data->fields();
    for (const auto& [key, value] : f.partitions) {
      if (data->field_index(key) >= 0) continue;
      bool dup = false;
      for (const auto& fl : fields) dup = dup || fl.name == key;
      if (dup) continue;
      auto t = c.partition_types.find(key);
      TypePtr type = t == c.partition_types.end() ? types::DataType::string() : t->second;
      // The value as a one-row column of its type, repeated per batch row.
      auto text = std::make_unique<types::Column>(types::DataType::string());
      if (value) {
        text->append_string(*value);
      } else {
        text->append_null();
      }
      if (type->kind() == types::TypeKind::kString) {
        r->partition_values_.push_back(std::move(text));
      } else {
        MORTAR_ASSIGN_OR_RETURN(auto typed, cast_column(*text, type));
        r->partition_values_.push_back(std::move(typed));
      }
      fields.push_back({key, type});
    }
    r->schema_ = types::DataType::structure(std::move(fields));
    return r;
  }
  const TypePtr& schema() const { return schema_; }
  StatusOr<std::unique_ptr<RecordBatch>> next() {
    auto batch = reader_->next();
    if (!batch.ok()) return annotate(batch.status(), file_->path);
    if (!*batch || (partition_values_.empty() && !table_)) return std::move(*batch);
    int64_t n = (*batch)->num_rows();
    TypePtr schema = schema_;
    const bool widened = (*batch)->schema() != reader_->schema();
    std::vector<types::Field> fields;  // a widened batch's own schema
    std::vector<std::unique_ptr<types::Column>> columns = std::move((*batch)->columns());
    if (widened) fields = (*batch)->schema()->fields();
    if (table_) {
      std::vector<std::unique_ptr<types::Column>> file_columns = std::move(columns);
      columns.clear();
      std::vector<types::Field> table_fields;
      for (size_t i = 0; i < sources_.size(); ++i) {
        const int s = sources_[i];
        columns.push_back(s < 0 ? null_column(types::DataType::null(), n)
                                : std::move(file_columns[s]));
        if (widened)
          table_fields.push_back(
              {schema_->fields()[i].name, s < 0 ? types::DataType::null() : fields[s].type});
      }
      fields = std::move(table_fields);
    }
    if (widened) {
      // The reader widened this batch (a CSV value past the sample): its
      // fields, then the partition columns.
      const auto& all = schema_->fields();
      fields.insert(fields.end(), all.end() - static_cast<long>(partition_values_.size()),
                    all.end());
      schema = types::DataType::structure(std::move(fields));
    }
    for (const auto& value : partition_values_) {
      auto col = std::make_unique<types::Column>(value->type());
      if (value->is_null(0)) {
        col->append_nulls(n);
      } else {
        col->reserve(n);
        for (int64_t r = 0; r < n; ++r) copy_row(*col, *value, 0);
      }
      columns.push_back(std::move(col));
    }
    return std::make_unique<RecordBatch>(std::move(schema), std::move(columns), n);
  }

 private:
  // The file's data columns as the table's (FileSourceOptions::table_columns):
  // sets sources_, returns the struct type they read as.
  TypePtr table_view(const types::DataType& file, const std::vector<types::Field>& table,
                     bool by_position) {
    table_ = true;
    const auto& have = file.fields();
    std::vector<types::Field> fields;
    for (size_t i = 0; i < table.size(); ++i) {
      int s = -1;
      if (by_position) {
        s = i < have.size() ? static_cast<int>(i) : -1;
      } else {
        s = find_field(file, table[i].name, /*case_insensitive=*/true);
      }
      // Two table columns differing only in case: the file's column feeds one.
      if (s >= 0 && std::find(sources_.begin(), sources_.end(), s) != sources_.end()) s = -1;
      sources_.push_back(s);
      fields.push_back({table[i].name, s < 0 ? types::DataType::null() : have[s].type});
    }
    return types::DataType::structure(std::move(fields));
  }

  const SourceFile* file_ = nullptr;
  std::unique_ptr<io::FileSystem> fs_;  // the compressionType wrapper, when set
  std::unique_ptr<formats::RecordReader> reader_;
  std::vector<std::unique_ptr<types::Column>> partition_values_;  // one row each
  bool table_ = false;        // table_columns given: columns come out as sources_ says
  std::vector<int> sources_;  // per table column, the reader's column (-1: none, nulls)
  TypePtr schema_;
};

// Files read as one unit by one thread: a single file, or with groupFiles
// consecutive files of the same partition up to the group size.
std::vector<std::vector<size_t>> make_units(const std::vector<SourceFile>& files,
                                            const FileSourceOptions& o) {
  std::vector<std::vector<size_t>> units;
  const int64_t limit = o.group_size > 0 ? o.group_size : kDefaultGroupSize;
  int64_t unit_bytes = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    bool join = o.group_files && !units.empty() && unit_bytes + files[i].size <= limit &&
                files[units.back().back()].partitions == files[i].partitions;
    if (!join) {
      units.emplace_back();
      unit_bytes = 0;
    }
    units.back().push_back(i);
    unit_bytes += files[i].size;
  }
  return units;
}

// What a source knows of its exact schema (schema_guess.h): CSV files are
// typed value by value, so only a pass over whole files knows it.
class ScanSchema {
 public:
  TypePtr exact() const {
    std::lock_guard<std::mutex> lock(mu_);
    return exact_;
  }
  void set_exact(TypePtr schema) {
    std::lock_guard<std::mutex> lock(mu_);
    exact_ = std::move(schema);
  }
  // A guess proved too narrow: from now on read whole files for it.
  void mark_widened() { widened_.store(true); }
  bool widened() const { return widened_.load(); }

 private:
  mutable std::mutex mu_;
  TypePtr exact_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> widened_{false};
};

// The plan of one source: its files, read units and config (immutable), and
// its schema knowledge.
struct Scan {
  std::vector<SourceFile> files;
  std::vector<std::vector<size_t>> units;
  ScanConfig config;
  bool guesses = false;  // some file is CSV: its reader's schema is a guess
  mutable ScanSchema schema;
};

// Reads units on worker threads, yielding batches in file order.
class ScanStream : public BatchStream {
 public:
  static constexpr size_t kQueueDepth = 2;

  explicit ScanStream(std::shared_ptr<const Scan> scan)
      : scan_(std::move(scan)), slots_(scan_->units.size()) {
    size_t threads = std::clamp<size_t>(
        static_cast<size_t>(std::max(1, scan_->config.options.threads)), 1, slots_.size());
    window_ = threads * 2;
    for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~ScanStream() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    std::unique_lock<std::mutex> lock(mu_);
    while (current_ < slots_.size()) {
      Slot& s = slots_[current_];
      cv_.wait(lock, [&] { return !s.queue.empty() || s.done; });
      if (!s.queue.empty()) {
        auto b = std::move(s.queue.front());
        s.queue.pop_front();
        cv_.notify_all();
        return b;
      }
      if (!s.status.ok()) return s.status;
      ++current_;
      cv_.notify_all();
    }
    return std::unique_ptr<RecordBatch>();
  }

 private:
  struct Slot {
    std::deque<std::unique_ptr<RecordBatch>> queue;
    bool done = false;
    Status status = ok_status();
  };

  void work() {
    for (;;) {
      size_t index;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] {
          return cancelled_ || next_unit_ >= slots_.size() || next_unit_ < current_ + window_;
        });
        if (cancelled_ || next_unit_ >= slots_.size()) return;
        index = next_unit_++;
      }
      Status s;
      for (size_t file : scan_->units[index]) {
        try {  // an exception must not escape a worker thread
          s = read_file(index, file);
        } catch (const std::exception& e) {
          s = internal_error(scan_->files[file].path + ": " + e.what());
        }
        if (!s.ok()) break;
      }
      std::lock_guard<std::mutex> lock(mu_);
      slots_[index].status = s;
      slots_[index].done = true;
      cv_.notify_all();
    }
  }

  Status read_file(size_t slot, size_t file) {
    MORTAR_ASSIGN_OR_RETURN(auto reader, FileReader::open(scan_->files[file], scan_->config));
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, reader->next());
      if (!batch) return ok_status();
      if (batch->num_rows() == 0) continue;
      std::unique_lock<std::mutex> lock(mu_);
      Slot& s = slots_[slot];
      cv_.wait(lock, [&] { return cancelled_ || s.queue.size() < kQueueDepth; });
      if (cancelled_) return ok_status();
      s.queue.push_back(std::move(batch));
      cv_.notify_all();
    }
  }

  std::shared_ptr<const Scan> scan_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> workers_;
  size_t next_unit_ ABSL_GUARDED_BY(mu_) = 0;
  size_t current_ ABSL_GUARDED_BY(mu_) = 0;
  size_t window_ = 2;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

// Passes a guessing source's batches on while they fit the guessed schema;
// the first that does not fails the pass with schema_widened().
class GuessCheckStream : public BatchStream {
 public:
  GuessCheckStream(std::unique_ptr<BatchStream> input, TypePtr guess,
                   std::shared_ptr<const Scan> scan)
      : input_(std::move(input)), guess_(std::move(guess)), scan_(std::move(scan)) {}
  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    MORTAR_ASSIGN_OR_RETURN(auto batch, input_->next());
    if (!batch || batch->schema() == fits_) return batch;
    if (!merge_types(guess_, batch->schema())->equals(*guess_)) {
      scan_->schema.mark_widened();
      invalidate_schemas();
      return schema_widened(
          "a CSV value past the sampled rows changed a column's type; the run starts again "
          "with the schema of the whole files");
    }
    fits_ = batch->schema();  // readers share one schema object per file
    return batch;
  }

 private:
  std::unique_ptr<BatchStream> input_;
  TypePtr guess_;
  std::shared_ptr<const Scan> scan_;
  TypePtr fits_;
};

class FileSourceNode : public PlanNode {
 public:
  explicit FileSourceNode(std::shared_ptr<const Scan> scan) : scan_(std::move(scan)) {}
  std::string name() const override { return "FileSource"; }
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext&) const override {
    auto stream = interruptible(std::make_unique<ScanStream>(scan_));
    if (!scan_->guesses || scan_->schema.exact()) return stream;
    MORTAR_ASSIGN_OR_RETURN(TypePtr schema, this->schema());
    if (schema == scan_->schema.exact()) return stream;
    return std::unique_ptr<BatchStream>(new GuessCheckStream(std::move(stream), schema, scan_));
  }

 protected:
  // The merge of every file's reader schema: readers infer from a sample,
  // CSV readers from the whole file when the exact schema is wanted.
  StatusOr<TypePtr> compute_schema() const override {
    if (TypePtr exact = scan_->schema.exact()) return exact;
    const bool whole = scan_->guesses && (scan_->schema.widened() || exact_schema_wanted());
    TypePtr merged = types::DataType::structure({});
    for (const SourceFile& f : scan_->files) {
      MORTAR_ASSIGN_OR_RETURN(auto reader, FileReader::open(f, scan_->config, whole));
      merged = merge_types(merged, reader->schema());
    }
    merged = with_catalog_types(std::move(merged));
    if (whole) {
      scan_->schema.set_exact(merged);
    } else if (scan_->guesses) {
      note_schema_guessed();
    }
    return merged;
  }

 private:
  // A table column no file has (null-typed) takes its catalog type.
  TypePtr with_catalog_types(TypePtr merged) const {
    const auto& table = scan_->config.table_columns;
    if (table.empty()) return merged;
    std::vector<types::Field> fields = merged->fields();
    bool changed = false;
    for (const types::Field& column : table) {
      const int i = merged->field_index(column.name);
      if (i < 0 || fields[i].type->kind() != types::TypeKind::kNull) continue;
      fields[i].type = column.type;
      changed = true;
    }
    return changed ? types::DataType::structure(std::move(fields)) : merged;
  }

  std::shared_ptr<const Scan> scan_;
};

}  // namespace

StatusOr<NodePtr> make_file_source(FileSourceOptions options) {
  auto scan = std::make_shared<Scan>();
  for (const auto& [key, type_name] : options.partition_types) {
    auto type = parse_glue_type(type_name);
    if (!type.ok() || !*type || (*type)->is_nested()) {
      return invalid_input("partition column '" + key + "': '" + type_name +
                           "' is not a scalar type name");
    }
    scan->config.partition_types[key] = *type;
  }
  for (const auto& [name, type_name] : options.table_columns) {
    // The type only shapes a column no file has: one Mortar cannot parse
    // (a catalog written by another tool) reads as string rather than failing.
    auto type = parse_glue_type(type_name);
    scan->config.table_columns.push_back(
        {name, type.ok() && *type ? *type : types::DataType::string()});
  }
  MORTAR_ASSIGN_OR_RETURN(scan->config.codec, io::codec_from_name(options.compression_type));
  if (options.group_size < 0) return invalid_input("groupSize must not be negative");
  MORTAR_ASSIGN_OR_RETURN(scan->files, list_source_files(options));
  scan->units = make_units(scan->files, options);
  for (const SourceFile& f : scan->files)
    scan->guesses = scan->guesses || f.format->name() == "csv";
  scan->config.options = std::move(options);
  return NodePtr(std::make_shared<FileSourceNode>(std::move(scan)));
}

}  // namespace mortar::engine
