// SearchTables, connections, functions and tags.
#include "catalog/catalog_test_util.h"

namespace mortar::catalog {
namespace {

std::vector<std::string> names_of(const Page& page) {
  std::vector<std::string> out;
  for (auto& t : page.items) out.push_back(t["DatabaseName"].get<std::string>() + "." + t["Name"].get<std::string>());
  return out;
}

TEST_P(CatalogTest, SearchTablesByTextFiltersAndSort) {
  make_db("sales");
  make_db("web");
  Json t1 = table_input("customer-link");
  t1["Description"] = "Customer master data";
  t1["Parameters"] = {{"classification", "parquet"}};
  ASSERT_TRUE(catalog_->create_table(op("CreateTable"), "sales", t1).ok());
  clock_.advance(100'000'000);
  Json t2 = table_input("xxlinkyy");
  t2["StorageDescriptor"]["Columns"].push_back({{"Name", "customer_id"}, {"Type", "string"}});
  t2["Parameters"] = {{"classification", "csv"}};
  ASSERT_TRUE(catalog_->create_table(op("CreateTable"), "web", t2).ok());
  make_table("web", "clicks");

  auto search = [&](Json req) {
    auto page = catalog_->search_tables(ctx_, req, nullptr, 100);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? names_of(*page) : std::vector<std::string>{};
  };
  // Text: names, descriptions, column names.
  EXPECT_EQ(search({{"SearchText", "customer"}}),
            (std::vector<std::string>{"sales.customer-link", "web.xxlinkyy"}));
  EXPECT_EQ(search({{"SearchText", "MASTER"}}), (std::vector<std::string>{"sales.customer-link"}));
  EXPECT_EQ(search({{"SearchText", "csv"}}), (std::vector<std::string>{"web.xxlinkyy"}));
  // Filter Name by token, as Glue documents: "link" matches customer-link, not xxlinkyy.
  EXPECT_EQ(search({{"Filters", {{{"Key", "Name"}, {"Value", "link"}}}}}),
            (std::vector<std::string>{"sales.customer-link"}));
  EXPECT_EQ(search({{"Filters", {{{"Key", "DatabaseName"}, {"Value", "web"}}}}}),
            (std::vector<std::string>{"web.clicks", "web.xxlinkyy"}));
  EXPECT_EQ(search({{"Filters", {{{"Key", "classification"}, {"Value", "parquet"}}}}}),
            (std::vector<std::string>{"sales.customer-link"}));
  EXPECT_EQ(search({{"Filters",
                     {{{"Key", "CreateTime"}, {"Value", "1700000050"}, {"Comparator", "GREATER_THAN"}}}}}),
            (std::vector<std::string>{"web.clicks", "web.xxlinkyy"}));
  EXPECT_EQ(search({{"SortCriteria", {{{"FieldName", "Name"}, {"Sort", "DESC"}}}}}),
            (std::vector<std::string>{"web.xxlinkyy", "sales.customer-link", "web.clicks"}));
  // Paging by offset.
  auto p1 = catalog_->search_tables(ctx_, Json::object(), nullptr, 2);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->items.size(), 2u);
  ASSERT_FALSE(p1->next.is_null());
  auto p2 = catalog_->search_tables(ctx_, Json::object(), p1->next, 2);
  EXPECT_EQ(p2->items.size(), 1u);
  EXPECT_TRUE(p2->next.is_null());
}

Json jdbc(const std::string& name) {
  return {{"Name", name},
          {"ConnectionType", "JDBC"},
          {"MatchCriteria", {"a", "b"}},
          {"ConnectionProperties",
           {{"JDBC_CONNECTION_URL", "jdbc:postgresql://h/db"}, {"USERNAME", "u"}, {"PASSWORD", "secret"}}}};
}

TEST_P(CatalogTest, ConnectionsCrudAndHidePassword) {
  ASSERT_TRUE(catalog_->create_connection(op("CreateConnection"), jdbc("pg"), {{"team", "data"}}).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(catalog_->create_connection(op("CreateConnection"), jdbc("pg"), nullptr)));
  auto shown = catalog_->get_connection(ctx_, "pg", false);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ((*shown)["ConnectionProperties"]["PASSWORD"], "secret");
  EXPECT_EQ((*shown)["CreationTime"], 1700000000.0);
  auto hidden = catalog_->get_connection(ctx_, "pg", true);
  EXPECT_FALSE((*hidden)["ConnectionProperties"].contains("PASSWORD"));
  EXPECT_EQ((*hidden)["ConnectionProperties"]["USERNAME"], "u");

  Json kafka = {{"Name", "k"}, {"ConnectionType", "KAFKA"}, {"ConnectionProperties", {{"PASSWORD", "p"}}}};
  ASSERT_TRUE(catalog_->create_connection(op("CreateConnection"), kafka, nullptr).ok());
  auto all = catalog_->get_connections(ctx_, nullptr, true, nullptr, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->items.size(), 2u);
  for (auto& c : all->items) EXPECT_FALSE(c["ConnectionProperties"].contains("PASSWORD"));
  auto filtered = catalog_->get_connections(ctx_, {{"ConnectionType", "KAFKA"}}, false, nullptr, 100);
  ASSERT_EQ(filtered->items.size(), 1u);
  EXPECT_EQ(filtered->items[0]["Name"], "k");
  auto by_match = catalog_->get_connections(ctx_, {{"MatchCriteria", {"b"}}}, false, nullptr, 100);
  ASSERT_EQ(by_match->items.size(), 1u);

  Json renamed = jdbc("pg2");
  ASSERT_TRUE(catalog_->update_connection(op("UpdateConnection"), "pg", renamed).ok());
  EXPECT_TRUE(absl::IsNotFound(catalog_->get_connection(ctx_, "pg", false).status()));
  auto tags = catalog_->get_tags(ctx_, "arn:aws:glue:us-east-1:123456789012:connection/pg2");
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ((*tags)["team"], "data");

  auto batch = catalog_->batch_delete_connection(op("BatchDeleteConnection"), {"pg2", "missing"});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ((*batch)["Succeeded"], Json::array({"pg2"}));
  EXPECT_EQ((*batch)["Errors"]["missing"]["ErrorCode"], "EntityNotFoundException");
  EXPECT_TRUE(catalog_->delete_connection(op("DeleteConnection"), "k").ok());
  EXPECT_TRUE(absl::IsNotFound(catalog_->delete_connection(op("DeleteConnection"), "k")));
  EXPECT_EQ(count("SELECT count(*) FROM tags"), 0);
}

TEST_P(CatalogTest, UserDefinedFunctions) {
  make_db("a");
  make_db("b");
  Json f = {{"FunctionName", "MyUpper"}, {"ClassName", "com.x.Upper"}, {"OwnerName", "me"},
            {"OwnerType", "USER"}, {"ResourceUris", {{{"ResourceType", "JAR"}, {"Uri", "/x.jar"}}}}};
  ASSERT_TRUE(catalog_->create_function(op("CreateUserDefinedFunction"), "a", f).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(catalog_->create_function(op("CreateUserDefinedFunction"), "a", f)));
  f["FunctionName"] = "my_lower";
  ASSERT_TRUE(catalog_->create_function(op("CreateUserDefinedFunction"), "a", f).ok());
  ASSERT_TRUE(catalog_->create_function(op("CreateUserDefinedFunction"), "b", f).ok());
  auto got = catalog_->get_function(ctx_, "a", "MYUPPER");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["FunctionName"], "myupper");
  EXPECT_EQ((*got)["DatabaseName"], "a");
  EXPECT_EQ((*got)["ClassName"], "com.x.Upper");

  auto in_a = catalog_->get_functions(ctx_, std::string("a"), "my*", std::nullopt, nullptr, 100);
  ASSERT_TRUE(in_a.ok());
  EXPECT_EQ(in_a->items.size(), 2u);
  // No database: every database, paged.
  auto p1 = catalog_->get_functions(ctx_, std::nullopt, "*lower", std::nullopt, nullptr, 1);
  ASSERT_TRUE(p1.ok());
  ASSERT_EQ(p1->items.size(), 1u);
  auto p2 = catalog_->get_functions(ctx_, std::nullopt, "*lower", std::nullopt, p1->next, 1);
  ASSERT_EQ(p2->items.size(), 1u);
  EXPECT_EQ(p2->items[0]["DatabaseName"], "b");
  EXPECT_TRUE(p2->next.is_null());

  f["ClassName"] = "com.x.Lower2";
  ASSERT_TRUE(catalog_->update_function(op("UpdateUserDefinedFunction"), "a", "my_lower", f).ok());
  EXPECT_EQ((*catalog_->get_function(ctx_, "a", "my_lower"))["ClassName"], "com.x.Lower2");
  ASSERT_TRUE(catalog_->delete_function(op("DeleteUserDefinedFunction"), "a", "my_lower").ok());
  EXPECT_TRUE(absl::IsNotFound(catalog_->get_function(ctx_, "a", "my_lower").status()));
  EXPECT_TRUE(absl::IsNotFound(catalog_->get_function(ctx_, "zzz", "x").status()));
}

TEST_P(CatalogTest, TagsByArn) {
  make_db("db");
  make_table("db", "t");
  const std::string db_arn = "arn:aws:glue:us-east-1:123456789012:database/db";
  const std::string t_arn = "arn:aws:glue:eu-west-1:123456789012:table/db/T";
  ASSERT_TRUE(catalog_->tag_resource(op("TagResource"), db_arn, {{"a", "1"}, {"b", "2"}}).ok());
  ASSERT_TRUE(catalog_->tag_resource(op("TagResource"), t_arn, {{"a", "x"}}).ok());
  ASSERT_TRUE(catalog_->tag_resource(op("TagResource"), db_arn, {{"a", "3"}}).ok());
  EXPECT_EQ(*catalog_->get_tags(ctx_, db_arn), (Json{{"a", "3"}, {"b", "2"}}));
  EXPECT_EQ(*catalog_->get_tags(ctx_, t_arn), (Json{{"a", "x"}}));
  ASSERT_TRUE(catalog_->untag_resource(op("UntagResource"), db_arn, {"a", "nope"}).ok());
  EXPECT_EQ(*catalog_->get_tags(ctx_, db_arn), (Json{{"b", "2"}}));

  EXPECT_TRUE(absl::IsNotFound(
      catalog_->get_tags(ctx_, "arn:aws:glue:us-east-1:123456789012:table/db/missing").status()));
  EXPECT_TRUE(absl::IsNotFound(catalog_->tag_resource(
      op("TagResource"), "arn:aws:glue:us-east-1:123456789012:database/missing", {{"a", "1"}})));
  EXPECT_TRUE(absl::IsInvalidArgument(catalog_->get_tags(ctx_, "not-an-arn").status()));
  EXPECT_TRUE(absl::IsPermissionDenied(
      catalog_->get_tags(ctx_, "arn:aws:glue:us-east-1:999999999999:database/db").status()));

  Json many = Json::object();
  for (int i = 0; i < 51; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_TRUE(absl::IsResourceExhausted(catalog_->tag_resource(op("TagResource"), t_arn, many)));
  EXPECT_EQ(catalog_->get_tags(ctx_, t_arn)->size(), 1u);

  ASSERT_TRUE(catalog_->delete_table(op("DeleteTable"), "db", "t").ok());
  make_table("db", "t");
  EXPECT_TRUE(catalog_->get_tags(ctx_, t_arn)->empty());
}

}  // namespace
}  // namespace mortar::catalog
