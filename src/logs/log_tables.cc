#include "logs/log_tables.h"

namespace mortar::logs {

std::vector<store::Migration> log_migrations() {
  return {{1, "log groups, streams and events",
           "CREATE TABLE log_groups ("
           "  id {{AUTO_ID}},"
           "  account_id TEXT NOT NULL,"
           "  name TEXT NOT NULL,"
           "  creation_ms BIGINT NOT NULL,"
           "  retention_days INTEGER,"
           "  UNIQUE (account_id, name));"
           "CREATE TABLE log_streams ("
           "  id {{AUTO_ID}},"
           "  group_id BIGINT NOT NULL REFERENCES log_groups(id) ON DELETE CASCADE,"
           "  name TEXT NOT NULL,"
           "  creation_ms BIGINT NOT NULL,"
           "  first_event_ms BIGINT,"
           "  last_event_ms BIGINT,"
           "  last_ingestion_ms BIGINT,"
           "  next_seq BIGINT NOT NULL DEFAULT 0,"
           "  stored_bytes BIGINT NOT NULL DEFAULT 0,"
           "  UNIQUE (group_id, name));"
           "CREATE INDEX log_streams_by_last_event ON log_streams(group_id, last_event_ms, name);"
           "CREATE TABLE log_events ("
           "  stream_id BIGINT NOT NULL REFERENCES log_streams(id) ON DELETE CASCADE,"
           "  seq BIGINT NOT NULL,"
           "  group_id BIGINT NOT NULL,"
           "  event_ms BIGINT NOT NULL,"
           "  ingestion_ms BIGINT NOT NULL,"
           "  message TEXT NOT NULL,"
           "  PRIMARY KEY (stream_id, seq)){{CLUSTERED}};"
           // FilterLogEvents reads a group in (time, stream, seq) order; prune by time.
           "CREATE INDEX log_events_by_time ON log_events(group_id, event_ms, stream_id, seq)"}};
}

namespace {

GroupRow group_from(const store::Row& r) {
  GroupRow g;
  g.id = r.int_at(0);
  g.name = r.text_at(1);
  g.creation_ms = r.int_at(2);
  if (!r.is_null(3)) g.retention_days = static_cast<int>(r.int_at(3));
  return g;
}

std::optional<int64_t> opt_int(const store::Row& r, size_t i) {
  if (r.is_null(i)) return std::nullopt;
  return r.int_at(i);
}

}  // namespace

StreamRow stream_from(const store::Row& r) {
  StreamRow s;
  s.id = r.int_at(0);
  s.name = r.text_at(1);
  s.creation_ms = r.int_at(2);
  s.first_event_ms = opt_int(r, 3);
  s.last_event_ms = opt_int(r, 4);
  s.last_ingestion_ms = opt_int(r, 5);
  s.next_seq = r.int_at(6);
  s.stored_bytes = r.int_at(7);
  return s;
}

StatusOr<std::optional<GroupRow>> find_group(store::Transaction& tx, const std::string& account,
                                             const std::string& group) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query("SELECT id, name, creation_ms, retention_days FROM log_groups "
                                   "WHERE account_id = ? AND name = ?",
                                   {account, group}));
  if (rows.empty()) return std::optional<GroupRow>();
  return std::optional<GroupRow>(group_from(rows[0]));
}

StatusOr<GroupRow> require_group(store::Transaction& tx, const std::string& account,
                                 const std::string& group) {
  MORTAR_ASSIGN_OR_RETURN(auto found, find_group(tx, account, group));
  if (!found) return not_found("The specified log group does not exist.");
  return *found;
}

StatusOr<StreamRow> require_stream(store::Transaction& tx, int64_t group_id,
                                   const std::string& stream) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query(std::string("SELECT ") + kStreamColumns +
                                       " FROM log_streams WHERE group_id = ? AND name = ?",
                                   {group_id, stream}));
  if (rows.empty()) return not_found("The specified log stream does not exist.");
  return stream_from(rows[0]);
}

}  // namespace mortar::logs
