#include "formats/orc/orc_stats.h"

#include <cmath>
#include <cstdio>

#include "types/decimal.h"
#include "types/temporal.h"

namespace mortar::formats::orc {

namespace {

std::string format_double(double d) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", d);
  return buf;
}

void walk(const SchemaNode& node, const std::vector<ColumnStatistics>& columns, uint64_t rows,
          bool top, std::map<std::string, ColumnStats>* out) {
  for (const auto& child : node.children) {
    if (child->column >= columns.size()) continue;
    const ColumnStatistics& s = columns[child->column];
    ColumnStats cs;
    if (top && s.number_of_values && *s.number_of_values <= rows) {
      cs.null_count = static_cast<int64_t>(rows - *s.number_of_values);
    }
    stats_min_max(*child, s, &cs);
    (*out)[child->path] = cs;
    if (child->kind == OrcKind::kStruct) walk(*child, columns, rows, false, out);
  }
}

}  // namespace

void stats_min_max(const SchemaNode& node, const ColumnStatistics& s, ColumnStats* out) {
  bool empty = s.number_of_values && *s.number_of_values == 0;
  if (empty) return;
  switch (node.kind) {
    case OrcKind::kByte:
    case OrcKind::kShort:
    case OrcKind::kInt:
    case OrcKind::kLong:
      if (s.int_min && s.int_max) {
        out->min = std::to_string(*s.int_min);
        out->max = std::to_string(*s.int_max);
      }
      break;
    case OrcKind::kFloat:
    case OrcKind::kDouble:
      if (s.double_min && s.double_max && !std::isnan(*s.double_min) &&
          !std::isnan(*s.double_max)) {
        out->min = format_double(*s.double_min);
        out->max = format_double(*s.double_max);
      }
      break;
    case OrcKind::kString:
    case OrcKind::kVarchar:
    case OrcKind::kChar:
      if (s.string_min && s.string_max) {
        out->min = s.string_min;
        out->max = s.string_max;
      }
      break;
    case OrcKind::kBoolean:
      if (s.true_count && s.number_of_values) {
        out->min = *s.true_count < *s.number_of_values ? "false" : "true";
        out->max = *s.true_count > 0 ? "true" : "false";
      }
      break;
    case OrcKind::kDate:
      if (s.date_min && s.date_max && *s.date_min >= INT32_MIN && *s.date_max <= INT32_MAX) {
        out->min = types::format_date(static_cast<int32_t>(*s.date_min));
        out->max = types::format_date(static_cast<int32_t>(*s.date_max));
      }
      break;
    case OrcKind::kDecimal:
      if (s.decimal_min && s.decimal_max) {
        // Reprinted at the column's scale; values the column cannot hold
        // mean the statistics are not usable.
        types::int128 lo, hi;
        if (types::try_parse_decimal(*s.decimal_min, 38, node.scale, &lo) &&
            types::try_parse_decimal(*s.decimal_max, 38, node.scale, &hi)) {
          out->min = types::format_decimal(lo, node.scale);
          out->max = types::format_decimal(hi, node.scale);
        }
      }
      break;
    case OrcKind::kTimestampInstant:
      // UTC milliseconds, plus the sub-millisecond nanos (+1) when written;
      // without them the bounds are widened to the whole millisecond.
      if (s.ts_min_utc && s.ts_max_utc && std::abs(*s.ts_min_utc) < (int64_t{1} << 50) &&
          std::abs(*s.ts_max_utc) < (int64_t{1} << 50)) {
        int64_t lo = *s.ts_min_utc * 1000 + (s.ts_min_nanos ? (*s.ts_min_nanos - 1) / 1000 : 0);
        int64_t hi = *s.ts_max_utc * 1000 + (s.ts_max_nanos ? (*s.ts_max_nanos - 1) / 1000 : 999);
        out->min = types::format_timestamp(lo);
        out->max = types::format_timestamp(hi);
      }
      break;
    default:
      // Plain timestamps' statistics are in the writer's zone: not used.
      break;
  }
}

std::map<std::string, ColumnStats> to_column_stats(const SchemaNode& root,
                                                   const std::vector<ColumnStatistics>& columns,
                                                   uint64_t rows) {
  std::map<std::string, ColumnStats> out;
  walk(root, columns, rows, true, &out);
  return out;
}

}  // namespace mortar::formats::orc
