// A command-line mode of formats_test for the pytest interop and
// conformance tests (tests/formats/test_parquet_*.py), so they need no
// separate binary: when MORTAR_PARQUET_DUMP=<file> is set, the test binary
// prints the file's schema as one JSON line {"schema": "<type string>"}
// followed by its rows as JSON lines (types/json_text.h) and exits before
// any test runs; errors go to stderr with exit status 1. When
// MORTAR_PARQUET_CONVERT=<in>:<out> is set it reads <in> with Mortar and
// writes it back to <out> with Mortar's writer (MORTAR_PARQUET_SCAN=<file>
// just reads it, printing the row count); MORTAR_PARQUET_OPTIONS
// ("k=v,k=v") become the writer's format_options. MORTAR_PARQUET_BATCH sets
// batch_rows, MORTAR_PARQUET_COLUMNS ("a,b") the projection.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "formats/parquet/parquet_format.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "io/file_system.h"
#include "types/json_text.h"

namespace mortar::formats::parquet {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

ReadOptions read_options() {
  ReadOptions o;
  if (const char* b = std::getenv("MORTAR_PARQUET_BATCH")) o.batch_rows = std::atoll(b);
  if (const char* c = std::getenv("MORTAR_PARQUET_COLUMNS")) o.columns = split(c, ',');
  return o;
}

Status dump(const std::string& path) {
  auto& fs = io::local_file_system();
  MORTAR_ASSIGN_OR_RETURN(auto reader, parquet_format().open_reader(fs, path, read_options()));
  std::string out = "{\"schema\": ";
  types::append_json_string(out, reader->schema()->to_string());
  out += "}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (!batch) break;
    MORTAR_RETURN_IF_ERROR(batch->validate());
    std::string text = types::to_json_lines(*batch);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return ok_status();
}

// Reads every batch, printing only the row count (for timing scans).
Status scan(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, parquet_format().open_reader(io::local_file_system(), path, read_options()));
  int64_t rows = 0;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (!batch) break;
    rows += batch->num_rows();
  }
  std::printf("%lld\n", static_cast<long long>(rows));
  return ok_status();
}

Status convert(const std::string& spec) {
  size_t colon = spec.find(':');
  if (colon == std::string::npos) return invalid_input("MORTAR_PARQUET_CONVERT wants in:out");
  auto& fs = io::local_file_system();
  MORTAR_ASSIGN_OR_RETURN(auto reader, parquet_format().open_reader(fs, spec.substr(0, colon), read_options()));
  WriteOptions wo;
  if (const char* o = std::getenv("MORTAR_PARQUET_OPTIONS")) {
    for (const std::string& kv : split(o, ',')) {
      size_t eq = kv.find('=');
      if (eq != std::string::npos) wo.format_options[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  MORTAR_ASSIGN_OR_RETURN(auto writer, parquet_format().open_writer(fs, spec.substr(colon + 1), reader->schema(), wo));
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (!batch) break;
    MORTAR_RETURN_IF_ERROR(writer->write(*batch));
  }
  return writer->close();
}

// Runs before gtest's main (static initialization of this file).
const bool kCommandMode = [] {
  const char* d = std::getenv("MORTAR_PARQUET_DUMP");
  const char* c = std::getenv("MORTAR_PARQUET_CONVERT");
  const char* sc = std::getenv("MORTAR_PARQUET_SCAN");
  if (!d && !c && !sc) return false;
  Status s = d ? dump(d) : c ? convert(c) : scan(sc);
  std::fflush(stdout);
  if (!s.ok()) {
    std::cerr << s.message() << std::endl;
    std::_Exit(1);
  }
  std::_Exit(0);
}();

}  // namespace
}  // namespace mortar::formats::parquet
