// Avro, ORC and Parquet: recognised by their magic bytes and classified from
// their metadata alone (Avro's header, ORC's tail, Parquet's footer), read
// with ranged reads by the format readers' open(), which reads no row data.
#include <algorithm>
#include <fmt/format.h>

#include "crawler/classify/classify_steps.h"
#include "formats/avro/avro_reader.h"
#include "formats/format.h"
#include "formats/orc/orc_reader.h"
#include "formats/parquet/parquet_reader.h"

namespace mortar::crawler {

namespace {

Classification unknown_with_error(const std::string& path, const std::string& format, const Status& st) {
  Classification c;
  std::string msg(status_message(st));
  c.error = msg.find(path) == std::string::npos ? fmt::format("{}: corrupt {} metadata: {}", path, format, msg)
                                                 : fmt::format("corrupt {} metadata: {}", format, msg);
  c.reason = c.error;
  return c;
}

// Avro's header has no record count: walk the block headers. Remote files
// get a few large ranged reads, local ones many small ones; past the budget,
// or at a corrupt block, the count is scaled from the blocks walked (Glue
// estimates Avro counts too). Returns a note for the reason.
std::string count_avro(const formats::avro::AvroReader& reader, const FileEntry& file, int64_t& records) {
  formats::avro::AvroCountOptions options;
  if (file.path.find("://") != std::string::npos && file.path.rfind("file://", 0) != 0) {
    options.read_size = 1 << 20;
    options.max_reads = 16;
  }
  auto counted = reader.count_records(options);
  if (!counted.ok()) {
    records = 0;
    return fmt::format(" (records not counted: {})", status_message(counted.status()));
  }
  records = counted->estimate(reader.data_start(), file.size);
  if (counted->complete) {
    return records > 0 ? fmt::format(" in {} blocks", counted->blocks) : std::string(", no records");
  }
  return fmt::format(" (estimated from the first {} blocks: {})", counted->blocks, counted->problem);
}

}  // namespace

Classification classify_metadata_format(ClassifyInput& in) {
  Classification c;
  if (!in.sample.compression().empty()) {
    c.reason = "compressed file: not a columnar container";
    return c;
  }
  const std::string& head = in.sample.data();
  std::string name;
  if (head.size() >= 4 && head.compare(0, 4, std::string("Obj\x01", 4)) == 0) name = "avro";
  else if (head.size() >= 3 && head.compare(0, 3, "ORC") == 0) name = "orc";
  else if (head.size() >= 4 && head.compare(0, 4, "PAR1") == 0) name = "parquet";
  if (name.empty()) {
    c.reason = "no Avro, ORC or Parquet magic";
    return c;
  }
  auto format = formats::format_by_name(name);
  if (!format.ok()) {
    c.reason = fmt::format("{} magic, but no {} reader is built in", name, name);
    return c;
  }
  formats::ReadOptions options;
  options.batch_rows = 1;
  auto reader = (*format)->open_reader(in.fs, in.file.path, options);
  if (!reader.ok()) return unknown_with_error(in.file.path, name, reader.status());
  c.classification = name;
  c.classifier_name = name;
  c.certainty = 1.0;
  c.schema = (*reader)->schema();
  c.record_count = 0;
  std::string avro_note;
  if (auto* p = dynamic_cast<formats::parquet::ParquetReader*>(reader->get())) {
    // The row groups' counts, which some writers fill when the file-level one is 0.
    int64_t groups = 0;
    for (const auto& rg : p->metadata().row_groups) groups += rg.num_rows;
    c.record_count = std::max(p->metadata().num_rows, groups);
  } else if (auto* a = dynamic_cast<formats::avro::AvroReader*>(reader->get())) {
    c.parameters["avro.schema.literal"] = a->schema_json();
    avro_note = count_avro(*a, in.file, c.record_count);
  }
  if (auto* o = dynamic_cast<formats::orc::OrcReader*>(reader->get()))
    c.record_count = static_cast<int64_t>(o->footer().number_of_rows);
  if (c.record_count > 0) c.average_record_size = in.file.size / c.record_count;
  c.reason = fmt::format("{}: schema from the file's metadata ({} columns{}{})", name,
                         c.schema ? c.schema->fields().size() : 0,
                         c.record_count > 0 ? fmt::format(", {} records", c.record_count) : "",
                         avro_note);
  return c;
}

}  // namespace mortar::crawler
