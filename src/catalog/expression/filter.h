// A partition filter: a parsed Expression typed against a table's partition
// keys. It evaluates in memory over one partition's values (matches()) and
// translates to SQL over the partition_keys index table (to_sql()); the two
// agree on every input (filter_sql_test checks it on random partitions).
//
// Semantics: every predicate on a key whose value is NULL (Hive's
// __HIVE_DEFAULT_PARTITION__, or a value not shaped as the key's type, e.g.
// "abc" under an int key) is false, except IS NULL; NOT, AND and OR are then
// ordinary two-valued logic. Comparisons use the key's declared type:
// strings byte-wise, numbers numerically, dates and timestamps by time.
// LIKE applies to string keys only ('%' any run, '_' one character,
// case-sensitive).
//
// Immutable after compile(); safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/expression/ast.h"
#include "catalog/expression/value.h"
#include "common/status.h"
#include "store/store.h"

namespace mortar::catalog::expression {

struct PartitionKey {
  std::string name;
  std::string type;  // Glue/Hive type string, e.g. "int", "string", "date"
};

// A typed literal: text for string keys, a number (or days / micros) otherwise.
struct TypedLiteral {
  std::string text;
  Number number = int64_t{0};
  int64_t nanos = 0;  // timestamps: nanoseconds within `number`'s microsecond
};

struct BoundNode {
  Node::Kind kind = Node::Kind::kAnd;
  CompareOp op = CompareOp::kEq;
  int key_index = 0;
  KeyClass key_class = KeyClass::kString;
  std::vector<TypedLiteral> literals;
  // LIKE, compiled: a sequence of pieces, each a literal char, '%' or '_'.
  struct LikePiece {
    enum Kind { kChar, kAny, kOne } kind;
    char c;
  };
  std::vector<LikePiece> like;
  std::vector<std::unique_ptr<BoundNode>> children;
};

// A WHERE-clause fragment and its parameters.
struct SqlFragment {
  std::string sql;
  std::vector<store::Value> params;
  // True when the fragment itself selects its partitions through the key
  // index (an `id IN (...)` driver), so the caller should not also offer the
  // planner a scan of the table's partitions (write `+p.table_id = ?`).
  bool indexed = false;
};

class PartitionFilter {
 public:
  // Parses and types `expression` against `keys`. An empty expression
  // matches everything. Unknown keys, literals that do not fit the key's
  // type, LIKE on a non-string key and keys of unsupported types are
  // InvalidArgument errors naming the key.
  static StatusOr<PartitionFilter> compile(std::string_view expression,
                                           const std::vector<PartitionKey>& keys);

  bool matches_all() const { return root_ == nullptr; }

  // `values` holds one value per partition key, in key order.
  bool matches(const std::vector<std::string>& values) const;

  // A boolean SQL condition over `partition_id_column` (e.g. "p.id") that
  // holds exactly for the matching partitions of table `table_id`; it reads
  // partition_keys(partition_id, table_id, key_index, text_value, kind,
  // num_value) through its indexes. The most selective conjunct drives the
  // query (an index range scan giving candidate ids); the exact condition is
  // then checked per candidate by primary-key lookups. `dialect` is
  // Store::dialect().
  SqlFragment to_sql(std::string_view partition_id_column, int64_t table_id,
                     std::string_view dialect) const;

 private:
  std::shared_ptr<const BoundNode> root_;
};

}  // namespace mortar::catalog::expression
