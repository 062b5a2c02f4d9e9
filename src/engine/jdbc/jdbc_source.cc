// read_jdbc(): option checks, the plan leaf, and the parallel stream that
// runs one reader thread per hash partition into one bounded queue.
#include "engine/jdbc/jdbc_source.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "engine/interrupt.h"
#include "engine/jdbc/jdbc_reader.h"
#include "sql/pg_connection.h"

namespace mortar::engine::jdbc {

using sql::Engine;
using sql::parse_jdbc_url;
using sql::quote_table_name;

namespace {

using types::RecordBatch;
using types::TypePtr;

constexpr int kDefaultHashPartitions = 7;  // Glue's default
constexpr int kMaxHashPartitions = 64;

StatusOr<std::unique_ptr<BatchStream>> open_partition(const ReadSpec& spec, TypePtr schema, int part) {
  return spec.url.engine == Engine::kPostgres ? open_postgres_partition(spec, std::move(schema), part)
                                              : open_sqlite_partition(spec, std::move(schema), part);
}

// One thread per partition, each opening its own connection; batches come
// out in arrival order. Destroying the stream early stops the workers.
class ParallelStream : public BatchStream {
 public:
  ParallelStream(std::shared_ptr<const ReadSpec> spec, TypePtr schema) : spec_(std::move(spec)) {
    remaining_ = spec_->partitions;
    for (int p = 0; p < spec_->partitions; ++p)
      workers_.emplace_back([this, schema, p] { work(schema, p); });
  }
  ~ParallelStream() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || !error_.ok() || remaining_ == 0; });
    if (!error_.ok()) return error_;
    if (queue_.empty()) return std::unique_ptr<RecordBatch>();
    auto b = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return b;
  }

 private:
  void work(TypePtr schema, int part) {
    Status st = ok_status();
    try {  // an exception must not escape a thread
      st = run(std::move(schema), part);
    } catch (const std::exception& e) {
      st = internal_error(fmt::format("JDBC partition {}: {}", part, e.what()));
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!st.ok() && error_.ok() && !cancelled_) error_ = st;
    --remaining_;
    cv_.notify_all();
  }
  Status run(TypePtr schema, int part) {
    MORTAR_ASSIGN_OR_RETURN(auto stream, open_partition(*spec_, std::move(schema), part));
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, stream->next());
      if (!batch) return ok_status();
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return cancelled_ || !error_.ok() || queue_.size() < capacity(); });
      if (cancelled_ || !error_.ok()) return ok_status();
      queue_.push_back(std::move(batch));
      cv_.notify_all();
    }
  }
  size_t capacity() const { return static_cast<size_t>(spec_->partitions) + 2; }

  std::shared_ptr<const ReadSpec> spec_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<RecordBatch>> queue_;
  Status error_;
  int remaining_ = 0;
  bool cancelled_ = false;
  std::vector<std::thread> workers_;
};

class JdbcSourceNode : public PlanNode {
 public:
  explicit JdbcSourceNode(std::shared_ptr<const ReadSpec> spec) : spec_(std::move(spec)) {}
  std::string name() const override { return "JdbcSource"; }
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext&) const override {
    MORTAR_ASSIGN_OR_RETURN(TypePtr s, schema());
    if (spec_->partitions == 1) {
      MORTAR_ASSIGN_OR_RETURN(auto single, open_partition(*spec_, s, 0));
      return interruptible(std::move(single));
    }
    return interruptible(std::make_unique<ParallelStream>(spec_, s));
  }

 protected:
  StatusOr<TypePtr> compute_schema() const override {
    return spec_->url.engine == Engine::kPostgres ? postgres_schema(*spec_) : sqlite_schema(*spec_);
  }

 private:
  std::shared_ptr<const ReadSpec> spec_;
};

}  // namespace

StatusOr<DynamicFrame> read_jdbc(const JdbcSourceOptions& options) {
  auto spec = std::make_shared<ReadSpec>();
  spec->options = options;
  MORTAR_ASSIGN_OR_RETURN(spec->url, parse_jdbc_url(options.url));
  const bool pg = spec->url.engine == Engine::kPostgres;
  spec->label = !options.connection_name.empty() ? "connection " + options.connection_name
                : pg                              ? "PostgreSQL"
                                                  : "SQLite";
  if (!options.sample_query.empty()) {
    std::string q = options.sample_query;
    while (!q.empty() && (q.back() == ';' || std::isspace(static_cast<unsigned char>(q.back())))) q.pop_back();
    spec->from = "(" + q + ") AS mortar_q";
  } else {
    if (options.dbtable.empty())
      return invalid_input("JDBC source: dbtable is required (the table to read, e.g. public.orders)");
    MORTAR_ASSIGN_OR_RETURN(spec->from, quote_table_name(options.dbtable, pg));
  }
  if (!options.filter_predicate.empty())
    spec->from =
        "(SELECT * FROM " + spec->from + " WHERE " + options.filter_predicate + ") AS mortar_f";
  if (!options.hashfield.empty() && !options.hashexpression.empty())
    return invalid_input("JDBC source: give hashfield or hashexpression, not both");
  const bool hashed = !options.hashfield.empty() || !options.hashexpression.empty();
  if (options.hashpartitions < 0 || options.hashpartitions > kMaxHashPartitions)
    return invalid_input(fmt::format("JDBC source: hashpartitions must be between 1 and {}, got {}",
                                     kMaxHashPartitions, options.hashpartitions));
  spec->partitions = !hashed ? 1 : options.hashpartitions == 0 ? kDefaultHashPartitions : options.hashpartitions;
  if (options.batch_rows <= 0) spec->options.batch_rows = 8192;
  return DynamicFrame(std::make_shared<JdbcSourceNode>(std::move(spec)));
}

}  // namespace mortar::engine::jdbc
