"""recordCount as a crawl writes it (boto3 against `mortar serve`): the real
row count for Avro (counted from the block headers, several blocks), Parquet
(footers, several row groups; written by pyarrow and by `mortar file
convert`) and ORC (footers, several stripes), per file and summed over a
table's files and partitions; Avro on S3 (moto) by ranged reads, exact for a
small file and estimated past the remote read budget."""
import csv
import os
import subprocess

import pytest

from support.server import mortar_bin
from test_crawl_golden import crawl, partitions, tables

AVRO_SCHEMA = {"type": "record", "name": "Event", "fields": [
    {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
    {"name": "score", "type": ["null", "double"]}]}


def avro_rows(n, start=0):
    return [{"id": i, "name": f"event-{i}", "score": None if i % 7 == 0 else i / 4}
            for i in range(start, start + n)]


def write_avro(path, n, codec="null", sync_interval=2000, start=0):
    import fastavro
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(AVRO_SCHEMA), avro_rows(n, start), codec=codec,
                        sync_interval=sync_interval)
    with open(path, "rb") as f:  # the file really has several blocks
        blocks = sum(1 for _ in fastavro.block_reader(f))
    assert n < 100 or blocks > 3, blocks
    return blocks


def arrow_table(n, start=0):
    import pyarrow as pa
    return pa.table({"id": pa.array(range(start, start + n), pa.int64()),
                     "name": pa.array([f"n{i}" for i in range(start, start + n)], pa.string()),
                     "value": pa.array([i * 0.5 for i in range(start, start + n)], pa.float64())})


def crawled_table(glue, crawl_db, new_crawler, folder):
    name = new_crawler(folder, crawl_db)
    crawl(glue, name)
    found = tables(glue, crawl_db)
    assert list(found) == [os.path.basename(str(folder))], list(found)
    return next(iter(found.values()))


def record_count(entity):
    return int(entity["Parameters"]["recordCount"])


@pytest.mark.parametrize("codec", ["null", "deflate"])
def test_avro_record_count_is_exact(glue, crawl_db, new_crawler, tmp_path, codec):
    folder = tmp_path / "events"
    blocks = write_avro(str(folder / "a.avro"), 12345, codec=codec)
    write_avro(str(folder / "b.avro"), 678, codec=codec, start=12345)
    t = crawled_table(glue, crawl_db, new_crawler, folder)
    assert t["Parameters"]["classification"] == "avro"
    assert blocks > 10
    assert record_count(t) == 12345 + 678
    size = sum(os.path.getsize(folder / f) for f in ("a.avro", "b.avro"))
    # averageRecordSize comes with the count: file bytes per record.
    assert 0 < int(t["Parameters"]["averageRecordSize"]) <= size // (12345 + 678) + 1


def test_avro_partitions_count_their_own_records(glue, crawl_db, new_crawler, tmp_path):
    folder = tmp_path / "visits"
    sizes = {"2024-01-01": 3000, "2024-01-02": 4500, "2024-01-03": 1}
    for day, n in sizes.items():
        write_avro(str(folder / f"dt={day}" / "part-0.avro"), n)
    t = crawled_table(glue, crawl_db, new_crawler, folder)
    assert record_count(t) == sum(sizes.values())
    got = {p["Values"][0]: record_count(p) for p in partitions(glue, crawl_db, "visits")}
    assert got == sizes


def test_parquet_record_count_from_pyarrow_row_groups(glue, crawl_db, new_crawler, tmp_path):
    import pyarrow.parquet as pq
    folder = tmp_path / "metrics"
    folder.mkdir()
    pq.write_table(arrow_table(25000), folder / "a.parquet", row_group_size=1000)
    pq.write_table(arrow_table(333, 25000), folder / "b.parquet", row_group_size=100)
    assert pq.ParquetFile(folder / "a.parquet").metadata.num_row_groups == 25
    t = crawled_table(glue, crawl_db, new_crawler, folder)
    assert t["Parameters"]["classification"] == "parquet"
    assert record_count(t) == 25333


def test_parquet_record_count_from_mortar_file_convert(glue, crawl_db, new_crawler, tmp_path):
    import pyarrow.parquet as pq
    src = tmp_path / "src.csv"
    with open(src, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "value"])
        w.writerows([i, f"n{i}", i * 0.5] for i in range(20000))
    folder = tmp_path / "converted"
    folder.mkdir()
    # One file in several row groups, one with the writer's defaults (one group).
    for out, extra in ((folder / "groups.parquet", ["--output-option", "rowGroupRows=3000"]),
                       (folder / "single.parquet", [])):
        subprocess.run([mortar_bin(), "file", "convert", "--format", "parquet", *extra, str(src), str(out)],
                       check=True, capture_output=True, timeout=120)
    meta = pq.ParquetFile(folder / "groups.parquet").metadata
    assert meta.num_rows == 20000 and meta.num_row_groups == 7
    t = crawled_table(glue, crawl_db, new_crawler, folder)
    assert t["Parameters"]["classification"] == "parquet"
    assert record_count(t) == 40000


def test_orc_record_count_from_stripes(glue, crawl_db, new_crawler, tmp_path):
    import pyarrow.orc as orc
    folder = tmp_path / "readings"
    folder.mkdir()
    orc.write_table(arrow_table(60000), folder / "a.orc", stripe_size=64 * 1024)
    orc.write_table(arrow_table(77, 60000), folder / "b.orc")
    assert orc.ORCFile(folder / "a.orc").nstripes > 3
    t = crawled_table(glue, crawl_db, new_crawler, folder)
    assert t["Parameters"]["classification"] == "orc"
    assert record_count(t) == 60077


def test_truncated_avro_gets_an_estimate_not_a_failure(glue, crawl_db, new_crawler, tmp_path):
    folder = tmp_path / "cut"
    path = str(folder / "a.avro")
    write_avro(path, 20000)
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size - size // 3)  # the last third of the blocks is gone
    t = crawled_table(glue, crawl_db, new_crawler, folder)
    assert t["Parameters"]["classification"] == "avro"
    # Scaled from the whole blocks that remain over the bytes left: about
    # the two thirds of the rows still in the file.
    assert 12000 <= record_count(t) <= 14500


S3_CREDS = {"AWS_ACCESS_KEY_ID": "AKIDMORTARTEST", "AWS_SECRET_ACCESS_KEY": "mortar-secret",
            "AWS_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def avro_bucket(tmp_path_factory):
    """moto's S3 with lake/small/ (one Avro file, many blocks) and lake/big/
    (one ~24 MB Avro file: more than the remote walk's 16 x 1 MB reads)."""
    import io

    import boto3
    import fastavro
    from support.moto import moto_server
    with moto_server(tmp_path_factory.mktemp("moto") / "requests.log") as url:
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id=S3_CREDS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=S3_CREDS["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="lake")
        for key, n in (("small/a.avro", 9000), ("big/a.avro", 1000000)):
            buf = io.BytesIO()
            fastavro.writer(buf, fastavro.parse_schema(AVRO_SCHEMA), avro_rows(n), sync_interval=4000)
            assert key.startswith("small") or len(buf.getvalue()) > 17 << 20
            s3.put_object(Bucket="lake", Key=key, Body=buf.getvalue())
        yield url


def test_avro_on_s3_counted_by_ranged_reads(start_server, avro_bucket, wait_for_crawl):
    from support.catalog import unique
    srv = start_server("s3avro", env={**S3_CREDS, "MORTAR_S3_ENDPOINT": avro_bucket,
                                      "AWS_EC2_METADATA_DISABLED": "true"})
    glue = srv.client()
    db = unique("s3avro")
    glue.create_database(DatabaseInput={"Name": db})
    name = unique("s3avrocrawler")
    glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler", DatabaseName=db,
                        Targets={"S3Targets": [{"Path": "s3://lake/small/"}, {"Path": "s3://lake/big/"}]})
    glue.start_crawler(Name=name)
    crawler = wait_for_crawl(glue, name)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", crawler["LastCrawl"]
    small = glue.get_table(DatabaseName=db, Name="small")["Table"]
    assert record_count(small) == 9000  # the whole file walked: exact
    big = glue.get_table(DatabaseName=db, Name="big")["Table"]
    # The first 16 MB of blocks walked, scaled to the file's size: an estimate.
    assert abs(record_count(big) - 1000000) <= 1000000 * 0.02, record_count(big)
