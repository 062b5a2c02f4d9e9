"""End to end: the seed's "CSV into relational form" case. A Glue script run
with `mortar run` reads a CSV, types it with ApplyMapping, drops bad rows with
Filter and writes into PostgreSQL (a real server started here), once by URL
and once through a catalog Connection (from_jdbc_conf); psql reads it back."""
import csv
from decimal import Decimal

import pytest

from support.catalog import unique
from support.postgres import PostgresServer

PG_PASSWORD = "e2e-secret"

SCRIPT = """
import sys
from awsglue.transforms import ApplyMapping, Filter
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "url", "user", "password",
                                     "connection"])
glueContext = GlueContext(SparkContext.getOrCreate())
orders = glueContext.create_dynamic_frame.from_options(
    "s3", {"paths": [args["input"]]}, format="csv", format_options={"withHeader": True})
typed = ApplyMapping.apply(frame=orders, mappings=[
    ("order_id", "long", "order_id", "long"),
    ("customer", "string", "customer", "string"),
    ("amount", "string", "amount", "decimal(10,2)"),
    ("ordered_on", "string", "ordered_on", "date"),
])
valid = Filter.apply(frame=typed, f=lambda r: r["amount"] is not None and r["amount"] > 0)
glueContext.write_dynamic_frame.from_options(
    frame=valid, connection_type="postgresql",
    connection_options={"url": args["url"], "user": args["user"], "password": args["password"],
                        "dbtable": "public.orders"})
glueContext.write_dynamic_frame.from_jdbc_conf(
    frame=valid, catalog_connection=args["connection"],
    connection_options={"dbtable": "public.orders_via_conf", "database": "shop"})
print("written", valid.count())
"""


@pytest.fixture(scope="module")
def pg():
    with PostgresServer() as server:
        server.sql(f"CREATE ROLE etl LOGIN PASSWORD '{PG_PASSWORD}';\n"
                   "CREATE DATABASE shop OWNER etl;")
        yield server


def _orders(n):
    rows = []
    for i in range(1, n + 1):
        amount = f"{(i * 7) % 500 - 20}.{i % 100:02d}"  # some are negative: filtered out
        rows.append([i, f"customer {i % 13}, \"vip\"" if i % 50 == 0 else f"customer {i % 13}",
                     amount, f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"])
    return rows


def test_csv_into_postgres_by_url_and_by_catalog_connection(pg, glue, run_script, tmp_path):
    rows = _orders(1000)
    data = tmp_path / "orders"
    data.mkdir()
    with open(data / "orders.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["order_id", "customer", "amount", "ordered_on"])
        w.writerows(rows)
    expected = [(i, c, Decimal(a), d) for i, c, a, d in rows if Decimal(a) > 0]

    conn = unique("pgconn")
    glue.create_connection(ConnectionInput={
        "Name": conn, "ConnectionType": "JDBC",
        "ConnectionProperties": {"JDBC_CONNECTION_URL": pg.jdbc_url("postgres"),
                                 "USERNAME": "etl", "PASSWORD": PG_PASSWORD}})
    try:
        proc = run_script(SCRIPT, "--input", str(data), "--url", pg.jdbc_url("shop"),
                          "--user", "etl", "--password", PG_PASSWORD, "--connection", conn)
    finally:
        glue.delete_connection(ConnectionName=conn)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"written {len(expected)}" in proc.stdout
    assert PG_PASSWORD not in proc.stderr

    for table in ("public.orders", "public.orders_via_conf"):
        out = pg.sql("COPY (SELECT order_id, customer, amount, ordered_on FROM "
                     f"{table} ORDER BY order_id) TO STDOUT WITH (FORMAT csv)", database="shop")
        got = [(int(i), c, Decimal(a), d) for i, c, a, d in csv.reader(out.splitlines())]
        assert got == expected, table
        types = pg.sql("SELECT column_name, data_type FROM information_schema.columns "
                       f"WHERE table_name = '{table.split('.')[1]}' ORDER BY ordinal_position",
                       database="shop").split()
        assert types == ["order_id|bigint", "customer|text", "amount|numeric",
                         "ordered_on|date"], types
