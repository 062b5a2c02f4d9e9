#include "logs/log_reader.h"

#include <algorithm>
#include <cstdio>

#include "common/ascii.h"

namespace mortar::logs {
namespace {

constexpr int64_t kEventOverheadBytes = 26;  // CloudWatch's per-event accounting
constexpr int64_t kFilterChunk = 1000;

// Code points in `s` (SQL substr counts characters on both backends).
int64_t char_count(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

StoredEvent event_from(const store::Row& r, size_t first) {
  StoredEvent e;
  e.seq = r.int_at(first);
  e.timestamp_ms = r.int_at(first + 1);
  e.ingestion_ms = r.int_at(first + 2);
  e.message = r.text_at(first + 3);
  return e;
}

}  // namespace

std::string StoredEvent::event_id() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%020lld%020lld", static_cast<long long>(stream_id),
                static_cast<long long>(seq));
  return buf;
}

StatusOr<std::vector<GroupInfo>> LogReader::list_groups(const std::string& account,
                                                        const GroupQuery& q) {
  std::vector<GroupInfo> out;
  const std::string needle = ascii_lower(q.substring);
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        out.clear();
        std::string sql =
            "SELECT g.id, g.name, g.creation_ms, g.retention_days, "
            "(SELECT COALESCE(SUM(s.stored_bytes), 0) FROM log_streams s WHERE s.group_id = g.id) "
            "FROM log_groups g WHERE g.account_id = ? AND g.name > ?";
        std::vector<store::Value> params{account, q.after};
        if (!q.prefix.empty()) {
          sql += " AND substr(g.name, 1, CAST(? AS INTEGER)) = ?";
          params.insert(params.end(), {char_count(q.prefix), q.prefix});
        }
        sql += " ORDER BY g.name";
        // The case-insensitive substring is checked here; few accounts have many groups.
        MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
        for (const auto& r : rows) {
          if (!needle.empty() && ascii_lower(r.text_at(1)).find(needle) == std::string::npos)
            continue;
          GroupInfo g;
          g.group.id = r.int_at(0);
          g.group.name = r.text_at(1);
          g.group.creation_ms = r.int_at(2);
          if (!r.is_null(3)) g.group.retention_days = static_cast<int>(r.int_at(3));
          g.stored_bytes = r.int_at(4);
          out.push_back(std::move(g));
          if (static_cast<int>(out.size()) > q.limit) break;
        }
        return ok_status();
      }));
  return out;
}

StatusOr<std::vector<StreamRow>> LogReader::list_streams(const std::string& account,
                                                         const std::string& group,
                                                         const StreamQuery& q) {
  std::vector<StreamRow> out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(GroupRow g, require_group(tx, account, group));
        std::string sql =
            std::string("SELECT ") + kStreamColumns + " FROM log_streams WHERE group_id = ?";
        std::vector<store::Value> params{g.id};
        if (!q.prefix.empty()) {
          sql += " AND substr(name, 1, CAST(? AS INTEGER)) = ?";
          params.insert(params.end(), {char_count(q.prefix), q.prefix});
        }
        const char* cmp = q.descending ? "<" : ">";
        const char* dir = q.descending ? " DESC" : "";
        if (q.by_last_event) {
          if (q.after) {
            sql += std::string(" AND (COALESCE(last_event_ms, -1), name) ") + cmp + " (?, ?)";
            params.insert(params.end(), {q.after->first, q.after->second});
          }
          sql += std::string(" ORDER BY COALESCE(last_event_ms, -1)") + dir + ", name" + dir;
        } else {
          if (q.after) {
            sql += std::string(" AND name ") + cmp + " ?";
            params.push_back(q.after->second);
          }
          sql += std::string(" ORDER BY name") + dir;
        }
        sql += " LIMIT ?";
        params.push_back(int64_t{q.limit} + 1);
        MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
        for (const auto& r : rows) out.push_back(stream_from(r));
        return ok_status();
      }));
  return out;
}

StatusOr<ReadResult> LogReader::read_stream(const std::string& account, const std::string& group,
                                            const std::string& stream, const ReadQuery& q) {
  ReadResult out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        out = ReadResult{};
        MORTAR_ASSIGN_OR_RETURN(GroupRow g, require_group(tx, account, group));
        MORTAR_ASSIGN_OR_RETURN(StreamRow s, require_stream(tx, g.id, stream));
        const bool forward = q.forward_from.has_value() || (!q.backward_from && q.from_head);
        int64_t position = q.forward_from    ? *q.forward_from
                           : q.backward_from ? *q.backward_from
                           : forward         ? 0
                                             : s.next_seq;
        std::string sql =
            "SELECT seq, event_ms, ingestion_ms, message FROM log_events WHERE stream_id = ?";
        std::vector<store::Value> params{s.id};
        sql += forward ? " AND seq >= ?" : " AND seq < ?";
        params.push_back(position);
        if (q.start_ms) {
          sql += " AND event_ms >= ?";
          params.push_back(*q.start_ms);
        }
        if (q.end_ms) {
          sql += " AND event_ms < ?";
          params.push_back(*q.end_ms);
        }
        sql += forward ? " ORDER BY seq LIMIT ?" : " ORDER BY seq DESC LIMIT ?";
        params.push_back(int64_t{q.limit});
        MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
        int64_t bytes = 0;
        for (const auto& r : rows) {
          StoredEvent e = event_from(r, 0);
          bytes += static_cast<int64_t>(e.message.size()) + kEventOverheadBytes;
          if (bytes > kMaxResponseBytes && !out.events.empty()) break;
          e.stream = s.name;
          e.stream_id = s.id;
          out.events.push_back(std::move(e));
        }
        if (!forward) std::reverse(out.events.begin(), out.events.end());
        if (out.events.empty()) {
          out.forward_seq = out.backward_seq = position;
        } else {
          out.forward_seq = out.events.back().seq + 1;
          out.backward_seq = out.events.front().seq;
        }
        return ok_status();
      }));
  return out;
}

StatusOr<FilterResult> LogReader::filter(const std::string& account, const std::string& group,
                                         const FilterQuery& q) {
  FilterResult out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        out = FilterResult{};
        MORTAR_ASSIGN_OR_RETURN(GroupRow g, require_group(tx, account, group));
        std::string sql =
            "SELECT e.event_ms, e.stream_id, e.seq, e.ingestion_ms, e.message, s.name "
            "FROM log_events e JOIN log_streams s ON s.id = e.stream_id WHERE e.group_id = ?";
        std::vector<store::Value> params{g.id};
        if (q.start_ms) {
          sql += " AND e.event_ms >= ?";
          params.push_back(*q.start_ms);
        }
        if (q.end_ms) {
          sql += " AND e.event_ms <= ?";
          params.push_back(*q.end_ms);
        }
        if (!q.stream_names.empty()) {
          sql += " AND s.name IN (";
          for (size_t i = 0; i < q.stream_names.size(); ++i) {
            sql += i ? ",?" : "?";
            params.push_back(q.stream_names[i]);
          }
          sql += ")";
        }
        if (!q.stream_prefix.empty()) {
          sql += " AND substr(s.name, 1, CAST(? AS INTEGER)) = ?";
          params.insert(params.end(), {char_count(q.stream_prefix), q.stream_prefix});
        }
        const size_t fixed_params = params.size();
        std::optional<std::tuple<int64_t, int64_t, int64_t>> after = q.after;
        int64_t scanned = 0, bytes = 0;
        for (;;) {
          std::string chunk_sql = sql;
          params.resize(fixed_params);
          if (after) {
            chunk_sql += " AND (e.event_ms, e.stream_id, e.seq) > (?, ?, ?)";
            params.insert(params.end(),
                          {std::get<0>(*after), std::get<1>(*after), std::get<2>(*after)});
          }
          chunk_sql += " ORDER BY e.event_ms, e.stream_id, e.seq LIMIT ?";
          params.push_back(kFilterChunk);
          MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(chunk_sql, params));
          for (const auto& r : rows) {
            after = std::make_tuple(r.int_at(0), r.int_at(1), r.int_at(2));
            ++scanned;
            const std::string& message = r.text_at(4);
            if (q.pattern == nullptr || q.pattern->matches(message)) {
              StoredEvent e;
              e.timestamp_ms = r.int_at(0);
              e.stream_id = r.int_at(1);
              e.seq = r.int_at(2);
              e.ingestion_ms = r.int_at(3);
              e.message = message;
              e.stream = r.text_at(5);
              bytes += static_cast<int64_t>(e.message.size()) + kEventOverheadBytes;
              if (bytes > kMaxResponseBytes && !out.events.empty()) {
                // This one starts the next page.
                const StoredEvent& last = out.events.back();
                out.resume_after = std::make_tuple(last.timestamp_ms, last.stream_id, last.seq);
                return ok_status();
              }
              out.events.push_back(std::move(e));
            }
            if (static_cast<int>(out.events.size()) >= q.limit || scanned >= q.max_scanned) {
              out.resume_after = after;
              return ok_status();
            }
          }
          if (static_cast<int64_t>(rows.size()) < kFilterChunk) return ok_status();
        }
      }));
  return out;
}

}  // namespace mortar::logs
