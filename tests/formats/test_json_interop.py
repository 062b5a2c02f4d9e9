"""JSON interop: what Mortar writes (JSON Lines), pyarrow and DuckDB read back
identically; what DuckDB and Polars write, Mortar reads identically."""
import json

import duckdb
import polars as pl
import pyarrow.json as pajson

ROWS = [
    {"id": 1, "name": "a \"quoted\"\nline", "score": 1.5, "ok": True,
     "tags": ["x", "y"], "user": {"first": "Ann", "age": 30}},
    {"id": 2, "name": None, "score": -2.0, "ok": False, "tags": [], "user": {"first": None, "age": 5}},
    {"id": 3, "name": "Γειά 🌍", "score": None, "ok": None, "tags": None, "user": None},
]


def write_input(tmp_path, rows=ROWS):
    src = tmp_path / "in.json"
    # Pretty-printed, concatenated documents: Mortar must read them too.
    src.write_text("\n".join(json.dumps(r, indent=2, ensure_ascii=False) for r in rows) + "\n",
                   encoding="utf-8")
    return src


def test_mortar_jsonl_reads_in_pyarrow(mortar, tmp_path):
    out = tmp_path / "out.jsonl"
    mortar.run("convert", write_input(tmp_path), out)
    table = pajson.read_json(out)
    assert table.column_names == ["id", "name", "score", "ok", "tags", "user"]
    assert table.to_pylist() == ROWS


def test_mortar_jsonl_reads_in_duckdb(mortar, tmp_path):
    out = tmp_path / "out.jsonl"
    mortar.run("convert", write_input(tmp_path), out)
    rel = duckdb.sql(f"SELECT * FROM read_json('{out}', format='newline_delimited')")
    got = [dict(zip(rel.columns, row)) for row in rel.fetchall()]
    assert got == ROWS


def test_mortar_reads_what_mortar_writes_with_choice(mortar, tmp_path):
    rows = [{"v": 1}, {"v": "one"}, {"v": 2.5}, {"v": None}]
    src = tmp_path / "c.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert mortar.schema(src) == [("v", "choice<double,string>")]
    out = tmp_path / "c_out.jsonl"
    mortar.run("convert", src, out)
    assert [json.loads(l) for l in out.read_text().splitlines()] == \
        [{"v": 1.0}, {"v": "one"}, {"v": 2.5}, {"v": None}]


def test_duckdb_json_reads_in_mortar(mortar, tmp_path):
    path = tmp_path / "duck.json"
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES "
                "(1, 'a', 1.25, true, [1, 2], {'k': 'v', 'n': 1}), "
                "(2, NULL, NULL, false, [], {'k': NULL, 'n': 2}), "
                "(3, 'ü\"\\', 1e300, NULL, NULL, NULL)) AS t(i, s, d, b, arr, st)")
    con.execute(f"COPY t TO '{path}' (FORMAT json)")
    expected = [json.loads(l) for l in path.read_text().splitlines()]
    got = mortar.rows(path)
    # DuckDB omits nothing and writes every key; Mortar must see the same values.
    assert got == expected
    assert dict(mortar.schema(path))["st"] == "struct<k:string,n:bigint>"


def test_polars_ndjson_reads_in_mortar(mortar, tmp_path):
    path = tmp_path / "pl.ndjson"
    df = pl.DataFrame({"a": [1, 2, None], "b": ["x", None, "z"], "c": [[1.5], [], None]})
    df.write_ndjson(path)
    got = mortar.rows(path)
    assert got == df.to_dicts()


def test_json_path_and_array_layout(mortar, tmp_path):
    src = tmp_path / "wrapped.json"
    src.write_text(json.dumps({"meta": {"count": 3}, "records": ROWS}, indent=1))
    rows = mortar.rows(src, "jsonPath=$.records[*]")
    assert rows == ROWS
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps(ROWS))
    assert mortar.rows(arr) == ROWS


def test_corrupt_json_is_a_located_error(mortar, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a":1}\n{"a":2}\n{"a":\n')
    proc = mortar.run("cat", bad, check=False)
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert str(bad) in err and "byte offset 16" in err
