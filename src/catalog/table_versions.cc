// Table versions: the current version lives in `tables`, archived ones in
// `table_versions`; listings merge the two, newest first.
#include "catalog/catalog.h"
#include "catalog/json_util.h"
#include "catalog/names.h"
#include "catalog/table_lookup.h"
#include "common/glue_errors.h"

namespace mortar::catalog {
namespace {

Json version_object(Json table) {
  std::string v = string_member(table, "VersionId");
  return {{"Table", std::move(table)}, {"VersionId", v}};
}

// Glue's VersionIds are decimal strings: anything else is refused as
// InvalidInputException (as Glue does); a well-formed id naming no version
// is "Version not found." in AWS's wording.
StatusOr<int64_t> parse_version(const std::string& s) {
  bool digits = !s.empty() && s.size() <= 18;
  for (char c : s) digits = digits && c >= '0' && c <= '9';
  if (!digits) {
    return invalid_input("Invalid VersionId '" + s +
                         "': a table version id is a non-negative integer.");
  }
  return std::stoll(s);
}

Status version_not_found() { return not_found("Version not found."); }

}  // namespace

StatusOr<Json> Catalog::get_table_version(const CallContext& ctx, const std::string& database,
                                          const std::string& table,
                                          const std::optional<std::string>& version_id) {
  Json out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_table(tx, ctx.catalog_id, database, table));
    if (!version_id || version_id->empty() || *version_id == string_member(ref.table, "VersionId")) {
      out = version_object(std::move(ref.table));
      return ok_status();
    }
    MORTAR_ASSIGN_OR_RETURN(int64_t v, parse_version(*version_id));
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT body FROM table_versions WHERE table_id=? AND version_id=?",
                                                {ref.table_id, v}));
    if (rows.empty()) return version_not_found();
    MORTAR_ASSIGN_OR_RETURN(Json t, parse_stored(rows[0].text_at(0)));
    out = version_object(std::move(t));
    return ok_status();
  }));
  return out;
}

StatusOr<Page> Catalog::get_table_versions(const CallContext& ctx, const std::string& database,
                                           const std::string& table, const Json& after, int limit) {
  Page page;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    page = Page();
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_table(tx, ctx.catalog_id, database, table));
    int64_t below = after.is_number_integer() ? after.get<int64_t>() : INT64_MAX;
    int64_t current = std::stoll(string_member(ref.table, "VersionId").empty()
                                     ? "0"
                                     : string_member(ref.table, "VersionId"));
    std::vector<std::pair<int64_t, Json>> found;
    if (current < below) found.emplace_back(current, std::move(ref.table));
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT version_id, body FROM table_versions WHERE "
                                                "table_id=? AND version_id<? ORDER BY version_id DESC LIMIT ?",
                                                {ref.table_id, below, int64_t{limit} + 1}));
    for (const auto& r : rows) {
      MORTAR_ASSIGN_OR_RETURN(Json t, parse_stored(r.text_at(1)));
      found.emplace_back(r.int_at(0), std::move(t));
    }
    for (auto& [v, t] : found) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next = string_member(page.items.back()["Table"], "VersionId").empty()
                        ? Json()
                        : Json(std::stoll(page.items.back()["VersionId"].get<std::string>()));
        break;
      }
      page.items.push_back(version_object(std::move(t)));
    }
    return ok_status();
  }));
  return page;
}

Status Catalog::delete_table_version(const CallContext& ctx, const std::string& database,
                                     const std::string& table, const std::string& version_id) {
  std::string db = lower_name(database);
  std::string t = lower_name(table);
  return mutate(ctx, table_arn(ctx, db, t), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_table(tx, ctx.catalog_id, db, t));
    if (version_id == string_member(ref.table, "VersionId")) {
      return invalid_input("Cannot delete the current version of a table.");
    }
    MORTAR_ASSIGN_OR_RETURN(int64_t v, parse_version(version_id));
    MORTAR_ASSIGN_OR_RETURN(int64_t n, tx.exec("DELETE FROM table_versions WHERE table_id=? AND version_id=?",
                                               {ref.table_id, v}));
    if (n == 0) return version_not_found();
    return ok_status();
  });
}

StatusOr<Json> Catalog::batch_delete_table_version(const CallContext& ctx, const std::string& database,
                                                   const std::string& table,
                                                   const std::vector<std::string>& version_ids) {
  std::string db = lower_name(database);
  std::string t = lower_name(table);
  Json errors = Json::array();
  MORTAR_RETURN_IF_ERROR(mutate(ctx, table_arn(ctx, db, t), [&](store::Transaction& tx) -> Status {
    errors = Json::array();
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_table(tx, ctx.catalog_id, db, t));
    std::string current = string_member(ref.table, "VersionId");
    for (const std::string& id : version_ids) {
      Status item;
      StatusOr<int64_t> v = parse_version(id);
      if (id == current) {
        item = invalid_input("Cannot delete the current version of a table.");
      } else if (!v.ok()) {
        item = v.status();
      } else {
        MORTAR_ASSIGN_OR_RETURN(
            int64_t n, tx.exec("DELETE FROM table_versions WHERE table_id=? AND version_id=?",
                               {ref.table_id, *v}));
        if (n == 0) item = version_not_found();
      }
      if (!item.ok()) {
        errors.push_back(
            {{"TableName", t}, {"VersionId", id}, {"ErrorDetail", glue_error_detail(item)}});
      }
    }
    return ok_status();
  }));
  return errors;
}

}  // namespace mortar::catalog
