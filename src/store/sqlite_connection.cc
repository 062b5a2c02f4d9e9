#include "store/sqlite_connection.h"

#include <sqlite3.h>

#include <string>

namespace mortar::store {
namespace {
constexpr size_t kMaxCachedStatements = 512;
constexpr int kBusyTimeoutMillis = 5000;

// Resets a statement on every exit path so it never holds a read snapshot.
struct ResetGuard {
  sqlite3_stmt* stmt;
  ~ResetGuard() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};
}  // namespace

StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& uri,
                                                                   bool reader, bool memory) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  auto db = sql::open_sqlite(uri, flags);
  if (!db.ok()) {
    return internal_error("opening sqlite database " + uri + ": " +
                          std::string(status_message(db.status())));
  }
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(std::move(*db)));
  sqlite3_busy_timeout(conn->db_.get(), kBusyTimeoutMillis);
  sqlite3_extended_result_codes(conn->db_.get(), 1);
  // WAL lets readers run beside the single writer. synchronous=FULL syncs the
  // WAL on every commit, so an acknowledged write survives power loss, not
  // only a process kill (NORMAL would be enough for SIGKILL alone).
  std::string pragmas =
      "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;";
  if (!memory) pragmas += "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
  if (reader) pragmas += "PRAGMA query_only=ON;";
  MORTAR_RETURN_IF_ERROR(conn->exec_script(pragmas));
  return conn;
}

SqliteConnection::~SqliteConnection() = default;

Status SqliteConnection::error(int rc, std::string_view sql) const {
  int extended = sqlite3_extended_errcode(db_.get());
  std::string msg = sqlite3_errmsg(db_.get());
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return already_exists(msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return absl::FailedPreconditionError(msg);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError("store busy: " + msg);
    case SQLITE_CONSTRAINT:
      return invalid_input(msg);
    default:
      return internal_error("sqlite: " + msg + " in: " + std::string(sql.substr(0, 120)));
  }
}

StatusOr<sqlite3_stmt*> SqliteConnection::prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second.get();
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, sql);
  if (stmt == nullptr) return invalid_input("empty SQL statement");
  if (cache_.size() >= kMaxCachedStatements) cache_.clear();
  cache_.emplace(std::move(key), stmt);
  return stmt;
}

Status SqliteConnection::bind(sqlite3_stmt* stmt, const std::vector<Value>& params) {
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
    return internal_error("wrong number of SQL parameters");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i) + 1;
    const Value& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) {
      rc = sqlite3_bind_null(stmt, idx);
    } else if (auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, idx, *n);
    } else if (auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, idx, *d);
    } else if (auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else if (auto* b = std::get_if<Blob>(&v)) {
      rc = sqlite3_bind_blob64(stmt, idx, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) return error(rc, "bind");
  }
  return ok_status();
}

StatusOr<int64_t> SqliteConnection::exec(std::string_view sql, const std::vector<Value>& params) {
  MORTAR_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, prepare(sql));
  ResetGuard guard{stmt};
  MORTAR_RETURN_IF_ERROR(bind(stmt, params));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return error(rc, sql);
  return static_cast<int64_t>(sqlite3_changes64(db_.get()));
}

StatusOr<std::vector<Row>> SqliteConnection::query(std::string_view sql,
                                                   const std::vector<Value>& params) {
  MORTAR_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, prepare(sql));
  ResetGuard guard{stmt};
  MORTAR_RETURN_IF_ERROR(bind(stmt, params));
  std::vector<Row> rows;
  int columns = sqlite3_column_count(stmt);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    Row row;
    row.values.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          row.values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_FLOAT:
          row.values.emplace_back(sqlite3_column_double(stmt, c));
          break;
        case SQLITE_TEXT: {
          auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.values.emplace_back(std::string(p, sqlite3_column_bytes(stmt, c)));
          break;
        }
        case SQLITE_BLOB: {
          auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
          Blob b;
          if (p) b.bytes.assign(p, sqlite3_column_bytes(stmt, c));
          row.values.emplace_back(std::move(b));
          break;
        }
        default:
          row.values.emplace_back(std::monostate{});
      }
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return error(rc, sql);
  return rows;
}

Status SqliteConnection::exec_script(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status st = error(rc, sql);
    return absl::Status(st.code(), msg);
  }
  return ok_status();
}

}  // namespace mortar::store
