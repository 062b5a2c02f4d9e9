// Table and partition-key names as Glue's crawler makes them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crawler/crawl_types.h"

namespace mortar::crawler {

// Lower-cases and replaces every character other than [a-z0-9_] with '_'
// ("Sales-2024.v2" -> "sales_2024_v2"); an empty result becomes "_".
std::string sanitize_name(std::string_view name);

// Gives tables that would share a name (after the prefix) a "_<hash>"
// suffix: the md5 of the table location in hex, as Glue does. The table
// whose location sorts first keeps the plain name. Adds a reason to each
// renamed table.
void resolve_name_clashes(std::vector<PlannedTable>& tables);

// The last path segment of a path or URI ("s3://b/x/y/" -> "y", "s3://b" -> "b").
std::string last_segment(std::string_view path);

}  // namespace mortar::crawler
