// libFuzzer target: any byte string through the partition filter parser,
// the typing against a fixed set of partition keys, the evaluator and the
// SQL translation. Bad input must come back as an InvalidArgument Status,
// never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/expression/filter.h"
#include "catalog/expression/parser.h"

namespace {

using mortar::catalog::expression::PartitionFilter;
using mortar::catalog::expression::PartitionKey;

const std::vector<PartitionKey> kKeys = {{"year", "int"},     {"region", "string"},
                                         {"day", "date"},     {"ts", "timestamp"},
                                         {"price", "decimal"}, {"flag", "boolean"}};

const std::vector<std::vector<std::string>> kRows = {
    {"2020", "eu", "2020-01-01", "2020-01-01 00:00:00", "1.5", "true"},
    {"abc", "__HIVE_DEFAULT_PARTITION__", "bad", "2020-01-01", "x", "false"},
    {"-9223372036854775808", "\xc3\xa9%_[*?", "1969-12-31", "1970-01-01 00:00:00.999999999",
     "1e308", ""},
    {"1"},  // fewer values than keys
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tree = mortar::catalog::expression::parse(text);
  if (tree.ok() && *tree != nullptr) (void)mortar::catalog::expression::to_string(**tree);
  auto filter = PartitionFilter::compile(text, kKeys);
  if (!filter.ok()) {
    if (filter.status().code() != absl::StatusCode::kInvalidArgument) __builtin_trap();
    return 0;
  }
  for (const auto& row : kRows) (void)filter->matches(row);
  (void)filter->to_sql("p.id", 1, "sqlite");
  (void)filter->to_sql("p.id", 1, "postgres");
  return 0;
}
