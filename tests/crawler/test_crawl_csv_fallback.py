"""A CSV file that Glue's built-in rules cannot classify (one stray quote)
gets a table from Mortar's smart sniffer by default; the crawl log says
which path classified each table; "Mortar": {"SmartCsvFallback": false}
keeps Glue's UNKNOWN. Also over Pollock's polluted files in
../shared/testdata (skipped, saying so, when absent)."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from support.server import mortar_bin
from test_crawl_golden import columns, crawl, tables

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
POLLOCK = TESTDATA / "csv" / "pollock"

# Glue's rules are strict: every sampled row must have the same field count.
# A quote opening a field that never closes swallows the rest of the file.
STRAY_QUOTE_ROW = 7


def write_stray_quote_csv(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("id,name,amount,city\n")
        for i in range(30):
            name = f'"Smith{i}' if i == STRAY_QUOTE_ROW else f"name{i}"
            f.write(f"{i},{name},{i * 1.5},city{i % 4}\n")


def crawl_log(server, name):
    log = subprocess.run([mortar_bin(), "logs", "crawler", name, "--data-dir", str(server.data_dir)],
                         capture_output=True, text=True, timeout=30, env=server.cli_env())
    assert log.returncode == 0, log.stderr
    return log.stdout


def test_stray_quote_gets_a_table_through_the_fallback(server, glue, crawl_db, new_crawler, tmp_path):
    write_stray_quote_csv(str(tmp_path / "orders" / "part-0.csv"))
    name = new_crawler(tmp_path / "orders", crawl_db)
    crawl(glue, name)
    got = tables(glue, crawl_db)
    assert list(got) == ["orders"]
    t = got["orders"]
    assert columns(t) == [("id", "bigint"), ("name", "string"), ("amount", "double"), ("city", "string")]
    assert t["Parameters"]["classification"] == "csv"
    assert t["Parameters"]["skip.header.line.count"] == "1"
    log = crawl_log(server, name)
    assert "table orders at " in log
    assert ("csv classified by the smart CSV sniffer, as the fallback after Glue's built-in rules "
            "gave UNKNOWN") in log, log


def test_glue_rules_keep_their_table_and_say_so(server, glue, crawl_db, new_crawler, tmp_path):
    # A clean file next to nothing else: Glue's rules classify it, no fallback.
    os.makedirs(tmp_path / "clean")
    (tmp_path / "clean" / "a.csv").write_text("id,name\n1,x\n2,y\n")
    name = new_crawler(tmp_path / "clean", crawl_db)
    crawl(glue, name)
    assert columns(tables(glue, crawl_db)["clean"]) == [("id", "bigint"), ("name", "string")]
    log = crawl_log(server, name)
    assert "table clean at " in log and "csv classified by Glue's built-in CSV rules" in log, log
    assert "fallback" not in log


def test_switch_off_keeps_glues_unknown(server, glue, crawl_db, new_crawler, tmp_path):
    write_stray_quote_csv(str(tmp_path / "orders" / "part-0.csv"))
    name = new_crawler(tmp_path / "orders", crawl_db,
                       Configuration=json.dumps({"Version": 1.0, "Mortar": {"SmartCsvFallback": False}}))
    crawl(glue, name)
    assert tables(glue, crawl_db) == {}
    log = crawl_log(server, name)
    assert "UNKNOWN, no classifier recognised its files" in log, log
    assert "smart CSV sniffer" not in log


def test_switch_must_be_a_boolean(glue, crawl_db, new_crawler, tmp_path):
    with pytest.raises(glue.exceptions.InvalidInputException) as e:
        new_crawler(tmp_path, crawl_db, Configuration=json.dumps({"Mortar": {"SmartCsvFallback": "no"}}))
    assert "SmartCsvFallback" in e.value.response["Error"]["Message"]


def pollock_row_files():
    """Pollock's files polluted in one row (an extra quote, a missing or an
    extra separator, a row with another delimiter), with their true columns."""
    out = []
    for f in sorted((POLLOCK / "csv").glob("row_*.csv")):
        params = json.loads((POLLOCK / "parameters" / (f.name + "_parameters.json")).read_text())
        out.append((f, [c.strip().lower() for c in params["column_names"]]))
    return out


def right_columns(f, cols, table):
    """The table has the file's true column names; where the pollution is in
    the header itself (row 0), which no reader can undo, its true width."""
    got = [c for c, _ in columns(table)]
    return len(got) == len(cols) if "row0_" in f.name or "quote0_" in f.name else got == cols


def test_pollock_polluted_rows_get_their_tables(server, glue, crawl_db, new_crawler, tmp_path):
    if not POLLOCK.is_dir():
        pytest.skip(f"Pollock files not present at {POLLOCK} (../shared/testdata)")
    files = pollock_row_files()
    targets = []
    for f, _ in files:
        folder = tmp_path / f.stem
        folder.mkdir()
        (folder / f.name).write_bytes(f.read_bytes())
        targets.append({"Path": str(folder)})
    name = new_crawler(db=crawl_db, targets={"S3Targets": targets})
    crawl(glue, name)
    got = tables(glue, crawl_db)
    wrong = {f.name: columns(got[f.stem.lower()]) if f.stem.lower() in got else "no table"
             for f, cols in files if f.stem.lower() not in got or not right_columns(f, cols, got[f.stem.lower()])}
    print(f"pollock polluted rows: {len(files) - len(wrong)}/{len(files)} files get a table with their "
          "true columns")
    assert not wrong, wrong
    log = crawl_log(server, name)
    assert log.count("as the fallback after Glue's built-in rules gave UNKNOWN") == len(files)

    # Glue's rules alone write none of them (the complaint).
    strict = new_crawler(db=crawl_db, targets={"S3Targets": targets}, TablePrefix="strict_",
                         Configuration=json.dumps({"Mortar": {"SmartCsvFallback": False}}))
    crawl(glue, strict)
    assert [n for n in tables(glue, crawl_db) if n.startswith("strict_")] == []
