// Column types of a crawled database mapped to Glue types, as Glue's JDBC
// crawler maps them (PostgreSQL) or by SQLite's own type-affinity rules.
#pragma once

#include <string_view>

#include "types/data_type.h"

namespace mortar::crawler::jdbc {

// `type`: the column type as PostgreSQL's format_type() prints it (for a
// domain, its base type): "integer", "numeric(10,2)", "character varying(20)",
// "timestamp(3) with time zone", "text[]"... Anything unknown (enums,
// composites, geometric, network types) is `string`.
types::TypePtr postgres_type_to_glue(std::string_view type);

// `declared`: the type a SQLite column was declared with ("INTEGER",
// "VARCHAR(20)", "DECIMAL(10,2)", "" ...). Names Glue has a type for
// (BOOLEAN, DATE, DATETIME/TIMESTAMP, DECIMAL(p,s)) first, then SQLite's
// affinity rules: INT -> bigint; CHAR/CLOB/TEXT -> string; BLOB -> binary;
// REAL/FLOA/DOUB -> double; anything else (NUMERIC affinity) -> double; no
// declared type -> string.
types::TypePtr sqlite_type_to_glue(std::string_view declared);

}  // namespace mortar::crawler::jdbc
