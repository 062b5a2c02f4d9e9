// SQLite half of read_jdbc(): the schema from the query's declared column
// types (SQLite's affinity rules, jdbc_types.h), rows by sqlite3_step with
// each value converted to its column's Glue type.
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "engine/jdbc/jdbc_reader.h"
#include "engine/jdbc/sqlite_db.h"
#include "sql/jdbc_types.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace mortar::engine::jdbc {

using sql::quote_table_name;
using sql::sqlite_type_to_glue;

namespace {

using types::Column;
using types::DataType;
using types::RecordBatch;
using types::TypeKind;
using types::TypePtr;

constexpr double kUnixEpochJulianDay = 2440587.5;

uint64_t fnv1a(const unsigned char* p, int n) {
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

void mortar_hash(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_int64(ctx, 0);
    return;
  }
  const unsigned char* text = sqlite3_value_text(argv[0]);
  int n = sqlite3_value_bytes(argv[0]);
  sqlite3_result_int64(ctx, static_cast<int64_t>(fnv1a(text, n) >> 2));
}

std::string what(const ReadSpec& spec) {
  return spec.options.sample_query.empty() ? "reading table " + spec.options.dbtable
                                           : std::string("running sampleQuery");
}

std::string label_of(const ReadSpec& spec) {
  return fmt::format("{} (SQLite file {})", spec.label, spec.url.path);
}

StatusOr<std::string> partition_filter(const ReadSpec& spec, int part) {
  if (spec.partitions <= 1) return std::string();
  const int n = spec.partitions;
  if (!spec.options.hashfield.empty()) {
    MORTAR_ASSIGN_OR_RETURN(std::string field, quote_table_name(spec.options.hashfield, false));
    return fmt::format(" WHERE mortar_hash({}) % {} = {}", field, n, part);
  }
  const std::string& e = spec.options.hashexpression;
  return fmt::format(" WHERE ((CAST(({}) AS INTEGER) % {}) + {}) % {} = {}{}", e, n, n, n, part,
                     part == 0 ? fmt::format(" OR ({}) IS NULL", e) : "");
}

std::string_view text_of(sqlite3_stmt* s, int c) {
  const char* t = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
  return t ? std::string_view(t, sqlite3_column_bytes(s, c)) : std::string_view();
}

// Appends column `c` of the current row to `col`; InvalidArgument when the
// stored value does not convert to the column's type.
Status append_value(Column& col, sqlite3_stmt* s, int c) {
  const int type = sqlite3_column_type(s, c);
  if (type == SQLITE_NULL) {
    col.append_null();
    return ok_status();
  }
  auto bad = [&] {
    std::string shown(type == SQLITE_BLOB ? std::string_view("<blob>") : text_of(s, c).substr(0, 60));
    return invalid_input(fmt::format("'{}' is not a valid {}", shown, col.type()->to_string()));
  };
  switch (col.type()->kind()) {
    case TypeKind::kBoolean: {
      if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
        col.append_bool(sqlite3_column_double(s, c) != 0);
        return ok_status();
      }
      std::string_view t = text_of(s, c);
      if (t == "true" || t == "TRUE" || t == "t" || t == "1") col.append_bool(true);
      else if (t == "false" || t == "FALSE" || t == "f" || t == "0") col.append_bool(false);
      else return bad();
      return ok_status();
    }
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt: {
      if (type == SQLITE_INTEGER) {
        col.append_int(sqlite3_column_int64(s, c));
        return ok_status();
      }
      if (type == SQLITE_FLOAT) {
        double d = sqlite3_column_double(s, c);
        if (d != std::trunc(d) || std::fabs(d) > 9.2e18) return bad();
        col.append_int(static_cast<int64_t>(d));
        return ok_status();
      }
      if (type == SQLITE_BLOB) return bad();
      std::string_view t = text_of(s, c);
      int64_t v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || end != t.data() + t.size()) return bad();
      col.append_int(v);
      return ok_status();
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
        col.append_double(sqlite3_column_double(s, c));
        return ok_status();
      }
      if (type == SQLITE_BLOB) return bad();
      std::string t(text_of(s, c));
      char* end = nullptr;
      double d = std::strtod(t.c_str(), &end);
      if (t.empty() || end != t.c_str() + t.size()) return bad();
      col.append_double(d);
      return ok_status();
    }
    case TypeKind::kDecimal: {
      if (type == SQLITE_BLOB) return bad();
      std::string t = type == SQLITE_FLOAT ? fmt::format("{}", sqlite3_column_double(s, c))
                                           : std::string(text_of(s, c));
      types::int128 v;
      if (!types::try_parse_decimal(t, col.type()->precision(), col.type()->scale(), &v)) return bad();
      col.append_decimal(v);
      return ok_status();
    }
    case TypeKind::kDate: {
      if (type == SQLITE_INTEGER) {  // unix seconds
        col.append_int(static_cast<int32_t>(std::floor(sqlite3_column_int64(s, c) / 86400.0)));
        return ok_status();
      }
      if (type == SQLITE_FLOAT) {  // julian day number
        col.append_int(static_cast<int32_t>(std::floor(sqlite3_column_double(s, c) - kUnixEpochJulianDay)));
        return ok_status();
      }
      std::string_view t = text_of(s, c);
      int32_t d;
      int64_t us;
      if (types::try_parse_date(t, &d)) col.append_int(d);
      else if (types::try_parse_timestamp(t, &us)) col.append_int(static_cast<int32_t>(std::floor(us / 86400e6)));
      else return bad();
      return ok_status();
    }
    case TypeKind::kTimestamp: {
      if (type == SQLITE_INTEGER) {
        col.append_timestamp(sqlite3_column_int64(s, c) * 1000000);
        return ok_status();
      }
      if (type == SQLITE_FLOAT) {
        col.append_timestamp(std::llround((sqlite3_column_double(s, c) - kUnixEpochJulianDay) * 86400e6));
        return ok_status();
      }
      int64_t us;
      if (!types::try_parse_timestamp(text_of(s, c), &us)) return bad();
      col.append_timestamp(us);
      return ok_status();
    }
    case TypeKind::kBinary:
      if (type == SQLITE_BLOB) {
        const char* p = static_cast<const char*>(sqlite3_column_blob(s, c));
        col.append_string(std::string_view(p ? p : "", sqlite3_column_bytes(s, c)));
      } else {
        col.append_string(text_of(s, c));
      }
      return ok_status();
    default:
      if (type == SQLITE_BLOB) {
        const char* p = static_cast<const char*>(sqlite3_column_blob(s, c));
        col.append_string(std::string_view(p ? p : "", sqlite3_column_bytes(s, c)));
      } else {
        col.append_string(text_of(s, c));
      }
      return ok_status();
  }
}

class StepStream : public BatchStream {
 public:
  StepStream(SqliteDb db, SqliteStmt stmt, TypePtr schema, ReadSpec spec)
      : db_(std::move(db)), stmt_(std::move(stmt)), schema_(std::move(schema)), spec_(std::move(spec)) {}

  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    if (done_) return std::unique_ptr<RecordBatch>();
    auto batch = RecordBatch::make_empty(schema_);
    const int ncols = batch->num_columns();
    int64_t rows = 0;
    while (rows < spec_.options.batch_rows) {
      int rc = sqlite3_step(stmt_.get());
      if (rc == SQLITE_DONE) {
        done_ = true;
        break;
      }
      if (rc != SQLITE_ROW)
        return absl::UnavailableError(to_absl(fmt::format("{}: {}: {}", label_of(spec_), what(spec_),
                                                          sqlite3_errmsg(db_.get()))));
      ++row_number_;
      for (int c = 0; c < ncols; ++c) {
        Status st = append_value(batch->column(c), stmt_.get(), c);
        if (!st.ok())
          return invalid_input(fmt::format("{}: {}: row {}, column {}: {}", label_of(spec_), what(spec_),
                                           row_number_, schema_->fields()[c].name, status_message(st)));
      }
      ++rows;
    }
    if (rows == 0) return std::unique_ptr<RecordBatch>();
    batch->set_num_rows(rows);
    return batch;
  }

 private:
  SqliteDb db_;  // declared first: destroyed after the statement
  SqliteStmt stmt_;
  TypePtr schema_;
  ReadSpec spec_;
  bool done_ = false;
  int64_t row_number_ = 0;
};

}  // namespace

StatusOr<SqliteDb> open_sqlite(const std::string& path, bool read_only, const std::string& label) {
  MORTAR_ASSIGN_OR_RETURN(SqliteDb db, sql::open_sqlite_file(path, read_only, label, 10000));
  sqlite3_create_function(db.get(), "mortar_hash", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, mortar_hash,
                          nullptr, nullptr);
  return db;
}

StatusOr<SqliteStmt> prepare(sqlite3* db, const std::string& sql, const std::string& context) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    // "no such table" is the user's dbtable; "file is not a database" their URL.
    if (msg.find("no such table") != std::string::npos) return not_found(fmt::format("{}: {}", context, msg));
    return invalid_input(fmt::format("{}: {}", context, msg));
  }
  return SqliteStmt(raw);
}

StatusOr<TypePtr> sqlite_schema(const ReadSpec& spec) {
  MORTAR_ASSIGN_OR_RETURN(SqliteDb db, open_sqlite(spec.url.path, true, label_of(spec)));
  MORTAR_ASSIGN_OR_RETURN(SqliteStmt stmt, prepare(db.get(), "SELECT * FROM " + spec.from,
                                                   fmt::format("{}: {}", label_of(spec), what(spec))));
  std::vector<types::Field> fields;
  for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i) {
    const char* decl = sqlite3_column_decltype(stmt.get(), i);
    fields.push_back({sqlite3_column_name(stmt.get(), i), sqlite_type_to_glue(decl ? decl : "")});
  }
  return DataType::structure(std::move(fields));
}

StatusOr<std::unique_ptr<BatchStream>> open_sqlite_partition(const ReadSpec& spec, TypePtr schema, int part) {
  MORTAR_ASSIGN_OR_RETURN(SqliteDb db, open_sqlite(spec.url.path, true, label_of(spec)));
  MORTAR_ASSIGN_OR_RETURN(std::string where, partition_filter(spec, part));
  MORTAR_ASSIGN_OR_RETURN(SqliteStmt stmt, prepare(db.get(), "SELECT * FROM " + spec.from + where,
                                                   fmt::format("{}: {}", label_of(spec), what(spec))));
  return std::unique_ptr<BatchStream>(
      std::make_unique<StepStream>(std::move(db), std::move(stmt), std::move(schema), spec));
}

}  // namespace mortar::engine::jdbc
