// Helpers for the formats unit tests (header-only; not part of the library
// API): temp directories, reading a whole file through a Format into JSON
// lines, writing batches.
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "formats/format.h"
#include "io/file_system.h"
#include "types/json_text.h"

namespace mortar::formats::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mortar-fmt-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_text(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ReadResult {
  Status status = ok_status();
  types::TypePtr schema;
  std::vector<std::string> rows;  // JSON lines, without '\n'
  std::vector<int64_t> batch_sizes;
};

inline ReadResult read_all(const Format& format, const std::string& path,
                           const ReadOptions& options = {}) {
  ReadResult result;
  auto reader = format.open_reader(io::local_file_system(), path, options);
  if (!reader.ok()) {
    result.status = reader.status();
    return result;
  }
  result.schema = (*reader)->schema();
  for (;;) {
    auto batch = (*reader)->next();
    if (!batch.ok()) {
      result.status = batch.status();
      return result;
    }
    if (!*batch) break;
    Status v = (*batch)->validate();
    if (!v.ok()) {
      result.status = v;
      return result;
    }
    result.batch_sizes.push_back((*batch)->num_rows());
    for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
      std::string line;
      types::append_json_line(line, **batch, r);
      if (!line.empty() && line.back() == '\n') line.pop_back();
      result.rows.push_back(line);
    }
  }
  return result;
}

// `prefix`, then `fill` bytes without end (what a small compressed file of
// one repeated byte expands to); counts the bytes a reader pulls from it.
class EndlessInput : public io::InputStream {
 public:
  EndlessInput(std::string prefix, char fill, int64_t* produced, std::string path)
      : prefix_(std::move(prefix)), fill_(fill), produced_(produced), path_(std::move(path)) {}
  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    const auto from_prefix = static_cast<int64_t>(
        prefix_.size() - std::min<size_t>(prefix_.size(), static_cast<size_t>(*produced_)));
    const int64_t k = std::min(n, from_prefix);
    std::copy_n(prefix_.data() + prefix_.size() - from_prefix, k, buffer);
    std::fill(buffer + k, buffer + n, fill_);
    *produced_ += n;
    return n;
  }
  const std::string& path() const override { return path_; }

 private:
  std::string prefix_;
  char fill_;
  int64_t* produced_;
  std::string path_;
};

inline Options opts(std::initializer_list<std::pair<const std::string, std::string>> list) {
  return Options(list);
}

}  // namespace mortar::formats::testing
