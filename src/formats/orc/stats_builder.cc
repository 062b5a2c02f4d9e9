#include "formats/orc/stats_builder.h"

#include <algorithm>

#include "formats/orc/protobuf_writer.h"
#include "types/decimal.h"

namespace mortar::formats::orc {

void StatsBuilder::merge(const StatsBuilder& o, OrcKind kind) {
  values += o.values;
  has_null = has_null || o.has_null;
  true_count += o.true_count;
  double_ok = double_ok && o.double_ok;
  string_ok = string_ok && o.string_ok;
  if (!o.has_minmax) return;
  bool first = !has_minmax;
  has_minmax = true;
  switch (kind) {
    case OrcKind::kFloat:
    case OrcKind::kDouble:
      double_min = first ? o.double_min : std::min(double_min, o.double_min);
      double_max = first ? o.double_max : std::max(double_max, o.double_max);
      break;
    case OrcKind::kString:
    case OrcKind::kVarchar:
    case OrcKind::kChar:
      if (first || o.string_min < string_min) string_min = o.string_min;
      if (first || o.string_max > string_max) string_max = o.string_max;
      break;
    case OrcKind::kDecimal:
      dec_min = first ? o.dec_min : std::min(dec_min, o.dec_min);
      dec_max = first ? o.dec_max : std::max(dec_max, o.dec_max);
      break;
    default:
      int_min = first ? o.int_min : std::min(int_min, o.int_min);
      int_max = first ? o.int_max : std::max(int_max, o.int_max);
  }
}

std::string StatsBuilder::serialize(OrcKind kind, int scale) const {
  ProtoWriter w;
  w.varint_field(1, values);
  if (has_minmax) {
    ProtoWriter m;
    switch (kind) {
      case OrcKind::kByte:
      case OrcKind::kShort:
      case OrcKind::kInt:
      case OrcKind::kLong:
        m.sint_field(1, int_min);
        m.sint_field(2, int_max);
        w.bytes_field(2, m.buffer());
        break;
      case OrcKind::kFloat:
      case OrcKind::kDouble:
        if (double_ok) {
          m.double_field(1, double_min);
          m.double_field(2, double_max);
          w.bytes_field(3, m.buffer());
        }
        break;
      case OrcKind::kString:
      case OrcKind::kVarchar:
      case OrcKind::kChar:
        if (string_ok) {
          m.bytes_field(1, string_min);
          m.bytes_field(2, string_max);
          w.bytes_field(4, m.buffer());
        }
        break;
      case OrcKind::kDecimal:
        m.bytes_field(1, types::format_decimal(dec_min, scale));
        m.bytes_field(2, types::format_decimal(dec_max, scale));
        w.bytes_field(6, m.buffer());
        break;
      case OrcKind::kDate:
        m.sint_field(1, int_min);
        m.sint_field(2, int_max);
        w.bytes_field(7, m.buffer());
        break;
      case OrcKind::kTimestamp:  // milliseconds; the writer's zone is UTC
        m.sint_field(1, int_min);
        m.sint_field(2, int_max);
        m.sint_field(3, int_min);
        m.sint_field(4, int_max);
        w.bytes_field(9, m.buffer());
        break;
      default:
        break;
    }
  }
  if (kind == OrcKind::kBoolean) {
    ProtoWriter b;
    b.packed_varints(1, {true_count});
    w.bytes_field(5, b.buffer());
  }
  w.varint_field(10, has_null ? 1 : 0);
  return w.buffer();
}

}  // namespace mortar::formats::orc
