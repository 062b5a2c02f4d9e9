#include "tools/file_command.h"

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "formats/csv/csv_writer.h"
#include "formats/json/json_writer.h"
#include "formats/prefetch_reader.h"
#include "io/compression.h"
#include "io/file_system.h"
#include "tools/cli_errors.h"
#include "tools/input_set.h"
#include "tools/partitioned_writer.h"
#include "types/json_text.h"

namespace mortar::tools {
namespace {

// stdout as an OutputStream (for `cat`).
class StdoutStream : public io::OutputStream {
 public:
  Status write(std::string_view bytes) override {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size())
      return internal_error("writing to stdout failed");
    return ok_status();
  }
  Status close() override {
    std::fflush(stdout);
    return ok_status();
  }
};

struct Common {
  std::string input_format;
  std::vector<std::string> options;         // k=v
  std::vector<std::string> output_options;  // k=v
};

StatusOr<formats::Options> parse_kv(const std::vector<std::string>& list) {
  formats::Options o;
  for (const auto& kv : list) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      return invalid_input(fmt::format("option '{}': expected key=value", kv));
    o[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return o;
}

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string name = text.substr(start, comma - start);
    if (!name.empty()) out.push_back(name);
    start = comma + 1;
  }
  return out;
}

StatusOr<std::unique_ptr<MultiFileReader>> open_inputs(const std::string& path, const Common& c) {
  MORTAR_ASSIGN_OR_RETURN(auto files, list_inputs(path, c.input_format));
  MORTAR_ASSIGN_OR_RETURN(auto options, parse_kv(c.options));
  return MultiFileReader::open(std::move(files), options);
}

// Batches decoded ahead: enough that decoding goes on while the writer encodes
// a whole row group (readers emit batches of up to 64k rows; small ones when
// they parse in parallel), bounded so memory stays a few tens of MB.
constexpr size_t kPrefetchBatches = 8;

// The inputs decoded on a second thread while this one encodes/writes.
StatusOr<std::unique_ptr<formats::RecordReader>> open_inputs_prefetched(const std::string& path,
                                                                         const Common& c) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, open_inputs(path, c));
  return std::unique_ptr<formats::RecordReader>(
      std::make_unique<formats::PrefetchReader>(std::move(reader), kPrefetchBatches));
}

Status cmd_schema(const std::string& path, const Common& c) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, open_inputs(path, c));
  for (const auto& f : reader->schema()->fields())
    std::cout << f.name << '\t' << f.type->to_string() << '\n';
  return ok_status();
}

Status cmd_head(const std::string& path, int64_t n, const Common& c) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, open_inputs(path, c));
  int64_t printed = 0;
  std::string line;
  while (printed < n) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (!batch) break;
    for (int64_t r = 0; r < batch->num_rows() && printed < n; ++r, ++printed) {
      line.clear();
      types::append_json_line(line, *batch, r);
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
  }
  std::fflush(stdout);
  return ok_status();
}

Status cmd_cat(const std::string& path, const std::string& to, const Common& c) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, open_inputs_prefetched(path, c));
  MORTAR_ASSIGN_OR_RETURN(auto out_options, parse_kv(c.output_options));
  std::unique_ptr<formats::RecordWriter> writer;
  if (to == "csv") {
    formats::WriteOptions wo;
    wo.format_options = out_options;
    MORTAR_ASSIGN_OR_RETURN(writer, formats::csv::CsvWriter::open_stream(
                                        std::make_unique<StdoutStream>(), reader->schema(), wo));
  } else if (to == "jsonl" || to == "json") {
    MORTAR_ASSIGN_OR_RETURN(writer, formats::json::JsonWriter::open_stream(
                                        std::make_unique<StdoutStream>(), reader->schema()));
  } else {
    return invalid_input(fmt::format("--to: expected jsonl or csv, got '{}'", to));
  }
  for (;;) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (!batch) break;
    MORTAR_RETURN_IF_ERROR(writer->write(*batch));
  }
  return writer->close();
}

// Decodes every row and keeps none: the reader's own speed, for benchmarks
// and for checking a whole file is readable. Prints rows and batches.
Status cmd_scan(const std::string& path, const std::string& columns, const Common& c) {
  MORTAR_ASSIGN_OR_RETURN(auto files, list_inputs(path, c.input_format));
  MORTAR_ASSIGN_OR_RETURN(auto options, parse_kv(c.options));
  MORTAR_ASSIGN_OR_RETURN(auto reader, MultiFileReader::open(std::move(files), options, split_list(columns)));
  int64_t rows = 0, batches = 0;
  for (;;) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (!batch) break;
    rows += batch->num_rows();
    ++batches;
  }
  std::printf("%lld rows in %lld batches\n", static_cast<long long>(rows),
              static_cast<long long>(batches));
  return ok_status();
}

std::string default_extension(const formats::Format& f) {
  auto exts = f.extensions();
  return exts.empty() ? "" : exts[0];
}

Status cmd_convert(const std::string& in, const std::string& out, const std::string& format_name,
                   const std::string& compression, const std::string& partition_by,
                   const Common& c) {
  MORTAR_ASSIGN_OR_RETURN(auto reader, open_inputs_prefetched(in, c));
  MORTAR_ASSIGN_OR_RETURN(auto out_options, parse_kv(c.output_options));
  if (!compression.empty()) out_options["compression"] = compression;
  const formats::Format* format = nullptr;
  if (!format_name.empty()) {
    MORTAR_ASSIGN_OR_RETURN(format, formats::format_by_name(format_name));
  } else {
    format = formats::format_for_path(out);
  }
  std::vector<std::string> partitions = split_list(partition_by);
  // A directory output: partitioned, or OUT names no file of a known format.
  const bool to_directory = !partitions.empty() || !format || (!out.empty() && out.back() == '/');
  if (!format) {
    return invalid_input(fmt::format(
        "{}: cannot tell the output format from the name (use --format parquet|csv|json|avro|orc)", out));
  }
  MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(out));
  formats::WriteOptions wo;
  wo.format_options = out_options;
  std::unique_ptr<formats::RecordWriter> writer;
  if (to_directory) {
    std::string name = "part-00000" + default_extension(*format);
    // Text formats compress the whole file (and say so in its name); binary
    // formats (parquet, avro) compress inside the file.
    const bool text_format = format->name() == "csv" || format->name() == "json";
    if (text_format && !compression.empty() && compression != "none") {
      MORTAR_ASSIGN_OR_RETURN(io::Codec codec, io::codec_from_name(compression));
      if (codec == io::Codec::kGzip) name += ".gz";
      else if (codec == io::Codec::kZstd) name += ".zst";
      else if (codec == io::Codec::kSnappyFramed || codec == io::Codec::kSnappyRaw) name += ".snappy";
    }
    MORTAR_ASSIGN_OR_RETURN(writer, PartitionedWriter::open(*fs, out, *format, name,
                                                            reader->schema(), partitions, wo));
  } else {
    MORTAR_ASSIGN_OR_RETURN(writer, format->open_writer(*fs, out, reader->schema(), wo));
  }
  int64_t rows = 0;
  for (;;) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, reader->next());
    if (!batch) break;
    rows += batch->num_rows();
    MORTAR_RETURN_IF_ERROR(writer->write(*batch));
  }
  MORTAR_RETURN_IF_ERROR(writer->close());
  std::fprintf(stderr, "wrote %lld rows to %s\n", static_cast<long long>(rows), out.c_str());
  return ok_status();
}

}  // namespace

int run_file_command(int argc, char** argv) {
  CLI::App app{"Inspect and convert data files (csv, json, parquet, avro, orc, xml, grok logs)", "mortar file"};
  app.require_subcommand(1);
  Common common;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--input-format", common.input_format, "Input format (csv, json, parquet, avro, orc, xml, grok)");
    sub->add_option("--option", common.options, "Read format option key=value (repeatable)");
    sub->add_option("--output-option", common.output_options,
                    "Write format option key=value (repeatable)");
  };
  std::string path, out, to = "jsonl", format, compression, partition_by, columns;
  int64_t n = 10;

  auto* schema = app.add_subcommand("schema", "Print the columns and their types");
  schema->add_option("PATH", path, "File or directory")->required();
  add_common(schema);
  auto* head = app.add_subcommand("head", "Print the first rows as JSON lines");
  head->add_option("PATH", path, "File or directory")->required();
  head->add_option("-n", n, "Rows to print (default 10)");
  add_common(head);
  auto* cat = app.add_subcommand("cat", "Print every row");
  cat->add_option("PATH", path, "File or directory")->required();
  cat->add_option("--to", to, "Output: jsonl (default) or csv");
  add_common(cat);
  auto* scan = app.add_subcommand("scan", "Decode every row without output; print the row count");
  scan->add_option("PATH", path, "File or directory")->required();
  scan->add_option("--columns", columns, "Comma-separated columns to read (default all)");
  add_common(scan);
  auto* convert = app.add_subcommand("convert", "Convert files to another format");
  convert->add_option("IN", path, "Input file or directory")->required();
  convert->add_option("OUT", out, "Output file, or directory (with --partition-by)")->required();
  convert->add_option("--format", format, "Output format (parquet, csv, json, avro, orc)");
  convert->add_option("--compression", compression, "gzip, zstd, snappy or none");
  convert->add_option("--partition-by", partition_by, "Comma-separated partition columns");
  add_common(convert);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (explain_subcommand_error(app, e)) return 2;
    return app.exit(e) == 0 ? 0 : 2;
  }
  Status s;
  if (*schema) s = cmd_schema(path, common);
  else if (*head) s = cmd_head(path, n, common);
  else if (*cat) s = cmd_cat(path, to, common);
  else if (*scan) s = cmd_scan(path, columns, common);
  else if (*convert) s = cmd_convert(path, out, format, compression, partition_by, common);
  if (!s.ok()) {
    std::fflush(stdout);
    std::fprintf(stderr, "mortar file: error: %.*s\n", static_cast<int>(s.message().size()),
                 s.message().data());
    return 1;
  }
  return 0;
}

}  // namespace mortar::tools
