#include "crawler/apply/plan_applier.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "common/ascii.h"
#include "crawler/apply/catalog_writer.h"
#include "crawler/apply/table_input.h"

namespace mortar::crawler {

namespace {

void log_to(const CrawlEnvironment& env, const char* level, const std::string& message) {
  if (env.log) env.log(level, message);
}

CallContext op(const CrawlEnvironment& env, const char* name) {
  CallContext c = env.ctx;
  c.operation = name;
  return c;
}

Status cancelled() { return absl::CancelledError("the crawl was stopped"); }

std::string strip_slashes(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Glue's suffix for a table name already used by a table at another location.
std::string hash_suffix(const std::string& location) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char ch : strip_slashes(location)) h = (h ^ ch) * 1099511628211ULL;
  return fmt::format("_{:08x}", static_cast<uint32_t>(h ^ (h >> 32)));
}

StatusOr<std::vector<Json>> all_partitions(CrawlEnvironment& env, const std::string& db,
                                           const std::string& table) {
  std::vector<Json> out;
  catalog::PartitionScan scan;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(auto page, env.partitions.get_partitions(op(env, "GetPartitions"), db, table, scan));
    for (auto& p : page.partitions) out.push_back(std::move(p));
    if (!page.next_after_id) break;
    scan.after_id = *page.next_after_id;
  }
  return out;
}

StatusOr<std::vector<Json>> all_tables(CrawlEnvironment& env, const std::string& db) {
  std::vector<Json> out;
  Json after;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(auto page, env.catalog.get_tables(op(env, "GetTables"), db, std::nullopt, after, 1000));
    for (auto& t : page.items) out.push_back(std::move(t));
    if (page.next.is_null()) break;
    after = page.next;
  }
  return out;
}

// One progress line per table that changes (the service logs every change
// once the crawl ends).
void log_action(const CrawlEnvironment& env, const TableAction& action, bool dry_run) {
  if (action.changes.empty()) return;
  std::map<std::string, int> kinds;
  for (const auto& c : action.changes) ++kinds[c.as_json()["Action"].get<std::string>()];
  std::string what;
  for (const auto& [k, n] : kinds) what += fmt::format("{}{} x{}", what.empty() ? "" : ", ", k, n);
  log_to(env, "INFO", fmt::format("{}table {}.{}: {}", dry_run ? "[dry run] " : "", action.database,
                                  action.table, what));
}

bool well_formed(const PlannedTable& t) {
  return t.classification.classification != "UNKNOWN" && t.classification.schema &&
         !t.classification.schema->fields().empty() && !t.name.empty();
}

// Diffs and (unless DryRun) writes one table.
Status diff_and_apply(PlannedWork& w, const ApplyPolicy& policy, CrawlEnvironment& env, CatalogWriter& writer,
                      CrawlResult& result, std::set<std::string>& written_names) {
  w.table.name = ascii_lower(w.table.name);
  MORTAR_ASSIGN_OR_RETURN(auto existing, find_table(env, w.database, w.table.name));
  if (w.mode == TargetMode::kS3 && existing) {
    const std::string loc = (*existing)["StorageDescriptor"].value("Location", std::string());
    if (strip_slashes(loc) != strip_slashes(w.table.location)) {
      // The name is taken by a table of other data: Glue adds a hash of the location.
      std::string renamed = w.table.name + hash_suffix(w.table.location);
      w.table.reasons.push_back(fmt::format("name {} is used by the table at {}: named {}", w.table.name,
                                            loc, renamed));
      log_to(env, "INFO", w.table.reasons.back());
      w.table.name = renamed;
      MORTAR_ASSIGN_OR_RETURN(existing, find_table(env, w.database, w.table.name));
    }
  }
  written_names.insert(w.database + "." + w.table.name);
  std::vector<Json> partitions;
  if (existing) {
    MORTAR_ASSIGN_OR_RETURN(partitions, all_partitions(env, w.database, w.table.name));
  }
  TableAction action = diff_table(w.database, w.table, existing, partitions, w.mode, policy, result.problems);
  log_action(env, action, result.dry_run);
  if (!result.dry_run && action.writes_anything())
    MORTAR_RETURN_IF_ERROR(writer.apply(action, result.summary, result.problems));
  for (auto& c : action.changes) result.changes.push_back(std::move(c));
  return ok_status();
}

// Tables this crawler wrote before that no plan has any more.
Status retire_stale_tables(const ApplyPolicy& policy, CrawlEnvironment& env, CatalogWriter& writer,
                           CrawlResult& result, const std::set<std::string>& written_names) {
  MORTAR_ASSIGN_OR_RETURN(auto tables, all_tables(env, policy.database));
  for (const Json& t : tables) {
    if (env.cancel.cancelled()) return cancelled();
    const Json params = t.value("Parameters", Json::object());
    if (params.value("UPDATED_BY_CRAWLER", std::string()) != policy.crawler_name) continue;
    const std::string name = t.value("Name", std::string());
    if (written_names.count(policy.database + "." + name)) continue;
    const std::string location = t.value("StorageDescriptor", Json::object()).value("Location", std::string());
    if (location_has_problems(location, result.problems)) {
      log_to(env, "WARN", fmt::format("table {} kept: its location {} could not be read this crawl", name,
                                      location));
      continue;
    }
    TableAction action = retire_table(policy.database, t, policy);
    log_action(env, action, result.dry_run);
    if (!result.dry_run && action.writes_anything())
      MORTAR_RETURN_IF_ERROR(writer.apply(action, result.summary, result.problems));
    for (auto& c : action.changes) result.changes.push_back(std::move(c));
  }
  return ok_status();
}


}  // namespace

StatusOr<std::optional<Json>> find_table(CrawlEnvironment& env, const std::string& db,
                                         const std::string& name) {
  auto t = env.catalog.get_table(op(env, "GetTable"), db, name);
  if (absl::IsNotFound(t.status())) return std::optional<Json>();
  if (!t.ok()) return t.status();
  return std::optional<Json>(std::move(*t));
}


Status apply_plan(std::vector<PlannedWork>& work, bool retire_stale, const ApplyPolicy& policy,
                  CrawlEnvironment& env, CrawlResult& result) {
  CatalogWriter writer(env.catalog, env.partitions, env.ctx);
  std::set<std::string> written_names;
  for (PlannedWork& w : work) {
    result.plan.push_back(w.table);
    if (w.mode == TargetMode::kS3 && !well_formed(w.table)) {
      result.problems.push_back({w.table.location, fmt::format(
          "no table written for {}: no schema could be inferred (classification {})",
          w.table.location, w.table.classification.classification)});
      continue;
    }
    if (env.cancel.cancelled()) return cancelled();
    MORTAR_RETURN_IF_ERROR(diff_and_apply(w, policy, env, writer, result, written_names));
    result.plan.back().name = w.table.name;
  }
  if (retire_stale) MORTAR_RETURN_IF_ERROR(retire_stale_tables(policy, env, writer, result, written_names));
  if (result.dry_run) count_changes(result.changes, result.summary);
  return ok_status();
}

}  // namespace mortar::crawler
