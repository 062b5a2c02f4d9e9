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


def test_resolve_choice_each_way_on_csv_parts(run_script, tmp_path):
    # A folder of CSV parts where one part's zips are all numbers and another's all
    # text. (Mortar's CSV reader infers one type per column per file, so one file
    # mixing both reads as string where Glue sees a choice: docs/compatibility.md.)
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
