"""End to end: a frame with an unresolved choice column (a headerless CSV
column holding 1234 and abcdef reads as choice<long,string>) written without
resolveChoice to each file format through `mortar run`, and read back with
pyarrow, fastavro, json and csv to see what a user gets. As in Glue: Parquet,
ORC and Avro hold the struct toDF() makes of a choice (one field per type),
JSON and CSV each value as it is, and glueparquet refuses the choice, naming
the column and the resolveChoice that fixes it (docs/compatibility.md)."""
import csv
import json

import fastavro
import pyarrow.orc as orc
import pyarrow.parquet as pq

from support.catalog import unique

SCRIPT = """
import sys
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "output", "format"])
glueContext = GlueContext(SparkContext.getOrCreate())
frame = glueContext.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["input"]]}, format="csv")
frame.printSchema()
glueContext.write_dynamic_frame.from_options(
    frame=frame, connection_type="s3", connection_options={"path": args["output"]},
    format=args["format"])
print("written")
"""

# The struct Glue's toDF() makes of choice<long,string>.
AS_STRUCT = [{"col0": {"long": 1234, "string": None}},
             {"col0": {"long": None, "string": "abcdef"}}]


def _files(folder, suffix):
    files = sorted(p for p in folder.rglob(f"*{suffix}") if not p.name.startswith("."))
    assert files, f"no {suffix} output in {folder}: {list(folder.rglob('*'))}"
    return files


def _write(run_script, tmp_path, fmt):
    data = tmp_path / "mixed.csv"
    data.write_text("1234\nabcdef\n")
    out = tmp_path / f"out_{fmt}"
    proc = run_script(SCRIPT, "--input", str(data), "--output", str(out), "--format", fmt)
    return proc, out


def _written(run_script, tmp_path, fmt):
    proc, out = _write(run_script, tmp_path, fmt)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The frame really holds an unresolved choice.
    assert "col0: choice" in proc.stdout and "|-- long" in proc.stdout, proc.stdout
    assert "written" in proc.stdout
    return out


def test_parquet_holds_the_struct_todf_makes(run_script, tmp_path):
    out = _written(run_script, tmp_path, "parquet")
    tables = [pq.read_table(f) for f in _files(out, ".parquet")]
    assert str(tables[0].schema.field("col0").type) == "struct<long: int64, string: string>"
    assert [r for t in tables for r in t.to_pylist()] == AS_STRUCT


def test_orc_holds_the_struct_todf_makes(run_script, tmp_path):
    out = _written(run_script, tmp_path, "orc")
    tables = [orc.read_table(str(f)) for f in _files(out, ".orc")]
    assert str(tables[0].schema.field("col0").type) == "struct<long: int64, string: string>"
    assert [r for t in tables for r in t.to_pylist()] == AS_STRUCT


def test_avro_holds_the_struct_todf_makes(run_script, tmp_path):
    out = _written(run_script, tmp_path, "avro")
    rows = []
    for f in _files(out, ".avro"):
        with open(f, "rb") as fh:
            rows.extend(fastavro.reader(fh))
    assert rows == AS_STRUCT


def test_json_holds_each_value_as_it_is(run_script, tmp_path):
    out = _written(run_script, tmp_path, "json")
    rows = [json.loads(line) for f in _files(out, ".json")
            for line in f.read_text().splitlines() if line.strip()]
    assert rows == [{"col0": 1234}, {"col0": "abcdef"}]


def test_csv_holds_each_value_as_text(run_script, tmp_path):
    out = _written(run_script, tmp_path, "csv")
    rows = [row for f in _files(out, ".csv") for row in csv.reader(f.read_text().splitlines())]
    assert rows == [["col0"], ["1234"], ["abcdef"]]


def test_glueparquet_refuses_naming_the_column_and_the_fix(run_script, tmp_path):
    proc, out = _write(run_script, tmp_path, "glueparquet")
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "glueparquet cannot write the unresolved choice column 'col0'" in proc.stderr, proc.stderr
    assert 'resolveChoice(specs=[("col0", "cast:long")])' in proc.stderr, proc.stderr
    # Nothing half-written.
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".mortar-" in p.name]


CATALOG_SCRIPT = """
import sys
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "output", "db", "table", "format"])
glueContext = GlueContext(SparkContext.getOrCreate())
frame = glueContext.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["input"]]}, format="csv")
sink = glueContext.getSink(connection_type="s3", path=args["output"], enableUpdateCatalog=True,
                           updateBehavior="UPDATE_IN_DATABASE")
sink.setFormat(args["format"])
sink.setCatalogInfo(catalogDatabase=args["db"], catalogTableName=args["table"])
sink.writeFrame(frame)
print("written")
"""


def test_catalog_sink_registers_the_struct_it_wrote(glue, db, run_script, tmp_path):
    # The table a catalog-updating sink creates says what the Parquet files hold.
    data = tmp_path / "mixed.csv"
    data.write_text("1234\nabcdef\n")
    out = tmp_path / "registered"
    table = unique("mixed")
    proc = run_script(CATALOG_SCRIPT, "--input", str(data), "--output", str(out), "--db", db,
                      "--table", table, "--format", "parquet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    got = glue.get_table(DatabaseName=db, Name=table)["Table"]
    assert [(c["Name"], c["Type"]) for c in got["StorageDescriptor"]["Columns"]] == [
        ("col0", "struct<long:bigint,string:string>")]
    assert [r for f in _files(out, ".parquet") for r in pq.read_table(f).to_pylist()] == AS_STRUCT


def test_catalog_sink_with_glueparquet_refuses_and_registers_nothing(glue, db, run_script,
                                                                      tmp_path):
    data = tmp_path / "mixed.csv"
    data.write_text("1234\nabcdef\n")
    out = tmp_path / "refused"
    table = unique("mixed")
    proc = run_script(CATALOG_SCRIPT, "--input", str(data), "--output", str(out), "--db", db,
                      "--table", table, "--format", "glueparquet")
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert 'resolveChoice(specs=[("col0", "cast:long")])' in proc.stderr, proc.stderr
    assert not out.exists()
    assert table not in [t["Name"] for t in glue.get_tables(DatabaseName=db)["TableList"]]
