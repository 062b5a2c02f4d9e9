"""JSON conformance on ../shared/testdata/json against DuckDB's reading
(json/EXPECTED.json: read_json_auto columns and row counts).

Each file must read with DuckDB's row count and top-level column names
(DuckDB reads a file of non-object records as one column "json"; Mortar, as
one column "value"), with compatible simple types; where DuckDB rejects the
file, Mortar either reads it or rejects it with a located error.
"""
import json
import re

LOCATED = re.compile(r": line \d+ \(byte offset \d+\): ")

# DuckDB type -> Mortar types accepted for it. DuckDB turns ISO strings into
# TIMESTAMP and UUID; Glue's JSON reading keeps strings. DuckDB's JSON type
# (mixed values) corresponds to Mortar's choice.
COMPATIBLE = {
    "BIGINT": {"bigint"},
    "DOUBLE": {"double"},
    "VARCHAR": {"string"},
    "BOOLEAN": {"boolean"},
    "TIMESTAMP": {"string"},
    "UUID": {"string"},
}


def compatible(duck, mortar_type):
    if duck in COMPATIBLE:
        return mortar_type in COMPATIBLE[duck]
    if duck == "JSON":
        return True
    if duck.endswith("[]"):
        return mortar_type.startswith("array<")
    if duck.startswith("STRUCT") or duck.startswith("MAP"):
        return mortar_type.startswith("struct<")
    return False


def test_json_files(mortar, testdata):
    base = testdata / "json"
    expected = json.loads((base / "EXPECTED.json").read_text())["files"]
    results = {}
    for rel, exp in sorted(expected.items()):
        path = base / rel
        proc = mortar.run("cat", path, "--input-format", "json", check=False)
        stderr = proc.stderr.decode(errors="replace")
        if "error" in exp:
            if proc.returncode == 0 or (LOCATED.search(stderr) and str(path) in stderr):
                results[rel] = "ok (DuckDB rejects: " + exp["error"][:60] + ")"
            else:
                results[rel] = "FAIL: " + stderr[:200]
            continue
        if proc.returncode != 0:
            results[rel] = "FAIL: " + stderr[:200]
            continue
        rows = [json.loads(l) for l in proc.stdout.decode().splitlines() if l]
        schema = mortar.schema(path)
        problems = []
        if len(rows) != exp["rows"]:
            problems.append(f"rows {len(rows)} != {exp['rows']}")
        if exp["rows"] > 0:
            want = [n if n != "json" else "value" for n, _ in exp["columns"]]
            got = [n for n, _ in schema]
            if got != want:
                problems.append(f"columns {got} != {want}")
            else:
                for (name, duck), (_, mine) in zip(exp["columns"], schema):
                    if not compatible(duck, mine):
                        problems.append(f"{name}: {mine} vs DuckDB {duck}")
        results[rel] = "ok" if not problems else "FAIL: " + "; ".join(problems)
    passed = [n for n, r in results.items() if r.startswith("ok")]
    print(f"\nJSON files: {len(passed)}/{len(results)} pass")
    for n, r in results.items():
        if not r.startswith("ok"):
            print(f"  {n}: {r}")
    assert len(passed) == len(results)


def test_spark_examples_content(mortar, testdata):
    people = mortar.rows(testdata / "json" / "spark" / "people.json")
    assert people[0]["name"] and len(people) == 6
    assert sum(1 for p in people if p["age"] is None) == 2
    cars = mortar.rows(testdata / "json" / "spark" / "cars.json")
    assert [c["year"] for c in cars] == [2012, 1997, 2015]
    assert all(isinstance(c["price"], float) for c in cars)
