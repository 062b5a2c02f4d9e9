// The catalog component's schema. Other components rely on `databases.id`
// and `tables.id` (partitions, indexes and statistics reference tables(id)
// ON DELETE CASCADE), so those columns never change meaning.
#include "catalog/schema.h"

namespace mortar::catalog {

const std::vector<store::Migration>& catalog_migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "databases, tables, versions, connections, functions, tags, audit",
       R"sql(
CREATE TABLE databases(
  id INTEGER PRIMARY KEY,
  catalog_id TEXT NOT NULL,
  name TEXT NOT NULL,            -- lower-cased
  body TEXT NOT NULL,            -- the Glue Database object (JSON)
  create_time REAL NOT NULL,
  UNIQUE(catalog_id, name));

CREATE TABLE tables(
  id INTEGER PRIMARY KEY,
  database_id INTEGER NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
  name TEXT NOT NULL,            -- lower-cased
  version_id INTEGER NOT NULL,   -- current VersionId
  body TEXT NOT NULL,            -- the Glue Table object as GetTable returns it
  create_time REAL NOT NULL,
  update_time REAL NOT NULL,
  UNIQUE(database_id, name));

-- Archived (non-current) versions; the current one lives in tables.
CREATE TABLE table_versions(
  table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
  version_id INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(table_id, version_id)) WITHOUT ROWID;

CREATE TABLE connections(
  id INTEGER PRIMARY KEY,
  catalog_id TEXT NOT NULL,
  name TEXT NOT NULL,
  connection_type TEXT NOT NULL,
  body TEXT NOT NULL,            -- the Glue Connection object
  UNIQUE(catalog_id, name));

CREATE TABLE functions(
  id INTEGER PRIMARY KEY,
  database_id INTEGER NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  body TEXT NOT NULL,            -- the Glue UserDefinedFunction object
  UNIQUE(database_id, name));

-- Tags hang off the entity row so deleting the entity drops its tags.
CREATE TABLE tags(
  resource TEXT NOT NULL,        -- canonical ARN
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  database_id INTEGER REFERENCES databases(id) ON DELETE CASCADE,
  table_id INTEGER REFERENCES tables(id) ON DELETE CASCADE,
  connection_id INTEGER REFERENCES connections(id) ON DELETE CASCADE,
  function_id INTEGER REFERENCES functions(id) ON DELETE CASCADE,
  PRIMARY KEY(resource, key));
CREATE INDEX tags_database ON tags(database_id);
CREATE INDEX tags_table ON tags(table_id);
CREATE INDEX tags_connection ON tags(connection_id);
CREATE INDEX tags_function ON tags(function_id);

CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  time_micros INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  operation TEXT NOT NULL,
  resource TEXT NOT NULL,
  request_id TEXT NOT NULL,
  outcome TEXT NOT NULL);
)sql"},
  };
  return kMigrations;
}

}  // namespace mortar::catalog
