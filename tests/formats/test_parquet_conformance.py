"""Parquet conformance on ../shared/testdata/parquet (third-party files).

Each file listed in EXPECTED.json (DuckDB's view: row count, column names,
first rows) must read to the same content through Mortar's reader, driven
through the `formats_test` binary's dump mode (MORTAR_PARQUET_DUMP, see
src/formats/parquet/parquet_dump_test.cc). Where DuckDB could not read a
file, Mortar must either read it identically to pyarrow or reject it with an
error naming the file and a byte offset. Skips, saying so, when
../shared/testdata is absent. Prints the pass count.
"""
import base64
import json
import math
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTDATA = REPO.parent / "shared" / "testdata" / "parquet"


def find_binary():
    env = os.environ.get("MORTAR_PARQUET_TEST_BIN")
    if env:
        return Path(env)
    candidates = []
    if os.environ.get("MORTAR_BUILD_DIR"):
        candidates.append(Path(os.environ["MORTAR_BUILD_DIR"]) / "src/formats/formats_test")
    candidates += sorted((REPO / "build").glob("*/src/formats/formats_test"),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    for c in candidates:
        if c.exists():
            return c
    pytest.fail("formats_test is not built (set MORTAR_BUILD_DIR or MORTAR_PARQUET_TEST_BIN)")


def mortar_read(path, **env):
    e = dict(os.environ)
    e["MORTAR_PARQUET_DUMP"] = str(path)
    e.update({k: str(v) for k, v in env.items()})
    p = subprocess.run([str(find_binary())], capture_output=True, text=True, env=e, timeout=120)
    if p.returncode != 0:
        return None, [], p.stderr.strip()
    lines = [l for l in p.stdout.split("\n") if l]
    schema = json.loads(lines[0])["schema"]
    return schema, [json.loads(l) for l in lines[1:]], None


def top_level_types(schema):
    """'struct<a:int,b:map<x,y>>' -> {'a': 'int', 'b': 'map<x,y>'}"""
    body = schema[len("struct<"):-1]
    out, depth, start = {}, 0, 0
    parts = []
    for i, c in enumerate(body):
        if c in "<(":
            depth += 1
        elif c in ">)":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    if body:
        parts.append(body[start:])
    for p in parts:
        name, _, t = p.partition(":")
        out[name.strip("`")] = t
    return out


def duckdb_blob(raw):
    return "".join(chr(b) if 32 <= b < 127 else "\\x%02X" % b for b in raw)


TS = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d+)?$")


def canon(v):
    """A comparable form of a value from either side."""
    if isinstance(v, list):
        if v and all(isinstance(x, tuple) and len(x) == 2 for x in v):  # pyarrow maps
            return {str(canon(k)): canon(x) for k, x in v}
        if v and all(isinstance(x, dict) and set(x) == {"key", "value"} for x in v):
            return {str(canon(x["key"])): canon(x["value"]) for x in v}
        return [canon(x) for x in v]
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    if isinstance(v, str):
        m = TS.match(v)
        if m:
            frac = (m.group(2) or "").rstrip("0").rstrip(".")
            return m.group(1) + frac
        return v
    return v


def same(a, b):
    a, b = canon(a), canon(b)
    if a in ({}, []) and b in ({}, []):
        return True  # an empty map prints as [] on DuckDB's side
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if a == b:
        return True
    for x, y in ((a, b), (b, a)):
        if isinstance(x, (int, float)) and not isinstance(x, bool) and isinstance(y, str):
            try:
                yv = float(y)
            except ValueError:
                return False
            return (math.isnan(yv) and math.isnan(x)) or math.isclose(x, yv, rel_tol=1e-6)
        if isinstance(x, str) and isinstance(y, str):
            try:
                return float(x) == float(y) or str(int(float(x))) == y
            except ValueError:
                return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-30)
    return False


def mortar_row_as_duckdb(row, types):
    out = {}
    for k, v in row.items():
        if types.get(k) == "binary" and isinstance(v, str):
            v = duckdb_blob(base64.b64decode(v))
        out[k] = v
    return out


def pyarrow_rows(path):
    import pyarrow.parquet as pq
    return pq.read_table(path).to_pylist()


def expected_files():
    if not (TESTDATA / "EXPECTED.json").exists():
        return {}
    return json.loads((TESTDATA / "EXPECTED.json").read_text())["files"]


RESULTS = {"pass": 0, "total": 0}


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    if RESULTS["total"]:
        print(f"\nparquet conformance: {RESULTS['pass']}/{RESULTS['total']} files passed")


@pytest.mark.parametrize("name", sorted(expected_files()) or ["<absent>"])
def test_file(name):
    if not TESTDATA.exists():
        pytest.skip(f"{TESTDATA} is absent (a fresh clone has no ../shared): conformance skipped")
    RESULTS["total"] += 1
    exp = expected_files()[name]
    path = TESTDATA / name
    schema, rows, err = mortar_read(path)
    if "error" in exp:
        if err is not None:
            assert str(path) in err and re.search(r"byte \d+", err), err
        else:
            import pyarrow.parquet as pq  # DuckDB lacks the feature: compare with pyarrow
            want = pyarrow_rows(path)
            assert len(rows) == len(want)
            for got, w in zip(rows, want):
                for k, v in w.items():
                    if isinstance(v, bytes):
                        v = base64.b64encode(v).decode()
                    assert same(got[k], v), (k, got[k], v)
        RESULTS["pass"] += 1
        return
    assert err is None, err
    types = top_level_types(schema)
    # DuckDB adds Hive partition keys from the path (part=a/date=...): not in the file.
    hive = {seg.split("=")[0] for seg in Path(name).parts if "=" in seg}
    exp_cols = [c[0] for c in exp["columns"] if c[0] not in hive]
    assert exp_cols == list(types), (exp["columns"], schema)
    assert len(rows) == exp["rows"]
    for got, want in zip(rows, exp["first_rows"]):
        got = mortar_row_as_duckdb(got, types)
        want = {k: v for k, v in want.items() if k not in hive}
        assert same(got, want), f"\nmortar: {got}\nduckdb: {want}"
    RESULTS["pass"] += 1


def test_batches_and_projection_agree_with_full_read():
    """Small batches and a column projection give the same rows."""
    path = TESTDATA / "parquet-testing" / "alltypes_tiny_pages.parquet"
    if not path.exists():
        pytest.skip(f"{TESTDATA} is absent: skipped")
    _, full, err = mortar_read(path)
    assert err is None, err
    _, batched, err = mortar_read(path, MORTAR_PARQUET_BATCH=333)
    assert batched == full
    schema, proj, err = mortar_read(path, MORTAR_PARQUET_COLUMNS="string_col,id")
    assert err is None, err
    assert list(top_level_types(schema)) == ["string_col", "id"]
    assert proj == [{"string_col": r["string_col"], "id": r["id"]} for r in full]


def test_truncated_and_corrupted_files_are_rejected_with_location(tmp_path):
    src = TESTDATA / "parquet-testing" / "alltypes_plain.snappy.parquet"
    if not src.exists():
        pytest.skip(f"{TESTDATA} is absent: skipped")
    data = src.read_bytes()
    for cut in (0, 3, 11, len(data) // 2, len(data) - 1):
        p = tmp_path / f"cut{cut}.parquet"
        p.write_bytes(data[:cut])
        _, _, err = mortar_read(p)
        assert err is not None and str(p) in err and "byte" in err, err
    # Flip bytes throughout the file: never a crash (exit 1 with a message, or a read).
    for i in range(4, len(data) - 8, max(1, len(data) // 97)):
        bad = bytearray(data)
        bad[i] ^= 0xFF
        p = tmp_path / "flip.parquet"
        p.write_bytes(bytes(bad))
        e = dict(os.environ, MORTAR_PARQUET_DUMP=str(p))
        r = subprocess.run([str(find_binary())], capture_output=True, text=True, env=e, timeout=60)
        assert r.returncode in (0, 1), (i, r.returncode, r.stderr[-500:])
        if r.returncode == 1:
            assert str(p) in r.stderr, r.stderr
