#include "sql/jdbc_types.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include "common/ascii.h"

namespace mortar::sql {

namespace {

using types::DataType;
using types::TypePtr;

std::string lower_trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return ascii_lower(s);
}

// "numeric(10,2)" -> base "numeric", args {10, 2}; the modifier may sit
// mid-name ("timestamp(3) with time zone" -> "timestamp with time zone").
std::string split_modifiers(const std::string& type, std::vector<int>& args) {
  size_t open = type.find('(');
  if (open == std::string::npos) return type;
  size_t close = type.find(')', open);
  if (close == std::string::npos) return type;
  std::string inside = type.substr(open + 1, close - open - 1);
  size_t start = 0;
  while (start <= inside.size()) {
    size_t comma = inside.find(',', start);
    std::string part = lower_trim(inside.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    int v = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec == std::errc() && end == part.data() + part.size()) args.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::string base = lower_trim(type.substr(0, open)) ;
  std::string tail = lower_trim(type.substr(close + 1));
  return tail.empty() ? base : base + " " + tail;
}

// decimal(p,s) when it fits Glue's decimal (precision 1..38), else `fallback`.
TypePtr decimal_or(const std::vector<int>& args, TypePtr fallback) {
  if (args.empty()) return fallback;
  int p = args[0], s = args.size() > 1 ? args[1] : 0;
  if (p < 1 || p > 38 || s < 0 || s > p) return fallback;
  return DataType::decimal(p, s);
}

}  // namespace

TypePtr postgres_type_to_glue(std::string_view type_text) {
  std::string type = lower_trim(type_text);
  if (type.size() > 2 && type.compare(type.size() - 2, 2, "[]") == 0) {
    // Multi-dimensional arrays print as one "[]" as well: Glue sees array<elem>.
    return DataType::array(postgres_type_to_glue(std::string_view(type).substr(0, type.size() - 2)));
  }
  std::vector<int> args;
  const std::string base = split_modifiers(type, args);
  if (base == "smallint" || base == "int2" || base == "smallserial") return DataType::smallint();
  if (base == "integer" || base == "int" || base == "int4" || base == "serial") return DataType::int32();
  if (base == "bigint" || base == "int8" || base == "bigserial" || base == "oid") return DataType::bigint();
  if (base == "real" || base == "float4") return DataType::float32();
  if (base == "double precision" || base == "float8") return DataType::float64();
  if (base == "numeric" || base == "decimal") {
    // Unconstrained numeric has no fixed scale: decimal(38,18) as Spark's
    // JDBC reader types it; a precision past 38 cannot be a Glue decimal.
    if (args.empty()) return DataType::decimal(38, 18);
    return decimal_or(args, DataType::string());
  }
  if (base == "boolean" || base == "bool") return DataType::boolean();
  if (base == "bit") return args.empty() || args[0] == 1 ? DataType::boolean() : DataType::binary();
  if (base == "bit varying" || base == "varbit" || base == "bytea") return DataType::binary();
  if (base == "date") return DataType::date();
  if (base == "timestamp" || base == "timestamp without time zone" ||
      base == "timestamp with time zone" || base == "timestamptz")
    return DataType::timestamp();
  // character varying(n), character(n), text, "char", name, json, jsonb, uuid,
  // xml, time, interval, money, inet, enums and everything else.
  return DataType::string();
}

TypePtr sqlite_type_to_glue(std::string_view declared) {
  std::string type = lower_trim(declared);
  if (type.empty()) return DataType::string();
  std::vector<int> args;
  const std::string base = split_modifiers(type, args);
  if (base == "boolean" || base == "bool") return DataType::boolean();
  if (base == "date") return DataType::date();
  if (base == "datetime" || base.find("timestamp") != std::string::npos) return DataType::timestamp();
  if (base == "decimal" || base == "numeric") return decimal_or(args, DataType::float64());
  auto has = [&](const char* s) { return type.find(s) != std::string::npos; };
  if (has("int")) return DataType::bigint();  // every SQLite integer is 64-bit
  if (has("char") || has("clob") || has("text")) return DataType::string();
  if (has("blob")) return DataType::binary();
  if (has("real") || has("floa") || has("doub")) return DataType::float64();
  return DataType::float64();  // NUMERIC affinity
}

}  // namespace mortar::sql

namespace mortar::sql {

using types::TypeKind;

namespace {

Status choice_error(const types::DataType& type) {
  return invalid_input(fmt::format("a column of type {} cannot be written to a database: resolve the "
                                   "choice first (resolveChoice)", type.to_string()));
}

}  // namespace

StatusOr<std::string> glue_to_postgres_type(const types::DataType& t) {
  switch (t.kind()) {
    case TypeKind::kNull: return std::string("text");
    case TypeKind::kBoolean: return std::string("boolean");
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt: return std::string("smallint");
    case TypeKind::kInt: return std::string("integer");
    case TypeKind::kBigInt: return std::string("bigint");
    case TypeKind::kFloat: return std::string("real");
    case TypeKind::kDouble: return std::string("double precision");
    case TypeKind::kDecimal: return fmt::format("numeric({},{})", t.precision(), t.scale());
    case TypeKind::kString: return std::string("text");
    case TypeKind::kVarchar: return fmt::format("varchar({})", t.length());
    case TypeKind::kChar: return fmt::format("char({})", t.length());
    case TypeKind::kBinary: return std::string("bytea");
    case TypeKind::kDate: return std::string("date");
    case TypeKind::kTimestamp: return std::string("timestamp");
    case TypeKind::kArray:
      if (t.element()->kind() == TypeKind::kChoice) return choice_error(t);
      if (!t.element()->is_nested() && t.element()->kind() != TypeKind::kNull) {
        MORTAR_ASSIGN_OR_RETURN(std::string elem, glue_to_postgres_type(*t.element()));
        return elem + "[]";
      }
      return std::string("jsonb");
    case TypeKind::kChoice: return choice_error(t);
    default: return std::string("jsonb");
  }
}

StatusOr<std::string> glue_to_sqlite_type(const types::DataType& t) {
  switch (t.kind()) {
    case TypeKind::kBoolean: return std::string("BOOLEAN");
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt: return std::string("INTEGER");
    case TypeKind::kFloat:
    case TypeKind::kDouble: return std::string("REAL");
    case TypeKind::kDecimal: return fmt::format("DECIMAL({},{})", t.precision(), t.scale());
    case TypeKind::kBinary: return std::string("BLOB");
    case TypeKind::kDate: return std::string("DATE");
    case TypeKind::kTimestamp: return std::string("TIMESTAMP");
    case TypeKind::kChoice: return choice_error(t);
    default: return std::string("TEXT");
  }
}

}  // namespace mortar::sql
