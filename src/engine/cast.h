// Type names and casts with Glue's rules. Glue scripts spell types the Spark
// way ("long", "short", "byte", "integer") as well as the Hive way ("bigint",
// "int"); both parse. A cast that cannot convert a value (an unparsable
// string, an out-of-range number) yields null, never an error, as
// ApplyMapping and ResolveChoice do. Pure functions; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "types/column.h"
#include "types/value.h"

namespace mortar::engine {

// Parses a Glue type name. Bare "decimal" is decimal(10,2) (Glue's default);
// bare "array", "struct" and "map" return nullptr with ok status, meaning
// "keep the source's nested type".
StatusOr<types::TypePtr> parse_glue_type(std::string_view text);
// Glue's short name of a type: "long", "int", "short", "byte", "double",
// "float", "string", "boolean", "date", "timestamp", "decimal", "binary",
// "struct", "array", "map", "null" (used in make_cols / make_struct names).
std::string glue_type_name(const types::DataType& type);

// Casts every value of `column` to `target` (struct fields by name, arrays by
// element; choice columns value by value). Never fails for data reasons.
StatusOr<std::unique_ptr<types::Column>> cast_column(const types::Column& column,
                                                     const types::TypePtr& target);
// The same, taking the column: returned as it is when it has the type.
StatusOr<std::unique_ptr<types::Column>> cast_column(std::unique_ptr<types::Column> column,
                                                     const types::TypePtr& target);
// One scalar value of type `from` converted to `to`; null when it cannot be.
types::Value cast_value(const types::Value& value, const types::DataType& from,
                        const types::DataType& to);

}  // namespace mortar::engine
