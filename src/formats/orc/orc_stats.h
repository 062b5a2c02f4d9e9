// ORC column statistics as formats::ColumnStats (min/max as text of the
// column's Mortar type), keyed by dotted struct path ("a", "a.b"), for
// stripe pruning.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "formats/format.h"
#include "formats/orc/orc_metadata.h"
#include "formats/orc/orc_schema.h"

namespace mortar::formats::orc {

// `columns` is indexed by column id; `rows` is the stripe's row count (for
// the null count of top-level columns).
std::map<std::string, ColumnStats> to_column_stats(const SchemaNode& root,
                                                   const std::vector<ColumnStatistics>& columns,
                                                   uint64_t rows);

// One column's min/max as text, when the statistics hold them and can be
// trusted for its type.
void stats_min_max(const SchemaNode& node, const ColumnStatistics& s, ColumnStats* out);

}  // namespace mortar::formats::orc
