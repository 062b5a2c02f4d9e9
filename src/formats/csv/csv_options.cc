#include "formats/csv/csv_options.h"

#include "formats/format_options.h"

namespace mortar::formats::csv {

StatusOr<CsvOptions> CsvOptions::parse(const Options& o, const std::string& path) {
  CsvOptions c;
  char default_sep = ',';
  if (path.size() >= 4) {
    std::string p = path;
    for (const char* suffix : {".gz", ".bz2", ".zst", ".xz", ".lz4", ".snappy", ".br"}) {
      std::string s(suffix);
      if (p.size() > s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0) {
        p.resize(p.size() - s.size());
        break;
      }
    }
    if (p.size() >= 4 && p.compare(p.size() - 4, 4, ".tsv") == 0) default_sep = '\t';
  }
  MORTAR_ASSIGN_OR_RETURN(c.dialect.separator, char_option(o, "separator", default_sep));
  if (auto d = find_option(o, "delimiter"); d && !find_option(o, "separator")) {
    MORTAR_ASSIGN_OR_RETURN(c.dialect.separator, char_option(o, "delimiter", default_sep));
  }
  MORTAR_ASSIGN_OR_RETURN(c.dialect.quote, char_option(o, "quoteChar", '"'));
  MORTAR_ASSIGN_OR_RETURN(c.dialect.escape, char_option(o, "escaper", '\0'));
  if (c.dialect.separator == '\0') return invalid_input("option separator: must not be empty");
  if (c.dialect.separator == '\n' || c.dialect.separator == '\r' ||
      c.dialect.separator == c.dialect.quote)
    return invalid_input("option separator: must differ from the quote and newline characters");
  if (c.dialect.quote == '\n' || c.dialect.quote == '\r')
    return invalid_input("option quoteChar: must not be a newline character");
  MORTAR_ASSIGN_OR_RETURN(c.with_header, bool_option(o, "withHeader", false));
  MORTAR_ASSIGN_OR_RETURN(c.write_header, bool_option(o, "writeHeader", true));
  MORTAR_ASSIGN_OR_RETURN(c.skip_first, bool_option(o, "skipFirst", false));
  MORTAR_ASSIGN_OR_RETURN(c.multi_line, bool_option(o, "multiLine", false));
  MORTAR_ASSIGN_OR_RETURN(c.skip_rows, int_option(o, "skipRows", 0));
  MORTAR_ASSIGN_OR_RETURN(c.allow_ragged, bool_option(o, "allowRaggedRows", false));
  MORTAR_ASSIGN_OR_RETURN(c.infer_schema, bool_option(o, "inferSchema", true));
  MORTAR_ASSIGN_OR_RETURN(c.choice_types, bool_option(o, "choiceTypes", false));
  MORTAR_ASSIGN_OR_RETURN(c.whole_file_schema, bool_option(o, "wholeFileSchema", false));
  MORTAR_ASSIGN_OR_RETURN(c.infer_sample_rows, int_option(o, "inferSampleRows", 20000));
  MORTAR_ASSIGN_OR_RETURN(int64_t threads, int_option(o, "threads", 2));
  MORTAR_ASSIGN_OR_RETURN(c.block_size, int_option(o, "blockSize", 8 << 20));
  MORTAR_ASSIGN_OR_RETURN(c.max_record_size, max_record_size_option(o));
  c.null_value = find_option(o, "nullValue");
  if (c.skip_rows < 0) return invalid_input("option skipRows: must be >= 0");
  if (threads < 1 || threads > 64) return invalid_input("option threads: must be 1..64");
  c.threads = static_cast<int>(threads);
  if (c.block_size < 64 || c.block_size > (1LL << 30))
    return invalid_input("option blockSize: must be 64 bytes .. 1 GiB");
  if (c.infer_sample_rows < 1) c.infer_sample_rows = 1;
  return c;
}

}  // namespace mortar::formats::csv
