// Record::lazy_row (fields read from the batch when first used, writes
// remembered) and the Map node's use of it: untouched fields copied column to
// column, written ones appended from their values, one schema for records
// that add the same field.
#include <gtest/gtest.h>

#include "engine/dynamic_frame.h"
#include "engine/record.h"
#include "engine/test_util.h"
#include "types/column.h"

namespace mortar::engine {
namespace {

using testing::json_frame;
using testing::lines;
using testing::schema_of;
using testing::TempDir;
using types::DataType;
using types::RecordBatch;
using types::Value;

std::unique_ptr<RecordBatch> two_rows() {
  auto batch = RecordBatch::make_empty(DataType::structure(
      {{"a", DataType::bigint()}, {"s", DataType::string()}, {"d", DataType::float64()}}));
  for (int64_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(types::append_value(batch->column(0), Value::integer(i + 1)).ok());
    EXPECT_TRUE(
        types::append_value(batch->column(1), Value::string("row" + std::to_string(i))).ok());
    batch->column(2).append_null();
    batch->set_num_rows(i + 1);
  }
  return batch;
}

TEST(LazyRecord, ReadsFieldsOnDemandAndTracksWrites) {
  auto batch = two_rows();
  Record r = Record::lazy_row(*batch, 1);
  EXPECT_EQ(r.field(0).as_int(), 2);
  EXPECT_TRUE(r.unchanged_from(*batch, 1, 0));
  EXPECT_FALSE(r.unchanged_from(*batch, 0, 0));  // another row
  ASSERT_TRUE(r.assign("s", Value::string("new"), DataType::string()).ok());
  EXPECT_FALSE(r.unchanged_from(*batch, 1, 1));
  EXPECT_TRUE(r.unchanged_from(*batch, 1, 2));
  EXPECT_EQ(r.schema().get(), batch->schema().get());  // same type: schema kept
  EXPECT_EQ(r.to_json(), "{\"a\": 2, \"s\": \"new\", \"d\": null}");
}

TEST(LazyRecord, CopiesAndDetachedRecordsNoLongerNeedTheBatch) {
  auto batch = two_rows();
  Record lazy = Record::lazy_row(*batch, 0);
  Record copy = lazy;
  Record kept = Record::lazy_row(*batch, 1);
  kept.detach();
  Record moved = std::move(lazy);
  EXPECT_FALSE(copy.unchanged_from(*batch, 0, 0));
  EXPECT_TRUE(moved.unchanged_from(*batch, 0, 0));
  batch.reset();
  EXPECT_EQ(copy.to_json(), "{\"a\": 1, \"s\": \"row0\", \"d\": null}");
  EXPECT_EQ(kept.to_json(), "{\"a\": 2, \"s\": \"row1\", \"d\": null}");
}

TEST(LazyRecord, PathWritesAndRemovalsReadEverythingFirst) {
  auto batch = two_rows();
  Record r = Record::lazy_row(*batch, 0);
  EXPECT_TRUE(r.remove("s"));
  EXPECT_FALSE(r.unchanged_from(*batch, 0, 0));
  ASSERT_TRUE(r.set("x.y", Value::integer(5)).ok());
  batch.reset();
  EXPECT_EQ(r.to_json(), "{\"a\": 1, \"d\": null, \"x\": {\"y\": 5}}");
}

TEST(LazyRecord, AddingTheSameFieldSharesOneSchema) {
  auto batch = two_rows();
  Record first = Record::lazy_row(*batch, 0);
  Record second = Record::lazy_row(*batch, 1);
  ASSERT_TRUE(first.assign("n", Value::integer(1), DataType::bigint()).ok());
  ASSERT_TRUE(second.assign("n", Value::integer(2), DataType::bigint()).ok());
  EXPECT_EQ(first.schema().get(), second.schema().get());
  Record other = Record::lazy_row(*batch, 1);
  ASSERT_TRUE(other.assign("n", Value::string("x"), DataType::string()).ok());
  EXPECT_EQ(other.schema()->to_string(), "struct<a:bigint,s:string,d:double,n:string>");
  EXPECT_EQ(first.schema()->to_string(), "struct<a:bigint,s:string,d:double,n:bigint>");
  EXPECT_TRUE(first.unchanged_from(*batch, 0, 1));
}

constexpr const char* kPeople =
    "{\"name\": \"ann\", \"age\": 31, \"addr\": {\"city\": \"Oslo\"}}\n"
    "{\"name\": \"bob\", \"age\": null, \"addr\": null}\n"
    "{\"name\": \"cy\", \"age\": 17, \"addr\": {\"city\": \"Rome\"}}\n";

TEST(LazyMap, UntouchedChangedAndRetypedFields) {
  TempDir dir;
  auto in = json_frame(dir, {kPeople});
  auto out = in.map([](Record r) {
    Value age = r.field(r.field_index("age"));
    if (!age.is_null() && age.as_int() < 18) {
      (void)r.assign("age", Value::string("minor"), DataType::string());
    }
    (void)r.assign("n", Value::integer(r.field(0).as_string().size()), DataType::bigint());
    return r;
  });
  EXPECT_EQ(schema_of(out),
            "struct<name:string,age:choice<bigint,string>,addr:struct<city:string>,n:bigint>");
  EXPECT_EQ(lines(out),
            "{\"name\": \"ann\", \"age\": 31, \"addr\": {\"city\": \"Oslo\"}, \"n\": 3}\n"
            "{\"name\": \"bob\", \"age\": null, \"addr\": null, \"n\": 3}\n"
            "{\"name\": \"cy\", \"age\": \"minor\", \"addr\": {\"city\": \"Rome\"}, \"n\": 2}\n");
}

TEST(LazyMap, RecordsOfOtherRowsAreNotCopiedFromTheirOwnRow) {
  TempDir dir;
  auto in = json_frame(dir, {kPeople});
  // Callbacks run once for the schema and once for the records: keep state
  // that gives the same answer both times.
  auto ann = std::make_shared<Record>();
  auto out = in.map([ann](Record r) {
    std::string name = r.field(0).as_string();
    if (name == "ann") *ann = r;  // a copy: no longer tied to the batch
    return name == "bob" ? *ann : r;
  });
  EXPECT_EQ(lines(out),
            "{\"name\": \"ann\", \"age\": 31, \"addr\": {\"city\": \"Oslo\"}}\n"
            "{\"name\": \"ann\", \"age\": 31, \"addr\": {\"city\": \"Oslo\"}}\n"
            "{\"name\": \"cy\", \"age\": 17, \"addr\": {\"city\": \"Rome\"}}\n");
}

}  // namespace
}  // namespace mortar::engine
