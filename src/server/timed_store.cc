#include "server/timed_store.h"

#include <chrono>

namespace mortar::server {
namespace {

using SteadyClock = std::chrono::steady_clock;

double since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

class TimedTransaction : public store::Transaction {
 public:
  TimedTransaction(std::unique_ptr<store::Transaction> inner, Metrics& metrics)
      : inner_(std::move(inner)), metrics_(metrics) {}

  StatusOr<int64_t> exec(std::string_view sql, const std::vector<store::Value>& params) override {
    auto start = SteadyClock::now();
    auto result = inner_->exec(sql, params);
    metrics_.record_store("exec", since(start));
    return result;
  }
  StatusOr<std::vector<store::Row>> query(std::string_view sql,
                                          const std::vector<store::Value>& params) override {
    auto start = SteadyClock::now();
    auto result = inner_->query(sql, params);
    metrics_.record_store("query", since(start));
    return result;
  }
  Status commit() override {
    auto start = SteadyClock::now();
    Status s = inner_->commit();
    metrics_.record_store("commit", since(start));
    return s;
  }

 private:
  std::unique_ptr<store::Transaction> inner_;
  Metrics& metrics_;
};

}  // namespace

StatusOr<std::unique_ptr<store::Transaction>> TimedStore::begin(bool write) {
  auto start = SteadyClock::now();
  auto tx = inner_->begin(write);
  metrics_.record_store(write ? "begin_write" : "begin_read", since(start));
  if (!tx.ok()) return tx.status();
  return std::unique_ptr<store::Transaction>(
      std::make_unique<TimedTransaction>(std::move(tx).value(), metrics_));
}

StatusOr<std::vector<store::Row>> TimedStore::read_one(std::string_view sql,
                                                       const std::vector<store::Value>& params) {
  auto start = SteadyClock::now();
  auto rows = inner_->read_one(sql, params);
  metrics_.record_store("read_one", since(start));
  return rows;
}

}  // namespace mortar::server
