"""Avro interop with fastavro, and conformance on ../shared/testdata/avro.

fastavro writes files (every codec, unions, enums, fixed, maps, nested
records, logical types): `mortar file cat` must print the same values.
Mortar writes files (`mortar file convert ... x.avro --compression C`):
fastavro must read back the original records. fastavro here has no snappy or
zstd library, so those codecs go through pyarrow's codecs: fastavro reads
them through a registered block reader, and files fastavro writes are
re-blocked with them by `recodec` below (independent of Mortar).
"""
import base64
import datetime as dt
import decimal
import io
import json
import struct
import uuid
import zlib

import fastavro
import fastavro.read
import pyarrow as pa
import pytest

CODECS = ["null", "deflate", "snappy", "zstandard"]
UTC = dt.timezone.utc


# --- snappy/zstd through pyarrow --------------------------------------------

def _read_long(fo):
    shift = result = 0
    while True:
        b = fo.read(1)[0]
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return (result >> 1) ^ -(result & 1)


def _put_long(out, v):
    z = (v << 1) ^ (v >> 63)
    while z >= 0x80:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)


def _raw_snappy_length(data):
    shift = result = 0
    for b in data:
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result
    raise ValueError("bad snappy header")


def _snappy_block(fo):
    data = fo.read(_read_long(fo))
    body, crc = data[:-4], struct.unpack(">I", data[-4:])[0]
    out = pa.decompress(body, decompressed_size=_raw_snappy_length(body), codec="snappy",
                        asbytes=True)
    assert zlib.crc32(out) == crc, "snappy block CRC mismatch"
    return io.BytesIO(out)


def _zstd_block(fo):
    data = fo.read(_read_long(fo))
    frame_size = _zstd_content_size(data)
    return io.BytesIO(pa.decompress(data, decompressed_size=frame_size, codec="zstd", asbytes=True))


def _zstd_content_size(frame):
    # Frame header: magic, descriptor, [window], [dict id], content size.
    fhd = frame[4]
    single = (fhd >> 5) & 1
    fcs_flag = fhd >> 6
    pos = 5 + (0 if single else 1) + [0, 1, 2, 4][fhd & 3]
    n = [1 if single else 0, 2, 4, 8][fcs_flag]
    assert n, "zstd frame without a content size"
    v = int.from_bytes(frame[pos:pos + n], "little")
    return v + 256 if n == 2 else v


fastavro.read.BLOCK_READERS["snappy"] = _snappy_block
fastavro.read.BLOCK_READERS["zstandard"] = _zstd_block


def _compress(codec, data):
    if codec == "null":
        return data
    if codec == "deflate":
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush()
    if codec == "snappy":
        return pa.compress(data, codec="snappy", asbytes=True) + struct.pack(">I", zlib.crc32(data))
    return pa.compress(data, codec="zstd", asbytes=True)


def recodec(src, dst, codec):
    """Rewrites an Avro file's blocks with another codec (header and records kept)."""
    with open(src, "rb") as f:
        reader = fastavro.block_reader(f)
        meta = dict(reader.metadata)
        blocks = [(b.num_records, b.bytes_.getvalue() if hasattr(b.bytes_, "getvalue") else b.bytes_)
                  for b in reader]
    meta["avro.codec"] = codec
    sync = bytes(range(16))
    out = bytearray(b"Obj\x01")
    _put_long(out, len(meta))
    for k, v in meta.items():
        kb = k.encode()
        vb = v if isinstance(v, bytes) else v.encode()
        _put_long(out, len(kb)); out += kb
        _put_long(out, len(vb)); out += vb
    _put_long(out, 0)
    out += sync
    for count, data in blocks:
        comp = _compress(codec, data)
        _put_long(out, count)
        _put_long(out, len(comp))
        out += comp + sync
    with open(dst, "wb") as f:
        f.write(out)


# --- the data ---------------------------------------------------------------

SCHEMA = {
    "type": "record", "name": "Everything", "namespace": "test",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "b", "type": "boolean"},
        {"name": "i", "type": "int"},
        {"name": "f", "type": "float"},
        {"name": "d", "type": "double"},
        {"name": "s", "type": "string"},
        {"name": "by", "type": "bytes"},
        {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
        {"name": "fx", "type": {"type": "fixed", "name": "Three", "size": 3}},
        {"name": "opt", "type": ["null", "string"]},
        {"name": "u", "type": ["null", "string", "long"]},
        {"name": "arr", "type": {"type": "array", "items": ["null", "int"]}},
        {"name": "m", "type": {"type": "map", "values": "double"}},
        {"name": "nested", "type": ["null", {"type": "record", "name": "Inner", "fields": [
            {"name": "a", "type": "int"},
            {"name": "tags", "type": {"type": "array", "items": "string"}}]}]},
        {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 3}},
        {"name": "fdec", "type": {"type": "fixed", "name": "D", "size": 6, "logicalType": "decimal",
                                  "precision": 10, "scale": 2}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "tms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "tus", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
    ],
}

# time-millis/-micros have no Mortar type (read as integers): kept out of the
# round trip, checked on their own below.
TIME_SCHEMA = {"type": "record", "name": "T", "fields": [
    {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
    {"name": "tu", "type": {"type": "long", "logicalType": "time-micros"}}]}


def records(n=7):
    out = []
    for k in range(n):
        out.append({
            "id": -(2 ** 63) if k == 0 else k * 1000003,
            "b": k % 2 == 0,
            "i": -(2 ** 31) if k == 1 else k,
            "f": k * 0.25,
            "d": -1e300 if k == 2 else k / 8,
            "s": "" if k == 0 else f"héllo {k} \"quoted\"",
            "by": bytes([0, 255, k % 256]),
            "color": ["RED", "GREEN", "BLUE"][k % 3],
            "fx": bytes([k % 250, k % 250 + 1, k % 250 + 2]),
            "opt": None if k % 2 else f"o{k}",
            "u": [None, "str", k * 10 ** 12][k % 3],
            "arr": [k, None, -k] if k % 3 else [],
            "m": {} if k == 0 else {"x": 1.5, f"k{k}": -k / 4},
            "nested": None if k == 3 else {"a": k, "tags": ["t"] * k},
            "dec": decimal.Decimal(k * 123456789 - 500000).scaleb(-3),
            "fdec": decimal.Decimal(-k * 1001).scaleb(-2),
            "day": dt.date(1969, 12, 31) + dt.timedelta(days=k * 97 % 40000 - k),
            "tms": dt.datetime(2020, 1, 2, 3, 4, 5, k * 1000, tzinfo=UTC),
            "tus": dt.datetime(1960, 6, 7, 8, 9, 10, k * 123457 % 1000000, tzinfo=UTC),
            "uid": str(uuid.UUID(int=k * 7919 + 1)),
        })
    return out


def as_json(v):
    """A fastavro value in Mortar's JSON-lines form (types/json_text.h)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, decimal.Decimal):
        return float(v)  # `mortar file cat` prints decimals as JSON numbers
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, dt.datetime):
        v = v.astimezone(UTC)
        s = v.strftime("%Y-%m-%d %H:%M:%S")
        return s + ((".%06d" % v.microsecond).rstrip("0") if v.microsecond else "")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return [as_json(x) for x in v]
    if isinstance(v, dict):
        return {k: as_json(x) for k, x in v.items()}
    raise TypeError(type(v))


def write_fastavro(path, schema, recs, codec):
    parsed = fastavro.parse_schema(schema)
    if codec in ("null", "deflate"):
        with open(path, "wb") as f:
            fastavro.writer(f, parsed, recs, codec=codec, sync_interval=200)
    else:
        plain = str(path) + ".plain"
        with open(plain, "wb") as f:
            fastavro.writer(f, parsed, recs, codec="null", sync_interval=200)
        recodec(plain, path, codec)


def read_fastavro(path):
    with open(path, "rb") as f:
        r = fastavro.reader(f)
        return r.codec, r.writer_schema, list(r)


# --- fastavro writes, Mortar reads -------------------------------------------

@pytest.mark.parametrize("codec", CODECS)
def test_mortar_reads_what_fastavro_writes(mortar, tmp_path, codec):
    path = tmp_path / f"fa-{codec}.avro"
    recs = records(300)  # several blocks (sync_interval is small)
    write_fastavro(path, SCHEMA, recs, codec)
    assert read_fastavro(path)[0] == codec
    got = mortar.rows(path)
    assert got == [as_json(r) for r in recs]


def test_mortar_schema_mapping(mortar, tmp_path):
    path = tmp_path / "s.avro"
    write_fastavro(path, SCHEMA, records(1), "null")
    types = dict(mortar.schema(path))
    assert types == {
        "id": "bigint", "b": "boolean", "i": "int", "f": "float", "d": "double", "s": "string",
        "by": "binary", "color": "string", "fx": "binary", "opt": "string",
        "u": "choice<string,bigint>", "arr": "array<int>", "m": "map<string,double>",
        "nested": "struct<a:int,tags:array<string>>", "dec": "decimal(12,3)",
        "fdec": "decimal(10,2)", "day": "date", "tms": "timestamp", "tus": "timestamp",
        "uid": "string",
    }


def test_time_logical_types_read_as_integers(mortar, tmp_path):
    path = tmp_path / "t.avro"
    write_fastavro(path, TIME_SCHEMA, [{"tm": dt.time(1, 2, 3, 4000), "tu": dt.time(23, 59, 59, 999999)}],
                   "deflate")
    assert mortar.rows(path) == [{"tm": 3723004, "tu": 86399999999}]


def test_zero_rows(mortar, tmp_path):
    path = tmp_path / "empty.avro"
    write_fastavro(path, SCHEMA, [], "deflate")
    assert mortar.rows(path) == []
    assert len(mortar.schema(path)) == len(SCHEMA["fields"])


def test_corrupt_files_fail_with_location(mortar, tmp_path):
    path = tmp_path / "good.avro"
    write_fastavro(path, SCHEMA, records(50), "deflate")
    data = path.read_bytes()
    for cut in (3, 40, len(data) // 2, len(data) - 1):
        bad = tmp_path / f"cut{cut}.avro"
        bad.write_bytes(data[:cut])
        p = mortar.run("cat", bad, check=False)
        assert p.returncode == 1, cut
        assert str(bad) in p.stderr.decode(), p.stderr
    flipped = bytearray(data)
    flipped[-3] ^= 0xFF  # inside the last sync marker
    bad = tmp_path / "sync.avro"
    bad.write_bytes(bytes(flipped))
    p = mortar.run("cat", bad, check=False)
    assert p.returncode == 1
    assert "sync marker" in p.stderr.decode() and "byte " in p.stderr.decode()


# --- Mortar writes, fastavro reads -------------------------------------------

@pytest.mark.parametrize("codec", CODECS)
def test_fastavro_reads_what_mortar_writes(mortar, tmp_path, codec):
    src = tmp_path / "src.avro"
    recs = records(300)
    write_fastavro(src, SCHEMA, recs, "null")
    out = tmp_path / f"mortar-{codec}.avro"
    mortar.run("convert", src, out, "--compression", "none" if codec == "null" else
               ("zstd" if codec == "zstandard" else codec))
    got_codec, schema, got = read_fastavro(out)
    assert got_codec == codec
    # Every field is nullable: ["null", T] with default null.
    for field in schema["fields"]:
        assert isinstance(field["type"], list) and field["type"][0] == "null", field
        assert field.get("default", "missing") is None
    assert [as_json(r) for r in got] == [as_json(r) for r in recs]
    # And Mortar reads its own file to the same values.
    assert mortar.rows(out) == [as_json(r) for r in recs]


def test_mortar_writes_nulls_and_zero_rows(mortar, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"a": 1, "b": "x", "c": [1, 2]}\n{"a": null, "b": null, "c": null}\n')
    out = tmp_path / "out.avro"
    mortar.run("convert", src, out)
    _, _, got = read_fastavro(out)
    assert got == [{"a": 1, "b": "x", "c": [1, 2]}, {"a": None, "b": None, "c": None}]
    empty = tmp_path / "empty.avro"
    write_fastavro(empty, SCHEMA, [], "null")
    out2 = tmp_path / "out2.avro"
    mortar.run("convert", empty, out2)
    _, schema, got = read_fastavro(out2)
    assert got == [] and len(schema["fields"]) == len(SCHEMA["fields"])


# --- conformance ---------------------------------------------------------------

def _expected_json(v):
    if isinstance(v, dict):
        if set(v) == {"$bytes_b64"}:
            return v["$bytes_b64"]
        if set(v) == {"$decimal"}:
            return float(v["$decimal"])
        if set(v) == {"$date"}:
            return v["$date"]
        if set(v) == {"$datetime"}:
            return as_json(dt.datetime.fromisoformat(v["$datetime"]))
        return {k: _expected_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_expected_json(x) for x in v]
    return v


def test_conformance(mortar, testdata):
    expected = json.loads((testdata / "avro" / "EXPECTED.json").read_text())["files"]
    passed = lenient = 0
    for name, exp in sorted(expected.items()):
        path = testdata / "avro" / name
        if "error" in exp:
            # The reference reader rejects it by strict name validation; Mortar
            # (like fastavro) reads it: it must agree with fastavro then.
            got = mortar.rows(path)
            with open(path, "rb") as f:
                assert got == [as_json(r) for r in fastavro.reader(f)], name
            lenient += 1
            continue
        got = mortar.rows(path)
        assert len(got) == exp["record_count"], name
        is_record = isinstance(exp["schema"], dict) and exp["schema"].get("type") == "record"
        values = got if is_record else [r["value"] for r in got]
        want = exp.get("records", exp.get("first_5_records"))
        assert values[:len(want)] == [_expected_json(r) for r in want], name
        passed += 1
    print(f"avro conformance: {passed}/{len(expected)} files match EXPECTED.json, "
          f"{lenient} read leniently (rejected by the reference reader)")
    assert passed + lenient == len(expected)
