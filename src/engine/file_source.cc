#include "engine/file_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "engine/glob.h"
#include "engine/schema_merge.h"
#include "formats/hive_path.h"
#include "io/compression.h"
#include "io/file_system.h"

namespace mortar::engine {

using types::RecordBatch;
using types::TypePtr;

namespace {

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Directory names between the root and the file; false when a directory is
// neither a partition (key=value) nor allowed by `recurse`.
bool relative_dirs(const std::string& rel, bool recurse,
                   std::vector<std::pair<std::string, std::optional<std::string>>>* partitions) {
  size_t start = 0;
  for (;;) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) return true;
    std::string part = rel.substr(start, slash - start);
    start = slash + 1;
    if (part.empty()) continue;
    if (part[0] == '.' || part[0] == '_') return false;  // hidden / marker directories
    size_t eq = part.find('=');
    if (eq != std::string::npos && eq > 0) {
      std::string value = part.substr(eq + 1);
      if (value == "__HIVE_DEFAULT_PARTITION__") {
        partitions->emplace_back(part.substr(0, eq), std::nullopt);
      } else {
        partitions->emplace_back(part.substr(0, eq), formats::hive_unescape(value));
      }
    } else if (!recurse) {
      return false;
    }
  }
}

StatusOr<const formats::Format*> sniff(io::FileSystem& fs, const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto in, io::open_decompressed(fs, path));
  std::string head(64 * 1024, '\0');
  size_t have = 0;
  while (have < head.size()) {
    MORTAR_ASSIGN_OR_RETURN(int64_t n,
                            in->read(head.data() + have, static_cast<int64_t>(head.size() - have)));
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  head.resize(have);
  const formats::Format* best = nullptr;
  double best_score = 0.0;
  for (const formats::Format* f : formats::all_formats()) {
    double s = f->sniff(head);
    if (s > best_score) {
      best_score = s;
      best = f;
    }
  }
  if (!best || best_score < 0.3)
    return invalid_input(fmt::format("{}: cannot tell the file format (pass format)", path));
  return best;
}

bool excluded(const FileSourceOptions& o, const std::string& path, const std::string& rel) {
  for (const auto& pattern : o.exclusions) {
    if (glob_match(pattern, path) || (!rel.empty() && glob_match(pattern, rel))) return true;
  }
  return false;
}

}  // namespace

StatusOr<std::vector<SourceFile>> list_source_files(const FileSourceOptions& o) {
  if (o.paths.empty()) return invalid_input("file source: no paths");
  const formats::Format* forced = nullptr;
  if (!o.format.empty()) {
    MORTAR_ASSIGN_OR_RETURN(forced, formats::format_by_name(o.format));
  }
  std::vector<SourceFile> out;
  for (const std::string& root : o.paths) {
    MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(root));
    MORTAR_ASSIGN_OR_RETURN(io::FileInfo info, fs->stat(root));
    std::vector<std::pair<io::FileInfo, std::string>> files;  // with the relative path
    if (info.is_directory) {
      MORTAR_ASSIGN_OR_RETURN(auto listed, fs->list_recursive(root));
      std::string prefix = root;
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      for (auto& f : listed) {
        if (f.is_directory) continue;
        std::string rel =
            f.path.rfind(prefix, 0) == 0 ? f.path.substr(prefix.size()) : base_name(f.path);
        files.emplace_back(std::move(f), std::move(rel));
      }
    } else {
      files.emplace_back(info, "");
    }
    for (auto& [f, rel] : files) {
      std::string name = base_name(f.path);
      if (name.empty() || name[0] == '.' || name[0] == '_') continue;
      SourceFile sf{f.path, forced, {}};
      if (!rel.empty() && !relative_dirs(rel, o.recurse, &sf.partitions)) continue;
      if (excluded(o, f.path, rel)) continue;
      if (!o.partition_columns) sf.partitions.clear();
      if (!sf.format) sf.format = formats::format_for_path(f.path);
      if (!sf.format) {
        MORTAR_ASSIGN_OR_RETURN(sf.format, sniff(*fs, f.path));
      }
      out.push_back(std::move(sf));
    }
  }
  if (out.empty()) {
    return not_found(fmt::format("no data files under {}{}", fmt::join(o.paths, ", "),
                                 o.recurse ? "" : " (subdirectories are read only with recurse)"));
  }
  return out;
}

namespace {

// One file's batches with its partition columns appended.
class FileReader {
 public:
  static StatusOr<std::unique_ptr<FileReader>> open(const SourceFile& f,
                                                    const FileSourceOptions& o) {
    MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(f.path));
    formats::ReadOptions ro;
    ro.format_options = o.format_options;
    ro.batch_rows = o.batch_rows;
    auto reader = f.format->open_reader(*fs, f.path, ro);
    if (!reader.ok()) return annotate(reader.status(), f.path);
    auto r = std::make_unique<FileReader>();
    r->file_ = &f;
    r->reader_ = std::move(*reader);
    TypePtr data = r->reader_->schema();
    std::vector<types::Field> fields = data->fields();
    for (const auto& [key, value] : f.partitions) {
      if (data->field_index(key) >= 0) continue;
      bool dup = false;
      for (const auto& fl : fields) dup = dup || fl.name == key;
      if (dup) continue;
      r->partition_values_.push_back(value);
      fields.push_back({key, types::DataType::string()});
    }
    r->schema_ = types::DataType::structure(std::move(fields));
    return r;
  }
  const TypePtr& schema() const { return schema_; }
  StatusOr<std::unique_ptr<RecordBatch>> next() {
    auto batch = reader_->next();
    if (!batch.ok()) return annotate(batch.status(), file_->path);
    if (!*batch || partition_values_.empty()) return std::move(*batch);
    int64_t n = (*batch)->num_rows();
    std::vector<std::unique_ptr<types::Column>> columns = std::move((*batch)->columns());
    for (const auto& value : partition_values_) {
      auto col = std::make_unique<types::Column>(types::DataType::string());
      for (int64_t r = 0; r < n; ++r) {
        if (value) {
          col->append_string(*value);
        } else {
          col->append_null();
        }
      }
      columns.push_back(std::move(col));
    }
    return std::make_unique<RecordBatch>(schema_, std::move(columns), n);
  }

 private:
  const SourceFile* file_ = nullptr;
  std::unique_ptr<formats::RecordReader> reader_;
  std::vector<std::optional<std::string>> partition_values_;
  TypePtr schema_;
};

// Reads files on worker threads, yielding batches in file order.
class ScanStream : public BatchStream {
 public:
  static constexpr size_t kQueueDepth = 2;

  ScanStream(std::shared_ptr<const std::vector<SourceFile>> files, FileSourceOptions options)
      : files_(std::move(files)), options_(std::move(options)), slots_(files_->size()) {
    size_t threads =
        std::clamp<size_t>(static_cast<size_t>(std::max(1, options_.threads)), 1, files_->size());
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
          return cancelled_ || next_file_ >= slots_.size() || next_file_ < current_ + window_;
        });
        if (cancelled_ || next_file_ >= slots_.size()) return;
        index = next_file_++;
      }
      Status s;
      try {  // an exception must not escape a worker thread
        s = read_file(index);
      } catch (const std::exception& e) {
        s = internal_error((*files_)[index].path + ": " + e.what());
      }
      std::lock_guard<std::mutex> lock(mu_);
      slots_[index].status = s;
      slots_[index].done = true;
      cv_.notify_all();
    }
  }

  Status read_file(size_t index) {
    MORTAR_ASSIGN_OR_RETURN(auto reader, FileReader::open((*files_)[index], options_));
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, reader->next());
      if (!batch) return ok_status();
      if (batch->num_rows() == 0) continue;
      std::unique_lock<std::mutex> lock(mu_);
      Slot& s = slots_[index];
      cv_.wait(lock, [&] { return cancelled_ || s.queue.size() < kQueueDepth; });
      if (cancelled_) return ok_status();
      s.queue.push_back(std::move(batch));
      cv_.notify_all();
    }
  }

  std::shared_ptr<const std::vector<SourceFile>> files_;
  FileSourceOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> workers_;
  size_t next_file_ ABSL_GUARDED_BY(mu_) = 0;
  size_t current_ ABSL_GUARDED_BY(mu_) = 0;
  size_t window_ = 2;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

class FileSourceNode : public PlanNode {
 public:
  FileSourceNode(std::vector<SourceFile> files, FileSourceOptions options)
      : files_(std::make_shared<const std::vector<SourceFile>>(std::move(files))),
        options_(std::move(options)) {}
  std::string name() const override { return "FileSource"; }
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext&) const override {
    return std::unique_ptr<BatchStream>(new ScanStream(files_, options_));
  }

 protected:
  // The merge of every file's reader schema (readers infer from a sample).
  StatusOr<TypePtr> compute_schema() const override {
    TypePtr merged = types::DataType::structure({});
    for (const SourceFile& f : *files_) {
      MORTAR_ASSIGN_OR_RETURN(auto reader, FileReader::open(f, options_));
      merged = merge_types(merged, reader->schema());
    }
    return merged;
  }

 private:
  std::shared_ptr<const std::vector<SourceFile>> files_;
  FileSourceOptions options_;
};

}  // namespace

StatusOr<NodePtr> make_file_source(FileSourceOptions options) {
  MORTAR_ASSIGN_OR_RETURN(auto files, list_source_files(options));
  return NodePtr(std::make_shared<FileSourceNode>(std::move(files), std::move(options)));
}

}  // namespace mortar::engine
