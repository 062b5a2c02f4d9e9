"""Job bookmarks end to end in Glue scripts: each run is a real `python3
script.py` process with MORTAR_JOB_BOOKMARK_IN / MORTAR_JOB_BOOKMARK_OUT set
as the job runner sets them, and this file plays the runner's store (run N+1
loads what run N committed, at version + 1; a reset hands over an empty
state). Sources: a growing directory of JSON files (new files only, Glue's
maxBand edge, boundedFiles), a growing PostgreSQL table (new rows only, the
key range in the query the database runs) and a SQLite table whose old rows
would fail to read if they were read again."""
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from awsglue_helpers import glue_ctx  # noqa: F401 (fixture)
from support.postgres import PostgresServer

# The awsglue the ETL tests import (tests/etl/conftest.py puts <build>/python first).
import awsglue
PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(awsglue.__file__)))

SCRIPT = """
import json, sys
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "source"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)
source = json.loads(args["source"])
if source["type"] == "files":
    dyf = glue.create_dynamic_frame.from_options(
        "s3", source["options"], format="json", transformation_ctx="events")
else:
    dyf = glue.create_dynamic_frame.from_options(
        source["type"], source["options"], transformation_ctx="orders")
print("IDS " + json.dumps(sorted(r["id"] for r in dyf._frame.to_records())))
job.commit()
"""


class Runner:
    """What the job runner and JobBookmarks do around a run, in miniature."""

    def __init__(self, tmp_path, option="job-bookmark-enable"):
        self.dir = tmp_path
        self.option = option
        self.version = 0
        self.state = {}
        self.script = tmp_path / "job.py"
        self.script.write_text(textwrap.dedent(SCRIPT))
        self.runs = 0

    def run(self, source, between=None):
        """`between`: (state, to_state) of a pause run with --job-bookmark-from/-to."""
        self.runs += 1
        doc_in = self.dir / f"in{self.runs}.json"
        doc_out = self.dir / f"out{self.runs}.json"
        doc = {"job_name": "j", "run_id": f"jr_{self.runs}", "option": self.option,
               "version": self.version, "state": self.state}
        if between:
            doc["state"], doc["to_state"] = between
        doc_in.write_text(json.dumps(doc))
        env = dict(os.environ, PYTHONPATH=str(PYTHON_DIR), MORTAR_JOB_BOOKMARK_IN=str(doc_in),
                   MORTAR_JOB_BOOKMARK_OUT=str(doc_out))
        proc = subprocess.run(
            [sys.executable, str(self.script), "--JOB_NAME", "j", "--JOB_RUN_ID",
             f"jr_{self.runs}", "--job-bookmark-option", self.option, "--source",
             json.dumps(source)], env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if doc_out.exists():  # the runner's commit: a compare-and-swap on the version
            committed = json.loads(doc_out.read_text())
            assert committed["version"] == self.version
            self.state, self.version = committed["state"], self.version + 1
        line = next(l for l in proc.stdout.splitlines() if l.startswith("IDS "))
        return json.loads(line[4:])

    def reset(self):
        self.state, self.version = {}, self.version + 1


def write_events(folder, name, ids, mtime=None):
    path = folder / name
    path.write_text("".join(json.dumps({"id": i}) + "\n" for i in ids))
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def files_source(folder, **extra):
    return {"type": "files", "options": {"paths": [str(folder)], "recurse": True, **extra}}


def test_growing_directory_second_run_reads_only_new_files_and_reset_reads_all(tmp_path):
    data = tmp_path / "events"
    (data / "day=1").mkdir(parents=True)
    write_events(data / "day=1", "a.json", [1, 2])
    write_events(data, "b.json", [3], mtime=time.time() - 3600)  # well before the band
    runner = Runner(tmp_path)
    assert runner.run(files_source(data)) == [1, 2, 3]
    write_events(data / "day=1", "c.json", [4])
    (data / "day=2").mkdir()
    write_events(data / "day=2", "d.json", [5, 6])
    # a.json was written inside the band: its in-band entry keeps it from a second read.
    assert runner.run(files_source(data)) == [4, 5, 6]
    assert runner.run(files_source(data)) == []
    write_events(data, "b.json", [7])  # rewritten: a new modification time
    assert runner.run(files_source(data)) == [7]
    runner.reset()
    assert runner.run(files_source(data)) == [1, 2, 4, 5, 6, 7]


def test_a_file_modified_just_before_the_previous_run_started_is_not_missed(tmp_path):
    data = tmp_path / "events"
    data.mkdir()
    write_events(data, "early.json", [1], mtime=time.time() - 60)
    runner = Runner(tmp_path)
    before_run_1 = time.time()
    assert runner.run(files_source(data)) == [1]
    # A slow writer: the file lands after run 1 listed, stamped before it started.
    write_events(data, "late.json", [2], mtime=before_run_1 - 1)
    assert runner.run(files_source(data)) == [2]
    assert runner.run(files_source(data)) == []


def test_bounded_files_spreads_a_backlog_over_runs_oldest_first(tmp_path):
    data = tmp_path / "events"
    data.mkdir()
    now = time.time()
    for i in range(5):
        write_events(data, f"f{i}.json", [i], mtime=now - 7200 + i)
    runner = Runner(tmp_path)
    source = files_source(data, boundedFiles="2")
    assert runner.run(source) == [0, 1]
    assert runner.run(source) == [2, 3]
    assert runner.run(source) == [4]
    assert runner.run(source) == []


def test_disable_reads_everything_and_pause_does_not_move_the_bookmark(tmp_path):
    data = tmp_path / "events"
    data.mkdir()
    write_events(data, "a.json", [1])
    runner = Runner(tmp_path)
    assert runner.run(files_source(data)) == [1]
    write_events(data, "b.json", [2])
    runner.option = "job-bookmark-pause"
    assert runner.run(files_source(data)) == [2]
    assert runner.run(files_source(data)) == [2]  # nothing was committed
    runner.option = "job-bookmark-disable"
    assert runner.run(files_source(data)) == [1, 2]
    runner.option = "job-bookmark-enable"
    assert runner.run(files_source(data)) == [2]


@pytest.fixture(scope="module")
def pg():
    with PostgresServer() as server:
        server.sql("ALTER SYSTEM SET log_statement = 'all'; SELECT pg_reload_conf();")
        yield server


def test_growing_postgres_table_second_run_reads_only_new_rows(pg, tmp_path):
    pg.sql("CREATE TABLE orders (id bigserial PRIMARY KEY, item text);"
           "INSERT INTO orders (item) SELECT 'item ' || g FROM generate_series(1, 3) g;")
    source = {"type": "postgresql", "options": {
        "url": pg.jdbc_url(), "user": "postgres", "password": pg.password,
        "dbtable": "public.orders"}}
    runner = Runner(tmp_path)
    assert runner.run(source) == [1, 2, 3]
    pg.sql("INSERT INTO orders (item) VALUES ('late 1'), ('late 2');")
    assert runner.run(source) == [4, 5]
    # The key range went to PostgreSQL inside the query: old rows never left it.
    log = (open(os.path.join(pg.dir, "server.log"), errors="replace").read())
    assert '"id" > 3 AND "id" <= 5' in log
    assert runner.run(source) == []
    runner.reset()
    assert runner.run(source) == [1, 2, 3, 4, 5]


def test_pause_between_two_runs_reads_the_rows_the_second_run_added(pg, tmp_path):
    pg.sql("CREATE TABLE ledger (id int PRIMARY KEY);"
           "INSERT INTO ledger SELECT generate_series(1, 2);")
    source = {"type": "postgresql", "options": {
        "url": pg.jdbc_url(), "user": "postgres", "password": pg.password, "dbtable": "ledger"}}
    runner = Runner(tmp_path)
    assert runner.run(source) == [1, 2]
    after_first = runner.state
    pg.sql("INSERT INTO ledger SELECT generate_series(3, 5);")
    assert runner.run(source) == [3, 4, 5]
    after_second = runner.state
    pg.sql("INSERT INTO ledger SELECT generate_series(6, 7);")
    assert runner.run(source) == [6, 7]
    runner.option = "job-bookmark-pause"
    assert runner.run(source, between=(after_first, after_second)) == [3, 4, 5]
    assert runner.version == 3  # pause runs commit nothing


def test_postgres_bookmark_keys_descending(pg, tmp_path):
    pg.sql("CREATE TABLE countdown (id int, seq int NOT NULL);"
           "INSERT INTO countdown VALUES (1, 100), (2, 99);")
    source = {"type": "postgresql", "options": {
        "url": pg.jdbc_url(), "user": "postgres", "password": pg.password,
        "dbtable": "countdown", "jobBookmarkKeys": ["seq"], "jobBookmarkKeysSortOrder": "desc"}}
    runner = Runner(tmp_path)
    assert runner.run(source) == [1, 2]
    pg.sql("INSERT INTO countdown VALUES (3, 98), (4, 97);")
    assert runner.run(source) == [3, 4]


def test_sqlite_rows_behind_the_bookmark_are_not_read_again(tmp_path):
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")
        c.executemany("INSERT INTO t VALUES (?, ?)", [(i, i * 10) for i in range(1, 4)])
    source = {"type": "sqlite", "options": {"url": f"jdbc:sqlite:{db}", "dbtable": "t",
                                            "jobBookmarkKeys": ["id"]}}
    runner = Runner(tmp_path)
    assert runner.run(source) == [1, 2, 3]
    with sqlite3.connect(db) as c:
        # Reading this row again would fail ('abc' is not a bigint).
        c.execute("UPDATE t SET n = 'abc' WHERE id = 1")
        c.execute("INSERT INTO t VALUES (4, 40)")
    assert runner.run(source) == [4]


def test_a_table_without_primary_key_needs_bookmark_keys(tmp_path):
    db = tmp_path / "nokey.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE t (id INTEGER)")
        c.execute("INSERT INTO t VALUES (1)")
    runner = Runner(tmp_path)
    with pytest.raises(AssertionError, match="has no primary key; give jobBookmarkKeys"):
        runner.run({"type": "sqlite", "options": {"url": f"jdbc:sqlite:{db}", "dbtable": "t"}})


def test_catalog_file_table_reads_only_new_files_through_its_location(tmp_path, monkeypatch,
                                                                      glue_ctx):  # noqa: F811
    """from_catalog on a file table: the table's Location is listed and
    bookmarked like a from_options path (the table comes from a stand-in for
    GetTable; the rest runs in this process)."""
    from awsglue._catalog import source as catalog_source
    from awsglue.job import Job
    data = tmp_path / "events"
    data.mkdir()
    write_events(data, "a.json", [1, 2])
    table = {"Name": "events", "DatabaseName": "db", "Parameters": {"classification": "json"},
             "StorageDescriptor": {"Location": str(data),
                                   "Columns": [{"Name": "id", "Type": "bigint"}]}}
    monkeypatch.setattr(catalog_source, "_get_table", lambda *args, **kwargs: table)
    glue = glue_ctx

    def run(n, version, state):
        doc_in, doc_out = tmp_path / f"cin{n}.json", tmp_path / f"cout{n}.json"
        doc_in.write_text(json.dumps({"option": "job-bookmark-enable", "version": version,
                                      "state": state}))
        monkeypatch.setenv("MORTAR_JOB_BOOKMARK_IN", str(doc_in))
        monkeypatch.setenv("MORTAR_JOB_BOOKMARK_OUT", str(doc_out))
        job = Job(glue)
        job.init("j", {"JOB_NAME": "j", "job_bookmark_option": "job-bookmark-enable"})
        dyf = glue.create_dynamic_frame.from_catalog(database="db", table_name="events",
                                                     transformation_ctx="ev")
        ids = sorted(r["id"] for r in dyf._frame.to_records())
        job.commit()
        return ids, json.loads(doc_out.read_text())

    ids, out = run(1, 0, {})
    assert ids == [1, 2]
    write_events(data, "b.json", [3])
    ids, out = run(2, 1, out["state"])
    assert ids == [3]
    ids, _ = run(3, 2, out["state"])
    assert ids == []
