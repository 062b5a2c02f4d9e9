// write_jdbc(): option checks and the dispatch to the engine's writer.
#include "engine/jdbc/jdbc_sink.h"

#include <fmt/format.h>

#include <cctype>

#include "common/ascii.h"
#include "engine/jdbc/jdbc_writer.h"

namespace mortar::engine::jdbc {

using sql::Engine;
using sql::parse_jdbc_url;
using sql::quote_table_name;

StatusOr<std::vector<int>> match_columns(const types::DataType& schema,
                                         const std::vector<std::string>& table_columns,
                                         const std::string& table_label) {
  std::vector<int> out;
  for (const auto& f : schema.fields()) {
    int found = -1;
    for (size_t i = 0; i < table_columns.size() && found < 0; ++i)
      if (table_columns[i] == f.name) found = static_cast<int>(i);
    for (size_t i = 0; i < table_columns.size() && found < 0; ++i)
      if (ascii_lower(table_columns[i]) == ascii_lower(f.name)) found = static_cast<int>(i);
    if (found < 0) {
      std::string cols;
      for (const auto& c : table_columns) cols += (cols.empty() ? "" : ", ") + c;
      return invalid_input(fmt::format("{}: the frame's field '{}' is not a column of the table (its "
                                       "columns: {}); drop or rename it first",
                                       table_label, f.name, cols));
    }
    for (int prev : out)
      if (prev == found)
        return invalid_input(fmt::format("{}: two frame fields map to column '{}'", table_label,
                                         table_columns[found]));
    out.push_back(found);
  }
  return out;
}

StatusOr<JdbcWriteResult> write_jdbc(const DynamicFrame& frame, const JdbcSinkOptions& options) {
  WriteSpec spec;
  spec.options = options;
  MORTAR_ASSIGN_OR_RETURN(spec.url, parse_jdbc_url(options.url));
  const bool pg = spec.url.engine == Engine::kPostgres;
  spec.label = !options.connection_name.empty() ? "connection " + options.connection_name
               : pg                              ? "PostgreSQL"
                                                 : "SQLite";
  if (options.dbtable.empty())
    return invalid_input("JDBC sink: dbtable is required (the table to write, e.g. public.orders)");
  MORTAR_ASSIGN_OR_RETURN(spec.table, quote_table_name(options.dbtable, pg));
  MORTAR_ASSIGN_OR_RETURN(types::TypePtr schema, frame.schema());
  return pg ? write_postgres(frame, *schema, spec) : write_sqlite(frame, *schema, spec);
}

}  // namespace mortar::engine::jdbc
