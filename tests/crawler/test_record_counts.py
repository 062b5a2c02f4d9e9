"""recordCount as a crawl writes it (boto3 against `mortar serve`): the real
row count for Avro (counted from the block headers, several blocks), Parquet
(footers, several row groups; written by pyarrow and by `mortar file
convert`) and ORC (footers, several stripes), per file and summed over a
table's files and partitions."""
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
