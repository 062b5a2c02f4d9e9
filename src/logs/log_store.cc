#include "logs/log_store.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <utility>

#include "logs/log_tables.h"

namespace mortar::logs {
namespace {

// CloudWatch's maximum event size is 256 KB including 26 bytes of overhead.
constexpr size_t kMaxMessageBytes = 256 * 1024 - 26;
constexpr size_t kQueuedOverheadBytes = 96;  // per queued event, besides the strings
constexpr int64_t kMillisPerDay = 86'400'000;
constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr size_t kRowsPerInsert = 150;                // 6 parameters each

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return c == 0 ? 0 : 1;  // NUL cannot be stored in PostgreSQL text
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (n == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
  if (n == 4 && c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
  if (n == 4 && c == 0xF4 && b(i + 1) >= 0x90) return 0;  // past U+10FFFF
  return n;
}

// Valid UTF-8 of at most kMaxMessageBytes, cut at a character boundary.
std::string storable_message(std::string_view in) {
  std::string out;
  out.reserve(std::min(in.size(), kMaxMessageBytes));
  for (size_t i = 0; i < in.size();) {
    size_t n = utf8_sequence_length(in, i);
    std::string_view piece = n ? in.substr(i, n) : std::string_view(kReplacement);
    if (out.size() + piece.size() > kMaxMessageBytes) break;
    out.append(piece);
    i += n ? n : 1;
  }
  return out;
}

bool is_glue_group(const std::string& name) { return name.starts_with("/aws-glue/"); }

}  // namespace

bool is_valid_retention_days(int days) {
  static constexpr std::array<int, 22> kDays = {1,    3,    5,    7,    14,   30,  60,  90,
                                                120,  150,  180,  365,  400,  545, 731, 1096,
                                                1827, 2192, 2557, 2922, 3288, 3653};
  return std::find(kDays.begin(), kDays.end(), days) != kDays.end();
}

Status LogStore::migrate(store::Store& store) {
  return store.migrate(kLogsComponent, log_migrations());
}

LogStore::LogStore(store::Store& store, LogStoreOptions options)
    : store_(store), options_(std::move(options)) {}

LogStore::~LogStore() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  flush();
}

void LogStore::append(const std::string& account_id, const std::string& group,
                      const std::string& stream, std::vector<LogEvent> events) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (events.empty()) {
      Queued q{account_id, group, stream, {}, 0, /*create_only=*/true};
      q.bytes = account_id.size() + group.size() + stream.size() + kQueuedOverheadBytes;
      queued_bytes_ += q.bytes;
      queue_.push_back(std::move(q));
    }
    for (LogEvent& e : events) {
      Queued q{account_id, group, stream, {e.timestamp_millis, storable_message(e.message)}, 0};
      q.bytes = q.event.message.size() + account_id.size() + group.size() + stream.size() +
                kQueuedOverheadBytes;
      queued_bytes_ += q.bytes;
      queue_.push_back(std::move(q));
    }
    while (queued_bytes_ > options_.max_queued_bytes && !queue_.empty()) {
      queued_bytes_ -= queue_.front().bytes;
      queue_.pop_front();
      ++dropped_;
    }
    wake = queue_.size() >= options_.batch_events;
    if (!writer_.joinable() && !stopping_) writer_ = std::thread([this] { run_writer(); });
  }
  if (wake) wake_.notify_all();
}

void LogStore::flush() {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  write_queued();
}

int64_t LogStore::dropped_events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

void LogStore::run_writer() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_millis),
                   [this] { return stopping_ || queue_.size() >= options_.batch_events; });
    if (queue_.empty()) continue;
    lock.unlock();
    flush();
    lock.lock();
  }
}

void LogStore::write_queued() {
  for (;;) {
    std::vector<Queued> batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      size_t n = std::min(queue_.size(), options_.batch_events);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        queued_bytes_ -= queue_.front().bytes;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (batch.empty()) break;
    Status s = write_batch(batch);
    if (!s.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        dropped_ += static_cast<int64_t>(batch.size());
      }
      if (options_.warn) {
        options_.warn("writing " + std::to_string(batch.size()) +
                      " log events to the store failed; they are dropped: " + s.ToString());
      }
    }
  }
  report_drops();
}

void LogStore::report_drops() {
  int64_t newly = 0;
  int64_t total = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    newly = dropped_ - dropped_reported_;
    total = dropped_;
    dropped_reported_ = dropped_;
  }
  if (newly > 0 && options_.warn) {
    options_.warn(std::to_string(newly) + " log events dropped (" + std::to_string(total) +
                  " since start): the store did not keep up with log output (queue bound " +
                  std::to_string(options_.max_queued_bytes >> 20) + " MiB)");
  }
}

Status LogStore::write_batch(std::vector<Queued>& batch) {
  // Events per stream, streams in order of first appearance.
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, std::vector<const Queued*>> by_stream;
  std::vector<Key> order;
  for (const Queued& q : batch) {
    Key key{q.account, q.group, q.stream};
    auto [it, inserted] = by_stream.try_emplace(key);
    if (inserted) order.push_back(key);
    if (!q.create_only) it->second.push_back(&q);
  }
  const int64_t now_ms = options_.clock->now_micros() / 1000;
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    for (const Key& key : order) {
      const auto& [account, group, stream] = key;
      const auto& events = by_stream[key];
      MORTAR_RETURN_IF_ERROR(tx.exec("INSERT INTO log_groups(account_id, name, creation_ms) "
                                     "VALUES(?, ?, ?) ON CONFLICT(account_id, name) DO NOTHING",
                                     {account, group, now_ms})
                                 .status());
      MORTAR_ASSIGN_OR_RETURN(GroupRow g, require_group(tx, account, group));
      MORTAR_RETURN_IF_ERROR(tx.exec("INSERT INTO log_streams(group_id, name, creation_ms) "
                                     "VALUES(?, ?, ?) ON CONFLICT(group_id, name) DO NOTHING",
                                     {g.id, stream, now_ms})
                                 .status());
      if (events.empty()) continue;  // only the group and stream were asked for
      int64_t first = events.front()->event.timestamp_millis, last = first, bytes = 0;
      for (const Queued* q : events) {
        first = std::min(first, q->event.timestamp_millis);
        last = std::max(last, q->event.timestamp_millis);
        bytes += static_cast<int64_t>(q->event.message.size());
      }
      const int64_t n = static_cast<int64_t>(events.size());
      // Reserving the sequence numbers first locks the stream's row, so
      // servers sharing a PostgreSQL store number one stream consistently.
      MORTAR_RETURN_IF_ERROR(
          tx.exec("UPDATE log_streams SET next_seq = next_seq + ?, stored_bytes = stored_bytes + ?,"
                  " first_event_ms = CASE WHEN first_event_ms IS NULL OR first_event_ms > ?"
                  "   THEN ? ELSE first_event_ms END,"
                  " last_event_ms = CASE WHEN last_event_ms IS NULL OR last_event_ms < ?"
                  "   THEN ? ELSE last_event_ms END,"
                  " last_ingestion_ms = ? WHERE group_id = ? AND name = ?",
                  {n, bytes, first, first, last, last, now_ms, g.id, stream})
              .status());
      MORTAR_ASSIGN_OR_RETURN(StreamRow s, require_stream(tx, g.id, stream));
      int64_t seq = s.next_seq - n;
      for (size_t start = 0; start < events.size(); start += kRowsPerInsert) {
        size_t end = std::min(events.size(), start + kRowsPerInsert);
        std::string sql =
            "INSERT INTO log_events(stream_id, seq, group_id, event_ms, ingestion_ms, message) "
            "VALUES";
        std::vector<store::Value> params;
        params.reserve((end - start) * 6);
        for (size_t i = start; i < end; ++i) {
          sql += i == start ? "(?,?,?,?,?,?)" : ",(?,?,?,?,?,?)";
          params.insert(params.end(), {s.id, seq++, g.id, events[i]->event.timestamp_millis, now_ms,
                                       events[i]->event.message});
        }
        MORTAR_RETURN_IF_ERROR(tx.exec(sql, params).status());
      }
    }
    return ok_status();
  });
}

Status LogStore::create_group(const std::string& account_id, const std::string& group) {
  const int64_t now_ms = options_.clock->now_micros() / 1000;
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    return tx
        .exec("INSERT INTO log_groups(account_id, name, creation_ms) VALUES(?, ?, ?)",
              {account_id, group, now_ms})
        .status();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return already_exists("The specified log group already exists");
  }
  return s;
}

Status LogStore::delete_group(const std::string& account_id, const std::string& group) {
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(GroupRow g, require_group(tx, account_id, group));
    // Explicit, child tables first: not every store enforces the cascades alike.
    MORTAR_RETURN_IF_ERROR(tx.exec("DELETE FROM log_events WHERE group_id = ?", {g.id}).status());
    MORTAR_RETURN_IF_ERROR(tx.exec("DELETE FROM log_streams WHERE group_id = ?", {g.id}).status());
    return tx.exec("DELETE FROM log_groups WHERE id = ?", {g.id}).status();
  });
}

Status LogStore::put_retention(const std::string& account_id, const std::string& group,
                               std::optional<int> days) {
  if (days && !is_valid_retention_days(*days)) {
    return invalid_input("1 validation error detected: Value '" + std::to_string(*days) +
                         "' at 'retentionInDays' failed to satisfy constraint: Member must "
                         "satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, "
                         "365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
  }
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(GroupRow g, require_group(tx, account_id, group));
    store::Value v = days ? store::Value(int64_t{*days}) : store::Value();
    return tx.exec("UPDATE log_groups SET retention_days = ? WHERE id = ?", {v, g.id}).status();
  });
}

Status LogStore::create_stream(const std::string& account_id, const std::string& group,
                               const std::string& stream) {
  const int64_t now_ms = options_.clock->now_micros() / 1000;
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(GroupRow g, require_group(tx, account_id, group));
    return tx
        .exec("INSERT INTO log_streams(group_id, name, creation_ms) VALUES(?, ?, ?)",
              {g.id, stream, now_ms})
        .status();
  });
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return already_exists("The specified log stream already exists");
  }
  return s;
}

Status LogStore::put_events(const std::string& account_id, const std::string& group,
                            const std::string& stream, std::vector<LogEvent> events) {
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(GroupRow g, require_group(tx, account_id, group));
        return require_stream(tx, g.id, stream).status();
      }));
  append(account_id, group, stream, std::move(events));
  flush();
  return ok_status();
}

StatusOr<int64_t> LogStore::prune(int64_t now_millis) {
  std::vector<GroupRow> groups;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto rows,
                                tx.query("SELECT id, name, retention_days FROM log_groups"));
        for (const auto& r : rows) {
          GroupRow g;
          g.id = r.int_at(0);
          g.name = r.text_at(1);
          if (!r.is_null(2)) g.retention_days = static_cast<int>(r.int_at(2));
          groups.push_back(std::move(g));
        }
        return ok_status();
      }));
  int64_t deleted = 0;
  for (const GroupRow& g : groups) {
    int days =
        g.retention_days.value_or(is_glue_group(g.name) ? options_.default_glue_retention_days : 0);
    if (days <= 0) continue;
    const int64_t cutoff = now_millis - int64_t{days} * kMillisPerDay;
    MORTAR_RETURN_IF_ERROR(
        store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
          MORTAR_ASSIGN_OR_RETURN(
              int64_t n, tx.exec("DELETE FROM log_events WHERE group_id = ? AND event_ms < ?",
                                 {g.id, cutoff}));
          deleted += n;
          // A stream with nothing left inside the retention window goes too.
          return tx
              .exec(
                  "DELETE FROM log_streams WHERE group_id = ? AND COALESCE(last_event_ms, "
                  "creation_ms) < ? AND NOT EXISTS (SELECT 1 FROM log_events e WHERE "
                  "e.stream_id = log_streams.id)",
                  {g.id, cutoff})
              .status();
        }));
  }
  return deleted;
}

}  // namespace mortar::logs
