"""JDBC sources and sinks end to end: a real PostgreSQL started by the tests
(support/postgres.py) and SQLite files, read and written through awsglue
(GlueContext.create_dynamic_frame.from_options / write_dynamic_frame,
from_jdbc_conf, extract_jdbc_conf) and `_mortar` directly; written rows are
read back with psql. Also measures read and COPY-write throughput (printed,
not asserted: speed is recorded in src/engine/jdbc/README.md)."""
import datetime
import decimal
import sqlite3
import time

import pytest

import _mortar
from awsglue_helpers import frame, glue_ctx, rows  # noqa: F401 (fixture)
from support.catalog import unique
from support.postgres import PostgresServer

PG_PASSWORD = "Etl-Secret-pw-42"

SETUP_SQL = f"""
CREATE ROLE etl LOGIN PASSWORD '{PG_PASSWORD}';
CREATE DATABASE shop OWNER etl;
"""

SHOP_SQL = """
CREATE SCHEMA sales AUTHORIZATION etl;
SET ROLE etl;
CREATE TABLE sales.everything (
  id bigint, small smallint, n int, r real, d double precision, price numeric(10,2),
  unbounded numeric, name varchar(20), code char(3), body text, flag boolean, day date,
  at timestamp, atz timestamptz, doc jsonb, raw bytea, tags text[], nums int[], u uuid);
INSERT INTO sales.everything VALUES
  (1, 2, 3, 1.5, 2.25, 12.30, 123.456, 'pen', 'abc', E'tab\\there "q" \\\\ back', true,
   '2024-01-02', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05+02', '{"a": [1, 2]}',
   '\\x0001ff', ARRAY['a b', NULL, 'c,"d"'], '{1,2,3}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL);
CREATE TABLE sales.orders AS
  SELECT g AS id, 'customer ' || (g % 101) AS customer, (g * 0.25)::numeric(12,2) AS amount,
         DATE '2024-01-01' + (g % 365) AS day
  FROM generate_series(1, 5000) g;
"""


@pytest.fixture(scope="module")
def pg():
    with PostgresServer() as server:
        server.sql(SETUP_SQL)
        server.sql(SHOP_SQL, database="shop")
        yield server


def pg_options(pg, **extra):
    options = {"url": pg.jdbc_url("shop"), "user": "etl", "password": PG_PASSWORD}
    options.update(extra)
    return options


def psql_rows(pg, query):
    return [line.split("|") for line in pg.sql(query, database="shop").splitlines() if line]


def test_reads_every_common_postgres_type(pg, glue_ctx):  # noqa: F811
    dyf = glue_ctx.create_dynamic_frame.from_options(
        "postgresql", pg_options(pg, dbtable="sales.everything"))
    schema = {f["name"]: f["type"] for f in dyf._frame.schema()["fields"]}
    assert schema == {
        "id": {"type": "long"}, "small": {"type": "short"}, "n": {"type": "int"},
        "r": {"type": "float"}, "d": {"type": "double"},
        "price": {"type": "decimal", "precision": 10, "scale": 2},
        "unbounded": {"type": "decimal", "precision": 38, "scale": 18},
        "name": {"type": "string"}, "code": {"type": "string"}, "body": {"type": "string"},
        "flag": {"type": "boolean"}, "day": {"type": "date"}, "at": {"type": "timestamp"},
        "atz": {"type": "timestamp"}, "doc": {"type": "string"}, "raw": {"type": "binary"},
        "tags": {"type": "array", "element": {"type": "string"}},
        "nums": {"type": "array", "element": {"type": "int"}}, "u": {"type": "string"}}
    first, second = sorted(rows(dyf), key=lambda r: r["id"])
    assert first == {
        "id": 1, "small": 2, "n": 3, "r": 1.5, "d": 2.25, "price": decimal.Decimal("12.30"),
        "unbounded": decimal.Decimal("123.456000000000000000"), "name": "pen", "code": "abc",
        "body": 'tab\there "q" \\ back', "flag": True, "day": datetime.date(2024, 1, 2),
        "at": datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
        "atz": datetime.datetime(2024, 1, 2, 1, 4, 5),  # timestamptz in UTC
        "doc": '{"a": [1, 2]}', "raw": b"\x00\x01\xff", "tags": ["a b", None, 'c,"d"'],
        "nums": [1, 2, 3], "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}
    assert second["id"] == 2 and all(v is None for k, v in second.items() if k != "id")


def test_hashpartitions_read_the_same_rows_as_one_query(pg, glue_ctx):  # noqa: F811
    read = glue_ctx.create_dynamic_frame.from_options
    one = sorted(rows(read("postgresql", pg_options(pg, dbtable="sales.orders"))),
                 key=lambda r: r["id"])
    assert len(one) == 5000
    by_field = read("postgresql", pg_options(pg, dbtable="sales.orders", hashfield="customer",
                                              hashpartitions="4"))
    assert sorted(rows(by_field), key=lambda r: r["id"]) == one
    by_expr = read("postgresql", pg_options(pg, dbtable="sales.orders", hashexpression="id",
                                             hashpartitions=4))
    assert sorted(rows(by_expr), key=lambda r: r["id"]) == one
    # sampleQuery: only its rows, partitioned as well.
    sample = read("postgresql", pg_options(pg, dbtable="sales.orders", hashfield="id",
                                            sampleQuery="SELECT * FROM sales.orders WHERE id <= 10"))
    assert sorted(r["id"] for r in rows(sample)) == list(range(1, 11))


def test_copy_write_creates_the_table_and_psql_reads_it_back(pg, glue_ctx):  # noqa: F811
    records = [
        {"id": 1, "name": "tab\there", "amount": decimal.Decimal("12.50"), "ok": True,
         "day": datetime.date(2024, 5, 6), "at": datetime.datetime(2024, 5, 6, 7, 8, 9),
         "tags": ["x", "y z"]},
        {"id": 2, "name": None, "amount": decimal.Decimal("-0.05"), "ok": False,
         "day": None, "at": None, "tags": []},
    ]
    dyf = frame(records, glue_ctx)
    glue_ctx.write_dynamic_frame.from_options(
        dyf, connection_type="postgresql", connection_options=pg_options(pg, dbtable="sales.people"))
    got = psql_rows(pg, "SELECT id, name, amount, ok, day, at, array_length(tags, 1) "
                        "FROM sales.people ORDER BY id")
    assert got == [["1", "tab\there", "12.50", "t", "2024-05-06", "2024-05-06 07:08:09", "2"],
                   ["2", "", "-0.05", "f", "", "", ""]]
    # A second write appends.
    glue_ctx.write_dynamic_frame.from_options(
        dyf, connection_type="postgresql", connection_options=pg_options(pg, dbtable="sales.people"))
    assert psql_rows(pg, "SELECT count(*) FROM sales.people") == [["4"]]


def test_created_columns_have_mapped_types(pg):
    f = _mortar.from_records([{"a": 1, "b": "x", "c": 1.5, "d": True, "e": [1, 2],
                               "s": {"k": "v"}}])
    result = _mortar.write_jdbc(f, pg_options(pg, dbtable="sales.typed"))
    assert result == {"rows": 1, "created_table": True}
    assert psql_rows(pg, "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                         "WHERE attrelid = 'sales.typed'::regclass AND attnum > 0 ORDER BY attnum") == [
        ["a", "bigint"], ["b", "text"], ["c", "double precision"], ["d", "boolean"],
        ["e", "bigint[]"], ["s", "jsonb"]]
    assert psql_rows(pg, "SELECT e[2], s->>'k' FROM sales.typed") == [["2", "v"]]


def test_a_failing_write_leaves_no_table_and_no_rows(pg):
    # A value the column rejects: nothing of the write stays, the error names row and column.
    pg.sql("CREATE TABLE sales.narrow (id int, code varchar(3)); ALTER TABLE sales.narrow OWNER TO etl;",
           database="shop")
    f = _mortar.from_records([{"id": 1, "code": "abc"}, {"id": 2, "code": "abcdef"}])
    with pytest.raises(_mortar.MortarError) as e:
        _mortar.write_jdbc(f, pg_options(pg, dbtable="sales.narrow"))
    assert "row 2, column code" in str(e.value)
    assert psql_rows(pg, "SELECT count(*) FROM sales.narrow") == [["0"]]

    # A source failing midway (division by zero at row 4000, after rows were
    # already sent): the new table is rolled back with them.
    src = _mortar.from_jdbc(pg_options(
        pg, sample_query="SELECT g AS id, 100 / (4000 - g) AS q FROM generate_series(1, 5000) g",
        batch_rows=500))
    with pytest.raises(_mortar.MortarError) as e:
        _mortar.write_jdbc(src, pg_options(pg, dbtable="sales.never"))
    assert "division by zero" in str(e.value)
    assert psql_rows(pg, "SELECT to_regclass('sales.never') IS NULL") == [["t"]]


def test_connection_errors_are_clear_and_hide_the_password(pg, glue_ctx):  # noqa: F811
    bad = dict(pg_options(pg, dbtable="sales.orders"), password="Wrong-pw-xyz-123")
    dyf = glue_ctx.create_dynamic_frame.from_options("postgresql", bad)
    with pytest.raises(_mortar.MortarError) as e:
        dyf.count()
    assert e.value.code == "PermissionDenied"
    assert f"127.0.0.1:{pg.port}/shop" in str(e.value)
    assert "Wrong-pw-xyz-123" not in str(e.value)
    with pytest.raises(ValueError, match="mysql"):
        glue_ctx.create_dynamic_frame.from_options(
            "mysql", {"url": "jdbc:mysql://h:3306/db", "dbtable": "t"})
    with pytest.raises(ValueError, match="unknown JDBC option 'hashfeld'"):
        glue_ctx.create_dynamic_frame.from_options(
            "postgresql", pg_options(pg, dbtable="sales.orders", hashfeld="id"))
    with pytest.raises(_mortar.MortarError) as e:
        glue_ctx.create_dynamic_frame.from_options(
            "postgresql", pg_options(pg, dbtable="sales.nope")).count()
    assert e.value.code == "NotFound"


def test_catalog_connection_read_write_and_extract_jdbc_conf(pg, glue, glue_env, glue_ctx):  # noqa: F811
    name = unique("pgconn")
    glue.create_connection(ConnectionInput={
        "Name": name, "ConnectionType": "JDBC",
        "ConnectionProperties": {"JDBC_CONNECTION_URL": pg.jdbc_url("postgres"),
                                 "USERNAME": "etl", "PASSWORD": PG_PASSWORD}})
    try:
        conf = glue_ctx.extract_jdbc_conf(name)
        assert conf["url"] == f"jdbc:postgresql://127.0.0.1:{pg.port}"
        assert conf["fullUrl"] == pg.jdbc_url("postgres")
        assert (conf["user"], conf["password"], conf["vendor"], conf["enforceSSL"]) == (
            "etl", PG_PASSWORD, "postgresql", "false")
        # The connection's URL names database postgres; `database` picks shop.
        dyf = glue_ctx.create_dynamic_frame.from_options(
            "postgresql", {"connectionName": name, "database": "shop", "dbtable": "sales.orders"})
        assert dyf.count() == 5000
        out = frame([{"id": 7, "v": "seven"}], glue_ctx)
        glue_ctx.write_dynamic_frame.from_jdbc_conf(
            out, catalog_connection=name,
            connection_options={"dbtable": "sales.from_conf", "database": "shop"})
        assert psql_rows(pg, "SELECT id, v FROM sales.from_conf") == [["7", "seven"]]
    finally:
        glue.delete_connection(ConnectionName=name)


def test_sqlite_both_ways(tmp_path, glue_ctx):  # noqa: F811
    path = tmp_path / "shop.db"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE items (id INTEGER, name TEXT, price DECIMAL(8,2), added DATE, ok BOOLEAN);
        INSERT INTO items VALUES (1, 'pen', 1.5, '2024-01-02', 1), (2, NULL, '3.25', NULL, 0);
    """)
    con.close()
    url = f"jdbc:sqlite:{path}"
    dyf = glue_ctx.create_dynamic_frame.from_options("sqlite", {"url": url, "dbtable": "items",
                                                                "hashfield": "id",
                                                                "hashpartitions": 2})
    assert sorted(rows(dyf), key=lambda r: r["id"]) == [
        {"id": 1, "name": "pen", "price": decimal.Decimal("1.50"),
         "added": datetime.date(2024, 1, 2), "ok": True},
        {"id": 2, "name": None, "price": decimal.Decimal("3.25"), "added": None, "ok": False}]
    glue_ctx.write_dynamic_frame.from_options(
        dyf, connection_type="sqlite", connection_options={"url": url, "dbtable": "copy"})
    con = sqlite3.connect(path)
    assert con.execute("SELECT id, name, price, added, ok FROM copy ORDER BY id").fetchall() == [
        (1, "pen", 1.5, "2024-01-02", 1), (2, None, 3.25, None, 0)]
    con.close()
    # A failing write into SQLite leaves nothing either.
    bad = frame([{"id": 3, "price": "cheap"}], glue_ctx)
    with pytest.raises(_mortar.MortarError, match="row 1, column price"):
        glue_ctx.write_dynamic_frame.from_options(
            bad, connection_type="sqlite", connection_options={"url": url, "dbtable": "copy"})
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM copy").fetchone() == (2,)
    con.close()


def test_throughput(pg):
    """Read and COPY-write rows/s on a 200,000-row, 4-column table (printed)."""
    pg.sql("CREATE TABLE sales.bench AS SELECT g AS id, md5(g::text) AS name, "
           "(g * 0.01)::numeric(12,2) AS amount, TIMESTAMP '2024-01-01' + g * INTERVAL '1 second' "
           "AS at FROM generate_series(1, 200000) g; ALTER TABLE sales.bench OWNER TO etl;",
           database="shop")
    start = time.perf_counter()
    f = _mortar.from_jdbc(pg_options(pg, dbtable="sales.bench"))
    assert f.count() == 200000
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    assert _mortar.write_jdbc(f, pg_options(pg, dbtable="sales.bench_copy"))["rows"] == 200000
    write_s = time.perf_counter() - start
    start = time.perf_counter()
    f4 = _mortar.from_jdbc(pg_options(pg, dbtable="sales.bench", hashexpression="id",
                                      hashpartitions=4))
    assert f4.count() == 200000
    read4_s = time.perf_counter() - start
    print(f"\nPostgreSQL read {200000 / read_s:,.0f} rows/s, 4 partitions {200000 / read4_s:,.0f} "
          f"rows/s; COPY write (incl. re-reading the source) {200000 / write_s:,.0f} rows/s")


def test_from_catalog_reads_a_crawled_postgres_table(pg, glue, glue_env, db, glue_ctx):  # noqa: F811
    """A table as the JDBC crawler writes it (classification, connectionName,
    Location db.schema.table) is read through its catalog Connection."""
    name = unique("pgconn")
    glue.create_connection(ConnectionInput={
        "Name": name, "ConnectionType": "JDBC",
        "ConnectionProperties": {"JDBC_CONNECTION_URL": pg.jdbc_url("shop"),
                                 "USERNAME": "etl", "PASSWORD": PG_PASSWORD}})
    try:
        glue.create_table(DatabaseName=db, TableInput={
            "Name": "shop_sales_orders", "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "postgresql", "connectionName": name,
                           "typeOfData": "table"},
            "StorageDescriptor": {"Location": "shop.sales.orders", "Columns": [
                {"Name": "id", "Type": "int"}, {"Name": "customer", "Type": "string"},
                {"Name": "amount", "Type": "decimal(12,2)"}, {"Name": "day", "Type": "date"}]}})
        dyf = glue_ctx.create_dynamic_frame.from_catalog(
            database=db, table_name="shop_sales_orders",
            additional_options={"hashfield": "customer", "hashpartitions": "3"})
        got = sorted(rows(dyf), key=lambda r: r["id"])
        assert len(got) == 5000
        assert got[0] == {"id": 1, "customer": "customer 1", "amount": decimal.Decimal("0.25"),
                          "day": datetime.date(2024, 1, 2)}
    finally:
        glue.delete_connection(ConnectionName=name)


def test_glue_script_loads_csv_into_postgres_with_mortar_run(pg, run_script, tmp_path):
    """The seed's case as a Glue script under `mortar run`: CSV -> ApplyMapping
    -> PostgreSQL through COPY; psql sees the typed rows."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "sales.csv").write_text(
        "id,customer,amount,day\n1,ann,10.50,2024-03-01\n2,bob,7,2024-03-02\n3,,0.25,\n")
    result = run_script(f"""
        import sys
        from awsglue.context import GlueContext
        from awsglue.job import Job
        from awsglue.transforms import ApplyMapping
        from awsglue.utils import getResolvedOptions
        from pyspark.context import SparkContext

        args = getResolvedOptions(sys.argv, ["JOB_NAME", "url"])
        glue_context = GlueContext(SparkContext.getOrCreate())
        job = Job(glue_context)
        job.init(args["JOB_NAME"], args)
        raw = glue_context.create_dynamic_frame.from_options(
            "file", {{"paths": ["{tmp_path / 'in'}"]}}, format="csv",
            format_options={{"withHeader": True}})
        typed = ApplyMapping.apply(frame=raw, mappings=[
            ("id", "string", "id", "int"), ("customer", "string", "customer", "string"),
            ("amount", "string", "amount", "decimal(10,2)"), ("day", "string", "day", "date")])
        glue_context.write_dynamic_frame.from_options(
            frame=typed, connection_type="postgresql",
            connection_options={{"url": args["url"], "user": "etl", "password": "{PG_PASSWORD}",
                                 "dbtable": "sales.loaded"}})
        job.commit()
        """, "--url", pg.jdbc_url("shop"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert psql_rows(pg, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                         "attrelid = 'sales.loaded'::regclass AND attnum > 0 ORDER BY attnum") == [
        ["integer"], ["text"], ["numeric(10,2)"], ["date"]]
    assert psql_rows(pg, "SELECT id, customer, amount, day FROM sales.loaded ORDER BY id") == [
        ["1", "ann", "10.50", "2024-03-01"], ["2", "bob", "7.00", "2024-03-02"],
        ["3", "", "0.25", ""]]
