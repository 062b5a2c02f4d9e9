"""from_catalog presents a table's columns as the catalog names them, as
Glue's SerDes do: CSV columns by position under the catalog's (lower-case,
trimmed) names whatever the header says, other formats' columns by name
ignoring case; a column a file lacks is null, a file column the table does
not list is dropped; values keep the data's types (Glue's DynamicFrame)."""
import json

import fastavro
import pyarrow as pa
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest

from awsglue import _catalog
from support.catalog import unique
from support.server import wait_for

MEDICARE = ("DRG Definition,Provider Id,Provider Name, Total Discharges \n"
            "039 - EXTRACRANIAL,10001,SOUTHEAST ALABAMA,91\n"
            "039 - EXTRACRANIAL,10005,MARSHALL MEDICAL,14\n"
            "039 - EXTRACRANIAL,ABC,BAD PROVIDER,17\n"
            "057 - DEGENERATIVE,10011,ST VINCENT,8\n")

SCRIPT = """
import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["db", "table", "out"])
glueContext = GlueContext(SparkContext.getOrCreate())
medicare = glueContext.create_dynamic_frame.from_catalog(database=args["db"],
                                                         table_name=args["table"])
print("fields:", [f.name for f in medicare.schema().fields])
res = medicare.resolveChoice(specs=[("provider id", "cast:long")])
busy = Filter.apply(frame=res, f=lambda r: r["total discharges"] > 10)
mapped = ApplyMapping.apply(frame=busy, mappings=[
    ("drg definition", "string", "drg", "string"),
    ("provider id", "long", "provider", "long"),
    ("total discharges", "long", "discharges", "long")])
glueContext.write_dynamic_frame.from_options(
    frame=mapped, connection_type="s3", connection_options={"path": args["out"]},
    format="json")
"""


def _crawl(glue, db, path):
    name = unique("cols_crawler")
    glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler",
                        DatabaseName=db, Targets={"S3Targets": [{"Path": str(path)}]})
    glue.start_crawler(Name=name)

    def done():
        c = glue.get_crawler(Name=name)["Crawler"]
        return c if c["State"] == "READY" and "LastCrawl" in c else None
    crawler = wait_for(done, 120, "the crawl", interval=0.05)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", crawler["LastCrawl"]
    glue.delete_crawler(Name=name)


def _json_rows(folder):
    rows = []
    for f in sorted(folder.rglob("*")):
        if f.is_file() and not f.name.startswith((".", "_")):
            rows += [json.loads(line) for line in f.read_text().splitlines() if line]
    return rows


def test_crawled_csv_header_names_are_the_catalogs(glue, db, run_script, tmp_path):
    """AWS's Medicare sample: the header says `Provider Id` and
    ` Total Discharges `, the crawled table `provider id` and `total
    discharges`; the script's resolveChoice, Filter and ApplyMapping by the
    catalog's names see the data."""
    (tmp_path / "medicare").mkdir()
    (tmp_path / "medicare" / "medicare.csv").write_text(MEDICARE)
    _crawl(glue, db, tmp_path / "medicare")
    table = glue.get_table(DatabaseName=db, Name="medicare")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == [
        "drg definition", "provider id", "provider name", "total discharges"]

    out = tmp_path / "out"
    proc = run_script(SCRIPT, "--db", db, "--table", "medicare", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ("fields: ['drg definition', 'provider id', 'provider name', 'total discharges']"
            in proc.stdout)
    assert sorted(_json_rows(out), key=lambda r: r["discharges"]) == [
        {"drg": "039 - EXTRACRANIAL", "provider": 10005, "discharges": 14},
        {"drg": "039 - EXTRACRANIAL", "provider": None, "discharges": 17},
        {"drg": "039 - EXTRACRANIAL", "provider": 10001, "discharges": 91}]


def _table(glue, db, name, location, columns, classification, serde, input_format,
           serde_params=None, partition_keys=()):
    glue.create_table(DatabaseName=db, TableInput={
        "Name": name, "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": classification},
        "PartitionKeys": [{"Name": n, "Type": t} for n, t in partition_keys],
        "StorageDescriptor": {
            "Columns": [{"Name": n, "Type": t} for n, t in columns], "Location": str(location),
            "InputFormat": input_format,
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_params or {}}}})


def _fields(frame):
    return [(f["name"], f["type"]["type"]) for f in frame.schema()["fields"]]


# A file whose columns are `ID`, `Name` and `extra`; the table says id, name, missing.
def _write_parquet(path):
    pq.write_table(pa.table({"ID": [2, 1], "Name": ["b", "a"], "extra": [True, False]}),
                   str(path / "x.parquet"))


def _write_orc(path):
    orc.write_table(pa.table({"ID": [2, 1], "Name": ["b", "a"], "extra": [True, False]}),
                    str(path / "x.orc"))


def _write_avro(path):
    schema = {"type": "record", "name": "r", "fields": [
        {"name": "ID", "type": "long"}, {"name": "Name", "type": "string"},
        {"name": "extra", "type": "boolean"}]}
    with open(path / "x.avro", "wb") as f:
        fastavro.writer(f, schema, [{"ID": 2, "Name": "b", "extra": True},
                                    {"ID": 1, "Name": "a", "extra": False}])


def _write_json(path):
    (path / "x.json").write_text('{"ID": 2, "Name": "b", "extra": true}\n'
                                 '{"ID": 1, "Name": "a", "extra": false}\n')


FORMATS = {
    "parquet": (_write_parquet, "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"),
    "orc": (_write_orc, "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
            "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"),
    "avro": (_write_avro, "org.apache.hadoop.hive.serde2.avro.AvroSerDe",
             "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"),
    "json": (_write_json, "org.openx.data.jsonserde.JsonSerDe",
             "org.apache.hadoop.mapred.TextInputFormat"),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_columns_by_name_ignoring_case(glue_env, glue, db, tmp_path, fmt):
    write, serde, input_format = FORMATS[fmt]
    write(tmp_path)
    _table(glue, db, fmt, tmp_path, [("id", "bigint"), ("name", "string"), ("missing", "int")],
           fmt, serde, input_format)
    frame = _catalog.create_frame_from_catalog(db, fmt)
    # The table's columns in its order; `extra` dropped; `missing`, in no
    # file, null with its catalog type.
    assert _fields(frame) == [("id", "long"), ("name", "string"), ("missing", "int")]
    assert sorted(frame.to_records(), key=lambda r: r["id"]) == [
        {"id": 1, "name": "a", "missing": None}, {"id": 2, "name": "b", "missing": None}]


def test_a_column_some_files_lack_keeps_the_datas_type(glue_env, glue, db, tmp_path):
    (tmp_path / "a.json").write_text('{"id": 1, "score": 10}\n')
    (tmp_path / "b.json").write_text('{"id": 2}\n')
    _table(glue, db, "scores", tmp_path, [("id", "bigint"), ("score", "string")], "json",
           "org.openx.data.jsonserde.JsonSerDe", "org.apache.hadoop.mapred.TextInputFormat")
    frame = _catalog.create_frame_from_catalog(db, "scores")
    # The data's type, as Glue's DynamicFrame (not the catalog's string, not a choice).
    assert _fields(frame) == [("id", "long"), ("score", "long")]
    assert sorted(frame.to_records(), key=lambda r: r["id"]) == [
        {"id": 1, "score": 10}, {"id": 2, "score": None}]


@pytest.mark.parametrize("header", [True, False])
def test_csv_columns_by_position(glue_env, glue, db, tmp_path, header):
    """Files with more and fewer columns than the table: extra columns are
    dropped, missing ones null; a header's names do not matter."""
    (tmp_path / "wide.csv").write_text(("A,B,C\n" if header else "") + "1,x,9\n")
    (tmp_path / "narrow.csv").write_text(("Q\n" if header else "") + "2\n")
    name = unique("csv")
    _table(glue, db, name, tmp_path, [("id", "bigint"), ("tag", "string")], "csv",
           "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
           "org.apache.hadoop.mapred.TextInputFormat",
           {"field.delim": ",", **({"skip.header.line.count": "1"} if header else {})})
    frame = _catalog.create_frame_from_catalog(db, name)
    assert _fields(frame) == [("id", "long"), ("tag", "string")]
    assert sorted(frame.to_records(), key=lambda r: r["id"]) == [
        {"id": 1, "tag": "x"}, {"id": 2, "tag": None}]


def test_partition_columns_follow_the_table_columns(glue_env, glue, db, tmp_path):
    part = tmp_path / "year=2024"
    part.mkdir()
    # The file also holds a `year` column the table does not list: the
    # partition's value wins, as in Hive.
    pq.write_table(pa.table({"Year": [1999], "ID": [7]}), str(part / "x.parquet"))
    _table(glue, db, "parts", tmp_path, [("id", "bigint")], "parquet",
           FORMATS["parquet"][1], FORMATS["parquet"][2], partition_keys=[("year", "int")])
    glue.create_partition(DatabaseName=db, TableName="parts", PartitionInput={
        "Values": ["2024"], "StorageDescriptor": {"Location": str(part)}})
    frame = _catalog.create_frame_from_catalog(db, "parts")
    assert _fields(frame) == [("id", "long"), ("year", "int")]
    assert frame.to_records() == [{"id": 7, "year": 2024}]
