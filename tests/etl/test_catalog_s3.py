"""Catalog tables whose data lives in S3 (moto on loopback): from_catalog with
pruning over s3:// partitions, a catalog-updating sink writing to s3://, and
purge_table deleting S3 objects. The script runs in a child process so the
process-wide S3 settings (read on first s3:// use) are its own."""
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from support.moto import moto_server

# The build's python dir, as tests/etl/conftest.py finds it.
PYTHON_DIR = Path(os.environ.get("MORTAR_BUILD_DIR",
                                Path(__file__).resolve().parents[2] / "build" / "release")) / "python"

PARQUET = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary":
                  "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}

SCRIPT = textwrap.dedent("""
    import json, sys
    import _mortar
    from awsglue import _catalog
    db = sys.argv[1]
    frame = _catalog.create_frame_from_catalog(db, "s3sales", push_down_predicate="year = 2024")
    rows = sorted(frame.to_records(), key=lambda r: r["id"])
    out = _mortar.from_records([{"id": 1, "k": "a"}, {"id": 2, "k": "b"}, {"id": 3, "k": "b"}])
    written = _mortar.write_files(out, {"path": "s3://data/out", "format": "json",
                                        "partition_keys": ["k"]})
    _catalog.update_catalog_after_write(
        database=db, table_name="s3out", path="s3://data/out", format="json",
        format_options={}, partition_keys=["k"], written=written, frame_schema=out.schema())
    back = sorted(r["id"] for r in _catalog.create_frame_from_catalog(db, "s3out").to_records())
    _catalog.purge_table(db, "s3out", {"partitionPredicate": "k = 'a'", "retentionPeriod": 0})
    print(json.dumps({"rows": rows, "back": back}))
""")


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    with moto_server(tmp_path_factory.mktemp("moto") / "requests.log") as url:
        yield url


def _put_parquet(s3, key, table):
    buf = io.BytesIO()
    pq.write_table(table, buf)
    s3.put_object(Bucket="data", Key=key, Body=buf.getvalue())


def test_catalog_tables_in_s3(server, glue, db, moto, tmp_path):
    creds = server.credentials
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1",
                      aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key)
    s3.create_bucket(Bucket="data")
    cols = [{"Name": "id", "Type": "bigint"}]
    glue.create_table(DatabaseName=db, TableInput={
        "Name": "s3sales", "TableType": "EXTERNAL_TABLE", "Parameters": {
            "classification": "parquet"},
        "StorageDescriptor": dict(PARQUET, Columns=cols, Location="s3://data/sales/"),
        "PartitionKeys": [{"Name": "year", "Type": "int"}]})
    inputs = []
    for year in (2023, 2024):
        prefix = f"sales/year={year}/"
        if year == 2023:  # never opened when the predicate prunes it
            s3.put_object(Bucket="data", Key=prefix + "junk.parquet", Body=b"not parquet")
        else:
            _put_parquet(s3, prefix + "p.parquet", pa.table({"id": [10, 11]}))
        inputs.append({"Values": [str(year)], "StorageDescriptor": dict(
            PARQUET, Columns=cols, Location=f"s3://data/{prefix}")})
    glue.batch_create_partition(DatabaseName=db, TableName="s3sales", PartitionInputList=inputs)

    env = dict(os.environ)
    env.update(creds.env())
    env.update(MORTAR_ENDPOINT=server.endpoint, MORTAR_S3_ENDPOINT=moto,
               PYTHONPATH=str(PYTHON_DIR), HOME=str(tmp_path), AWS_EC2_METADATA_DISABLED="true")
    proc = subprocess.run([sys.executable, "-c", SCRIPT, db], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["rows"] == [{"id": 10, "year": 2024}, {"id": 11, "year": 2024}]
    assert result["back"] == [1, 2, 3]

    table = glue.get_table(DatabaseName=db, Name="s3out")["Table"]
    assert table["StorageDescriptor"]["Location"] == "s3://data/out"
    assert table["Parameters"]["classification"] == "json"
    # The purge removed partition k=a's objects and the partition; k=b stays.
    parts = glue.get_partitions(DatabaseName=db, TableName="s3out")["Partitions"]
    assert [p["Values"] for p in parts] == [["b"]]
    assert parts[0]["StorageDescriptor"]["Location"] == "s3://data/out/k=b/"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="data", Prefix="out/").get("Contents", [])]
    assert keys and all(k.startswith("out/k=b/") for k in keys), keys
