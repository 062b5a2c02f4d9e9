"""Parquet interop with independent implementations (pyarrow, DuckDB).

pyarrow writes files with every codec, data page v2, dictionary and delta
encodings, nested types, INT96 and decimals: Mortar must read them to the
same values. Mortar writes files (by reading a pyarrow file and writing it
back with its own writer, MORTAR_PARQUET_CONVERT): pyarrow and DuckDB must
read them back to the original table. Mortar is driven through the
`formats_test` binary's command mode (src/formats/parquet/parquet_dump_test.cc).
"""
import base64
import datetime as dt
import decimal
import json
import math
import os
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]


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


def run_mortar(env):
    e = dict(os.environ)
    e.update({k: str(v) for k, v in env.items()})
    p = subprocess.run([str(find_binary())], capture_output=True, text=True, env=e, timeout=300)
    assert p.returncode == 0, p.stderr
    return p.stdout


def mortar_read(path, **env):
    out = run_mortar({"MORTAR_PARQUET_DUMP": path, **env})
    lines = [l for l in out.split("\n") if l]
    return json.loads(lines[0])["schema"], [json.loads(l) for l in lines[1:]]


def mortar_convert(src, dst, options=""):
    run_mortar({"MORTAR_PARQUET_CONVERT": f"{src}:{dst}", "MORTAR_PARQUET_OPTIONS": options})


def as_json(v):
    """A pyarrow Python value in Mortar's JSON-lines form (types/json_text.h)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, dt.datetime):
        s = v.strftime("%Y-%m-%d %H:%M:%S")
        return s + (".%06d" % v.microsecond if v.microsecond else "")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: as_json(x) for k, x in v.items()}
    if isinstance(v, list):
        if v and all(isinstance(x, tuple) for x in v):  # map
            return {str(as_json(k)): as_json(x) for k, x in v}
        return [as_json(x) for x in v]
    return v


def close(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-30)
    if a in ({}, []) and b in ({}, []):
        return True  # an empty map is [] in pyarrow's list-of-tuples form
    return a == b


def expected_rows(table):
    """The table as Mortar holds it: nanosecond timestamps truncated to micros."""
    cols = []
    for f, c in zip(table.schema, table.columns):
        if pa.types.is_timestamp(f.type) and f.type.unit == "ns":
            c = c.cast(pa.timestamp("us", tz=f.type.tz), safe=False)
        cols.append(c)
    return [as_json(r) for r in pa.table(cols, names=table.column_names).to_pylist()]


def assert_mortar_reads(path, table):
    _, rows = mortar_read(path)
    want = expected_rows(table)
    assert len(rows) == len(want)
    for i, (got, exp) in enumerate(zip(rows, want)):
        assert close(got, exp), f"row {i}\nmortar:  {got}\npyarrow: {exp}"


N = 3000


def flat_table():
    rnd = [(i * 7919) % 1000 for i in range(N)]
    return pa.table({
        "i8": pa.array([None if i % 11 == 0 else (i % 250) - 125 for i in range(N)], pa.int8()),
        "i16": pa.array([i - 1500 for i in range(N)], pa.int16()),
        "i32": pa.array([None if i % 5 == 0 else r * 1000 - 7 for i, r in enumerate(rnd)], pa.int32()),
        "i64": pa.array([i * 123456789012 - 5 for i in range(N)], pa.int64()),
        "u8": pa.array([i % 256 for i in range(N)], pa.uint8()),
        "u16": pa.array([(i * 31) % 65536 for i in range(N)], pa.uint16()),
        "u32": pa.array([(i * 2654435761) % (1 << 32) for i in range(N)], pa.uint32()),
        "f32": pa.array([None if i % 7 == 0 else i / 8.0 for i in range(N)], pa.float32()),
        "f64": pa.array([float("nan") if i == 3 else (i * 1.1 if i % 9 else None) for i in range(N)], pa.float64()),
        "b": pa.array([None if i % 13 == 0 else i % 3 == 0 for i in range(N)], pa.bool_()),
        "s": pa.array([None if i % 17 == 0 else ("" if i % 19 == 0 else f"str-{r}-é") for i, r in enumerate(rnd)]),
        "bin": pa.array([bytes([i % 256, 0, 255]) if i % 4 else None for i in range(N)], pa.binary()),
        "d": pa.array([dt.date(1970, 1, 1) + dt.timedelta(days=i - 1000) for i in range(N)], pa.date32()),
        "ts_us": pa.array([dt.datetime(2020, 1, 1) + dt.timedelta(microseconds=i * 1234567) for i in range(N)], pa.timestamp("us")),
        "ts_ms": pa.array([dt.datetime(1960, 1, 1) + dt.timedelta(milliseconds=i * 1234567) for i in range(N)], pa.timestamp("ms", tz="UTC")),
        "ts_ns": pa.array([1_600_000_000_123_456_789 + i * 1_000_000_001 for i in range(N)], pa.timestamp("ns")),
        "dec9": pa.array([decimal.Decimal(i - 1500).scaleb(-2) for i in range(N)], pa.decimal128(9, 2)),
        "dec18": pa.array([decimal.Decimal(i * 10**12 + 7).scaleb(-4) for i in range(N)], pa.decimal128(18, 4)),
        "dec38": pa.array([None if i % 3 == 0 else decimal.Decimal(-(i * 10**30 + 1)).scaleb(-10) for i in range(N)], pa.decimal128(38, 10)),
    })


def nested_table():
    rows = []
    for i in range(N):
        rows.append({
            "arr": None if i % 10 == 0 else [None if j % 4 == 3 else i + j for j in range(i % 5)],
            "arr_str": [f"x{j}" for j in range(i % 3)],
            "st": None if i % 6 == 0 else {"a": i, "b": None if i % 4 == 0 else f"b{i}", "c": [i, -i]},
            "m": None if i % 8 == 0 else {f"k{j}": (None if j == 1 else j * i) for j in range(i % 4)},
            "deep": [[{"x": [i, j]} for j in range(i % 3)], []] if i % 5 else None,
        })
    schema = pa.schema([
        ("arr", pa.list_(pa.int64())),
        ("arr_str", pa.list_(pa.string())),
        ("st", pa.struct([("a", pa.int32()), ("b", pa.string()), ("c", pa.list_(pa.int32()))])),
        ("m", pa.map_(pa.string(), pa.int64())),
        ("deep", pa.list_(pa.list_(pa.struct([("x", pa.list_(pa.int16()))])))),
    ])
    return pa.Table.from_pylist(rows, schema=schema)


@pytest.mark.parametrize("codec", ["NONE", "SNAPPY", "GZIP", "ZSTD", "LZ4", "BROTLI"])
def test_reads_pyarrow_codecs(tmp_path, codec):
    t = flat_table()
    p = tmp_path / f"{codec}.parquet"
    pq.write_table(t, p, compression=codec, row_group_size=1000)
    assert_mortar_reads(p, t)


@pytest.mark.parametrize("version", ["1.0", "2.0"])
@pytest.mark.parametrize("dictionary", [True, False])
def test_reads_pyarrow_page_versions_and_dictionary(tmp_path, version, dictionary):
    t = flat_table()
    p = tmp_path / "t.parquet"
    pq.write_table(t, p, data_page_version=version, use_dictionary=dictionary,
                   data_page_size=4096, compression="snappy")
    assert_mortar_reads(p, t)


def test_reads_delta_and_byte_stream_split_encodings(tmp_path):
    t = flat_table().select(["i32", "i64", "s", "bin", "f32", "f64", "ts_us"])
    p = tmp_path / "delta.parquet"
    pq.write_table(t, p, use_dictionary=False, data_page_version="2.0",
                   column_encoding={"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED",
                                    "s": "DELTA_BYTE_ARRAY", "bin": "DELTA_LENGTH_BYTE_ARRAY",
                                    "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT",
                                    "ts_us": "DELTA_BINARY_PACKED"})
    meta = pq.ParquetFile(p).metadata.row_group(0)
    encodings = {meta.column(i).path_in_schema: meta.column(i).encodings for i in range(meta.num_columns)}
    assert "DELTA_BYTE_ARRAY" in encodings["s"] and "BYTE_STREAM_SPLIT" in encodings["f64"]
    assert_mortar_reads(p, t)


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_reads_pyarrow_nested(tmp_path, version):
    t = nested_table()
    p = tmp_path / "nested.parquet"
    pq.write_table(t, p, data_page_version=version, row_group_size=700, data_page_size=2048)
    assert_mortar_reads(p, t)


def test_reads_int96_and_legacy_layouts(tmp_path):
    t = pa.table({
        "ts": pa.array([dt.datetime(1900, 1, 1, 0, 0, 0, 1), dt.datetime(2262, 4, 11), None,
                        dt.datetime(1969, 12, 31, 23, 59, 59, 999999)], pa.timestamp("us")),
        "l": pa.array([[1, 2], [], None, [3]], pa.list_(pa.int32())),
    })
    p = tmp_path / "int96.parquet"
    pq.write_table(t, p, use_deprecated_int96_timestamps=True, use_compliant_nested_type=False)
    assert pq.ParquetFile(p).schema.column(0).physical_type == "INT96"
    assert_mortar_reads(p, t)


def test_projection_reads_only_named_columns(tmp_path):
    t = flat_table()
    p = tmp_path / "t.parquet"
    pq.write_table(t, p)
    schema, rows = mortar_read(p, MORTAR_PARQUET_COLUMNS="s,i64")
    assert schema == "struct<s:string,i64:bigint>"
    assert rows == [{"s": as_json(r["s"]), "i64": r["i64"]} for r in t.select(["s", "i64"]).to_pylist()]


def _roundtrip_through_mortar(tmp_path, table, options=""):
    src = tmp_path / "src.parquet"
    dst = tmp_path / "mortar.parquet"
    pq.write_table(table, src)
    mortar_convert(src, dst, options)
    return dst


def _expected_after_mortar(table):
    return expected_rows(table)


@pytest.mark.parametrize("codec", ["snappy", "zstd", "gzip", "none"])
def test_pyarrow_reads_mortar_files(tmp_path, codec):
    t = flat_table()
    dst = _roundtrip_through_mortar(tmp_path, t, f"compression={codec}")
    f = pq.ParquetFile(dst)
    assert f.metadata.created_by.startswith("mortar")
    want_codec = {"none": "UNCOMPRESSED"}.get(codec, codec.upper())
    assert f.metadata.row_group(0).column(0).compression == want_codec
    got = [as_json(r) for r in f.read().to_pylist()]
    want = _expected_after_mortar(t)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert close(g, w), f"row {i}\npyarrow on mortar: {g}\noriginal: {w}"


def test_duckdb_reads_mortar_files(tmp_path):
    import duckdb
    t = flat_table()
    dst = _roundtrip_through_mortar(tmp_path, t)
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    got = con.execute(f"SELECT i32, i64, s, d, epoch_us(ts_us), dec38, f64, b FROM read_parquet('{dst}')").fetchall()
    want = t.select(["i32", "i64", "s", "d", "ts_us", "dec38", "f64", "b"]).to_pylist()
    epoch = dt.datetime(1970, 1, 1)
    for w in want:
        w["ts_us"] = (w["ts_us"] - epoch) // dt.timedelta(microseconds=1)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        w = list(w.values())
        for a, b in zip(g, w):
            if isinstance(b, float) and math.isnan(b):
                assert math.isnan(a)
            else:
                assert a == b
    # DuckDB can use Mortar's statistics: min/max agree with the data.
    mn, mx = con.execute(f"SELECT min(i64), max(i64) FROM read_parquet('{dst}')").fetchone()
    assert (mn, mx) == (min(t["i64"].to_pylist()), max(t["i64"].to_pylist()))


def test_readers_agree_on_mortar_nested_files(tmp_path):
    import duckdb
    t = nested_table()
    dst = _roundtrip_through_mortar(tmp_path, t, "rowGroupRows=1000,pageSize=4096")
    f = pq.ParquetFile(dst)
    assert f.metadata.num_row_groups == 3
    got = [as_json(r) for r in f.read().to_pylist()]
    want = [as_json(r) for r in t.to_pylist()]
    for i, (g, w) in enumerate(zip(got, want)):
        assert close(g, w), f"row {i}\npyarrow on mortar: {g}\noriginal: {w}"
    n = duckdb.connect().execute(
        f"SELECT count(*), sum(len(arr)), sum(st.a), sum(cardinality(m)) FROM read_parquet('{dst}')").fetchone()
    arr_len = sum(len(r["arr"]) for r in t.to_pylist() if r["arr"] is not None)
    st_a = sum(r["st"]["a"] for r in t.to_pylist() if r["st"] is not None)
    m_len = sum(len(r["m"]) for r in t.to_pylist() if r["m"] is not None)
    assert n == (N, arr_len, st_a, m_len)


def test_mortar_statistics_and_metadata(tmp_path):
    t = pa.table({"x": pa.array([5, None, -3, 9], pa.int64()), "s": ["b", "a", None, "c"]})
    dst = _roundtrip_through_mortar(tmp_path, t, "metadata.origin=test,compression=zstd")
    f = pq.ParquetFile(dst)
    assert f.metadata.metadata[b"origin"] == b"test"
    st = f.metadata.row_group(0).column(0).statistics
    assert (st.min, st.max, st.null_count) == (-3, 9, 1)
    st = f.metadata.row_group(0).column(1).statistics
    assert (st.min, st.max, st.null_count) == ("a", "c", 1)


def test_dictionary_falls_back_to_plain_for_large_dictionaries(tmp_path):
    n = 50000
    t = pa.table({"u": [f"unique-value-{i:08d}" for i in range(n)], "c": [f"c{i % 10}" for i in range(n)]})
    dst = _roundtrip_through_mortar(tmp_path, t, "dictionaryPageSize=65536")
    md = pq.ParquetFile(dst).metadata.row_group(0)
    assert "RLE_DICTIONARY" not in md.column(0).encodings
    assert "RLE_DICTIONARY" in md.column(1).encodings
    assert pq.read_table(dst).equals(t)


def test_empty_and_zero_row_files(tmp_path):
    t = pa.table({"a": pa.array([], pa.int32()), "s": pa.array([], pa.string())})
    src = tmp_path / "empty.parquet"
    pq.write_table(t, src)
    schema, rows = mortar_read(src)
    assert schema == "struct<a:int,s:string>" and rows == []
    dst = tmp_path / "mortar-empty.parquet"
    mortar_convert(src, dst)
    back = pq.read_table(dst)
    assert back.num_rows == 0 and back.column_names == ["a", "s"]
