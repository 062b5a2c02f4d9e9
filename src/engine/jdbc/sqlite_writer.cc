// SQLite half of write_jdbc(): BEGIN IMMEDIATE, CREATE TABLE when missing,
// one prepared INSERT stepped per row, COMMIT; any failure rolls back.
// SQLite stores whatever it is given, so values are checked against the
// Glue type of each target column's declared type first (jdbc_types.h):
// text that is not a number does not go into an INTEGER column.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "engine/jdbc/jdbc_writer.h"
#include "engine/jdbc/sqlite_db.h"
#include "sql/jdbc_types.h"
#include "types/decimal.h"
#include "types/json_text.h"
#include "types/temporal.h"

namespace mortar::engine::jdbc {

using sql::glue_to_sqlite_type;
using sql::quote_identifier;
using sql::sqlite_type_to_glue;

namespace {

using types::Column;
using types::TypeKind;

bool is_numeric_kind(TypeKind k) {
  return k == TypeKind::kBoolean || k == TypeKind::kTinyInt || k == TypeKind::kSmallInt ||
         k == TypeKind::kInt || k == TypeKind::kBigInt || k == TypeKind::kFloat || k == TypeKind::kDouble ||
         k == TypeKind::kDecimal;
}

bool parses_as_number(std::string_view t) {
  std::string s(t);
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

// Binds row `row` of `col` to parameter `i`; InvalidArgument when the value
// cannot go into a column whose Glue type is `target`.
Status bind_value(sqlite3_stmt* stmt, int i, const Column& col, int64_t row, const types::DataType& target) {
  if (col.is_null(row)) {
    sqlite3_bind_null(stmt, i);
    return ok_status();
  }
  const TypeKind k = col.type()->kind();
  const TypeKind tk = target.kind();
  auto bad = [&](std::string_view shown) {
    return invalid_input(fmt::format("'{}' does not fit a {} column", shown.substr(0, 60), target.to_string()));
  };
  std::string text;
  switch (k) {
    case TypeKind::kBoolean:
      sqlite3_bind_int(stmt, i, col.value<uint8_t>(row));
      return ok_status();
    case TypeKind::kTinyInt: sqlite3_bind_int64(stmt, i, col.value<int8_t>(row)); break;
    case TypeKind::kSmallInt: sqlite3_bind_int64(stmt, i, col.value<int16_t>(row)); break;
    case TypeKind::kInt: sqlite3_bind_int64(stmt, i, col.value<int32_t>(row)); break;
    case TypeKind::kBigInt: sqlite3_bind_int64(stmt, i, col.value<int64_t>(row)); break;
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      double v = k == TypeKind::kFloat ? col.value<float>(row) : col.value<double>(row);
      if (tk == TypeKind::kBigInt && v != std::trunc(v)) return bad(fmt::format("{}", v));
      sqlite3_bind_double(stmt, i, v);
      break;
    }
    case TypeKind::kDecimal:
      text = types::format_decimal(col.value<types::int128>(row), col.type()->scale());
      if (tk == TypeKind::kDecimal) {
        types::int128 v;
        if (!types::try_parse_decimal(text, target.precision(), target.scale(), &v)) return bad(text);
      }
      sqlite3_bind_text(stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
      break;
    case TypeKind::kDate:
      text = types::format_date(col.value<int32_t>(row));
      if (is_numeric_kind(tk)) return bad(text);
      sqlite3_bind_text(stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
      return ok_status();
    case TypeKind::kTimestamp:
      text = types::format_timestamp(col.value<int64_t>(row));
      if (is_numeric_kind(tk)) return bad(text);
      sqlite3_bind_text(stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
      return ok_status();
    case TypeKind::kBinary: {
      std::string_view b = col.string_at(row);
      if (is_numeric_kind(tk) || tk == TypeKind::kDate || tk == TypeKind::kTimestamp) return bad("<binary>");
      sqlite3_bind_blob(stmt, i, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
      return ok_status();
    }
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar: {
      std::string_view s = col.string_at(row);
      int32_t d;
      int64_t us;
      if (is_numeric_kind(tk) && !parses_as_number(s)) {
        if (!(tk == TypeKind::kBoolean && (s == "true" || s == "false"))) return bad(s);
      }
      if (tk == TypeKind::kDate && !types::try_parse_date(s, &d) && !types::try_parse_timestamp(s, &us)) return bad(s);
      if (tk == TypeKind::kTimestamp && !types::try_parse_timestamp(s, &us)) return bad(s);
      sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      return ok_status();
    }
    default:  // nested: JSON text
      types::append_json_value(text, col, row);
      if (is_numeric_kind(tk) || tk == TypeKind::kDate || tk == TypeKind::kTimestamp) return bad(text);
      sqlite3_bind_text(stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
      return ok_status();
  }
  // Numbers into date/timestamp/binary columns are refused; into text they are kept.
  if (tk == TypeKind::kDate || tk == TypeKind::kTimestamp || tk == TypeKind::kBinary)
    return bad(col.debug_string(row));
  return ok_status();
}

Status exec(sqlite3* db, const std::string& sql, const std::string& ctx) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return ok_status();
  std::string msg = err ? err : sqlite3_errmsg(db);
  sqlite3_free(err);
  return invalid_input(fmt::format("{}: {}", ctx, msg));
}

}  // namespace

StatusOr<JdbcWriteResult> write_sqlite(const DynamicFrame& frame, const types::DataType& schema,
                                       const WriteSpec& spec) {
  const std::string label = fmt::format("{} (SQLite file {})", spec.label, spec.url.path);
  const std::string ctx = fmt::format("{}: writing table {}", label, spec.options.dbtable);
  std::vector<std::string> decls;
  for (const auto& f : schema.fields()) {
    auto t = glue_to_sqlite_type(*f.type);
    if (!t.ok()) return invalid_input(fmt::format("{}: field {}: {}", ctx, f.name, status_message(t.status())));
    decls.push_back(*t);
  }
  MORTAR_ASSIGN_OR_RETURN(SqliteDb db, open_sqlite(spec.url.path, false, label));
  sqlite3* d = db.get();
  MORTAR_RETURN_IF_ERROR(exec(d, "BEGIN IMMEDIATE", ctx));
  struct Rollback {
    sqlite3* db;
    bool active = true;
    ~Rollback() {
      if (active) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  } rollback{d};

  JdbcWriteResult result;
  std::vector<std::string> target_cols;
  std::vector<types::TypePtr> target_types;
  sqlite3_stmt* probe_raw = nullptr;
  const std::string probe_sql = "SELECT * FROM " + spec.table + " LIMIT 0";
  if (sqlite3_prepare_v2(d, probe_sql.c_str(), -1, &probe_raw, nullptr) == SQLITE_OK) {
    SqliteStmt probe(probe_raw);
    std::vector<std::string> table_cols;
    std::vector<types::TypePtr> table_types;
    for (int i = 0; i < sqlite3_column_count(probe_raw); ++i) {
      table_cols.push_back(sqlite3_column_name(probe_raw, i));
      const char* decl = sqlite3_column_decltype(probe_raw, i);
      table_types.push_back(sqlite_type_to_glue(decl ? decl : ""));
    }
    MORTAR_ASSIGN_OR_RETURN(std::vector<int> idx, match_columns(schema, table_cols, ctx));
    for (int i : idx) {
      target_cols.push_back(table_cols[i]);
      target_types.push_back(table_types[i]);
    }
  } else {
    std::string msg = sqlite3_errmsg(d);
    if (msg.find("no such table") == std::string::npos) return invalid_input(fmt::format("{}: {}", ctx, msg));
    if (schema.fields().empty())
      return invalid_input(fmt::format("{}: the table does not exist and the frame has no fields to create it from", ctx));
    std::string ddl = "CREATE TABLE " + spec.table + " (";
    for (size_t i = 0; i < schema.fields().size(); ++i) {
      ddl += (i ? ", " : "") + quote_identifier(schema.fields()[i].name) + " " + decls[i];
      target_cols.push_back(schema.fields()[i].name);
      target_types.push_back(sqlite_type_to_glue(decls[i]));
    }
    MORTAR_RETURN_IF_ERROR(exec(d, ddl + ")", ctx));
    result.created_table = true;
  }

  if (!target_cols.empty()) {
    std::string sql = "INSERT INTO " + spec.table + " (";
    std::string marks;
    for (size_t i = 0; i < target_cols.size(); ++i) {
      sql += (i ? ", " : "") + quote_identifier(target_cols[i]);
      marks += i ? ", ?" : "?";
    }
    sql += ") VALUES (" + marks + ")";
    MORTAR_ASSIGN_OR_RETURN(SqliteStmt insert, prepare(d, sql, ctx));
    sqlite3_stmt* s = insert.get();
    MORTAR_RETURN_IF_ERROR(frame.for_each_batch([&](const types::RecordBatch& batch) -> Status {
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        const int64_t row_number = result.rows + 1;
        for (int c = 0; c < batch.num_columns(); ++c) {
          Status st = bind_value(s, c + 1, batch.column(c), r, *target_types[c]);
          if (!st.ok())
            return invalid_input(fmt::format("{}: row {}, column {}: {}", ctx, row_number, target_cols[c],
                                             status_message(st)));
        }
        if (sqlite3_step(s) != SQLITE_DONE)
          return invalid_input(fmt::format("{}: row {}: {}", ctx, row_number, sqlite3_errmsg(d)));
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        ++result.rows;
      }
      return ok_status();
    }));
  }
  MORTAR_RETURN_IF_ERROR(exec(d, "COMMIT", ctx));
  rollback.active = false;
  return result;
}

}  // namespace mortar::engine::jdbc
