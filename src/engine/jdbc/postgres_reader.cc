// PostgreSQL half of read_jdbc(): the schema from a zero-row query's column
// types (format_type, domains resolved to their base type), the rows through
// COPY (SELECT ...) TO STDOUT in text format, one row per PQgetCopyData.
#include <fmt/format.h>

#include "engine/jdbc/jdbc_reader.h"
#include "sql/jdbc_types.h"
#include "sql/pg_connection.h"
#include "sql/pg_text.h"

namespace mortar::engine::jdbc {

using sql::append_pg_text;
using sql::connect_postgres;
using sql::pg_error;
using sql::pg_exec;
using sql::pg_target_name;
using sql::PgConn;
using sql::PgConnectParams;
using sql::PgResult;
using sql::postgres_type_to_glue;
using sql::quote_table_name;
using sql::scrub;
using sql::split_copy_row;

namespace {

using types::DataType;
using types::RecordBatch;
using types::TypePtr;

// Text output the parsers expect, whatever the server's defaults.
constexpr const char* kSessionSql =
    "SET DateStyle TO ISO; SET TimeZone TO 'UTC'; SET extra_float_digits TO 3; "
    "SET bytea_output TO 'hex'; SET IntervalStyle TO 'postgres'";

constexpr const char* kTypesSql =
    "SELECT pg_catalog.format_type("
    "  CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE x.o END, "
    "  CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE x.m END) "
    "FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS x(o, m, n) "
    "JOIN pg_catalog.pg_type t ON t.oid = x.o ORDER BY x.n";

StatusOr<PgConn> connect(const ReadSpec& spec) {
  PgConnectParams p;
  p.url = &spec.url;
  p.user = spec.options.user;
  p.password = spec.options.password;
  p.application_name = "mortar-etl";
  p.label = spec.label;
  MORTAR_ASSIGN_OR_RETURN(PgConn conn, connect_postgres(p));
  MORTAR_RETURN_IF_ERROR(pg_exec(conn.get(), kSessionSql, pg_target_name(p), spec.options.password).status());
  return conn;
}

std::string what(const ReadSpec& spec) {
  return spec.options.sample_query.empty() ? "reading table " + spec.options.dbtable
                                           : std::string("running sampleQuery");
}

// The WHERE clause of partition `part` (empty when not partitioned).
StatusOr<std::string> partition_filter(const ReadSpec& spec, int part) {
  if (spec.partitions <= 1) return std::string();
  const int n = spec.partitions;
  std::string value;
  if (!spec.options.hashfield.empty()) {
    MORTAR_ASSIGN_OR_RETURN(std::string field, quote_table_name(spec.options.hashfield, true));
    // hashtext() is int4: shifted to be non-negative before the modulo.
    value = fmt::format("(hashtext(({})::text)::bigint + 2147483648)", field);
    return fmt::format(" WHERE mod({}, {}) = {}{}", value, n, part,
                       part == 0 ? fmt::format(" OR ({}) IS NULL", field) : "");
  }
  const std::string& e = spec.options.hashexpression;
  return fmt::format(" WHERE mod(mod(({})::bigint, {}) + {}, {}) = {}{}", e, n, n, n, part,
                     part == 0 ? fmt::format(" OR ({}) IS NULL", e) : "");
}

class CopyStream : public BatchStream {
 public:
  CopyStream(PgConn conn, TypePtr schema, const ReadSpec& spec)
      : conn_(std::move(conn)), schema_(std::move(schema)), spec_(spec) {}
  ~CopyStream() override {
    if (buf_) PQfreemem(buf_);
  }

  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    if (done_) return std::unique_ptr<RecordBatch>();
    auto batch = RecordBatch::make_empty(schema_);
    const int ncols = batch->num_columns();
    int64_t rows = 0;
    while (rows < spec_.options.batch_rows) {
      if (buf_) PQfreemem(buf_), buf_ = nullptr;
      int len = PQgetCopyData(conn_.get(), &buf_, 0);
      if (len == -1) {  // end of the COPY: its final status
        MORTAR_RETURN_IF_ERROR(finish());
        done_ = true;
        break;
      }
      if (len < 0)
        return absl::UnavailableError(to_absl(fmt::format("{}: {}: {}", spec_.label, what(spec_),
                                                          pg_error(conn_.get(), spec_.options.password))));
      std::string_view line(buf_, static_cast<size_t>(len));
      if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
      split_copy_row(line, fields_, nulls_);
      if (static_cast<int>(fields_.size()) != ncols)
        return internal_error(fmt::format("{}: COPY row with {} fields, expected {}", spec_.label,
                                          fields_.size(), ncols));
      ++row_number_;
      for (int c = 0; c < ncols; ++c) {
        auto& col = batch->column(c);
        if (nulls_[c]) {
          col.append_null();
          continue;
        }
        Status st = append_pg_text(col, fields_[c]);
        if (!st.ok())
          return invalid_input(fmt::format("{}: {}: row {}, column {}: {}", spec_.label, what(spec_),
                                           row_number_, schema_->fields()[c].name, status_message(st)));
      }
      ++rows;
    }
    if (rows == 0) return std::unique_ptr<RecordBatch>();
    batch->set_num_rows(rows);
    return batch;
  }

 private:
  Status finish() {
    PgResult res(PQgetResult(conn_.get()));
    if (res && PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      std::string msg = PQresultErrorMessage(res.get());
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return absl::UnavailableError(to_absl(fmt::format("{}: {}: {}", spec_.label, what(spec_),
                                                        scrub(msg, spec_.options.password))));
    }
    while (PgResult(PQgetResult(conn_.get()))) {
    }
    return ok_status();
  }

  PgConn conn_;
  TypePtr schema_;
  ReadSpec spec_;  // a copy: the stream may outlive the frame
  char* buf_ = nullptr;
  bool done_ = false;
  int64_t row_number_ = 0;
  std::vector<std::string> fields_;
  std::vector<bool> nulls_;
};

}  // namespace

StatusOr<TypePtr> postgres_schema(const ReadSpec& spec) {
  MORTAR_ASSIGN_OR_RETURN(PgConn conn, connect(spec));
  const std::string context = fmt::format("{}: {}", spec.label, what(spec));
  MORTAR_ASSIGN_OR_RETURN(PgResult probe,
                          pg_exec(conn.get(), "SELECT * FROM " + spec.from + " LIMIT 0", context,
                                  spec.options.password));
  const int n = PQnfields(probe.get());
  std::string oids = "{", mods = "{";
  for (int i = 0; i < n; ++i) {
    oids += (i ? "," : "") + std::to_string(PQftype(probe.get(), i));
    mods += (i ? "," : "") + std::to_string(PQfmod(probe.get(), i));
  }
  oids += "}";
  mods += "}";
  const char* params[] = {oids.c_str(), mods.c_str()};
  PgResult types(PQexecParams(conn.get(), kTypesSql, 2, nullptr, params, nullptr, nullptr, 0));
  if (!types || PQresultStatus(types.get()) != PGRES_TUPLES_OK || PQntuples(types.get()) != n)
    return absl::UnavailableError(to_absl(fmt::format("{}: reading column types: {}", context,
                                                      pg_error(conn.get(), spec.options.password))));
  std::vector<types::Field> fields;
  for (int i = 0; i < n; ++i)
    fields.push_back({PQfname(probe.get(), i), postgres_type_to_glue(PQgetvalue(types.get(), i, 0))});
  return DataType::structure(std::move(fields));
}

StatusOr<std::unique_ptr<BatchStream>> open_postgres_partition(const ReadSpec& spec, TypePtr schema,
                                                               int part) {
  MORTAR_ASSIGN_OR_RETURN(PgConn conn, connect(spec));
  MORTAR_ASSIGN_OR_RETURN(std::string where, partition_filter(spec, part));
  const std::string sql = fmt::format("COPY (SELECT * FROM {}{}) TO STDOUT", spec.from, where);
  PgResult res(PQexec(conn.get(), sql.c_str()));
  if (!res || PQresultStatus(res.get()) != PGRES_COPY_OUT) {
    std::string msg = res ? PQresultErrorMessage(res.get()) : pg_error(conn.get(), spec.options.password);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return invalid_input(fmt::format("{}: {}{}: {}", spec.label, what(spec),
                                     spec.partitions > 1 ? fmt::format(" (partition {})", part) : "",
                                     scrub(msg, spec.options.password)));
  }
  return std::unique_ptr<BatchStream>(std::make_unique<CopyStream>(std::move(conn), std::move(schema), spec));
}

}  // namespace mortar::engine::jdbc
