"""JdbcTargets end to end: a real PostgreSQL (started by the test, see
support/postgres.py) and real SQLite files, crawled through a catalog
Connection by a crawler created, started and read back with boto3."""
import sqlite3

import pytest

from support.catalog import unique
from support.postgres import PostgresServer

PG_PASSWORD = "Crawl3r-Secret-pw"

SETUP_SQL = f"""
CREATE ROLE crawler LOGIN PASSWORD '{PG_PASSWORD}';
CREATE DATABASE shop OWNER postgres;
"""

SHOP_SQL = """
CREATE SCHEMA sales;
CREATE SCHEMA staging;
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE sales."Orders" (
  order_id bigint PRIMARY KEY, qty smallint, item_count int4, price numeric(10,2),
  weight real, ratio double precision, paid boolean, note varchar(200), code char(3),
  body text, ordered_on date, created_at timestamp, updated_at timestamptz, raw bytea,
  attrs jsonb, tags text[], feeling mood, units positive_int, unbounded numeric);
CREATE TABLE sales.customers (id serial, "Name" text);
CREATE TABLE sales.tmp_load (x int);
CREATE TABLE sales.secret_salaries (who text, amount numeric(12,2));
CREATE VIEW sales.big_orders AS SELECT order_id, price FROM sales."Orders" WHERE price > 100;
CREATE MATERIALIZED VIEW sales.order_totals AS SELECT sum(price) AS total FROM sales."Orders";
CREATE TABLE staging.raw_events (id int, payload json);
CREATE TABLE public.plain (a int);
GRANT USAGE ON SCHEMA sales, staging TO crawler;
GRANT SELECT ON sales."Orders", sales.customers, sales.tmp_load, sales.big_orders,
  sales.order_totals, staging.raw_events, public.plain TO crawler;
"""


@pytest.fixture(scope="module")
def pg():
    with PostgresServer() as server:
        server.sql(SETUP_SQL)
        server.sql(SHOP_SQL, database="shop")
        yield server


def make_connection(glue, url, user=None, password=None):
    name = unique("conn")
    props = {"JDBC_CONNECTION_URL": url}
    if user:
        props["USERNAME"] = user
    if password:
        props["PASSWORD"] = password
    glue.create_connection(ConnectionInput={"Name": name, "ConnectionType": "JDBC",
                                            "ConnectionProperties": props})
    return name


@pytest.fixture
def crawl(glue, new_crawler, wait_for_crawl):
    """crawl(db, targets, **crawler_kwargs) -> LastCrawl of a new crawler's first crawl."""
    def run(db, targets, **kwargs):
        name = new_crawler(db=db, targets={"JdbcTargets": targets}, **kwargs)
        glue.start_crawler(Name=name)
        return wait_for_crawl(glue, name)["LastCrawl"]
    return run


def tables_by_name(glue, db):
    pages = glue.get_paginator("get_tables").paginate(DatabaseName=db)
    return {t["Name"]: t for page in pages for t in page["TableList"]}


def columns(table):
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def test_postgres_tables_views_and_glue_types(glue, pg, crawl_db, crawl):
    conn = make_connection(glue, pg.jdbc_url("shop"), "crawler", PG_PASSWORD)
    last = crawl(crawl_db,
                 [{"ConnectionName": conn, "Path": "shop/sales/%", "Exclusions": ["tmp_*"]}],
                 TablePrefix="pg_")
    assert last["Status"] == "SUCCEEDED", last
    tables = tables_by_name(glue, crawl_db)
    assert sorted(tables) == ["pg_shop_sales_big_orders", "pg_shop_sales_customers",
                              "pg_shop_sales_order_totals", "pg_shop_sales_orders"]
    orders = tables["pg_shop_sales_orders"]
    assert columns(orders) == [
        ("order_id", "bigint"), ("qty", "smallint"), ("item_count", "int"),
        ("price", "decimal(10,2)"), ("weight", "float"), ("ratio", "double"),
        ("paid", "boolean"), ("note", "string"), ("code", "string"), ("body", "string"),
        ("ordered_on", "date"), ("created_at", "timestamp"), ("updated_at", "timestamp"),
        ("raw", "binary"), ("attrs", "string"), ("tags", "array<string>"),
        ("feeling", "string"), ("units", "int"), ("unbounded", "decimal(38,18)")]
    sd = orders["StorageDescriptor"]
    assert sd["Location"] == "shop.sales.Orders"
    assert not orders.get("PartitionKeys")
    params = orders["Parameters"]
    assert params["classification"] == "postgresql"
    assert params["typeOfData"] == "table"
    assert params["connectionName"] == conn
    assert "SerializationLibrary" not in sd.get("SerdeInfo", {})
    assert "InputFormat" not in sd
    assert columns(tables["pg_shop_sales_customers"]) == [("id", "int"), ("name", "string")]
    view = tables["pg_shop_sales_big_orders"]
    assert view["Parameters"]["typeOfData"] == "view"
    assert columns(view) == [("order_id", "bigint"), ("price", "decimal(10,2)")]
    assert tables["pg_shop_sales_order_totals"]["Parameters"]["typeOfData"] == "view"


def test_postgres_wildcard_schemas_skip_system_schemas(glue, pg, crawl_db, crawl):
    conn = make_connection(glue, pg.jdbc_url("shop"), "crawler", PG_PASSWORD)
    last = crawl(crawl_db,
                 [{"ConnectionName": conn, "Path": "shop/%",
                   "Exclusions": ["sales/**", "public/pl?in"]}])
    assert last["Status"] == "SUCCEEDED", last
    tables = tables_by_name(glue, crawl_db)
    assert sorted(tables) == ["shop_staging_raw_events"]
    assert columns(tables["shop_staging_raw_events"]) == [("id", "int"), ("payload", "string")]


def test_postgres_table_without_privilege_is_skipped_and_crawl_goes_on(glue, pg, crawl_db, crawl):
    conn = make_connection(glue, pg.jdbc_url("shop"), "crawler", PG_PASSWORD)
    last = crawl(crawl_db,
                 [{"ConnectionName": conn, "Path": "shop/sales/%_salaries"},
                  {"ConnectionName": conn, "Path": "shop/public/plain"}])
    assert last["Status"] == "SUCCEEDED", last
    assert sorted(tables_by_name(glue, crawl_db)) == ["shop_public_plain"]


def test_postgres_recrawl_picks_up_new_columns(glue, pg, crawl_db, new_crawler, wait_for_crawl):
    pg.sql("CREATE TABLE public.evolving (a int);", database="shop")
    pg.sql("GRANT SELECT ON public.evolving TO crawler;", database="shop")
    conn = make_connection(glue, pg.jdbc_url("shop"), "crawler", PG_PASSWORD)
    name = new_crawler(db=crawl_db, targets={"JdbcTargets": [
        {"ConnectionName": conn, "Path": "shop/public/evolving"}]})
    glue.start_crawler(Name=name)
    assert wait_for_crawl(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
    pg.sql("ALTER TABLE public.evolving ADD COLUMN b varchar(10);", database="shop")
    glue.start_crawler(Name=name)
    assert wait_for_crawl(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
    table = glue.get_table(DatabaseName=crawl_db, Name="shop_public_evolving")["Table"]
    assert columns(table) == [("a", "int"), ("b", "string")]


def test_bad_password_fails_the_crawl_without_leaking_it(glue, pg, crawl_db, crawl):
    wrong = "Wr0ng-Password-123"
    conn = make_connection(glue, pg.jdbc_url("shop"), "crawler", wrong)
    last = crawl(crawl_db, [{"ConnectionName": conn, "Path": "shop/sales/%"}])
    assert last["Status"] == "FAILED", last
    message = last.get("ErrorMessage", "")
    assert conn in message and "authentication failed" in message, message
    assert wrong not in message and PG_PASSWORD not in message
    assert tables_by_name(glue, crawl_db) == {}


def test_unknown_database_and_unreachable_server_fail_clearly(glue, pg, crawl_db, crawl):
    conn = make_connection(glue, pg.jdbc_url("shop"), "crawler", PG_PASSWORD)
    last = crawl(crawl_db, [{"ConnectionName": conn, "Path": "nosuchdb/%"}])
    assert last["Status"] == "FAILED", last
    assert conn in last["ErrorMessage"] and "nosuchdb" in last["ErrorMessage"], last

    dead = make_connection(glue, "jdbc:postgresql://127.0.0.1:1/shop?connectTimeout=2",
                           "crawler", PG_PASSWORD)
    last = crawl(crawl_db, [{"ConnectionName": dead, "Path": "shop/%"}])
    assert last["Status"] == "FAILED", last
    assert dead in last["ErrorMessage"] and "cannot connect" in last["ErrorMessage"], last
    assert PG_PASSWORD not in last["ErrorMessage"]


def make_sqlite(path):
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE Customers (id INTEGER PRIMARY KEY, name VARCHAR(40), vip BOOLEAN,
                                joined DATE, seen DATETIME, balance DECIMAL(10,2),
                                score REAL, photo BLOB);
        CREATE TABLE orders (order_id INTEGER, customer_id INTEGER, amount NUMERIC);
        CREATE TABLE audit_log (entry TEXT);
        CREATE VIEW vip_customers AS SELECT id, name FROM Customers WHERE vip;
        INSERT INTO Customers (name, vip) VALUES ('ann', 1);
    """)
    db.commit()
    db.close()


def test_sqlite_tables_and_views(glue, crawl_db, crawl, tmp_path):
    path = tmp_path / "shop.db"
    make_sqlite(path)
    conn = make_connection(glue, f"jdbc:sqlite:{path}")
    last = crawl(crawl_db,
                 [{"ConnectionName": conn, "Path": "shop/%", "Exclusions": ["audit_*"]}])
    assert last["Status"] == "SUCCEEDED", last
    tables = tables_by_name(glue, crawl_db)
    assert sorted(tables) == ["shop_customers", "shop_orders", "shop_vip_customers"]
    customers = tables["shop_customers"]
    assert columns(customers) == [
        ("id", "bigint"), ("name", "string"), ("vip", "boolean"), ("joined", "date"),
        ("seen", "timestamp"), ("balance", "decimal(10,2)"), ("score", "double"),
        ("photo", "binary")]
    assert customers["StorageDescriptor"]["Location"] == "shop.Customers"
    assert customers["Parameters"]["classification"] == "sqlite"
    assert customers["Parameters"]["connectionName"] == conn
    assert tables["shop_vip_customers"]["Parameters"]["typeOfData"] == "view"
    assert columns(tables["shop_orders"]) == [("order_id", "bigint"), ("customer_id", "bigint"),
                                              ("amount", "double")]


def test_sqlite_unknown_database_fails_naming_the_connection(glue, crawl_db, crawl, tmp_path):
    path = tmp_path / "shop.db"
    make_sqlite(path)
    conn = make_connection(glue, f"jdbc:sqlite:{path}")
    last = crawl(crawl_db, [{"ConnectionName": conn, "Path": "warehouse/%"}])
    assert last["Status"] == "FAILED", last
    assert conn in last["ErrorMessage"] and "warehouse" in last["ErrorMessage"], last
