// The catalog component's schema. Other components rely on `databases.id`
// and `tables.id` (partitions, indexes and statistics reference tables(id)
// ON DELETE CASCADE), so those columns never change meaning.
#include "catalog/schema.h"

#include "store/dialect.h"

namespace mortar::catalog {

using store::seconds_to_micros_sql;

const std::vector<store::Migration>& catalog_migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "databases, tables, versions, connections, functions, tags, audit",
       R"sql(
CREATE TABLE databases(
  id {{AUTO_ID}},
  catalog_id TEXT NOT NULL,
  name TEXT NOT NULL,            -- lower-cased
  body TEXT NOT NULL,            -- the Glue Database object (JSON)
  create_time REAL NOT NULL,
  UNIQUE(catalog_id, name));

CREATE TABLE tables(
  id {{AUTO_ID}},
  database_id BIGINT NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
  name TEXT NOT NULL,            -- lower-cased
  version_id BIGINT NOT NULL,   -- current VersionId
  body TEXT NOT NULL,            -- the Glue Table object as GetTable returns it
  create_time REAL NOT NULL,
  update_time REAL NOT NULL,
  UNIQUE(database_id, name));

-- Archived (non-current) versions; the current one lives in tables.
CREATE TABLE table_versions(
  table_id BIGINT NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
  version_id BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(table_id, version_id)){{CLUSTERED}};

CREATE TABLE connections(
  id {{AUTO_ID}},
  catalog_id TEXT NOT NULL,
  name TEXT NOT NULL,
  connection_type TEXT NOT NULL,
  body TEXT NOT NULL,            -- the Glue Connection object
  UNIQUE(catalog_id, name));

CREATE TABLE functions(
  id {{AUTO_ID}},
  database_id BIGINT NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  body TEXT NOT NULL,            -- the Glue UserDefinedFunction object
  UNIQUE(database_id, name));

-- Tags hang off the entity row so deleting the entity drops its tags.
CREATE TABLE tags(
  resource TEXT NOT NULL,        -- canonical ARN
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  database_id BIGINT REFERENCES databases(id) ON DELETE CASCADE,
  table_id BIGINT REFERENCES tables(id) ON DELETE CASCADE,
  connection_id BIGINT REFERENCES connections(id) ON DELETE CASCADE,
  function_id BIGINT REFERENCES functions(id) ON DELETE CASCADE,
  PRIMARY KEY(resource, key));
CREATE INDEX tags_database ON tags(database_id);
CREATE INDEX tags_table ON tags(table_id);
CREATE INDEX tags_connection ON tags(connection_id);
CREATE INDEX tags_function ON tags(function_id);

CREATE TABLE audit_log(
  id {{AUTO_ID}},
  time_micros BIGINT NOT NULL,
  account_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  operation TEXT NOT NULL,
  resource TEXT NOT NULL,
  request_id TEXT NOT NULL,
  outcome TEXT NOT NULL);
)sql"},
      // Timestamps as BIGINT microseconds since the epoch (were REAL seconds):
      // exact on both backends (PostgreSQL's REAL is 4 bytes).
      {2, "databases and tables: create/update times in microseconds",
       seconds_to_micros_sql(
           {{"databases", "create_time"}, {"tables", "create_time"}, {"tables", "update_time"}})},
  };
  return kMigrations;
}

}  // namespace mortar::catalog
