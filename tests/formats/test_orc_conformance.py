"""Conformance on Apache ORC's own test files (../shared/testdata/orc/apache-orc)
against ORC's reference dumps (expected/*.jsn.gz, one JSON value per row).

Mortar's reading differs from the dumps only in representation, which
orc_compare.check() bridges: timestamps are microseconds (the dumps print
nanoseconds: compared truncated), binary prints as base64, maps as objects,
unions as the chosen value (the dump's {tag, value}), and a file whose root
type is not a struct (testTimestamp) reads as one column `_col0`.

Three files have no reference dump; they are compared with pyarrow's reading
instead: demo-12-zlib (1,920,800 rows: the count, and every 1000th row),
complextypes_iceberg (nested lists/maps/structs) and
TestVectorOrcFile.testZstd.0.12 (ZSTD).
"""
import gzip
import json

import pyarrow.orc as po
import pytest

from test_orc_compare import check, parse_type

NO_DUMP = {"demo-12-zlib.orc", "complextypes_iceberg.orc", "TestVectorOrcFile.testZstd.0.12.orc"}


def orc_dir(testdata):
    d = testdata / "orc" / "apache-orc"
    if not d.is_dir():
        pytest.skip(f"no ORC conformance files at {d}")
    return d


def mortar_type(mortar, path):
    fields = ",".join(f"`{n}`:{t}" for n, t in mortar.schema(path))
    return parse_type(f"struct<{fields}>")


def test_every_file_is_accounted_for(testdata):
    d = orc_dir(testdata)
    files = sorted(p.name for p in d.glob("*.orc"))
    dumps = {p.name[:-len(".jsn.gz")] + ".orc" for p in (d / "expected").glob("*.jsn.gz")}
    unexplained = [f for f in files if f not in dumps and f not in NO_DUMP]
    assert not unexplained, f"ORC files with neither a dump nor a pyarrow comparison: {unexplained}"


def test_matches_reference_dumps(mortar, testdata):
    d = orc_dir(testdata)
    dumps = sorted((d / "expected").glob("*.jsn.gz"))
    passed = []
    for dump in dumps:
        path = d / (dump.name[:-len(".jsn.gz")] + ".orc")
        with gzip.open(dump, "rt") as f:
            expected = [json.loads(line) for line in f if line.strip()]
        typ = mortar_type(mortar, path)
        got = mortar.rows(path)
        assert len(got) == len(expected), f"{path.name}: {len(got)} rows, expected {len(expected)}"
        wraps = typ[1] == [("_col0", typ[1][0][1])] and expected and not isinstance(expected[0], dict)
        for i, (e, g) in enumerate(zip(expected, got)):
            check({"_col0": e} if wraps else e, g, typ, f"{path.name} row {i}")
        passed.append(path.name)
    print(f"\nORC conformance: {len(passed)}/{len(dumps)} reference dumps match: {', '.join(passed)}")
    assert len(passed) == len(dumps)


@pytest.mark.parametrize("name", ["complextypes_iceberg.orc", "TestVectorOrcFile.testZstd.0.12.orc"])
def test_matches_pyarrow_where_no_dump(mortar, testdata, name):
    path = orc_dir(testdata) / name
    expected = po.ORCFile(str(path)).read().to_pylist()
    got = mortar.rows(path)
    assert len(got) == len(expected)
    typ = mortar_type(mortar, path)
    for i, (e, g) in enumerate(zip(expected, got)):
        check(e, g, typ, f"{name} row {i}")


def test_demo_12_zlib(mortar, testdata):
    path = orc_dir(testdata) / "demo-12-zlib.orc"
    table = po.ORCFile(str(path)).read()
    assert table.num_rows == 1920800
    got = mortar.rows(path)
    assert len(got) == 1920800
    typ = mortar_type(mortar, path)
    for i in list(range(0, table.num_rows, 1000)) + [table.num_rows - 1]:
        check(table.slice(i, 1).to_pylist()[0], got[i], typ, f"demo-12-zlib row {i}")
