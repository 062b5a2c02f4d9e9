"""A Glue script in the style of AWS's examples, run with `mortar run`: read a
crawled, partitioned CSV table with a Spark-style push_down_predicate, map it,
write Parquet through a catalog-updating sink (getSink + setCatalogInfo), then
purge the source partitions it consumed. Everything is checked from outside
through boto3, pyarrow and the file tree."""
import pyarrow.parquet as pq

from support.catalog import unique
from support.server import wait_for

SCRIPT = """
import sys
from awsglue.transforms import ApplyMapping
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

args = getResolvedOptions(sys.argv, ["JOB_NAME", "db", "table", "out"])
glueContext = GlueContext(SparkContext.getOrCreate())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)

orders = glueContext.create_dynamic_frame.from_catalog(
    database=args["db"], table_name=args["table"],
    push_down_predicate="(year == '2024')", transformation_ctx="orders")
clean = ApplyMapping.apply(frame=orders, mappings=[
    ("order_id", "long", "id", "long"), ("qty", "long", "quantity", "int"),
    ("year", "string", "year", "string")])
sink = glueContext.getSink(connection_type="s3", path=args["out"], enableUpdateCatalog=True,
                           updateBehavior="UPDATE_IN_DATABASE", partitionKeys=["year"])
sink.setFormat("glueparquet")
sink.setCatalogInfo(catalogDatabase=args["db"], catalogTableName="orders_clean")
sink.writeFrame(clean)
print("rows written:", clean.count())  # before the purge: frames are lazy
glueContext.purge_table(args["db"], args["table"],
                        options={"partitionPredicate": "year = '2024'", "retentionPeriod": 0})
job.commit()
"""


def _crawl(glue, db, path):
    name = unique("crawler")
    glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler",
                        DatabaseName=db, Targets={"S3Targets": [{"Path": str(path)}]})
    try:
        glue.start_crawler(Name=name)

        def done():
            crawler = glue.get_crawler(Name=name)["Crawler"]
            return crawler if crawler["State"] == "READY" and "LastCrawl" in crawler else None
        assert wait_for(done, 120, name, interval=0.05)["LastCrawl"]["Status"] == "SUCCEEDED"
    finally:
        glue.delete_crawler(Name=name)
    return glue.get_tables(DatabaseName=db)["TableList"][0]["Name"]


def test_glue_script_from_catalog_to_catalog_sink(glue, db, run_script, tmp_path):
    root = tmp_path / "orders"
    for year in (2023, 2024):
        folder = root / f"year={year}"
        folder.mkdir(parents=True)
        (folder / "part-0.csv").write_text(
            "order_id,item,qty\n" + "".join(f"{year}{i},item{i},{i}\n" for i in range(3)))
    table = _crawl(glue, db, root)
    out = tmp_path / "clean"

    proc = run_script(SCRIPT, "--db", db, "--table", table, "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "rows written: 3" in proc.stdout

    files = sorted(p for p in out.rglob("*.parquet"))
    assert files and all(p.parent.name == "year=2024" for p in files)
    rows = sorted((r for f in files for r in pq.read_table(f).to_pylist()), key=lambda r: r["id"])
    assert [(r["id"], r["quantity"]) for r in rows] == [(20240, 0), (20241, 1), (20242, 2)]

    clean = glue.get_table(DatabaseName=db, Name="orders_clean")["Table"]
    assert [(c["Name"], c["Type"]) for c in clean["StorageDescriptor"]["Columns"]] == [
        ("id", "bigint"), ("quantity", "int")]
    assert [k["Name"] for k in clean["PartitionKeys"]] == ["year"]
    parts = glue.get_partitions(DatabaseName=db, TableName="orders_clean")["Partitions"]
    assert [p["Values"] for p in parts] == [["2024"]]

    # The consumed source partition was purged (files and catalog entry); 2023 stays.
    assert not list((root / "year=2024").glob("*.csv"))
    assert (root / "year=2023" / "part-0.csv").exists()
    source_parts = glue.get_partitions(DatabaseName=db, TableName=table)["Partitions"]
    assert [p["Values"] for p in source_parts] == [["2023"]]
