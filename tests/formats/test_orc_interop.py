"""ORC interop with pyarrow: files pyarrow.orc writes (every codec, every
primitive type with nulls, decimals, dates, timestamps with and without
time zone, nested struct/list/map, dictionary and direct strings, several
stripes) read back by `mortar file cat` and compared value by value with
pyarrow's own reading of the same file; `mortar file schema` must spell the
types as Hive does. And the other way: files `mortar file convert` writes
(every codec, several stripes) read back by pyarrow, equal to the source."""
import datetime as dt
import decimal
import random

import pyarrow as pa
import pyarrow.orc as po
import pytest

from test_orc_compare import check, parse_type

CODECS = ["uncompressed", "zlib", "snappy", "zstd", "lz4"]
UTC = dt.timezone.utc
N = 6000


def make_table(n=N, seed=7):
    rnd = random.Random(seed)

    def maybe(k, v, every=7):
        return None if k % every == 3 else v

    rows = {
        "b": [maybe(k, k % 3 == 0) for k in range(n)],
        "i8": [maybe(k, rnd.randint(-128, 127)) for k in range(n)],
        "i16": [maybe(k, rnd.randint(-32768, 32767)) for k in range(n)],
        # RLE v2 run kinds: deltas, repeats, random, random with rare outliers.
        "seq": [k * 3 - 1000 for k in range(n)],
        "rep": [maybe(k, 42 if k % 100 < 60 else k // 100) for k in range(n)],
        "i32": [maybe(k, rnd.randint(-2**31, 2**31 - 1)) for k in range(n)],
        "i64": [maybe(k, rnd.randint(0, 1000) if k % 97 else rnd.randint(-2**63, 2**63 - 1)) for k in range(n)],
        "f32": [maybe(k, rnd.uniform(-1e6, 1e6)) for k in range(n)],
        "f64": [maybe(k, [float("inf"), -0.0, 1e-300, rnd.gauss(0, 1e12)][k % 4]) for k in range(n)],
        "s": [maybe(k, ["", "héllo", "日本語", f"v{k % 50}", "x" * (k % 300)][k % 5]) for k in range(n)],
        "bin": [maybe(k, bytes([k % 256, 0, 255]) * (k % 4)) for k in range(n)],
        "dec": [maybe(k, decimal.Decimal(rnd.randint(-10**15, 10**15)).scaleb(-4)) for k in range(n)],
        "day": [maybe(k, dt.date(1900, 1, 1) + dt.timedelta(days=k * 17 % 80000)) for k in range(n)],
        "ts": [maybe(k, dt.datetime(1965, 3, 4, 5, 6, 7) + dt.timedelta(seconds=k * 86400 * 7 + k, microseconds=k * 37))
               for k in range(n)],
        "tsz": [maybe(k, dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC) - dt.timedelta(hours=k * 13, microseconds=k))
                for k in range(n)],
        "st": [maybe(k, {"x": k, "y": maybe(k + 1, f"s{k}", 5)}, 11) for k in range(n)],
        "lst": [maybe(k, [maybe(j, k + j, 4) for j in range(k % 6)]) for k in range(n)],
        "mp": [maybe(k, [(f"k{j}", maybe(j, j / 2, 3)) for j in range(k % 4)]) for k in range(n)],
        "los": [maybe(k, [{"a": j, "t": [f"t{j}"] * j} for j in range(k % 3)], 9) for k in range(n)],
    }
    schema = pa.schema([
        ("b", pa.bool_()), ("i8", pa.int8()), ("i16", pa.int16()), ("seq", pa.int64()), ("rep", pa.int32()),
        ("i32", pa.int32()), ("i64", pa.int64()), ("f32", pa.float32()), ("f64", pa.float64()),
        ("s", pa.string()), ("bin", pa.binary()), ("dec", pa.decimal128(20, 4)), ("day", pa.date32()),
        ("ts", pa.timestamp("us")), ("tsz", pa.timestamp("us", tz="UTC")),
        ("st", pa.struct([("x", pa.int64()), ("y", pa.string())])),
        ("lst", pa.list_(pa.int64())), ("mp", pa.map_(pa.string(), pa.float64())),
        ("los", pa.list_(pa.struct([("a", pa.int32()), ("t", pa.list_(pa.string()))]))),
    ])
    return pa.table(rows, schema=schema)


HIVE_TYPES = [
    ("b", "boolean"), ("i8", "tinyint"), ("i16", "smallint"), ("seq", "bigint"), ("rep", "int"),
    ("i32", "int"), ("i64", "bigint"), ("f32", "float"), ("f64", "double"), ("s", "string"),
    ("bin", "binary"), ("dec", "decimal(20,4)"), ("day", "date"), ("ts", "timestamp"), ("tsz", "timestamp"),
    ("st", "struct<x:bigint,y:string>"), ("lst", "array<bigint>"), ("mp", "map<string,double>"),
    ("los", "array<struct<a:int,t:array<string>>>"),
]


def pyarrow_rows(path):
    table = po.ORCFile(str(path)).read()
    # ORC timestamps read back as nanoseconds; the values are whole microseconds.
    cols = [c.cast(pa.timestamp("us", tz=c.type.tz)) if pa.types.is_timestamp(c.type) else c for c in table.columns]
    return pa.table(cols, names=table.column_names).to_pylist()


def compare(mortar, path):
    got = mortar.rows(path)
    expected = pyarrow_rows(path)
    assert len(got) == len(expected)
    typ = parse_type("struct<" + ",".join(f"`{n}`:{t}" for n, t in mortar.schema(path)) + ">")
    for i, (e, g) in enumerate(zip(expected, got)):
        check(e, g, typ, f"{path.name} row {i}")
    return got


@pytest.fixture(scope="module")
def table():
    return make_table()


@pytest.mark.parametrize("codec", CODECS)
def test_mortar_reads_every_codec(mortar, tmp_path, table, codec):
    path = tmp_path / f"all-{codec}.orc"
    po.write_table(table, str(path), compression=codec, stripe_size=1024, batch_size=256)
    f = po.ORCFile(str(path))
    assert f.compression == ("UNCOMPRESSED" if codec == "uncompressed" else codec.upper())
    assert f.nstripes > 1, "the small stripe size should give several stripes"
    assert mortar.schema(path) == HIVE_TYPES
    got = compare(mortar, path)
    assert got[3]["b"] is None and got[3]["s"] is None and got[3]["st"] is None  # nulls survive
    assert got[0]["ts"] == "1965-03-04 05:06:07"


@pytest.mark.parametrize("threshold", [0.0, 1.0])
def test_direct_and_dictionary_strings(mortar, tmp_path, threshold):
    # threshold 0 disables dictionaries, 1 makes every string column one.
    path = tmp_path / f"dict-{threshold}.orc"
    words = [None if k % 5 == 0 else f"word-{k % 37}" * (k % 3) for k in range(5000)]
    t = pa.table({"w": pa.array(words, pa.string()), "k": list(range(5000))})
    po.write_table(t, str(path), compression="zstd", dictionary_key_size_threshold=threshold, stripe_size=1024, batch_size=500)
    got = compare(mortar, path)
    assert [r["w"] for r in got] == words


def test_empty_table_and_all_null_columns(mortar, tmp_path):
    empty = tmp_path / "empty.orc"
    po.write_table(pa.table({"a": pa.array([], pa.int32())}), str(empty))
    assert mortar.rows(empty) == []
    assert mortar.schema(empty) == [("a", "int")]
    nulls = tmp_path / "nulls.orc"
    po.write_table(pa.table({"a": pa.array([None] * 100, pa.int64()), "s": pa.array([None] * 100, pa.string())}),
                   str(nulls), compression="zlib")
    assert mortar.rows(nulls) == [{"a": None, "s": None}] * 100


def test_corrupt_file_is_a_clear_error(mortar, tmp_path, table):
    path = tmp_path / "good.orc"
    po.write_table(table.slice(0, 500), str(path), compression="zlib")
    data = path.read_bytes()
    bad = tmp_path / "bad.orc"
    bad.write_bytes(data[:len(data) // 2])  # the tail is gone
    proc = mortar.run("cat", bad, check=False)
    assert proc.returncode != 0
    assert "bad.orc" in proc.stderr.decode() and "byte" in proc.stderr.decode()
    # Garbage in the middle of the stripes: an error or rows, never a crash.
    for at in range(3, len(data) // 2, max(1, len(data) // 40)):
        mangled = bytearray(data)
        mangled[at:at + 8] = b"\xff" * 8
        bad.write_bytes(bytes(mangled))
        mortar.run("cat", bad, check=False)  # Mortar.run asserts there was no signal


# --- Mortar writes, pyarrow reads ---------------------------------------------

def plain_rows(table):
    """Rows with timestamps as naive UTC microseconds (Mortar has no zone-aware type)."""
    cols = [c.cast(pa.timestamp("us")) if pa.types.is_timestamp(c.type) else c for c in table.columns]
    return pa.table(cols, names=table.column_names).to_pylist()


@pytest.mark.parametrize("codec", ["none"] + CODECS[1:])
def test_pyarrow_reads_what_mortar_writes(mortar, tmp_path, table, codec):
    src = tmp_path / "src.orc"
    po.write_table(table, str(src), compression="zstd")
    out = tmp_path / f"mortar-{codec}.orc"
    mortar.run("convert", src, out, "--compression", codec, "--output-option", "stripeSize=200000")
    f = po.ORCFile(str(out))
    assert f.compression == ("UNCOMPRESSED" if codec == "none" else codec.upper())
    assert f.nstripes > 1
    assert f.nrows == table.num_rows
    expected = plain_rows(po.ORCFile(str(src)).read())
    got = plain_rows(f.read())
    for i, (e, g) in enumerate(zip(expected, got)):
        assert e == g, f"row {i}: {g} != {e}"
    assert len(got) == len(expected)
    # And Mortar reads its own file back to the same JSON lines.
    assert mortar.rows(out) == mortar.rows(src)


def test_parquet_to_orc_keeps_types(mortar, tmp_path, table):
    import pyarrow.parquet as pq
    src = tmp_path / "src.parquet"
    pq.write_table(table.drop_columns(["tsz"]), str(src))
    out = tmp_path / "from-parquet.orc"
    mortar.run("convert", src, out)
    assert po.ORCFile(str(out)).compression == "ZLIB"  # ORC's default
    schema = dict(mortar.schema(out))
    assert schema == {n: t for n, t in HIVE_TYPES if n != "tsz"}
    assert plain_rows(po.ORCFile(str(out)).read()) == plain_rows(table.drop_columns(["tsz"]))
