#include "crawler/apply/catalog_writer.h"

#include <algorithm>

#include <fmt/format.h>

namespace mortar::crawler {

namespace {

Json slice(const std::vector<Json>& items, size_t start, size_t n) {
  Json out = Json::array();
  for (size_t i = start; i < start + n; ++i) out.push_back(items[i]);
  return out;
}

}  // namespace

CallContext CatalogWriter::op(const char* name) const {
  CallContext c = ctx_;
  c.operation = name;
  return c;
}

size_t CatalogWriter::record_errors(const TableAction& action, const char* what, const Json& errors,
                                    std::vector<CrawlProblem>& problems) {
  if (!errors.is_array()) return 0;
  for (const Json& e : errors) {
    Json values = e.contains("PartitionValues") ? e["PartitionValues"] : e.value("PartitionValueList", Json());
    const Json detail = e.value("ErrorDetail", Json::object());
    problems.push_back({fmt::format("{}.{} {}", action.database, action.table, values.dump()),
                        fmt::format("{} partition failed: {}: {}", what,
                                    detail.value("ErrorCode", std::string("error")),
                                    detail.value("ErrorMessage", std::string()))});
  }
  return errors.size();
}

Status CatalogWriter::apply(const TableAction& action, CrawlSummary& summary,
                            std::vector<CrawlProblem>& problems) {
  const std::string& db = action.database;
  switch (action.op) {
    case TableAction::Op::kNone:
      break;
    case TableAction::Op::kCreate:
      MORTAR_RETURN_IF_ERROR(annotate(catalog_.create_table(op("CreateTable"), db, action.table_input),
                                      fmt::format("creating table {}.{}", db, action.table)));
      ++summary.tables_created;
      break;
    case TableAction::Op::kUpdate: {
      auto version = catalog_.update_table(op("UpdateTable"), db, action.table_input, action.version_id,
                                           /*skip_archive=*/false);
      if (!version.ok())
        return annotate(version.status(), fmt::format("updating table {}.{}", db, action.table));
      // A deprecation counts as a deletion, as in Glue's crawler metrics.
      bool deprecation = std::any_of(action.changes.begin(), action.changes.end(), [](const CrawlChange& c) {
        return c.kind == CrawlChange::Kind::kDeprecateTable;
      });
      ++(deprecation ? summary.tables_deleted : summary.tables_updated);
      break;
    }
    case TableAction::Op::kDelete:
      MORTAR_RETURN_IF_ERROR(annotate(catalog_.delete_table(op("DeleteTable"), db, action.table),
                                      fmt::format("deleting table {}.{}", db, action.table)));
      ++summary.tables_deleted;
      return ok_status();  // its partitions went with it
  }

  for (size_t i = 0; i < action.partitions_to_create.size(); i += kBatch) {
    size_t n = std::min(kBatch, action.partitions_to_create.size() - i);
    MORTAR_ASSIGN_OR_RETURN(Json errors, partitions_.batch_create_partition(
                                             op("BatchCreatePartition"), db, action.table,
                                             slice(action.partitions_to_create, i, n)));
    summary.partitions_created += static_cast<int64_t>(n - record_errors(action, "creating", errors, problems));
  }
  for (size_t i = 0; i < action.partitions_to_update.size(); i += kBatch) {
    size_t n = std::min(kBatch, action.partitions_to_update.size() - i);
    MORTAR_ASSIGN_OR_RETURN(Json errors, partitions_.batch_update_partition(
                                             op("BatchUpdatePartition"), db, action.table,
                                             slice(action.partitions_to_update, i, n)));
    summary.partitions_updated += static_cast<int64_t>(n - record_errors(action, "updating", errors, problems));
  }
  for (size_t i = 0; i < action.partitions_to_delete.size(); i += kBatch) {
    size_t n = std::min(kBatch, action.partitions_to_delete.size() - i);
    MORTAR_ASSIGN_OR_RETURN(Json errors, partitions_.batch_delete_partition(
                                             op("BatchDeletePartition"), db, action.table,
                                             slice(action.partitions_to_delete, i, n)));
    summary.partitions_deleted += static_cast<int64_t>(n - record_errors(action, "deleting", errors, problems));
  }
  return ok_status();
}

void count_changes(const std::vector<CrawlChange>& changes, CrawlSummary& summary) {
  using K = CrawlChange::Kind;
  for (const auto& c : changes) {
    switch (c.kind) {
      case K::kCreateTable: ++summary.tables_created; break;
      case K::kUpdateTable: ++summary.tables_updated; break;
      case K::kDeleteTable:
      case K::kDeprecateTable: ++summary.tables_deleted; break;
      case K::kCreatePartition: ++summary.partitions_created; break;
      case K::kUpdatePartition: ++summary.partitions_updated; break;
      case K::kDeletePartition: ++summary.partitions_deleted; break;
      case K::kLogOnly: break;
    }
  }
}

}  // namespace mortar::crawler
