#include "sql/jdbc_url.h"

#include <gtest/gtest.h>


namespace mortar::sql {
namespace {

TEST(JdbcUrl, PostgresHostPortDatabase) {
  auto u = parse_jdbc_url("jdbc:postgresql://db.internal:6543/sales");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->engine, Engine::kPostgres);
  EXPECT_EQ(u->host, "db.internal");
  EXPECT_EQ(u->port, 6543);
  EXPECT_EQ(u->database, "sales");
  EXPECT_TRUE(u->options.empty());
}

TEST(JdbcUrl, PostgresDefaultsAndIpv6) {
  auto u = parse_jdbc_url("jdbc:postgresql://localhost/");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->port, 5432);
  EXPECT_EQ(u->database, "");
  auto v6 = parse_jdbc_url("jdbc:postgresql://[::1]:5433/db");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 5433);
}

TEST(JdbcUrl, PgJdbcParametersBecomeLibpqKeywords) {
  auto u = parse_jdbc_url(
      "jdbc:postgresql://h:5432/d?sslmode=verify-full&connectTimeout=3&ApplicationName=etl%20job"
      "&prepareThreshold=0&sslrootcert=/etc/ca.pem");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->options.at("sslmode"), "verify-full");
  EXPECT_EQ(u->options.at("connect_timeout"), "3");
  EXPECT_EQ(u->options.at("application_name"), "etl job");
  EXPECT_EQ(u->options.at("sslrootcert"), "/etc/ca.pem");
  EXPECT_FALSE(u->options.count("prepareThreshold"));  // Java-driver tuning only
  auto ssl = parse_jdbc_url("jdbc:postgresql://h/d?ssl=true");
  ASSERT_TRUE(ssl.ok());
  EXPECT_EQ(ssl->options.at("sslmode"), "require");
}

TEST(JdbcUrl, MalformedUrlsAreClearErrors) {
  for (const char* bad : {"jdbc:postgresql:sales", "jdbc:postgresql://h:99999/d", "jdbc:postgresql://h:abc/d",
                          "jdbc:postgresql://[::1/d", "jdbc:postgresql://h1:5432,h2:5432/d",
                          "jdbc:postgresql://h/d?sslmode=sometimes", "jdbc:sqlite:relative.db",
                          "jdbc:sqlite:", "jdbc:sqlite::memory:", ""}) {
    auto u = parse_jdbc_url(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(u.status())) << bad << " -> " << u.status();
  }
  auto mysql = parse_jdbc_url("jdbc:mysql://h:3306/d");
  EXPECT_TRUE(absl::IsInvalidArgument(mysql.status()));
  EXPECT_NE(mysql.status().message().find("jdbc:postgresql"), absl::string_view::npos) << mysql.status();
  EXPECT_NE(mysql.status().message().find("jdbc:mysql:"), absl::string_view::npos) << mysql.status();
  auto oracle = parse_jdbc_url("jdbc:oracle:thin:scott/T1gerPw@db:1521:orcl");
  EXPECT_TRUE(absl::IsInvalidArgument(oracle.status()));
  EXPECT_EQ(oracle.status().message().find("T1gerPw"), absl::string_view::npos) << oracle.status();
}

TEST(JdbcUrl, CredentialsInTheAuthorityAreRejectedWithoutEchoingThem) {
  auto u = parse_jdbc_url("jdbc:postgresql://bob:s3cretpw@h/d");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().message().find("s3cretpw"), absl::string_view::npos) << u.status();
}

TEST(JdbcUrl, SqlitePaths) {
  auto u = parse_jdbc_url("jdbc:sqlite:/data/shop.db");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->engine, Engine::kSqlite);
  EXPECT_EQ(u->path, "/data/shop.db");
  auto f = parse_jdbc_url("jdbc:sqlite:file:///data/my%20shop.db?mode=ro");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->path, "/data/my shop.db");
}

}  // namespace
}  // namespace mortar::sql
