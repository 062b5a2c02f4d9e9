"""CSV interop: what Mortar writes, pyarrow and DuckDB read back identically;
what they write, Mortar reads identically. Nulls are written as nothing and
empty strings as "", so readers are asked to keep that distinction
(pyarrow: strings_can_be_null; DuckDB: allow_quoted_nulls=false)."""
import datetime as dt
import json
import math

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

ROWS = [
    {"id": 1, "name": "plain", "score": 1.5, "flag": True, "day": "2024-01-31",
     "at": "2024-01-31 10:00:00"},
    {"id": -9223372036854775808, "name": "comma, \"quote\" and\nnewline", "score": -0.25,
     "flag": False, "day": "1970-01-01", "at": "1969-12-31 23:59:59.5"},
    {"id": 9223372036854775807, "name": "", "score": 1e300, "flag": None, "day": None,
     "at": None},
    {"id": None, "name": None, "score": None, "flag": True, "day": "2000-02-29",
     "at": "2000-02-29 12:34:56.123456"},
    {"id": 0, "name": "Γειά σου 🌍 漢字", "score": 2.0, "flag": False, "day": "9999-12-31",
     "at": "2262-04-11 23:47:16"},
]


def parse_ts(s):
    return None if s is None else dt.datetime.fromisoformat(s)


def parse_day(s):
    return None if s is None else dt.date.fromisoformat(s)


def write_input(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    return src


def expected_typed():
    return [{**r, "day": parse_day(r["day"]), "at": parse_ts(r["at"])} for r in ROWS]


def test_mortar_csv_reads_in_pyarrow(mortar, tmp_path):
    out = tmp_path / "out.csv"
    mortar.run("convert", write_input(tmp_path), out)
    table = pacsv.read_csv(out, convert_options=pacsv.ConvertOptions(
        strings_can_be_null=True, quoted_strings_can_be_null=False,
        column_types={"day": pa.date32(), "at": pa.timestamp("us"), "id": pa.int64()}))
    assert table.column_names == ["id", "name", "score", "flag", "day", "at"]
    assert table.to_pylist() == expected_typed()


def test_mortar_csv_reads_in_duckdb(mortar, tmp_path):
    out = tmp_path / "out.csv"
    mortar.run("convert", write_input(tmp_path), out)
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_csv('{out}', header=true, allow_quoted_nulls=false, "
                  "types={'day': 'DATE', 'at': 'TIMESTAMP', 'id': 'BIGINT'})")
    assert rel.columns == ["id", "name", "score", "flag", "day", "at"]
    got = [dict(zip(rel.columns, row)) for row in rel.fetchall()]
    assert got == expected_typed()


def test_mortar_csv_compressed_and_options(mortar, tmp_path):
    out = tmp_path / "out.csv.gz"
    mortar.run("convert", write_input(tmp_path), out, "--compression", "gzip",
               "--output-option", "separator=;")
    table = pacsv.read_csv(out, parse_options=pacsv.ParseOptions(delimiter=";"),
                           convert_options=pacsv.ConvertOptions(strings_can_be_null=True,
                                                                quoted_strings_can_be_null=False))
    assert table.num_rows == len(ROWS)
    assert table.column("name").to_pylist() == [r["name"] for r in ROWS]


def source_table():
    return pa.table({
        "i": pa.array([1, None, -5, 2**62], pa.int64()),
        "d": pa.array([0.1, -1e-300, None, 123456.789], pa.float64()),
        "s": pa.array(["a,b", "", None, "line\nbreak \"q\" ü"], pa.string()),
        "b": pa.array([True, False, None, True]),
        "day": pa.array([dt.date(2024, 1, 31), None, dt.date(1900, 3, 1), dt.date(2038, 1, 19)]),
        "ts": pa.array([dt.datetime(2024, 1, 31, 10, 0, 0), None,
                        dt.datetime(1999, 12, 31, 23, 59, 59, 999999),
                        dt.datetime(2001, 9, 9, 1, 46, 40, 500000)], pa.timestamp("us")),
    })


def mortar_values(rows):
    """Mortar's JSON lines back to Python values comparable with the source."""
    out = []
    for r in rows:
        out.append({
            "i": r["i"], "d": r["d"], "s": r["s"], "b": r["b"],
            "day": parse_day(r["day"]), "ts": parse_ts(r["ts"]),
        })
    return out


def test_pyarrow_csv_reads_in_mortar(mortar, tmp_path):
    path = tmp_path / "pa.csv"
    table = source_table()
    pacsv.write_csv(table, path)
    assert [t for _, t in mortar.schema(path)] == ["bigint", "double", "string", "boolean",
                                                   "date", "timestamp"]
    assert mortar_values(mortar.rows(path)) == table.to_pylist()


def test_duckdb_csv_reads_in_mortar(mortar, tmp_path):
    path = tmp_path / "duck.csv"
    table = source_table()
    con = duckdb.connect()
    con.register("src", table)
    con.execute(f"COPY src TO '{path}' (HEADER, DELIMITER ',')")
    assert [t for _, t in mortar.schema(path)] == ["bigint", "double", "string", "boolean",
                                                   "date", "timestamp"]
    assert mortar_values(mortar.rows(path)) == table.to_pylist()


def test_special_numbers_round_trip(mortar, tmp_path):
    src = tmp_path / "n.csv"
    src.write_text("x\nNaN\nInfinity\n-Infinity\n1e308\n-0.0\n4.9e-324\n")
    out = tmp_path / "n2.csv"
    mortar.run("convert", src, out)
    # pyarrow's default null markers include "NaN": keep only the empty one.
    table = pacsv.read_csv(out, convert_options=pacsv.ConvertOptions(null_values=[""]))
    vals = table.column("x").to_pylist()
    assert math.isnan(vals[0]) and vals[1:3] == [math.inf, -math.inf]
    assert vals[3:] == [1e308, -0.0, 4.9e-324]
    duck = duckdb.sql(f"SELECT x FROM read_csv('{out}', header=true)").fetchall()
    assert math.isnan(duck[0][0]) and [v for (v,) in duck[1:]] == vals[1:]


def test_many_columns_and_zero_rows(mortar, tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(10000)) + "\n" +
                    ",".join(str(i) for i in range(10000)) + "\n")
    out = tmp_path / "wide_out.csv"
    mortar.run("convert", wide, out)
    t = pacsv.read_csv(out)
    assert t.num_columns == 10000 and t.column("c9999").to_pylist() == [9999]
    header_only = tmp_path / "h.csv"
    header_only.write_text("a,b\n")
    out2 = tmp_path / "h_out.csv"
    mortar.run("convert", header_only, out2)
    t2 = pacsv.read_csv(out2)
    assert t2.column_names == ["a", "b"] and t2.num_rows == 0
