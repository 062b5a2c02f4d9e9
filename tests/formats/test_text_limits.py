"""`mortar file` on JSON, XML and log inputs built to exhaust it: small gzip
files that expand to one huge record (a JSON document, an XML row, a log
line). Each is refused at maxRecordSize with its location, the process's peak
memory far below the record; records within the limit are read. (CSV's cases
are in test_csv_limits.py.)"""
import gzip
import json

from memory_probe import MIB, run_measured, write_gzip


def test_gzip_of_one_huge_json_document_is_refused_within_bounded_memory(mortar, tmp_path):
    # One object holding a 1 GiB array: one document, which the reader would
    # have to hold whole (it grew its buffer up to 4 GiB).
    p = tmp_path / "bomb.json.gz"
    write_gzip(p, b'{"id": 0}\n{"a": [', b'{"a": 1},', 1024)
    assert p.stat().st_size < 4 * MIB
    code, stderr, peak_mib = run_measured(mortar.command + ["cat", p])
    assert code == 1, stderr
    assert (f"{p}: line 2 (byte offset 10): JSON document longer than maxRecordSize "
            "(67108864 bytes)") in stderr, stderr
    print(f"peak RSS refusing a 1 GiB JSON document: {peak_mib:.0f} MiB")
    # The buffer stops at 64 MiB (it grew to 4 GiB before the limit);
    # simdjson's structural index of it (4 bytes per structural character,
    # here 6 of every 9 bytes) roughly doubles that.
    assert peak_mib < 400, peak_mib

    code, stderr, small_peak = run_measured(mortar.command + ["cat", p, "--option", "maxRecordSize=1048576"])
    assert code == 1 and "JSON document longer than maxRecordSize (1048576 bytes)" in stderr, stderr
    assert small_peak < peak_mib


def test_json_documents_within_the_limit_are_read(mortar, tmp_path):
    p = tmp_path / "long.json.gz"
    value = "v" * (3 * MIB)
    with gzip.open(p, "wt") as f:
        f.write('{"id": 1, "text": "short"}\n')
        f.write(json.dumps({"id": 2, "text": value}) + "\n")
    rows = mortar.rows(p)
    assert [r["id"] for r in rows] == [1, 2] and rows[1]["text"] == value
    proc = mortar.run("cat", p, "--option", "maxRecordSize=1000000", check=False)
    assert proc.returncode == 1
    doc = len(json.dumps({"id": 2, "text": value}))
    assert (f"line 2 (byte offset 27): JSON document of {doc} bytes is longer than maxRecordSize "
            "(1000000 bytes)") in proc.stderr.decode()


def test_gzip_of_one_huge_xml_row_is_refused_within_bounded_memory(mortar, tmp_path):
    p = tmp_path / "bomb.xml.gz"
    write_gzip(p, b"<rows>\n<row><a>1</a></row>\n<row><a>", b"x", 1024)
    code, stderr, peak_mib = run_measured(mortar.command + ["cat", p, "--option", "rowTag=row"])
    assert code == 1, stderr
    assert (f"{p}: line 3 (byte offset 27): record longer than maxRecordSize (67108864 bytes)"
            in stderr), stderr
    print(f"peak RSS refusing a 1 GiB XML row: {peak_mib:.0f} MiB")
    assert peak_mib < 400, peak_mib


def test_gzip_of_one_huge_log_line_is_refused_within_bounded_memory(mortar, tmp_path):
    p = tmp_path / "bomb.log.gz"
    write_gzip(p, b"GET /index.html\n", b"x", 1024)
    code, stderr, peak_mib = run_measured(mortar.command + [
        "cat", p, "--input-format", "grok", "--option", "logFormat=%{WORD:verb} %{NOTSPACE:path}"])
    assert code == 1, stderr
    assert (f"{p}: line 2 (byte offset 16): record longer than maxRecordSize (67108864 bytes)"
            in stderr), stderr
    print(f"peak RSS refusing a 1 GiB log line: {peak_mib:.0f} MiB")
    assert peak_mib < 400, peak_mib


def test_top_level_array_larger_than_the_limit_streams_in_bounded_memory(mortar, tmp_path):
    # A top-level array is read element by element: 128 MiB of records under
    # a 1 MiB maxRecordSize are all decoded, memory bounded by the block.
    p = tmp_path / "array.json.gz"
    unit = b'{"a": 1, "b": "xyzw"},'
    write_gzip(p, b'[', unit, 128, tail=b'{"a": 2, "b": "last"}]')
    code, stderr, peak_mib = run_measured(mortar.command + ["scan", p, "--option", "maxRecordSize=1048576"])
    assert code == 0, stderr
    print(f"peak RSS streaming a 128 MiB top-level array: {peak_mib:.0f} MiB")
    assert peak_mib < 200, peak_mib
    proc = mortar.run("scan", p, "--option", "maxRecordSize=1048576")
    assert str(128 * (MIB // len(unit)) + 1) in proc.stdout.decode(), proc.stdout
