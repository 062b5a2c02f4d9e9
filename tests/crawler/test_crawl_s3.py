"""A crawl of an S3-compatible bucket (moto's server on loopback): the server
lists the prefix, classifies the objects (Parquet from its footer by ranged
reads) and writes partitioned tables whose locations are s3:// URIs."""
import io

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from support.catalog import unique
from support.moto import moto_server

CREDS = {"AWS_ACCESS_KEY_ID": "AKIDMORTARTEST", "AWS_SECRET_ACCESS_KEY": "mortar-secret",
         "AWS_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def bucket(tmp_path_factory):
    with moto_server(tmp_path_factory.mktemp("moto") / "requests.log") as url:
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="lake")
        for year in (2023, 2024):
            for month in (1, 2):
                body = "id,amount,item\n" + "".join(f"{i},{i * 1.5},item{i}\n" for i in range(20))
                s3.put_object(Bucket="lake", Key=f"sales/year={year}/month={month}/part-0.csv",
                              Body=body.encode())
        table = pa.table({"sensor": pa.array(["a", "b", "c"]),
                          "reading": pa.array([1.5, 2.5, None]),
                          "at": pa.array([1, 2, 3], pa.int64())})
        buf = io.BytesIO()
        pq.write_table(table, buf)
        s3.put_object(Bucket="lake", Key="metrics/part-0.parquet", Body=buf.getvalue())
        yield url


@pytest.fixture(scope="module")
def s3_glue(start_server, bucket):
    srv = start_server("s3crawl", env={**CREDS, "MORTAR_S3_ENDPOINT": bucket,
                                       "AWS_EC2_METADATA_DISABLED": "true"})
    return srv.client()


def test_crawl_of_an_s3_bucket_makes_partitioned_tables(s3_glue, wait_for_crawl):
    glue = s3_glue
    db = unique("s3db")
    glue.create_database(DatabaseInput={"Name": db})
    name = unique("s3crawler")
    glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler", DatabaseName=db,
                        Targets={"S3Targets": [{"Path": "s3://lake/sales/"},
                                               {"Path": "s3://lake/metrics/"}]})
    glue.start_crawler(Name=name)
    crawler = wait_for_crawl(glue, name)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", crawler["LastCrawl"]

    sales = glue.get_table(DatabaseName=db, Name="sales")["Table"]
    sd = sales["StorageDescriptor"]
    assert sd["Location"].rstrip("/") == "s3://lake/sales"
    assert [(c["Name"], c["Type"]) for c in sd["Columns"]] == [
        ("id", "bigint"), ("amount", "double"), ("item", "string")]
    assert [k["Name"] for k in sales["PartitionKeys"]] == ["year", "month"]
    assert sales["Parameters"]["classification"] == "csv"
    parts = glue.get_partitions(DatabaseName=db, TableName="sales")["Partitions"]
    assert sorted(tuple(p["Values"]) for p in parts) == [
        ("2023", "1"), ("2023", "2"), ("2024", "1"), ("2024", "2")]
    for p in parts:
        assert p["StorageDescriptor"]["Location"].rstrip("/") == (
            f"s3://lake/sales/year={p['Values'][0]}/month={p['Values'][1]}")

    metrics = glue.get_table(DatabaseName=db, Name="metrics")["Table"]
    assert metrics["Parameters"]["classification"] == "parquet"
    assert [(c["Name"], c["Type"]) for c in metrics["StorageDescriptor"]["Columns"]] == [
        ("sensor", "string"), ("reading", "double"), ("at", "bigint")]
    assert metrics["StorageDescriptor"]["Location"].rstrip("/") == "s3://lake/metrics"
