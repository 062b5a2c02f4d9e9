"""Crawl -> from_catalog -> rows for CSV files, with `mortar run` and boto3:
the table the crawler writes must tell the ETL reader how to split the files.

- A file with one stray quote (Glue's rules give UNKNOWN; the smart fallback
  classifies it) gets LazySimpleSerDe, which has no quoting: the quote is
  data, and every row reads back with its values.
- A quote inside a field (`he said "hi`) is data too.
- An ordinary quoted CSV (embedded commas) gets OpenCSVSerde from Glue's
  rules and reads back unquoted, as before."""
import json

from support.catalog import unique
from support.server import wait_for

SCRIPT = """
import sys
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext

args = getResolvedOptions(sys.argv, ["db", "table", "out"])
glueContext = GlueContext(SparkContext.getOrCreate())
frame = glueContext.create_dynamic_frame.from_catalog(database=args["db"], table_name=args["table"])
glueContext.write_dynamic_frame.from_options(
    frame=frame, connection_type="s3", connection_options={"path": args["out"]}, format="json")
print("rows:", frame.count())
"""


def _crawl(glue, db, path):
    name = unique("crawler")
    glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler",
                        DatabaseName=db, Targets={"S3Targets": [{"Path": str(path)}]})
    try:
        glue.start_crawler(Name=name)

        def done():
            crawler = glue.get_crawler(Name=name)["Crawler"]
            return crawler if crawler["State"] == "READY" and "LastCrawl" in crawler else None
        assert wait_for(done, 120, name, interval=0.05)["LastCrawl"]["Status"] == "SUCCEEDED"
    finally:
        glue.delete_crawler(Name=name)
    tables = glue.get_tables(DatabaseName=db)["TableList"]
    assert len(tables) == 1, [t["Name"] for t in tables]
    return tables[0]


def _read_back(run_script, db, table, out):
    proc = run_script(SCRIPT, "--db", db, "--table", table["Name"], "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [json.loads(line) for f in sorted(out.rglob("*.json"))
            for line in f.read_text().splitlines() if line.strip()]
    return proc, sorted(rows, key=lambda r: r["id"])


def _serde(table):
    info = table["StorageDescriptor"]["SerdeInfo"]
    return info["SerializationLibrary"].rsplit(".", 1)[-1], info.get("Parameters", {})


def test_stray_quote_file_reads_back_every_row(glue, db, run_script, tmp_path):
    folder = tmp_path / "orders"
    folder.mkdir()
    names = [f'"Smith{i}' if i == 7 else f"name{i}" for i in range(30)]
    (folder / "part-0.csv").write_text("id,name,amount,city\n" + "".join(
        f"{i},{names[i]},{i * 1.5},city{i % 4}\n" for i in range(30)))
    table = _crawl(glue, db, folder)
    serde, params = _serde(table)
    assert (serde, params) == ("LazySimpleSerDe", {"field.delim": ","})
    assert table["Parameters"]["areColumnsQuoted"] == "false"

    proc, rows = _read_back(run_script, db, table, tmp_path / "out")
    assert "rows: 30" in proc.stdout
    assert rows == [{"id": i, "name": names[i], "amount": i * 1.5, "city": f"city{i % 4}"}
                    for i in range(30)]
    assert rows[7]["name"] == '"Smith7'


def test_quote_inside_a_field_is_data(glue, db, run_script, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    notes = ['he said "hi' if i == 3 else f"note {i}" for i in range(12)]
    (folder / "part-0.csv").write_text("id,note,score\n" + "".join(
        f"{i},{notes[i]},{i * 10}\n" for i in range(12)))
    table = _crawl(glue, db, folder)
    assert _serde(table)[0] == "LazySimpleSerDe"

    _, rows = _read_back(run_script, db, table, tmp_path / "out")
    assert rows == [{"id": i, "note": notes[i], "score": i * 10} for i in range(12)]


def test_quoted_fields_with_commas_still_read_unquoted(glue, db, run_script, tmp_path):
    folder = tmp_path / "people"
    folder.mkdir()
    people = [f"Smith, John {i}" if i % 2 else f"Doe {i}" for i in range(10)]
    (folder / "part-0.csv").write_text("id,name,age\n" + "".join(
        f'{i},"{people[i]}",{20 + i}\n' if i % 2 else f"{i},{people[i]},{20 + i}\n"
        for i in range(10)))
    table = _crawl(glue, db, folder)
    serde, params = _serde(table)
    assert serde == "OpenCSVSerde"
    assert params["separatorChar"] == "," and params["quoteChar"] == '"'
    assert table["Parameters"]["areColumnsQuoted"] == "true"

    _, rows = _read_back(run_script, db, table, tmp_path / "out")
    assert rows == [{"id": i, "name": people[i], "age": 20 + i} for i in range(10)]
