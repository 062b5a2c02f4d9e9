"""End to end on an S3-compatible store (moto's server on loopback): a Glue
script run with `mortar run` reads CSV from s3://, maps it and writes Parquet
partitioned back to s3://; the objects are listed and read with pyarrow."""
import io

import boto3
import pyarrow.parquet as pq
import pytest

from support.moto import moto_server

SCRIPT = """
import sys
from awsglue.transforms import ApplyMapping
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
glueContext = GlueContext(SparkContext.getOrCreate())
raw = glueContext.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": ["s3://lake/raw/"], "recurse": True},
    format="csv", format_options={"withHeader": True})
clean = ApplyMapping.apply(frame=raw, mappings=[
    ("sensor", "string", "sensor", "string"), ("reading", "double", "celsius", "double"),
    ("day", "string", "day", "string")])
glueContext.write_dynamic_frame.from_options(
    frame=clean, connection_type="s3", format="parquet",
    connection_options={"path": "s3://lake/clean/", "partitionKeys": ["day"]})
print("rows", clean.count())
"""


@pytest.fixture
def s3_endpoint(tmp_path):
    with moto_server(tmp_path / "moto.log") as url:
        yield url


def test_s3_csv_to_partitioned_parquet(run_script, s3_endpoint):
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
    s3.create_bucket(Bucket="lake")
    rows = [(f"s{i % 3}", round(i * 0.5 - 3, 1), f"2024-05-0{1 + i % 2}") for i in range(40)]
    for part in range(2):
        body = "sensor,reading,day\n" + "".join(
            f"{s},{r},{d}\n" for s, r, d in rows[part * 20:(part + 1) * 20])
        s3.put_object(Bucket="lake", Key=f"raw/2024/part-{part}.csv", Body=body.encode())

    proc = run_script(SCRIPT, env={"MORTAR_S3_ENDPOINT": s3_endpoint})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "rows 40" in proc.stdout

    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lake", Prefix="clean/")["Contents"]]
    # Only the final files are visible: no temp objects left behind.
    assert keys and all(k.endswith(".parquet") for k in keys), keys
    assert sorted({k.split("/")[1] for k in keys}) == ["day=2024-05-01", "day=2024-05-02"]
    got = []
    for key in keys:
        day = key.split("/")[1].split("=")[1]
        data = s3.get_object(Bucket="lake", Key=key)["Body"].read()
        for r in pq.read_table(io.BytesIO(data)).to_pylist():
            got.append((r["sensor"], r["celsius"], day))
    assert sorted(got) == sorted(rows)
