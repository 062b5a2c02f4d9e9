"""XML conformance on ../shared/testdata/xml (spark-xml and Spark test inputs)
against xml/EXPECTED.json: with each file's rowTag, Mortar must read the row
count spark-xml asserts (else the number of row-tag elements); where Python's
parser rejects the file, Mortar either reads spark-xml's count or rejects it
with a located error naming the file.
"""
import json
import re
import subprocess
import sys

LOCATED = re.compile(r"byte offset \d+\): ")


def expected_rows(exp):
    asserted = re.match(r"\d+", exp.get("spark_xml_asserts", ""))
    return int(asserted.group()) if asserted else exp["row_tag_elements"]


def test_xml_files(mortar, testdata):
    base = testdata / "xml"
    expected = json.loads((base / "EXPECTED.json").read_text())["files"]
    results = {}
    for rel, exp in sorted(expected.items()):
        path = base / rel
        proc = mortar.run("cat", path, "--to", "jsonl", "--option", f"rowTag={exp['row_tag']}",
                          check=False)
        stderr = proc.stderr.decode(errors="replace")
        want = expected_rows(exp)
        if proc.returncode != 0:
            if not exp["well_formed"] and LOCATED.search(stderr) and str(path) in stderr:
                results[rel] = "ok (rejected with a located error)"
            else:
                results[rel] = "FAIL: " + stderr[:200]
            continue
        rows = [json.loads(l) for l in proc.stdout.decode().splitlines() if l]
        results[rel] = "ok" if len(rows) == want else f"FAIL: rows {len(rows)} != {want}"
    passed = sum(1 for r in results.values() if r.startswith("ok"))
    print(f"\nxml conformance: {passed}/{len(results)} files pass")
    for rel, r in results.items():
        print(f"  {rel}: {r}")
    failures = {k: v for k, v in results.items() if not v.startswith("ok")}
    assert not failures, failures


def test_xml_nested_objects_and_attributes(mortar, testdata):
    base = testdata / "xml" / "spark-xml"
    rows = mortar.rows(base / "simple-nested-objects.xml", "rowTag=ROW")
    assert len(rows) == 2
    assert all(set(r["c"]) == {"a", "b"} for r in rows)
    books = mortar.rows(base / "books.xml", "rowTag=book")
    assert books[0]["_id"] == "bk101"
    assert isinstance(books[0]["price"], float)
    no_attrs = mortar.rows(base / "books.xml", "rowTag=book", "excludeAttribute=true")
    assert "_id" not in no_attrs[0]


def test_xml_indented_empty_element_is_null(mortar, testdata):
    # gps-empty-field.xml: an empty, indented <TrackPointExtension> in one row
    # and a nested one in the other read as one struct column (as spark-xml).
    rows = mortar.rows(testdata / "xml" / "spark-xml" / "gps-empty-field.xml", "rowTag=ROW")
    assert [r["extensions"]["TrackPointExtension"] for r in rows] == [None, {"hr": 119}]


def test_xml_compressed_matches_plain(mortar, testdata):
    base = testdata / "xml" / "spark-xml"
    assert mortar.rows(base / "cars.xml.gz", "rowTag=ROW") == mortar.rows(base / "cars.xml", "rowTag=ROW")


def test_xml_missing_row_tag_is_an_error(mortar, testdata):
    proc = mortar.run("cat", testdata / "xml" / "spark" / "people.xml", check=False)
    assert proc.returncode != 0
    assert "rowTag" in proc.stderr.decode(errors="replace")


def test_xml_large_file_streams_in_bounded_memory(mortar, tmp_path):
    # ~50 MB of records: a reader holding the file (or its rows) would need
    # far more than the bound; a streaming one stays near its batch size.
    path = tmp_path / "big.xml"
    row = '<row id="{0}"><name>name {0}</name><v>{0}.5</v><tags><t>a</t><t>b</t></tags></row>\n'
    with open(path, "w") as f:
        f.write("<rows>\n")
        for start in range(0, 550_000, 10_000):
            f.write("".join(row.format(i) for i in range(start, start + 10_000)))
        f.write("</rows>\n")
    probe = ("import resource, subprocess, sys;"
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE);"
             "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    cmd = mortar.command + ["cat", str(path), "--option", "rowTag=row"]
    out = subprocess.run([sys.executable, "-c", probe] + cmd, capture_output=True, timeout=300)
    code, max_rss_kb = map(int, out.stdout.split())
    assert code == 0, out.stderr
    assert max_rss_kb < 64 * 1024, f"max RSS {max_rss_kb} kB while reading a 50 MB XML file"
