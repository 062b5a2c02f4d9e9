// PostgreSQL half of write_jdbc(): BEGIN, CREATE TABLE when missing, COPY
// ... FROM STDIN in text format fed batch by batch, COMMIT; any failure
// rolls the transaction back (the created table with it).
#include <regex>

#include <fmt/format.h>

#include "engine/jdbc/jdbc_writer.h"
#include "sql/jdbc_types.h"
#include "sql/pg_connection.h"
#include "sql/pg_text.h"

namespace mortar::engine::jdbc {

using sql::append_copy_field;
using sql::connect_postgres;
using sql::glue_to_postgres_type;
using sql::pg_error;
using sql::pg_exec;
using sql::pg_target_name;
using sql::PgConn;
using sql::PgConnectParams;
using sql::PgResult;
using sql::quote_identifier;
using sql::scrub;

namespace {

constexpr size_t kFlushBytes = 1 << 20;

constexpr const char* kColumnsSql =
    "SELECT a.attname FROM pg_catalog.pg_attribute a "
    "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The COPY error as "row N, column c: message (detail)", from the server's
// CONTEXT ("COPY t, line N, column c: ...").
std::string copy_error(const PGresult* res, const std::string& password) {
  auto field = [&](int code) {
    const char* v = PQresultErrorField(res, code);
    return std::string(v ? v : "");
  };
  std::string msg = field(PG_DIAG_MESSAGE_PRIMARY);
  if (msg.empty()) msg = trimmed(PQresultErrorMessage(res));
  const std::string detail = field(PG_DIAG_MESSAGE_DETAIL);
  if (!detail.empty()) msg += " (" + detail + ")";
  static const std::regex kWhere(R"(line (\d+)(?:, column ([^:]+))?)");
  std::smatch m;
  const std::string context = field(PG_DIAG_CONTEXT);
  if (std::regex_search(context, m, kWhere)) {
    std::string where = "row " + m[1].str();
    if (m[2].matched) where += ", column " + m[2].str();
    msg = where + ": " + msg;
  }
  return scrub(msg, password);
}

class Transaction {
 public:
  explicit Transaction(PGconn* conn) : conn_(conn) {}
  ~Transaction() {
    if (open_) PgResult(PQexec(conn_, "ROLLBACK"));
  }
  Status begin(const std::string& ctx) {
    MORTAR_RETURN_IF_ERROR(pg_exec(conn_, "BEGIN", ctx).status());
    open_ = true;
    return ok_status();
  }
  Status commit(const std::string& ctx) {
    open_ = false;
    return pg_exec(conn_, "COMMIT", ctx).status();
  }

 private:
  PGconn* conn_;
  bool open_ = false;
};

}  // namespace

StatusOr<JdbcWriteResult> write_postgres(const DynamicFrame& frame, const types::DataType& schema,
                                         const WriteSpec& spec) {
  const std::string& password = spec.options.password;
  PgConnectParams p;
  p.url = &spec.url;
  p.user = spec.options.user;
  p.password = password;
  p.application_name = "mortar-etl";
  p.label = spec.label;
  const std::string ctx = fmt::format("{}: writing table {}", pg_target_name(p), spec.options.dbtable);
  // Column types are checked before connecting: a choice fails fast.
  std::vector<std::string> pg_types;
  for (const auto& f : schema.fields()) {
    auto t = glue_to_postgres_type(*f.type);
    if (!t.ok()) return invalid_input(fmt::format("{}: field {}: {}", ctx, f.name, status_message(t.status())));
    pg_types.push_back(*t);
  }
  MORTAR_ASSIGN_OR_RETURN(PgConn conn, connect_postgres(p));
  PGconn* c = conn.get();
  MORTAR_RETURN_IF_ERROR(pg_exec(c, "SET DateStyle TO ISO; SET TimeZone TO 'UTC'", ctx, password).status());
  Transaction tx(c);
  MORTAR_RETURN_IF_ERROR(tx.begin(ctx));

  JdbcWriteResult result;
  const char* reg_params[] = {spec.table.c_str()};
  PgResult reg(PQexecParams(c, "SELECT to_regclass($1) IS NOT NULL", 1, nullptr, reg_params, nullptr, nullptr, 0));
  if (!reg || PQresultStatus(reg.get()) != PGRES_TUPLES_OK)
    return invalid_input(fmt::format("{}: {}", ctx, pg_error(c, password)));
  const bool exists = std::string(PQgetvalue(reg.get(), 0, 0)) == "t";
  std::vector<std::string> target_cols;
  if (!exists) {
    if (schema.fields().empty())
      return invalid_input(fmt::format("{}: the table does not exist and the frame has no fields to create it from", ctx));
    std::string ddl = "CREATE TABLE " + spec.table + " (";
    for (size_t i = 0; i < schema.fields().size(); ++i) {
      ddl += (i ? ", " : "") + quote_identifier(schema.fields()[i].name) + " " + pg_types[i];
      target_cols.push_back(schema.fields()[i].name);
    }
    ddl += ")";
    MORTAR_RETURN_IF_ERROR(pg_exec(c, ddl, ctx, password).status());
    result.created_table = true;
  } else {
    PgResult cols(PQexecParams(c, kColumnsSql, 1, nullptr, reg_params, nullptr, nullptr, 0));
    if (!cols || PQresultStatus(cols.get()) != PGRES_TUPLES_OK)
      return invalid_input(fmt::format("{}: {}", ctx, pg_error(c, password)));
    std::vector<std::string> table_cols;
    for (int i = 0; i < PQntuples(cols.get()); ++i) table_cols.push_back(PQgetvalue(cols.get(), i, 0));
    MORTAR_ASSIGN_OR_RETURN(std::vector<int> idx, match_columns(schema, table_cols, ctx));
    for (int i : idx) target_cols.push_back(table_cols[i]);
  }
  if (schema.fields().empty()) {  // nothing to copy into an existing table
    MORTAR_RETURN_IF_ERROR(tx.commit(ctx));
    return result;
  }

  std::string copy = "COPY " + spec.table + " (";
  for (size_t i = 0; i < target_cols.size(); ++i) copy += (i ? ", " : "") + quote_identifier(target_cols[i]);
  copy += ") FROM STDIN";
  {
    PgResult r(PQexec(c, copy.c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN)
      return invalid_input(fmt::format("{}: {}", ctx, r ? copy_error(r.get(), password) : pg_error(c, password)));
  }
  std::string buf;
  bool send_failed = false;
  auto flush = [&]() -> Status {
    if (buf.empty()) return ok_status();
    if (PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) != 1) {
      send_failed = true;
      return absl::UnavailableError(to_absl(fmt::format("{}: sending rows: {}", ctx, pg_error(c, password))));
    }
    buf.clear();
    return ok_status();
  };
  Status st = frame.for_each_batch([&](const types::RecordBatch& batch) -> Status {
    const int ncols = batch.num_columns();
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      for (int col = 0; col < ncols; ++col) {
        if (col) buf += '\t';
        append_copy_field(buf, batch.column(col), r);
      }
      buf += '\n';
      ++result.rows;
      if (buf.size() >= kFlushBytes) MORTAR_RETURN_IF_ERROR(flush());
    }
    return ok_status();
  });
  if (st.ok()) st = flush();
  if (!st.ok()) {
    // Abort the COPY so the server discards what it received.
    if (!send_failed) PQputCopyEnd(c, "mortar: the frame failed while writing");
    while (PgResult(PQgetResult(c))) {
    }
    return annotate(st, ctx);
  }
  if (PQputCopyEnd(c, nullptr) != 1)
    return absl::UnavailableError(to_absl(fmt::format("{}: {}", ctx, pg_error(c, password))));
  PgResult end(PQgetResult(c));
  Status copy_status = ok_status();
  if (!end || PQresultStatus(end.get()) != PGRES_COMMAND_OK)
    copy_status = invalid_input(fmt::format("{}: {}", ctx, end ? copy_error(end.get(), password) : pg_error(c, password)));
  while (PgResult(PQgetResult(c))) {
  }
  MORTAR_RETURN_IF_ERROR(copy_status);
  MORTAR_RETURN_IF_ERROR(tx.commit(ctx));
  return result;
}

}  // namespace mortar::engine::jdbc
