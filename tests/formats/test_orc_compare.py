"""Shared by the ORC tests: Mortar's type strings parsed, and values compared
recursively under a type (Mortar's JSON lines against a reference)."""
import base64
import datetime as dt
import decimal
import math
import struct


def parse_type(text):
    """A Hive/Mortar type string as (kind, args): ("struct", [(name, t)...]),
    ("array", t), ("map", (k, v)), ("choice", [t...]), ("decimal", (p, s)),
    ("varchar", n) ..., or (name, None) for the primitives."""
    pos = 0

    def ident():
        nonlocal pos
        if text[pos] == "`":
            end = text.index("`", pos + 1)
            name, pos = text[pos + 1:end], end + 1
            return name
        start = pos
        while pos < len(text) and (text[pos].isalnum() or text[pos] == "_"):
            pos += 1
        return text[start:pos]

    def expect(c):
        nonlocal pos
        assert text[pos] == c, f"expected {c!r} at {pos} in {text}"
        pos += 1

    def typ():
        nonlocal pos
        name = ident().lower()
        if name in ("array", "map", "struct", "choice", "uniontype"):
            expect("<")
            items = []
            while True:
                if name == "struct":
                    field = ident()
                    expect(":")
                    items.append((field, typ()))
                else:
                    items.append(typ())
                if text[pos] == ">":
                    pos += 1
                    break
                expect(",")
            if name == "array":
                return ("array", items[0])
            if name == "map":
                return ("map", (items[0], items[1]))
            return ("choice" if name in ("choice", "uniontype") else "struct", items)
        if pos < len(text) and text[pos] == "(":
            end = text.index(")", pos)
            args = tuple(int(x) for x in text[pos + 1:end].split(","))
            pos = end + 1
            return (name, args)
        return (name, None)

    return typ()


def _timestamp(text):
    """'YYYY-MM-DD HH:MM:SS[.fraction]' as (seconds part, microseconds), the
    fraction truncated to microseconds (Mortar's precision)."""
    base, _, frac = text.partition(".")
    return base, int((frac + "000000")[:6]) if frac else 0


def _float32(x):
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


def check(expected, got, typ, path="row"):
    """Asserts Mortar's value `got` equals `expected` under Mortar type `typ`.
    `expected` uses the conventions of ORC's JSON dumps / pyarrow: binary as a
    list of byte values or bytes, maps as lists of {key, value} or (k, v)
    pairs, unions as {tag, value} or (tag, value)."""
    kind, args = typ
    if kind == "choice" and isinstance(expected, dict) and expected.get("value") is None:
        expected = None  # a union row whose alternative is null prints as null
    if expected is None or got is None:
        assert expected is None and got is None, f"{path}: expected {expected!r}, got {got!r}"
        return
    if kind == "struct":
        assert isinstance(got, dict), f"{path}: {got!r} is not an object"
        for name, t in args:
            check(expected.get(name), got.get(name), t, f"{path}.{name}")
    elif kind == "array":
        assert len(expected) == len(got), f"{path}: {len(got)} elements, expected {len(expected)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            check(e, g, args, f"{path}[{i}]")
    elif kind == "map":
        pairs = [(e["key"], e["value"]) if isinstance(e, dict) else e for e in expected]
        got_pairs = list(got.items()) if isinstance(got, dict) else [(e["key"], e["value"]) for e in got]
        assert len(pairs) == len(got_pairs), f"{path}: {len(got_pairs)} entries, expected {len(pairs)}"
        for (ek, ev), (gk, gv) in zip(pairs, got_pairs):
            assert str(ek) == str(gk), f"{path}: key {gk!r}, expected {ek!r}"
            check(ev, gv, args[1], f"{path}[{ek!r}]")
    elif kind == "choice":
        tag, value = (expected["tag"], expected["value"]) if isinstance(expected, dict) else expected
        check(value, got, args[tag], f"{path}<{tag}>")
    elif kind in ("tinyint", "smallint", "int", "bigint"):
        assert int(got) == int(expected) and not isinstance(got, bool), f"{path}: {got!r} != {expected!r}"
    elif kind == "boolean":
        assert got is bool(expected), f"{path}: {got!r} != {expected!r}"
    elif kind == "float":
        e, g = _float32(expected), _float32(got)
        assert e == g or (math.isnan(e) and math.isnan(g)), f"{path}: {got!r} != {expected!r}"
    elif kind == "double":
        e, g = float(expected), float(got)
        assert e == g or (math.isnan(e) and math.isnan(g)), f"{path}: {got!r} != {expected!r}"
    elif kind == "decimal":
        assert decimal.Decimal(str(got)) == decimal.Decimal(str(expected)), f"{path}: {got!r} != {expected!r}"
    elif kind == "binary":
        e = bytes(expected)
        assert base64.b64decode(got) == e, f"{path}: {got!r} != {e!r}"
    elif kind == "timestamp":
        e = expected
        if isinstance(e, dt.datetime):
            e = e.strftime("%Y-%m-%d %H:%M:%S") + ".%06d" % e.microsecond
        elif hasattr(e, "value"):  # pandas-free nanosecond timestamps are not used
            raise TypeError(type(e))
        assert _timestamp(got) == _timestamp(e), f"{path}: {got!r} != {expected!r}"
    elif kind == "date":
        e = expected.isoformat() if isinstance(expected, dt.date) else expected
        assert got == e, f"{path}: {got!r} != {e!r}"
    else:  # string, varchar, char
        assert got == expected, f"{path}: {got!r} != {expected!r}"


# --- the comparison itself must be able to fail --------------------------------

def test_parse_type_reads_nested_hive_types():
    t = parse_type("struct<`a b`:array<map<string,decimal(10,2)>>,c:choice<int,string>,v:varchar(5)>")
    assert t == ("struct", [("a b", ("array", ("map", (("string", None), ("decimal", (10, 2)))))),
                            ("c", ("choice", [("int", None), ("string", None)])),
                            ("v", ("varchar", (5,)))])


def test_check_catches_differences():
    import pytest
    t = parse_type("struct<ts:timestamp,b:binary,m:map<string,int>,u:choice<int,string>,f:float>")
    good = {"ts": "2020-01-02 03:04:05.123456", "b": "AAE=", "m": {"k": 1}, "u": "x", "f": 1.100000023841858}
    ref = {"ts": "2020-01-02 03:04:05.123456789", "b": [0, 1], "m": [{"key": "k", "value": 1}],
           "u": {"tag": 1, "value": "x"}, "f": 1.1}
    check(ref, good, t)
    for field, wrong in [("ts", "2020-01-02 03:04:05.123455"), ("b", "AAI="), ("m", {"k": 2}), ("u", "y"),
                         ("f", 1.2)]:
        with pytest.raises(AssertionError):
            check(ref, dict(good, **{field: wrong}), t)
