// Store helpers shared by every backend: Row accessors and the transaction
// runners with busy retries.
#include "store/store.h"

#include <chrono>
#include <thread>

namespace mortar::store {

int64_t Row::int_at(size_t i) const {
  const Value& v = values.at(i);
  if (auto* p = std::get_if<int64_t>(&v)) return *p;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  return 0;
}

double Row::real_at(size_t i) const {
  const Value& v = values.at(i);
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  return 0;
}

const std::string& Row::text_at(size_t i) const {
  static const std::string kEmpty;
  const Value& v = values.at(i);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<Blob>(&v)) return b->bytes;
  return kEmpty;
}

namespace {
constexpr int kAttempts = 5;

Status run(Store& store, bool write, const std::function<Status(Transaction&)>& fn) {
  return retry_unavailable([&]() -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto tx, store.begin(write));
    MORTAR_RETURN_IF_ERROR(fn(*tx));
    // Unavailable means busy: nothing was committed, so a retry is safe.
    return tx->commit();
  });
}
}  // namespace

Status retry_unavailable(const std::function<Status()>& attempt) {
  Status last;
  for (int i = 0; i < kAttempts; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10 << i));
    last = attempt();
    if (!absl::IsUnavailable(last)) return last;
  }
  return last;
}

StatusOr<std::vector<Row>> Store::read_one(std::string_view sql, const std::vector<Value>& params) {
  std::vector<Row> rows;
  MORTAR_RETURN_IF_ERROR(run_in_read_transaction(*this, [&](Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(rows, tx.query(sql, params));
    return ok_status();
  }));
  return rows;
}

Status run_in_write_transaction(Store& store, const std::function<Status(Transaction&)>& fn) {
  return run(store, true, fn);
}

Status run_in_read_transaction(Store& store, const std::function<Status(Transaction&)>& fn) {
  return run(store, false, fn);
}

bool is_postgres_url(std::string_view url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

StatusOr<std::unique_ptr<Store>> open_store(const std::string& url, const std::string& sqlite_path,
                                            int pg_pool_size) {
  if (url.empty()) return open_sqlite_store(sqlite_path);
  if (is_postgres_url(url)) return open_postgres_store(url, pg_pool_size);
  // The URL may hold a password: never echo it.
  return invalid_input(
      "store.url must be a postgresql:// or postgres:// URL (or unset for SQLite in the data dir)");
}

}  // namespace mortar::store
