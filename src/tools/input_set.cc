#include "tools/input_set.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/ascii.h"
#include "formats/csv/csv_format.h"
#include "formats/hive_path.h"
#include "io/compression.h"
#include "io/file_system.h"
#include "io/io_util.h"

namespace mortar::tools {

namespace {

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Best format by content, for files without a known extension.
StatusOr<const formats::Format*> sniff(io::FileSystem& fs, const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(std::string head, io::read_head(fs, path, 64 * 1024));
  const formats::Format* format = formats::format_for_content(head);
  if (!format)
    return invalid_input(fmt::format("{}: cannot tell the file format (use --input-format)", path));
  return format;
}

// key=value directory names between `root` and the file.
std::vector<std::pair<std::string, std::optional<std::string>>> partitions_of(
    const std::string& root, const std::string& file) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  if (file.size() <= root.size()) return out;
  std::string rel = file.substr(root.size());
  size_t start = 0;
  for (;;) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) break;  // the last part is the file name
    std::string part = rel.substr(start, slash - start);
    size_t eq = part.find('=');
    if (eq != std::string::npos && eq > 0) {
      std::string value = part.substr(eq + 1);
      if (value == "__HIVE_DEFAULT_PARTITION__") out.emplace_back(part.substr(0, eq), std::nullopt);
      else out.emplace_back(part.substr(0, eq), formats::hive_unescape(value));
    }
    start = slash + 1;
  }
  return out;
}

}  // namespace

StatusOr<std::vector<InputFile>> list_inputs(const std::string& path,
                                             const std::string& input_format) {
  MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(path));
  MORTAR_ASSIGN_OR_RETURN(io::FileInfo info, fs->stat(path));
  std::vector<io::FileInfo> files;
  if (info.is_directory) {
    MORTAR_ASSIGN_OR_RETURN(files, fs->list_recursive(path));
    // Skip hidden and marker files (_SUCCESS, .crc ...), as Spark and Glue do.
    files.erase(std::remove_if(files.begin(), files.end(),
                               [&](const io::FileInfo& f) {
                                 std::string rel = f.path.substr(std::min(f.path.size(), path.size()));
                                 return f.is_directory || rel.find("/.") != std::string::npos ||
                                        rel.find("/_") != std::string::npos ||
                                        base_name(f.path).rfind('.', 0) == 0 ||
                                        base_name(f.path).rfind('_', 0) == 0;
                               }),
                files.end());
  } else {
    files.push_back(info);
  }
  const formats::Format* forced = nullptr;
  if (!input_format.empty()) {
    MORTAR_ASSIGN_OR_RETURN(forced, formats::format_by_name(input_format));
  }
  std::vector<InputFile> out;
  for (const auto& f : files) {
    InputFile in{f.path, forced, {}};
    if (info.is_directory) in.partitions = partitions_of(path, f.path);
    if (!in.format) in.format = formats::format_for_path(f.path);
    if (!in.format) {
      MORTAR_ASSIGN_OR_RETURN(in.format, sniff(*fs, f.path));
    }
    out.push_back(in);
  }
  if (out.empty()) return not_found(fmt::format("{}: no data files", path));
  return out;
}

namespace {
bool has_option(const formats::Options& options, const std::string& name) {
  for (const auto& [k, v] : options) {
    if (ascii_lower(k) == name) return true;
  }
  return false;
}

// The first 64 KiB of a file, decompressed.
StatusOr<std::string> read_head(io::FileSystem& fs, const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto in, io::open_decompressed(fs, path));
  std::string head(64 * 1024, '\0');
  size_t have = 0;
  while (have < head.size()) {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, in->read(head.data() + have, static_cast<int64_t>(head.size() - have)));
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  head.resize(have);
  return head;
}
}  // namespace

formats::ReadOptions read_options_for(const formats::Format& format,
                                      const formats::Options& user_options) {
  formats::ReadOptions o;
  o.format_options = user_options;
  if (format.name() == "csv" && !has_option(user_options, "withheader"))
    o.format_options["withHeader"] = "true";
  return o;
}

Status detect_csv_separator(InputFile& file, const formats::Options& user_options) {
  if (file.format->name() != "csv" || has_option(user_options, "separator") ||
      has_option(user_options, "delimiter"))
    return ok_status();
  if (ascii_lower(file.path).find(".tsv") != std::string::npos) return ok_status();
  MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(file.path));
  MORTAR_ASSIGN_OR_RETURN(std::string head, read_head(*fs, file.path));
  char sep = formats::csv::detect_separator(head);
  if (sep && sep != ',') file.separator = std::string(1, sep);
  return ok_status();
}

StatusOr<std::unique_ptr<MultiFileReader>> MultiFileReader::open(std::vector<InputFile> files,
                                                                 const formats::Options& options,
                                                                 std::vector<std::string> columns) {
  std::unique_ptr<MultiFileReader> r(new MultiFileReader());
  r->files_ = std::move(files);
  r->options_ = options;
  r->columns_ = std::move(columns);
  for (auto& f : r->files_) MORTAR_RETURN_IF_ERROR(detect_csv_separator(f, options));
  const InputFile& first = r->files_.at(0);
  MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(first.path));
  formats::ReadOptions first_options = read_options_for(*first.format, options);
  if (!first.separator.empty()) first_options.format_options["separator"] = first.separator;
  first_options.columns = r->columns_;
  MORTAR_ASSIGN_OR_RETURN(r->reader_, first.format->open_reader(*fs, first.path, first_options));
  r->file_schema_ = r->reader_->schema();
  std::vector<types::Field> fields = r->file_schema_->fields();
  for (const auto& [key, value] : first.partitions) {
    if (r->file_schema_->field_index(key) >= 0) continue;  // the data has it already
    fields.push_back({key, types::DataType::string()});
  }
  r->schema_ = types::DataType::structure(std::move(fields));
  for (const auto& f : r->files_) {
    for (size_t i = r->file_schema_->fields().size(); i < r->schema_->fields().size(); ++i) {
      const std::string& key = r->schema_->fields()[i].name;
      bool found = false;
      for (const auto& p : f.partitions) found = found || p.first == key;
      if (!found)
        return invalid_input(fmt::format("{}: not under a '{}=' partition directory like {}",
                                         f.path, key, first.path));
    }
  }
  return r;
}

StatusOr<std::unique_ptr<types::RecordBatch>> MultiFileReader::with_partitions(
    std::unique_ptr<types::RecordBatch> batch) const {
  const size_t data_columns = file_schema_->fields().size();
  if (schema_->fields().size() == data_columns) return batch;
  const InputFile& f = files_[current_];
  std::vector<std::unique_ptr<types::Column>> columns = std::move(batch->columns());
  const int64_t n = batch->num_rows();
  for (size_t i = data_columns; i < schema_->fields().size(); ++i) {
    const std::string& key = schema_->fields()[i].name;
    std::optional<std::string> value;
    for (const auto& p : f.partitions)
      if (p.first == key) value = p.second;
    auto col = std::make_unique<types::Column>(types::DataType::string());
    col->reserve(n);
    for (int64_t r = 0; r < n; ++r) {
      if (value) col->append_string(*value);
      else col->append_null();
    }
    columns.push_back(std::move(col));
  }
  return std::make_unique<types::RecordBatch>(schema_, std::move(columns), n);
}

StatusOr<std::unique_ptr<types::RecordBatch>> MultiFileReader::next() {
  for (;;) {
    if (reader_) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, reader_->next());
      if (batch) return with_partitions(std::move(batch));
      reader_.reset();
    }
    if (++current_ >= files_.size()) return std::unique_ptr<types::RecordBatch>();
    const InputFile& f = files_[current_];
    MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(f.path));
    formats::ReadOptions o = read_options_for(*f.format, options_);
    if (!f.separator.empty()) o.format_options["separator"] = f.separator;
    o.columns = columns_;
    // The first file's schema is the whole record type only without a projection.
    if (columns_.empty()) o.schema = file_schema_;
    MORTAR_ASSIGN_OR_RETURN(reader_, f.format->open_reader(*fs, f.path, o));
    if (!reader_->schema()->equals(*file_schema_)) {
      return invalid_input(fmt::format("{}: schema {} differs from the first file's {}", f.path,
                                       reader_->schema()->to_string(), file_schema_->to_string()));
    }
  }
}

}  // namespace mortar::tools
