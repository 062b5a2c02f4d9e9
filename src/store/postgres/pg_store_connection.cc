#include "store/postgres/pg_store_connection.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "store/dialect.h"

namespace mortar::store {
namespace {

constexpr size_t kMaxCachedStatements = 512;

// PostgreSQL type oids (catalog/pg_type.h is not installed with libpq-fe.h).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
              kOidOid = 26, kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

Blob decode_bytea(const char* text, int len) {
  Blob b;
  // Text-format bytea is hex ("\x0102") since PostgreSQL 9.0's default.
  if (len >= 2 && text[0] == '\\' && text[1] == 'x') {
    b.bytes.reserve((len - 2) / 2);
    for (int i = 2; i + 1 < len; i += 2)
      b.bytes.push_back(static_cast<char>(hex_digit(text[i]) << 4 | hex_digit(text[i + 1])));
    return b;
  }
  size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
  if (raw) {
    b.bytes.assign(reinterpret_cast<char*>(raw), n);
    PQfreemem(raw);
  }
  return b;
}

Value decode_numeric(const char* text) {
  // Integral values (e.g. timestamps in microseconds in partition_keys.num_value)
  // stay exact as int64; anything else (fractions, NaN, beyond int64) is a double.
  if (std::strpbrk(text, ".eEN") == nullptr) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(text, &end, 10);
    if (errno == 0 && end && *end == '\0') return static_cast<int64_t>(v);
  }
  return std::strtod(text, nullptr);
}

std::string state_of(const PGresult* res) {
  const char* s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  return s ? s : "";
}

bool is_stale_plan(const PGresult* res) {
  const char* m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  return state_of(res) == "0A000" && m != nullptr &&
         std::string_view(m).find("cached plan must not change result type") !=
             std::string_view::npos;
}

}  // namespace

Row decode_row(const PGresult* res, int r) {
  const int columns = PQnfields(res);
  Row row;
  row.values.reserve(columns);
  for (int c = 0; c < columns; ++c) {
    if (PQgetisnull(res, r, c)) {
      row.values.emplace_back(std::monostate{});
      continue;
    }
    const char* text = PQgetvalue(res, r, c);
    const int len = PQgetlength(res, r, c);
    switch (PQftype(res, c)) {
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid:
      case kOidOid:
        row.values.emplace_back(static_cast<int64_t>(std::strtoll(text, nullptr, 10)));
        break;
      case kBoolOid:
        row.values.emplace_back(int64_t{text[0] == 't'});
        break;
      case kFloat4Oid:
      case kFloat8Oid:
        row.values.emplace_back(std::strtod(text, nullptr));
        break;
      case kNumericOid:
        row.values.push_back(decode_numeric(text));
        break;
      case kByteaOid:
        row.values.emplace_back(decode_bytea(text, len));
        break;
      default:
        row.values.emplace_back(std::string(text, len));
    }
  }
  return row;
}

Status pg_store_error(PGconn* conn, const PGresult* res, std::string_view sql) {
  std::string msg = res ? PQresultErrorMessage(res) : "";
  if (msg.empty() && conn) msg = PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const std::string code = state_of(res);
  const bool lost = conn && PQstatus(conn) != CONNECTION_OK;
  if (code == "23505") return already_exists(msg);
  if (code == "23503") return absl::FailedPreconditionError(msg);
  if (code.rfind("23", 0) == 0) return invalid_input(msg);  // not-null, check, exclusion
  // Serialization failure, deadlock, a lost connection, the server shutting
  // down: nothing was committed, the caller may retry.
  if (code == "40001" || code == "40P01" || code.rfind("08", 0) == 0 || code == "57P01" ||
      code == "57P02" || code == "57P03" || lost)
    return absl::UnavailableError("store unavailable: " + msg);
  if (code == "42501") return access_denied(msg);
  // A statement prepared before another server's migration changed its
  // table: the transaction is aborted but nothing was committed; the
  // connection (and its prepared statements) is dropped and the caller
  // retries on a fresh one.
  if (is_stale_plan(res)) return absl::UnavailableError("store schema changed: " + msg);
  return internal_error(fmt::format("postgres: {} ({}) in: {}", msg,
                                    code.empty() ? "no SQLSTATE" : code, sql.substr(0, 120)));
}

StatusOr<std::unique_ptr<PgStoreConnection>> PgStoreConnection::open(const std::string& uri) {
  MORTAR_ASSIGN_OR_RETURN(sql::PgConn conn, sql::connect_postgres_uri(uri, "store"));
  std::unique_ptr<PgStoreConnection> c(new PgStoreConnection(std::move(conn)));
  // Quiet NOTICEs (e.g. "table already exists, skipping") stay off stderr.
  PQsetNoticeProcessor(
      c->conn_.get(), [](void*, const char*) {}, nullptr);
  MORTAR_RETURN_IF_ERROR(c->exec_script("SET client_encoding = 'UTF8'").status());
  return c;
}

Status PgStoreConnection::error(const PGresult* res, std::string_view sql) const {
  if (is_stale_plan(res)) broken_ = true;  // its prepared statements predate the change
  return pg_store_error(conn_.get(), res, sql);
}

StatusOr<sql::PgResult> PgStoreConnection::run(std::string_view sql,
                                               const std::vector<Value>& params) {
  MORTAR_RETURN_IF_ERROR(drain());
  const size_t n = params.size();
  types_.assign(n, 0);
  if (texts_.size() < n) texts_.resize(n);
  values_.assign(n, nullptr);
  lengths_.assign(n, 0);
  formats_.assign(n, 0);
  key_.assign(sql);
  key_ += '\0';
  for (size_t i = 0; i < n; ++i) {
    const Value& v = params[i];
    if (auto* p = std::get_if<int64_t>(&v)) {
      types_[i] = kInt8Oid;
      texts_[i] = std::to_string(*p);
      values_[i] = texts_[i].c_str();
      key_ += 'i';
    } else if (auto* d = std::get_if<double>(&v)) {
      types_[i] = kFloat8Oid;
      texts_[i] = std::isfinite(*d)
                      ? fmt::format("{}", *d)
                      : (std::isnan(*d) ? "NaN" : (*d > 0 ? "Infinity" : "-Infinity"));
      values_[i] = texts_[i].c_str();
      key_ += 'd';
    } else if (auto* s = std::get_if<std::string>(&v)) {
      if (s->find('\0') != std::string::npos)
        return invalid_input("text values cannot contain NUL characters on PostgreSQL");
      values_[i] = s->c_str();
      key_ += 't';
    } else if (auto* b = std::get_if<Blob>(&v)) {
      types_[i] = kByteaOid;
      values_[i] = b->bytes.data();
      lengths_[i] = static_cast<int>(b->bytes.size());
      formats_[i] = 1;
      key_ += 'b';
    } else {
      key_ += 'n';
    }
  }
  auto it = cache_.find(key_);
  if (it == cache_.end()) {
    if (cache_.size() >= kMaxCachedStatements) {
      MORTAR_RETURN_IF_ERROR(exec_script("DEALLOCATE ALL").status());
      cache_.clear();
    }
    int count = 0;
    const std::string numbered = number_placeholders(sql, &count);
    if (count != static_cast<int>(n))
      return internal_error(
          fmt::format("wrong number of SQL parameters: {} given, {} expected", n, count));
    std::string name = "m" + std::to_string(++next_statement_);
    MORTAR_ASSIGN_OR_RETURN(sql::PgResult res, run_pipelined(sql, name.c_str(), &numbered, types_,
                                                             static_cast<int>(n)));
    cache_.emplace(key_, std::move(name));
    return res;
  }
  if (pending_begin_)
    return run_pipelined(sql, it->second.c_str(), nullptr, types_, static_cast<int>(n));
  sql::PgResult res(PQexecPrepared(conn_.get(), it->second.c_str(), static_cast<int>(n),
                                   n ? values_.data() : nullptr, n ? lengths_.data() : nullptr,
                                   n ? formats_.data() : nullptr, 0));
  const auto st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error(res.get(), sql);
  return res;
}

StatusOr<sql::PgResult> PgStoreConnection::run_pipelined(std::string_view sql, const char* name,
                                                         const std::string* numbered,
                                                         const std::vector<Oid>& types, int n) {
  PGconn* c = conn_.get();
  if (!PQenterPipelineMode(c)) return error(nullptr, sql);
  // Every command queued before the sync is answered in order; after the
  // first failure the rest come back PGRES_PIPELINE_ABORTED.
  bool sent = true;
  int commands = 0;
  if (pending_begin_) {
    sent = sent && PQsendQueryParams(c, pending_begin_, 0, nullptr, nullptr, nullptr, nullptr, 0);
    ++commands;
  }
  if (numbered) {
    sent = sent && PQsendPrepare(c, name, numbered->c_str(), n, n ? types.data() : nullptr);
    ++commands;
  }
  sent =
      sent && PQsendQueryPrepared(c, name, n, n ? values_.data() : nullptr,
                                  n ? lengths_.data() : nullptr, n ? formats_.data() : nullptr, 0);
  ++commands;
  sent = sent && PQpipelineSync(c);
  if (pending_begin_) in_transaction_ = true;  // ROLLBACK is due whatever the outcome
  pending_begin_ = nullptr;
  if (!sent) {
    broken_ = true;
    return error(nullptr, sql);
  }
  sql::PgResult first_error, last;
  for (int i = 0; i < commands; ++i) {
    sql::PgResult r(PQgetResult(c));
    if (!r) {  // connection lost
      broken_ = true;
      return error(first_error.get(), sql);
    }
    while (PGresult* extra = PQgetResult(c)) PQclear(extra);  // each command ends with NULL
    const auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !first_error)
      first_error = std::move(r);
    else
      last = std::move(r);
  }
  sql::PgResult sync(PQgetResult(c));
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC || !PQexitPipelineMode(c))
    broken_ = true;
  if (first_error) return error(first_error.get(), sql);
  if (broken_) return error(nullptr, sql);
  return last;
}

void PgStoreConnection::begin_lazily(const char* begin_sql) {
  pending_begin_ = begin_sql;
  in_transaction_ = false;
}

Status PgStoreConnection::send_pending_begin() {
  if (!pending_begin_) return ok_status();
  const char* begin = pending_begin_;
  pending_begin_ = nullptr;
  in_transaction_ = true;
  sql::PgResult res(PQexec(conn_.get(), begin));
  const auto st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK) return error(res.get(), begin);
  return ok_status();
}

StatusOr<std::string> PgStoreConnection::finish(const char* sql, bool wait) {
  pending_begin_ = nullptr;
  if (!in_transaction_) return std::string(sql);
  in_transaction_ = false;
  if (wait) return exec_script(sql);
  MORTAR_RETURN_IF_ERROR(drain());
  if (!PQsendQuery(conn_.get(), sql)) {
    broken_ = true;
    return error(nullptr, sql);
  }
  unread_ = true;
  return std::string(sql);
}

Status PgStoreConnection::drain() {
  if (!unread_) return ok_status();
  unread_ = false;
  sql::PgResult failed;
  while (PGresult* r = PQgetResult(conn_.get())) {
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !failed)
      failed.reset(r);
    else
      PQclear(r);
  }
  // The connection is reusable only outside any transaction.
  if (failed || PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) broken_ = true;
  if (broken_) return error(failed.get(), "COMMIT/ROLLBACK");
  return ok_status();
}

StatusOr<int64_t> PgStoreConnection::exec(std::string_view sql, const std::vector<Value>& params) {
  MORTAR_ASSIGN_OR_RETURN(sql::PgResult res, run(sql, params));
  const char* tuples = PQcmdTuples(res.get());
  return static_cast<int64_t>(tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0);
}

StatusOr<std::vector<Row>> PgStoreConnection::query(std::string_view sql,
                                                    const std::vector<Value>& params) {
  MORTAR_ASSIGN_OR_RETURN(sql::PgResult res, run(sql, params));
  std::vector<Row> rows;
  const int n = PQntuples(res.get());
  rows.reserve(n);
  for (int r = 0; r < n; ++r) rows.push_back(decode_row(res.get(), r));
  return rows;
}

StatusOr<std::string> PgStoreConnection::exec_script(const std::string& sql) {
  MORTAR_RETURN_IF_ERROR(drain());
  MORTAR_RETURN_IF_ERROR(send_pending_begin());
  sql::PgResult res(PQexec(conn_.get(), sql.c_str()));
  const auto st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error(res.get(), sql);
  return std::string(PQcmdStatus(res.get()));
}

}  // namespace mortar::store
