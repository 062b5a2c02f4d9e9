"""`mortar file` on CSV inputs: schema, head, directories, Hive partitioning,
format detection, errors and exit codes."""
import json

import pyarrow.dataset as ds


def test_schema_and_head(mortar, tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("id,name,when\n1,x,2024-01-01 00:00:00\n2,y,2024-01-02 00:00:00\n3,z,\n")
    assert mortar.schema(p) == [("id", "bigint"), ("name", "string"), ("when", "timestamp")]
    out = mortar.run("head", p, "-n", "2").stdout.decode().splitlines()
    assert [json.loads(l)["id"] for l in out] == [1, 2]
    # Glue's defaults are available: no header -> col0.. names.
    assert mortar.schema(p, "withHeader=false")[0] == ("col0", "string")


def test_partitioned_convert_reads_in_pyarrow(mortar, tmp_path):
    src = tmp_path / "sales.csv"
    src.write_text("region,day,amount\neu,2024-01-01,1.5\neu,2024-01-02,2.5\nus/east,2024-01-01,3.0\n,2024-01-01,4.0\n")
    out = tmp_path / "out"
    mortar.run("convert", src, out, "--format", "csv", "--partition-by", "region")
    dirs = sorted(p.name for p in out.iterdir())
    assert dirs == ["region=__HIVE_DEFAULT_PARTITION__", "region=eu", "region=us%2Feast"]
    table = ds.dataset(out, format="csv", partitioning="hive").to_table()
    got = sorted(((r["region"], r["amount"]) for r in table.to_pylist()), key=str)
    assert got == sorted([("eu", 1.5), ("eu", 2.5), ("us/east", 3.0), (None, 4.0)], key=str)
    # Reading the directory back restores the partition column (as a string).
    assert mortar.schema(out)[-1] == ("region", "string")
    back = sorted(((r["region"], r["amount"]) for r in mortar.rows(out)), key=str)
    assert back == got


def test_directory_input_skips_markers_and_detects_formats(mortar, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "part-1.csv").write_text("a,b\n1,x\n")
    (d / "part-2.csv").write_text("a,b\n2,y\n")
    (d / "_SUCCESS").write_text("")
    (d / ".part-1.csv.crc").write_text("junk")
    rows = mortar.rows(d)
    assert rows == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    noext = tmp_path / "data"
    noext.write_text('{"k": 1}\n{"k": 2}\n')
    assert mortar.rows(noext) == [{"k": 1}, {"k": 2}]


def test_errors_name_the_file_and_exit_codes(mortar, tmp_path):
    bad = tmp_path / "ragged.csv"
    bad.write_text("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5,6,7\n")
    proc = mortar.run("cat", bad, check=False)
    assert proc.returncode == 1
    assert f"{bad}: line 3 (byte offset 20): expected 5 fields, found 7" in proc.stderr.decode()
    assert mortar.rows(bad, "allowRaggedRows=true")[1] == {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
    assert mortar.run("frobnicate", check=False).returncode == 2
    assert mortar.run("cat", tmp_path / "missing.csv", check=False).returncode == 1


def test_scan_decodes_every_row_and_reports_errors(mortar, tmp_path):
    p = tmp_path / "big.csv"
    p.write_text("id,name\n" + "".join(f"{i},n{i}\n" for i in range(150_000)))
    out = mortar.run("scan", p).stdout.decode()
    assert out.startswith("150000 rows in 3 batches"), out
    # Projection reads only the named column; an unknown column is an error.
    assert mortar.run("scan", p, "--columns", "name").stdout.decode().startswith("150000 rows")
    bad = mortar.run("scan", p, "--columns", "nope", check=False)
    assert bad.returncode != 0 and b"nope" in bad.stderr
    # A decode error part-way through fails the scan with its location.
    j = tmp_path / "broken.ndjson"
    j.write_text('{"a": 1}\n' * 10 + '{"a": \n')
    broken = mortar.run("scan", j, check=False)
    assert broken.returncode != 0 and b"broken.ndjson" in broken.stderr
