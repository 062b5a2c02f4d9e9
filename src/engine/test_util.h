// Helpers for the engine's unit tests (header-only, not part of the
// library): temp folders, frames from JSON lines, frames as text.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/dynamic_frame.h"
#include "engine/file_source.h"

namespace mortar::engine::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mortar-engine-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_text(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A frame over JSON lines files written into `dir` (one file per entry).
inline DynamicFrame json_frame(const TempDir& dir, const std::vector<std::string>& files) {
  for (size_t i = 0; i < files.size(); ++i)
    write_text(dir.file("in/part" + std::to_string(i) + ".json"), files[i]);
  FileSourceOptions o;
  o.paths = {dir.file("in")};
  o.format = "json";
  auto frame = DynamicFrame::from_files(o);
  EXPECT_TRUE(frame.ok()) << frame.status();
  return *frame;
}

// The frame's records as JSON lines (show()), failing the test on error.
// Every batch is also checked against its type's buffer layout.
inline std::string lines(const DynamicFrame& frame) {
  Status valid = frame.for_each_batch([](const types::RecordBatch& b) { return b.validate(); });
  EXPECT_TRUE(valid.ok()) << valid;
  auto s = frame.show(1 << 30);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : "";
}

inline std::string schema_of(const DynamicFrame& frame) {
  auto s = frame.schema();
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? (*s)->to_string() : "";
}

}  // namespace mortar::engine::testing
