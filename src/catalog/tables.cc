// Tables: Create/Get/GetTables/Update/Delete/BatchDeleteTable. The stored body
// is the Table object exactly as GetTable answers it, so a read is one
// indexed lookup plus a JSON parse.
#include <algorithm>

#include "catalog/catalog.h"
#include "catalog/json_util.h"
#include "catalog/names.h"
#include "catalog/table_lookup.h"
#include "common/glue_errors.h"

namespace mortar::catalog {
namespace {

// UpdateTable without a VersionId re-reads this often when others keep
// winning the compare-and-swap before it gives up.
constexpr int kUpdateAttempts = 16;

Json table_from_input(const Json& input, const std::string& db, const std::string& name,
                      const CallContext& ctx, double create_time, double update_time,
                      int64_t version) {
  Json t = Json::object();
  t["Name"] = name;
  t["DatabaseName"] = db;
  copy_members(input, t, {"Description", "Owner", "LastAccessTime", "LastAnalyzedTime", "Retention",
                          "StorageDescriptor", "PartitionKeys", "ViewOriginalText",
                          "ViewExpandedText", "TableType", "Parameters", "TargetTable",
                          "FederatedTable"});
  // Glue always answers these members.
  if (!t.contains("Retention")) t["Retention"] = 0;
  if (!t.contains("PartitionKeys")) t["PartitionKeys"] = Json::array();
  t["CreateTime"] = create_time;
  t["UpdateTime"] = update_time;
  if (!ctx.principal.empty()) t["CreatedBy"] = ctx.principal;
  t["IsRegisteredWithLakeFormation"] = false;
  t["CatalogId"] = ctx.catalog_id;
  t["VersionId"] = std::to_string(version);
  return t;
}

}  // namespace

Status Catalog::create_table(const CallContext& ctx, const std::string& database, const Json& input,
                             const std::function<Status(store::Transaction&)>& then) {
  std::string db = lower_name(database);
  std::string name = lower_name(string_member(input, "Name"));
  if (name.empty()) return invalid_input("TableInput.Name is required.");
  return mutate(ctx, table_arn(ctx, db, name), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto dbref, find_database(tx, ctx.catalog_id, db));
    double t = now();
    Json table = table_from_input(input, db, name, ctx, t, t, 0);
    const int64_t micros = store::micros_from_seconds(t);
    auto st = tx.exec(
        "INSERT INTO tables(database_id, name, version_id, body, create_time, update_time)"
        " VALUES(?,?,0,?,?,?)",
        {dbref.database_id, name, table.dump(), micros, micros});
    if (absl::IsAlreadyExists(st.status())) return already_exists("Table already exists.");
    MORTAR_RETURN_IF_ERROR(st.status());
    return then ? then(tx) : ok_status();
  });
}

StatusOr<Json> Catalog::get_table(const CallContext& ctx, const std::string& database,
                                  const std::string& name) {
  // The hot path: one indexed read (one statement, so read_one: on
  // PostgreSQL one message to the database); the parse is reused while the
  // body is unchanged.
  MORTAR_ASSIGN_OR_RETURN(
      auto rows,
      store_.read_one("SELECT t.id, t.body FROM databases d JOIN tables t ON t.database_id = d.id"
                      " WHERE d.catalog_id=? AND d.name=? AND t.name=?",
                      {ctx.catalog_id, lower_name(database), lower_name(name)}));
  if (!rows.empty()) return table_cache_.get(rows[0].int_at(0), rows[0].text_at(1));
  // Not there: find_table names what is missing (database or table); a table
  // created meanwhile is found and returned, as a later GetTable would.
  Json out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto ref, find_table(tx, ctx.catalog_id, database, name));
        out = std::move(ref.table);
        return ok_status();
      }));
  return out;
}

StatusOr<Page> Catalog::get_tables(const CallContext& ctx, const std::string& database,
                                   const std::optional<std::string>& expression, const Json& after,
                                   int limit) {
  std::unique_ptr<NamePattern> pattern;
  if (expression && !expression->empty()) {
    MORTAR_ASSIGN_OR_RETURN(pattern, NamePattern::compile(*expression));
  }
  Page page;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    page = Page();
    MORTAR_ASSIGN_OR_RETURN(auto dbref, find_database(tx, ctx.catalog_id, database));
    std::string from = after.is_string() ? after.get<std::string>() : std::string();
    // Names are filtered before bodies are parsed; batches keep memory flat
    // when a pattern matches few of many tables.
    const int64_t batch = std::max<int64_t>(limit + 1, 256);
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT name, body, id FROM tables WHERE database_id=? "
                                                  "AND name>? ORDER BY name LIMIT ?",
                                                  {dbref.database_id, from, batch}));
      for (const auto& r : rows) {
        const std::string& name = r.text_at(0);
        if (pattern && !pattern->matches(name)) continue;
        if (static_cast<int>(page.items.size()) == limit) {
          page.next = page.items.back()["Name"];
          return ok_status();
        }
        MORTAR_ASSIGN_OR_RETURN(Json t, table_cache_.get(r.int_at(2), r.text_at(1)));
        page.items.push_back(std::move(t));
      }
      if (static_cast<int64_t>(rows.size()) < batch) return ok_status();
      from = rows.back().text_at(0);
    }
  }));
  return page;
}

StatusOr<std::string> Catalog::update_table(const CallContext& ctx, const std::string& database,
                                            const Json& input,
                                            const std::optional<std::string>& version_id,
                                            bool skip_archive) {
  std::string db = lower_name(database);
  std::string name = lower_name(string_member(input, "Name"));
  if (name.empty()) return invalid_input("TableInput.Name is required.");
  std::string new_version;
  const bool named = version_id && !version_id->empty();
  MORTAR_RETURN_IF_ERROR(
      mutate(ctx, table_arn(ctx, db, name), [&](store::Transaction& tx) -> Status {
        // Compare-and-swap on tables.version_id: of concurrent updates that read
        // the same version exactly one changes the row (on PostgreSQL the others
        // wait for its commit, re-check the condition and change nothing). One
        // that named the VersionId then fails as Glue does; one that did not
        // re-reads (a new statement sees the commit) and tries again, so no update
        // is lost and each version is archived once.
        for (int attempt = 0; attempt < kUpdateAttempts; ++attempt) {
          MORTAR_ASSIGN_OR_RETURN(auto ref, find_table(tx, ctx.catalog_id, db, name));
          std::string current = string_member(ref.table, "VersionId");
          if (named && *version_id != current) {
            return concurrent_modification(
                "Update table failed due to concurrent modifications: "
                "VersionId " +
                *version_id + " is not the current version " + current + ".");
          }
          int64_t current_n = std::stoll(current.empty() ? "0" : current);
          double t = now();
          Json table = table_from_input(input, db, name, ctx, ref.table.value("CreateTime", t), t,
                                        current_n + 1);
          if (ref.table.contains("CreatedBy")) table["CreatedBy"] = ref.table["CreatedBy"];
          MORTAR_ASSIGN_OR_RETURN(
              int64_t changed, tx.exec("UPDATE tables SET version_id=?, body=?, update_time=? "
                                       "WHERE id=? AND version_id=?",
                                       {current_n + 1, table.dump(), store::micros_from_seconds(t), ref.table_id,
                                        current_n}));
          if (changed == 1) {
            new_version = std::to_string(current_n + 1);
            if (skip_archive) return ok_status();
            return tx
                .exec(
                    "INSERT INTO table_versions(table_id, version_id, body) VALUES(?,?,?)"
                    " ON CONFLICT(table_id, version_id) DO UPDATE SET body = excluded.body",
                    {ref.table_id, current_n, ref.table.dump()})
                .status();
          }
          if (named) {
            return concurrent_modification(
                "Update table failed due to concurrent modifications: "
                "VersionId " +
                *version_id + " is no longer the current version.");
          }
        }
        return concurrent_modification(
            "Update table failed due to concurrent modifications: the "
            "table kept changing; retry.");
      }));
  return new_version;
}

Status Catalog::delete_table(const CallContext& ctx, const std::string& database,
                             const std::string& name) {
  std::string db = lower_name(database);
  std::string t = lower_name(name);
  return mutate(ctx, table_arn(ctx, db, t), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_table(tx, ctx.catalog_id, db, t));
    return tx.exec("DELETE FROM tables WHERE id=?", {ref.table_id}).status();
  });
}

StatusOr<Json> Catalog::batch_delete_table(const CallContext& ctx, const std::string& database,
                                           const std::vector<std::string>& names) {
  std::string db = lower_name(database);
  Json errors = Json::array();
  MORTAR_RETURN_IF_ERROR(mutate(ctx, database_arn(ctx, db), [&](store::Transaction& tx) -> Status {
    errors = Json::array();
    MORTAR_ASSIGN_OR_RETURN(auto dbref, find_database(tx, ctx.catalog_id, db));
    // Each DELETE is atomic, so of concurrent batches naming a table exactly
    // one deletes it and the others report it not found. Deleting in name
    // order keeps two batches from waiting on each other's row locks
    // (PostgreSQL would abort one as a deadlock); errors keep request order.
    std::vector<size_t> order(names.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return lower_name(names[a]) < lower_name(names[b]);
    });
    std::vector<bool> missing(names.size(), false);
    for (size_t i : order) {
      MORTAR_ASSIGN_OR_RETURN(int64_t changed,
                              tx.exec("DELETE FROM tables WHERE database_id=? AND name=?",
                                      {dbref.database_id, lower_name(names[i])}));
      missing[i] = changed == 0;
    }
    for (size_t i = 0; i < names.size(); ++i) {
      if (!missing[i]) continue;
      errors.push_back({{"TableName", names[i]},
                        {"ErrorDetail",
                         glue_error_detail(not_found("Table " + lower_name(names[i]) + " not found."))}});
    }
    return ok_status();
  }));
  return errors;
}

}  // namespace mortar::catalog
