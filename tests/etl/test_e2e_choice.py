"""End to end: a CSV column that is sometimes a number and sometimes text reads
as a choice type; a Glue script run with `mortar run` resolves it each way Glue
offers (cast:long, make_cols, make_struct, project:string) and writes JSON,
which is read back and compared with the outputs Glue defines."""
import glob
import json
import os

SCRIPT = """
import sys
from awsglue.transforms import ResolveChoice
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "output"])
glueContext = GlueContext(SparkContext.getOrCreate())
stores = glueContext.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["input"]]},
    format="csv", format_options={"withHeader": True, "separator": ","})
stores.printSchema()
for action in ["cast:long", "make_cols", "make_struct", "project:string"]:
    resolved = ResolveChoice.apply(stores, specs=[("zip", action)])
    name = action.replace(":", "_")
    glueContext.write_dynamic_frame.from_options(
        frame=resolved, connection_type="s3",
        connection_options={"path": args["output"] + "/" + name}, format="json")
    print("wrote", name, resolved.count())
"""

# zip: numbers in some records, text in others.
ROWS = [(1, "12345", "Paris"), (2, "abc12", "Lyon"), (3, "98765", "Nice"), (4, "n/a", "Metz"),
        (5, "75001", "Paris")]


def _numeric(z):
    return int(z) if z.isdigit() else None


def _text(z):
    return None if z.isdigit() else z


EXPECTED = {
    "cast_long": [{"id": i, "zip": _numeric(z), "city": c} for i, z, c in ROWS],
    "make_cols": [{"id": i, "zip_long": _numeric(z), "zip_string": _text(z), "city": c}
                  for i, z, c in ROWS],
    "make_struct": [{"id": i, "zip": {"long": _numeric(z), "string": _text(z)}, "city": c}
                    for i, z, c in ROWS],
    "project_string": [{"id": i, "zip": _text(z), "city": c} for i, z, c in ROWS],
}


def _read_json_dir(path):
    rows = []
    files = sorted(glob.glob(os.path.join(path, "*.json*")))
    assert files, f"no JSON output in {path}: {os.listdir(path)}"
    for name in files:
        with open(name) as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    return sorted(rows, key=lambda r: r["id"])


def _without_nulls(value):
    """Glue's JSON writer omits null fields; compare with them dropped."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def _check_outputs(out):
    for name, expected in EXPECTED.items():
        got = _read_json_dir(out / name)
        assert [_without_nulls(r) for r in got] == [_without_nulls(r) for r in expected], name


def _write_csv(path, rows):
    with open(path, "w") as f:
        f.write("id,zip,city\n")
        for i, z, c in rows:
            f.write(f"{i},{z},{c}\n")


def test_resolve_choice_each_way_on_one_csv(run_script, tmp_path):
    # One file whose zip column mixes numbers and text: DynamicFrame types each
    # value, so the column is choice<long,string> (Glue's "provider id" example).
    data = tmp_path / "stores.csv"
    _write_csv(data, ROWS)
    out = tmp_path / "out"
    proc = run_script(SCRIPT, "--input", str(data), "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "zip: choice" in proc.stdout and "|-- long" in proc.stdout and "|-- string" in proc.stdout
    assert "id: long" in proc.stdout and "city: string" in proc.stdout
    assert "wrote make_cols 5" in proc.stdout
    _check_outputs(out)


def test_resolve_choice_each_way_on_csv_parts(run_script, tmp_path):
    # A folder of CSV parts where one part's zips are all numbers and another's all
    # text: the parts' types merge into the same choice.
    data = tmp_path / "stores"
    data.mkdir()
    _write_csv(data / "part-0.csv", [r for r in ROWS if r[1].isdigit()])
    _write_csv(data / "part-1.csv", [r for r in ROWS if not r[1].isdigit()])
    out = tmp_path / "out"
    proc = run_script(SCRIPT, "--input", str(data), "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # printSchema shows the choice.
    assert "zip: choice" in proc.stdout and "|-- long" in proc.stdout
    assert "wrote cast_long 5" in proc.stdout
    _check_outputs(out)


def test_cast_long_parses_numeric_text(run_script, tmp_path):
    # cast:long converts every alternative: text that holds a number becomes it.
    data = tmp_path / "stores"
    data.mkdir()
    _write_csv(data / "part-0.csv", [(1, "12345", "Paris")])
    _write_csv(data / "part-1.csv", [(2, "abc12", "Lyon"), (3, " 75001 ", "Paris")])
    out = tmp_path / "out"
    proc = run_script(SCRIPT, "--input", str(data), "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    got = _read_json_dir(out / "cast_long")
    assert [(r["id"], r.get("zip")) for r in got] == [(1, 12345), (2, None), (3, 75001)]


LATE_SCRIPT = """
import sys
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "output"])
glueContext = GlueContext(SparkContext.getOrCreate())
frame = glueContext.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["input"]]}, format="csv",
    format_options={"withHeader": True, "inferSampleRows": 100})
frame.printSchema()
cols = frame.resolveChoice(choice="make_cols")
glueContext.write_dynamic_frame.from_options(
    frame=cols, connection_type="s3", connection_options={"path": args["output"]}, format="json")
print("rows", cols.count())
"""


def test_text_after_the_inference_sample_is_kept(run_script, tmp_path):
    # Only numbers in the rows sampled for inference, text far after them
    # (and in several batches): nothing is lost or nulled, the column is a choice.
    data = tmp_path / "late.csv"
    late = {150_000: "N/A", 199_998: "pending"}
    with open(data, "w") as f:
        f.write("id,amount\n")
        for i in range(200_000):
            f.write(f"{i},{late.get(i, i * 3)}\n")
    out = tmp_path / "out"
    proc = run_script(LATE_SCRIPT, "--input", str(data), "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "amount: choice" in proc.stdout
    assert "rows 200000" in proc.stdout
    got = [_without_nulls(r) for r in _read_json_dir(out)]
    assert len(got) == 200_000
    assert got[150_000] == {"id": 150_000, "amount_string": "N/A"}
    assert got[199_998] == {"id": 199_998, "amount_string": "pending"}
    assert got[199_999] == {"id": 199_999, "amount_long": 599_997}
    assert sum("amount_long" in r for r in got) == 199_998


GUESS_SCRIPT = """
import sys
from awsglue.transforms import ApplyMapping, ResolveChoice
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "output"])
glueContext = GlueContext(SparkContext.getOrCreate())
frame = glueContext.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["input"]]}, format="csv",
    format_options={"withHeader": True, "inferSampleRows": 100})
mapped = ApplyMapping.apply(frame=frame, mappings=[
    ("id", "long", "id", "long"), ("amount", "string", "amount", "string"),
    ("part", "string", "part", "string")])
resolved = ResolveChoice.apply(frame=mapped, specs=[("amount", "cast:long")])
glueContext.write_dynamic_frame.from_options(
    frame=resolved, connection_type="s3",
    connection_options={"path": args["output"], "partitionKeys": ["part"]}, format="parquet")
frame.printSchema()
"""


def test_sink_started_on_the_sampled_schema_reruns_when_text_comes_late(run_script, tmp_path):
    # No schema is asked for before the write: the sink starts on the types
    # of the sampled rows, meets text far past them, and runs again on the
    # whole file's schema. The output is complete and right, nothing of the
    # first attempt is left, and the schema printed afterwards is the choice.
    import pyarrow.dataset as ds
    data = tmp_path / "late.csv"
    with open(data, "w") as f:
        f.write("id,amount,part\n")
        for i in range(120_000):
            amount = "N/A" if i == 100_000 else str(i * 3)
            f.write(f"{i},{amount},{'a' if i % 2 else 'b'}\n")
    out = tmp_path / "out"
    proc = run_script(GUESS_SCRIPT, "--input", str(data), "--output", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "the write ran again with the whole files' schema" in proc.stderr
    assert "amount: choice" in proc.stdout
    assert sorted(os.listdir(tmp_path)) == ["late.csv", "out", "script.py"]  # no temp folder
    table = ds.dataset(str(out), format="parquet", partitioning="hive").to_table()
    rows = sorted(table.to_pylist(), key=lambda r: r["id"])
    assert len(rows) == 120_000
    assert rows[100_000]["amount"] is None
    assert rows[99_999] == {"id": 99_999, "amount": 299_997, "part": "a"}
    assert rows[119_998]["amount"] == 359_994 and rows[119_998]["part"] == "b"


def test_choice_types_off_reads_the_mixed_column_as_text(tmp_path):
    # The engine turns choiceTypes on for CSV; set false, a mixed column is one
    # string column again (as `mortar file` reads it).
    import _mortar
    data = tmp_path / "stores.csv"
    _write_csv(data, ROWS)
    on = _mortar.from_files({"paths": [str(data)], "format": "csv",
                             "format_options": {"withHeader": "true"}})
    assert on.schema()["fields"][1] == {
        "name": "zip", "type": {"type": "choice",
                                "alternatives": [{"type": "long"}, {"type": "string"}]}}
    off = _mortar.from_files({"paths": [str(data)], "format": "csv",
                              "format_options": {"withHeader": "true", "choiceTypes": "false"}})
    assert off.schema()["fields"][1] == {"name": "zip", "type": {"type": "string"}}
    assert [r["zip"] for r in off.to_records()] == [z for _, z, _ in ROWS]
