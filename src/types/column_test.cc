#include "types/column.h"

#include <gtest/gtest.h>

namespace mortar::types {
namespace {

TEST(ColumnTest, FixedWidthAppendsAndNulls) {
  Column c(DataType::int32());
  c.append_int(1);
  c.append_null();
  c.append_int(-7);
  ASSERT_EQ(c.length(), 3);
  EXPECT_EQ(c.null_count(), 1);
  EXPECT_TRUE(c.is_valid(0));
  EXPECT_TRUE(c.is_null(1));
  EXPECT_EQ(c.value<int32_t>(2), -7);
  EXPECT_EQ(c.values_buffer().size(), 12u);
  EXPECT_TRUE(c.validate().ok());
}

TEST(ColumnTest, NoBitmapUntilFirstNull) {
  Column c(DataType::bigint());
  for (int i = 0; i < 100; ++i) c.append_int(i);
  EXPECT_TRUE(c.validity().empty());
  c.append_null();
  EXPECT_EQ(c.null_count(), 1);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(c.is_valid(i));
  c.append_int(5);
  EXPECT_TRUE(c.is_valid(101));
  EXPECT_EQ(c.null_count(), 1);
}

TEST(ColumnTest, NarrowsIntegersAndFloats) {
  Column t(DataType::tinyint());
  t.append_int(-3);
  EXPECT_EQ(t.value<int8_t>(0), -3);
  Column f(DataType::float32());
  f.append_double(1.5);
  EXPECT_EQ(f.value<float>(0), 1.5f);
  EXPECT_EQ(f.values_buffer().size(), 4u);
}

TEST(ColumnTest, StringsUseOffsets) {
  Column c(DataType::string());
  c.append_string("ab");
  c.append_null();
  c.append_string("");
  c.append_string("xyz");
  EXPECT_EQ(c.string_at(0), "ab");
  EXPECT_EQ(c.string_at(2), "");
  EXPECT_EQ(c.string_at(3), "xyz");
  EXPECT_EQ(c.offsets().size(), 5u);
  EXPECT_EQ(c.debug_string(1), "null");
  EXPECT_TRUE(c.validate().ok());
}

TEST(ColumnTest, NestedArrayOfStruct) {
  auto t = DataType::array(DataType::structure({{"a", DataType::int32()}, {"b", DataType::string()}}));
  Column c(t);
  Column& s = c.child(0);
  s.child(0).append_int(1);
  s.child(1).append_string("x");
  s.append_struct_row();
  s.child(0).append_int(2);
  s.child(1).append_null();
  s.append_struct_row();
  c.append_list_length(2);
  c.append_null();
  c.append_list_length(0);
  ASSERT_TRUE(c.validate().ok()) << c.validate();
  EXPECT_EQ(c.debug_string(0), R"([{"a":1,"b":"x"},{"a":2,"b":null}])");
  EXPECT_EQ(c.debug_string(1), "null");
  EXPECT_EQ(c.debug_string(2), "[]");
}

TEST(ColumnTest, MapAndChoice) {
  Column m(DataType::map(DataType::string(), DataType::bigint()));
  m.child(0).append_string("k");
  m.child(1).append_int(9);
  m.append_list_length(1);
  EXPECT_EQ(m.debug_string(0), R"({"k":9})");

  Column c(DataType::choice({DataType::bigint(), DataType::string()}));
  c.child(1).append_string("s");
  c.append_choice_row(1);
  c.child(0).append_int(4);
  c.append_choice_row(0);
  c.append_null();
  ASSERT_TRUE(c.validate().ok()) << c.validate();
  EXPECT_EQ(c.debug_string(0), "s");
  EXPECT_EQ(c.debug_string(1), "4");
  EXPECT_EQ(c.debug_string(2), "null");
}

TEST(ColumnTest, SliceCopiesRowsAndNulls) {
  Column c(DataType::string());
  for (int i = 0; i < 20; ++i) {
    if (i % 3 == 0) {
      c.append_null();
    } else {
      c.append_string(std::to_string(i));
    }
  }
  auto s = c.slice(5, 10);
  ASSERT_EQ(s->length(), 10);
  EXPECT_TRUE(s->validate().ok());
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(s->is_null(i), (i + 5) % 3 == 0);
    if (s->is_valid(i)) {
      EXPECT_EQ(s->string_at(i), std::to_string(i + 5));
    }
  }
  EXPECT_EQ(s->null_count(), 3);  // rows 6, 9, 12
}

TEST(ColumnTest, SliceNestedAndChoice) {
  Column c(DataType::array(DataType::int32()));
  for (int r = 0; r < 5; ++r) {
    for (int k = 0; k < r; ++k) c.child(0).append_int(r * 10 + k);
    c.append_list_length(r);
  }
  auto s = c.slice(2, 2);
  EXPECT_EQ(s->debug_string(0), "[20,21]");
  EXPECT_EQ(s->debug_string(1), "[30,31,32]");
  EXPECT_EQ(s->child(0).length(), 5);

  Column ch(DataType::choice({DataType::bigint(), DataType::string()}));
  for (int r = 0; r < 6; ++r) {
    if (r % 2) {
      ch.child(1).append_string("s" + std::to_string(r));
      ch.append_choice_row(1);
    } else {
      ch.child(0).append_int(r);
      ch.append_choice_row(0);
    }
  }
  auto cs = ch.slice(3, 3);
  ASSERT_TRUE(cs->validate().ok()) << cs->validate();
  EXPECT_EQ(cs->debug_string(0), "s3");
  EXPECT_EQ(cs->debug_string(1), "4");
  EXPECT_EQ(cs->debug_string(2), "s5");
}

TEST(ColumnTest, SetValidAfterBulkFill) {
  Column c(DataType::float64());
  c.values_buffer().resize(8 * 10);
  c.set_length(10);
  c.set_valid(7, false);
  EXPECT_EQ(c.null_count(), 1);
  EXPECT_TRUE(c.is_null(7));
  EXPECT_TRUE(c.is_valid(9));
  c.set_valid(7, true);
  EXPECT_EQ(c.null_count(), 0);
}

TEST(ColumnTest, NullTypeRowsAreNull) {
  Column c(DataType::null());
  c.append_null();
  c.append_null();
  EXPECT_EQ(c.null_count(), 2);
  Column d(DataType::null());
  d.set_length(3);
  EXPECT_EQ(d.null_count(), 3);
}

TEST(ColumnTest, ValidateCatchesBrokenBuffers) {
  Column c(DataType::string());
  c.append_string("abc");
  c.data().resize(1);
  EXPECT_FALSE(c.validate().ok());
  Column d(DataType::int32());
  d.set_length(4);
  EXPECT_FALSE(d.validate().ok());
}

TEST(ColumnTest, BulkAppends) {
  Column c(DataType::int32());
  int32_t vals[] = {1, 2, 3};
  c.append_fixed(vals, 3);
  c.append_nulls(2);
  c.append_fixed(vals, 1);
  ASSERT_EQ(c.length(), 6);
  EXPECT_EQ(c.null_count(), 2);
  EXPECT_EQ(c.value<int32_t>(2), 3);
  EXPECT_TRUE(c.is_null(3));
  EXPECT_TRUE(c.is_valid(5));
  EXPECT_EQ(c.value<int32_t>(5), 1);
  EXPECT_TRUE(c.validate().ok());
  Column s(DataType::string());
  s.append_nulls(3);
  EXPECT_EQ(s.null_count(), 3);
  EXPECT_TRUE(s.validate().ok());
}

TEST(ColumnTest, TruncateAndClear) {
  Column c(DataType::array(DataType::string()));
  for (int r = 0; r < 4; ++r) {
    for (int k = 0; k <= r; ++k) c.child(0).append_string("x");
    c.append_list_length(r + 1);
  }
  c.child(0).append_string("half-appended");
  c.truncate(2);
  EXPECT_EQ(c.length(), 2);
  EXPECT_EQ(c.child(0).length(), 3);
  EXPECT_TRUE(c.validate().ok());
  c.clear();
  EXPECT_EQ(c.length(), 0);
  EXPECT_EQ(c.child(0).length(), 0);
  EXPECT_EQ(c.offsets().size(), 1u);
}

TEST(RecordBatchTest, SliceAndColumnIndex) {
  auto schema = DataType::structure({{"id", DataType::bigint()}, {"name", DataType::string()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int i = 0; i < 10; ++i) {
    batch->column(0).append_int(i);
    batch->column(1).append_string("n" + std::to_string(i));
  }
  batch->set_num_rows(10);
  auto s = batch->slice(8, 5);
  ASSERT_EQ(s->num_rows(), 2);
  EXPECT_TRUE(s->validate().ok());
  EXPECT_EQ(s->column(s->column_index("name")).string_at(1), "n9");
  EXPECT_EQ(batch->column_index("nope"), -1);
}

TEST(RecordBatchTest, MakeEmptyAndValidate) {
  auto schema = DataType::structure({{"id", DataType::bigint()}, {"name", DataType::string()}});
  auto batch = RecordBatch::make_empty(schema);
  ASSERT_EQ(batch->num_columns(), 2);
  batch->column(0).append_int(1);
  batch->column(1).append_string("a");
  batch->set_num_rows(1);
  EXPECT_TRUE(batch->validate().ok());
  batch->column(0).append_int(2);
  EXPECT_FALSE(batch->validate().ok());
}

TEST(RecordBatchTest, TenThousandColumnsIsCheap) {
  std::vector<Field> fields;
  for (int i = 0; i < 10000; ++i) {
    fields.push_back({"c" + std::to_string(i), i % 2 ? DataType::string() : DataType::bigint()});
  }
  auto schema = DataType::structure(std::move(fields));
  auto batch = RecordBatch::make_empty(schema);
  for (int i = 0; i < 10000; ++i) {
    if (i % 2) {
      batch->column(i).append_string("v");
    } else {
      batch->column(i).append_int(i);
    }
  }
  batch->set_num_rows(1);
  EXPECT_TRUE(batch->validate().ok());
  EXPECT_EQ(batch->column(9999).string_at(0), "v");
}

}  // namespace
}  // namespace mortar::types
