"""End to end across two runs, in the shape of AWS's "update the Data Catalog
from a job" example: run 1 (mortar run) cleans a CSV and writes it with
getSink(enableUpdateCatalog=True, partitionKeys) + setCatalogInfo, which
creates the table and its partitions; run 2 reads the table back with
from_catalog and a push_down_predicate, and appends through
write_dynamic_frame.from_catalog; the catalog and the files are checked."""
import pyarrow.parquet as pq

WRITE_SCRIPT = """
import sys
from awsglue.transforms import ApplyMapping
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

args = getResolvedOptions(sys.argv, ["JOB_NAME", "db", "input", "output"])
glueContext = GlueContext(SparkContext.getOrCreate())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
raw = glueContext.create_dynamic_frame.from_options(
    "s3", {"paths": [args["input"]]}, format="csv", format_options={"withHeader": True})
orders = ApplyMapping.apply(frame=raw, mappings=[
    ("id", "long", "order_id", "long"), ("amount", "double", "amount", "double"),
    ("day", "string", "day", "string")])
sink = glueContext.getSink(connection_type="s3", path=args["output"],
                           enableUpdateCatalog=True, updateBehavior="UPDATE_IN_DATABASE",
                           partitionKeys=["day"])
sink.setFormat("glueparquet")
sink.setCatalogInfo(catalogDatabase=args["db"], catalogTableName="orders")
sink.writeFrame(orders)
job.commit()
"""

READ_SCRIPT = """
import sys
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "db"])
glueContext = GlueContext(SparkContext.getOrCreate())
day2 = glueContext.create_dynamic_frame.from_catalog(
    database=args["db"], table_name="orders", push_down_predicate="day = '2024-01-02'")
print("DAY2", day2.count())
# Append day 2's rows again as day 3 through the catalog sink.
from awsglue.transforms import Map
def to_day3(r):
    r["day"] = "2024-01-03"
    return r
glueContext.write_dynamic_frame.from_catalog(
    frame=Map.apply(frame=day2, f=to_day3), database=args["db"], table_name="orders",
    additional_options={"enableUpdateCatalog": True, "partitionKeys": ["day"]})
"""

ROWS = [(1, 9.5, "2024-01-01"), (2, 3.25, "2024-01-02"), (3, 7.0, "2024-01-02"),
        (4, 1.5, "2024-01-01")]


def test_catalog_sink_then_from_catalog_in_a_second_run(glue, db, run_script, tmp_path):
    data = tmp_path / "raw"
    data.mkdir()
    (data / "orders.csv").write_text(
        "id,amount,day\n" + "".join(f"{i},{a},{d}\n" for i, a, d in ROWS))
    out = tmp_path / "lake" / "orders"
    proc = run_script(WRITE_SCRIPT, "--db", db, "--input", str(data), "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr

    table = glue.get_table(DatabaseName=db, Name="orders")["Table"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["day"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("order_id", "bigint"), ("amount", "double")]
    assert table["StorageDescriptor"]["Location"].rstrip("/").endswith(str(out))
    parts = glue.get_partitions(DatabaseName=db, TableName="orders")["Partitions"]
    assert sorted(p["Values"][0] for p in parts) == ["2024-01-01", "2024-01-02"]

    proc = run_script(READ_SCRIPT, "--db", db)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    day2 = sorted((i, a, d) for i, a, d in ROWS if d == "2024-01-02")
    assert f"DAY2 {len(day2)}" in proc.stdout  # only the predicate's partition was read

    parts = glue.get_partitions(DatabaseName=db, TableName="orders")["Partitions"]
    assert sorted(p["Values"][0] for p in parts) == ["2024-01-01", "2024-01-02", "2024-01-03"]
    got = pq.read_table(out, partitioning="hive").to_pylist()
    got = sorted((r["order_id"], r["amount"], str(r["day"])) for r in got)
    expected = sorted(ROWS + [(i, a, "2024-01-03") for i, a, _ in day2])
    assert got == expected
