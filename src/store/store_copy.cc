// copy_store(): the schema is read from SQLite's catalog (sqlite_master and
// the pragma table functions), tables are ordered parents-first by their
// foreign keys, and each is read in primary-key pages (keyset, never OFFSET:
// a million-partition table stays linear) and written as multi-row INSERTs.
#include "store/store_copy.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace mortar::store {
namespace {

std::string quote(std::string_view identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string joined(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + quote(c);
  return out;
}

std::string placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out + ")";
}

struct SourceTable {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::string> key;   // primary key in key order; empty: page by rowid
  std::set<std::string> parents;  // tables its foreign keys reference
  int64_t rows = 0;
};

StatusOr<std::vector<SourceTable>> read_schema(Transaction& tx) {
  MORTAR_ASSIGN_OR_RETURN(
      std::vector<Row> names,
      tx.query("SELECT name FROM sqlite_master WHERE type = 'table' AND "
               "substr(name, 1, 7) <> 'sqlite_' AND name <> 'schema_migrations' ORDER BY name"));
  std::vector<SourceTable> tables;
  for (const Row& n : names) {
    SourceTable t;
    t.name = n.text_at(0);
    MORTAR_ASSIGN_OR_RETURN(
        std::vector<Row> columns,
        tx.query("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", {t.name}));
    std::vector<std::pair<int64_t, std::string>> key;
    for (const Row& c : columns) {
      t.columns.push_back(c.text_at(0));
      if (c.int_at(1) > 0) key.emplace_back(c.int_at(1), c.text_at(0));
    }
    std::sort(key.begin(), key.end());
    for (auto& [pos, name] : key) t.key.push_back(name);
    MORTAR_ASSIGN_OR_RETURN(std::vector<Row> fks,
                            tx.query("SELECT \"table\" FROM pragma_foreign_key_list(?)", {t.name}));
    for (const Row& fk : fks) {
      if (fk.text_at(0) != t.name) t.parents.insert(fk.text_at(0));
    }
    MORTAR_ASSIGN_OR_RETURN(std::vector<Row> count,
                            tx.query(fmt::format("SELECT COUNT(*) FROM {}", quote(t.name))));
    t.rows = count.at(0).int_at(0);
    tables.push_back(std::move(t));
  }
  return tables;
}

// Parents before children; among tables that are ready, by name.
StatusOr<std::vector<SourceTable>> in_foreign_key_order(std::vector<SourceTable> tables) {
  std::set<std::string> present;
  for (const auto& t : tables) present.insert(t.name);
  std::vector<SourceTable> ordered;
  std::set<std::string> done;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const SourceTable& t) {
      return std::all_of(t.parents.begin(), t.parents.end(), [&](const std::string& p) {
        return done.count(p) > 0 || present.count(p) == 0;
      });
    });
    if (ready == tables.end()) {
      return absl::FailedPreconditionError(fmt::format(
          "the source's foreign keys form a cycle (through table {}): no copy order exists",
          tables.front().name));
    }
    done.insert(ready->name);
    ordered.push_back(std::move(*ready));
    tables.erase(ready);
  }
  return ordered;
}

Status copy_table(const SourceTable& t, Transaction& from, Transaction& to, int64_t page) {
  // The page's last key is where the next page starts; without a primary key
  // the rowid (selected first, not copied) is the key.
  const bool by_rowid = t.key.empty();
  const std::vector<std::string> key = by_rowid ? std::vector<std::string>{"rowid"} : t.key;
  std::vector<size_t> key_at;  // positions of the key in a selected row
  if (by_rowid) key_at.push_back(0);
  for (const auto& k : t.key) {
    key_at.push_back(std::find(t.columns.begin(), t.columns.end(), k) - t.columns.begin());
  }
  const std::string select_list = (by_rowid ? "rowid, " : "") + joined(t.columns);
  const std::string order = joined(key);
  const std::string after =
      key.size() == 1 ? quote(key[0]) + " > ?" : "(" + order + ") > " + placeholders(key.size());
  const std::string first_page = fmt::format("SELECT {} FROM {} ORDER BY {} LIMIT {}", select_list,
                                             quote(t.name), order, page);
  const std::string next_page = fmt::format("SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT {}",
                                            select_list, quote(t.name), after, order, page);
  const std::string insert_head =
      fmt::format("INSERT INTO {} ({}) VALUES ", quote(t.name), joined(t.columns));
  const std::string one_row = placeholders(t.columns.size());
  const size_t skip = by_rowid ? 1 : 0;

  std::vector<Value> last_key;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(std::vector<Row> rows,
                            from.query(last_key.empty() ? first_page : next_page, last_key));
    if (rows.empty()) break;
    std::string sql = insert_head;
    std::vector<Value> params;
    params.reserve(rows.size() * t.columns.size());
    for (size_t r = 0; r < rows.size(); ++r) {
      sql += (r == 0 ? "" : ", ") + one_row;
      for (size_t c = skip; c < rows[r].values.size(); ++c) params.push_back(rows[r].values[c]);
    }
    auto inserted = to.exec(sql, params);
    if (!inserted.ok()) {
      return Status(
          inserted.status().code(),
          fmt::format("copying table {}: {}", t.name, std::string(inserted.status().message())));
    }
    last_key.clear();
    for (size_t i : key_at) last_key.push_back(rows.back().values[i]);
    if (static_cast<int64_t>(rows.size()) < page) break;
  }
  return ok_status();
}

// PostgreSQL hands out ids from sequences the explicit ids did not advance:
// move each past the largest copied id, or the next insert would collide.
Status advance_sequences(const SourceTable& t, Transaction& to) {
  MORTAR_ASSIGN_OR_RETURN(
      std::vector<Row> columns,
      to.query("SELECT column_name FROM information_schema.columns WHERE table_schema = "
               "current_schema() AND table_name = ? AND (is_identity = 'YES' OR column_default "
               "LIKE 'nextval%')",
               {t.name}));
  for (const Row& c : columns) {
    MORTAR_RETURN_IF_ERROR(
        to.query(fmt::format("SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT "
                             "MAX({}) FROM {}), 0) + 1, false)",
                             quote(c.text_at(0)), quote(t.name)),
                 {quote(t.name), c.text_at(0)})
            .status());
  }
  return ok_status();
}

StatusOr<int64_t> count(Transaction& tx, const std::string& table) {
  auto rows = tx.query(fmt::format("SELECT COUNT(*) FROM {}", quote(table)));
  if (!rows.ok()) {
    return absl::FailedPreconditionError(
        fmt::format("the target has no table {} (is its schema current?): {}", table,
                    std::string(rows.status().message())));
  }
  return rows->at(0).int_at(0);
}

}  // namespace

StatusOr<std::vector<CopiedTable>> copy_store(Store& source, Store& target,
                                              const CopyOptions& options) {
  if (source.dialect() != "sqlite") {
    return absl::InvalidArgumentError("the source of a copy must be a SQLite store");
  }
  const int64_t page = std::max<int64_t>(1, options.rows_per_insert);
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> from, source.begin(false));
  MORTAR_ASSIGN_OR_RETURN(std::vector<SourceTable> schema, read_schema(*from));
  MORTAR_ASSIGN_OR_RETURN(std::vector<SourceTable> tables, in_foreign_key_order(std::move(schema)));

  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> to, target.begin(true));
  std::vector<std::string> not_empty;
  for (const auto& t : tables) {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, count(*to, t.name));
    if (n > 0) not_empty.push_back(fmt::format("{} has {} rows", t.name, n));
  }
  if (!not_empty.empty()) {
    std::string list;
    for (const auto& s : not_empty) list += (list.empty() ? "" : ", ") + s;
    return absl::FailedPreconditionError(fmt::format(
        "the target store is not empty ({}): a copy goes only into an empty catalog", list));
  }

  std::vector<CopiedTable> copied;
  for (const auto& t : tables) {
    MORTAR_RETURN_IF_ERROR(copy_table(t, *from, *to, page));
    MORTAR_ASSIGN_OR_RETURN(int64_t n, count(*to, t.name));
    if (n != t.rows) {
      return absl::InternalError(
          fmt::format("table {}: {} rows in the source but {} in the target after the copy", t.name,
                      t.rows, n));
    }
    if (target.dialect() == "postgres") MORTAR_RETURN_IF_ERROR(advance_sequences(t, *to));
    copied.push_back({t.name, t.rows});
    if (options.on_table) options.on_table(copied.back());
  }
  MORTAR_RETURN_IF_ERROR(to->commit());
  return copied;
}

StatusOr<std::vector<int64_t>> count_rows(Store& store, const std::vector<std::string>& tables) {
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store.begin(false));
  std::vector<int64_t> counts;
  for (const auto& t : tables) {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, count(*tx, t));
    counts.push_back(n);
  }
  return counts;
}

}  // namespace mortar::store
