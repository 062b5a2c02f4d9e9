// GetPartitions: the filter Expression compiled against the table's
// partition keys and translated to SQL over the partition_keys index, the
// Segment as `id % total = number` (every partition in exactly one segment),
// keyset paging on the partition id.
#include "absl/strings/str_cat.h"
#include "catalog/json_util.h"
#include "catalog/partition_catalog.h"
#include "catalog/partition_rows.h"

namespace mortar::catalog {

namespace rows = partition_rows;

StatusOr<std::shared_ptr<const Json>> PartitionCatalog::parsed_body(int64_t id,
                                                                    const std::string& text) const {
  return cache_->get(id, text);
}

StatusOr<PartitionPage> PartitionCatalog::get_partitions(const CallContext& ctx,
                                                         const std::string& database,
                                                         const std::string& table,
                                                         const PartitionScan& scan) {
  if (scan.total_segments < 1 || scan.segment_number < 0 ||
      scan.segment_number >= scan.total_segments) {
    return invalid_input(absl::StrCat("Segment.SegmentNumber must be between 0 and ",
                                      scan.total_segments - 1, " (TotalSegments is ",
                                      scan.total_segments, ")."));
  }
  int limit = std::max(1, scan.limit);
  PartitionPage page;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(
      catalog_.store(), [&](store::Transaction& tx) -> Status {
        page = PartitionPage();
        MORTAR_ASSIGN_OR_RETURN(auto t, rows::load_table(tx, ctx.catalog_id, database, table));
        MORTAR_ASSIGN_OR_RETURN(auto filter,
                                expression::PartitionFilter::compile(scan.expression, t.keys));
        expression::SqlFragment where;
        if (!filter.matches_all()) {
          where = filter.to_sql("p.id", t.ref.table_id, catalog_.store().dialect());
        }
        // When the filter drives through the key index, hide the table_id
        // index from the planner ('+'), which would otherwise scan every
        // partition of the table.
        std::string sql = where.indexed ? "SELECT p.id, p.body FROM partitions p WHERE "
                                          "+p.table_id = ? AND p.id > ?"
                                        : "SELECT p.id, p.body FROM partitions p WHERE "
                                          "p.table_id = ? AND p.id > ?";
        std::vector<store::Value> params{t.ref.table_id, scan.after_id};
        if (scan.total_segments > 1) {
          sql += " AND p.id % ? = ?";
          params.push_back(int64_t{scan.total_segments});
          params.push_back(int64_t{scan.segment_number});
        }
        if (!where.sql.empty()) {
          sql += " AND ";
          sql += where.sql;
          for (auto& p : where.params) params.push_back(std::move(p));
        }
        sql += " ORDER BY p.id LIMIT ?";
        params.push_back(int64_t{limit} + 1);
        MORTAR_ASSIGN_OR_RETURN(auto result, tx.query(sql, params));
        bool more = result.size() > static_cast<size_t>(limit);
        if (more) result.resize(limit);
        page.partitions.reserve(result.size());
        for (const auto& r : result) {
          MORTAR_ASSIGN_OR_RETURN(auto body, parsed_body(r.int_at(0), r.text_at(1)));
          page.partitions.push_back(rows::to_partition(t, *body, scan.exclude_column_schema));
        }
        if (more && !result.empty()) page.next_after_id = result.back().int_at(0);
        return ok_status();
      }));
  return page;
}

}  // namespace mortar::catalog
