// Column types of a crawled database mapped to Glue types, as Glue's JDBC
// crawler maps them (PostgreSQL) or by SQLite's own type-affinity rules.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

#include "types/data_type.h"

namespace mortar::sql {

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

}  // namespace mortar::sql

namespace mortar::sql {

// The column type a JDBC sink creates for a Glue type when the table is
// missing (as Glue/Spark's JDBC writer does): PostgreSQL boolean, smallint,
// integer, bigint, real, double precision, numeric(p,s), text,
// varchar(n)/char(n), bytea, date, timestamp, <elem>[] for arrays of
// scalars, jsonb for structs, maps and nested arrays. Choice types are
// InvalidArgument ("resolve it first").
StatusOr<std::string> glue_to_postgres_type(const types::DataType& type);
// SQLite: BOOLEAN, INTEGER, REAL, DECIMAL(p,s), TEXT, BLOB, DATE, TIMESTAMP;
// nested types are TEXT holding JSON. Declared so that sqlite_type_to_glue()
// reads them back as the same Glue types (integers widen to bigint).
StatusOr<std::string> glue_to_sqlite_type(const types::DataType& type);

}  // namespace mortar::sql
