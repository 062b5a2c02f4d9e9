"""`mortar file` on CSV inputs built to exhaust it: a header of thousands of
repeated names, and a small .csv.gz that expands to one huge line (refused
at maxRecordSize, with the process's peak memory far below the line)."""
import gzip

from memory_probe import MIB, run_measured, write_gzip


def test_header_of_repeated_names(mortar, tmp_path):
    p = tmp_path / "wide.csv"
    p.write_text(",".join(["a"] * 4000) + "\n" + ",".join(str(i) for i in range(4000)) + "\n")
    rows = mortar.rows(p)
    assert len(rows) == 1
    names = list(rows[0])
    assert names[:3] == ["a", "a_1", "a_2"] and names[-1] == "a_3999" and len(set(names)) == 4000
    assert rows[0]["a_3999"] == 3999


def write_gzip_line(path, mib):
    """`mib` MiB of one byte and no line end, gzipped (about 1 KB per MiB)."""
    write_gzip(path, b"", b"x", mib)


def test_gzip_of_one_huge_line_is_refused_within_bounded_memory(mortar, tmp_path):
    p = tmp_path / "bomb.csv.gz"
    write_gzip_line(p, 1024)  # 1 GiB expanded
    assert p.stat().st_size < 2 * MIB
    code, stderr, peak_mib = run_measured(mortar.command + ["cat", str(p)])
    assert code == 1, stderr
    assert (f"{p}: line 1 (byte offset 0): record longer than maxRecordSize (67108864 bytes)"
            in stderr), stderr
    # The default limit is 64 MiB: the reader never holds much more than that
    # (before the limit, it held the whole 1 GiB line before refusing it).
    print(f"peak RSS refusing a 1 GiB line: {peak_mib:.0f} MiB")
    assert peak_mib < 400, peak_mib

    # A smaller limit, set as a format option, bounds it lower still.
    code, stderr, small_peak = run_measured(mortar.command + ["cat", str(p), "--option", "maxRecordSize=1048576"])
    assert code == 1 and "record longer than maxRecordSize (1048576 bytes)" in stderr, stderr
    assert small_peak < peak_mib


def test_long_records_within_the_limit_are_read(mortar, tmp_path):
    p = tmp_path / "long.csv.gz"
    value = "v" * (3 * MIB)
    with gzip.open(p, "wt") as f:
        f.write(f"id,text\n1,{value}\n2,short\n")
    rows = mortar.rows(p, "withHeader=true")
    assert [r["id"] for r in rows] == [1, 2] and rows[0]["text"] == value
    proc = mortar.run("cat", p, "--option", "withHeader=true", "--option", "maxRecordSize=1000000",
                      check=False)
    assert proc.returncode == 1
    assert (f"line 2 (byte offset 8): record of {len(value) + 2} bytes is longer than maxRecordSize "
            "(1000000 bytes)") in proc.stderr.decode()
