// A JdbcTarget's include path, as Glue spells it: `database/schema/table` for
// engines with schemas (PostgreSQL), `database/table` for those without
// (SQLite). '%' in the schema or table segment matches any characters
// ("mydb/public/%", "mydb/%/orders_%"); omitted trailing segments mean '%'
// ("mydb" and "mydb/%" select every table of every schema). The database
// segment must be literal, as Glue requires. Names match case-insensitively.
// Exclusions are Glue globs matched against the path below the include
// path's literal prefix ("mydb/public/%" + "tmp_*" excludes table tmp_x).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::crawler::jdbc {

class IncludePath {
 public:
  // `has_schemas`: the engine has a schema level (PostgreSQL yes, SQLite no;
  // for SQLite a middle segment must be "main" or '%').
  static StatusOr<IncludePath> parse(std::string_view path, bool has_schemas);

  const std::string& database() const { return database_; }
  const std::string& schema_pattern() const { return schema_; }
  const std::string& table_pattern() const { return table_; }

  bool matches_schema(std::string_view schema) const;
  bool matches_table(std::string_view table) const;

  // The path Exclusions are matched against for one table: from the first
  // segment with a '%' (the table segment when all are literal).
  std::string relative_path(std::string_view schema, std::string_view table) const;

  // '%' matches any run of characters; everything else literally, ASCII case folded.
  static bool like(std::string_view pattern, std::string_view name);

 private:
  bool has_schemas_ = true;
  std::string database_, schema_ = "%", table_ = "%";
};

}  // namespace mortar::crawler::jdbc
