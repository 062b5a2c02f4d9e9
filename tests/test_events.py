"""Glue's state-change events in EventBridge's shape, POSTed to the webhook
URLs in `events.webhooks`: a crawl and job runs send them to a receiver the
test runs; an unreachable receiver's events land in the dead-letter file."""
import http.server
import json
import threading
import urllib.request

import pytest

from support.catalog import unique
from support.server import wait_for


class Receiver:
    """An HTTP server on loopback that records every POSTed JSON body."""

    def __init__(self):
        self.events = []
        received = self.events

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def of_type(self, detail_type):
        return [e for e in self.events if e["detail-type"] == detail_type]


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.httpd.shutdown()


@pytest.fixture(scope="module")
def srv(start_server, receiver):
    return start_server("events", env={"MORTAR_EVENTS_WEBHOOKS": receiver.url})


def test_a_crawl_sends_started_then_succeeded_with_its_counts(srv, receiver, tmp_path):
    glue = srv.client()
    root = tmp_path / "t"
    for day in ("2024-01-01", "2024-01-02"):
        (root / "sales" / f"day={day}").mkdir(parents=True)
        (root / "sales" / f"day={day}" / "a.csv").write_text("id,name\n1,a\n2,b\n")
    db, name = unique("evdb"), unique("evcrawler")
    glue.create_database(DatabaseInput={"Name": db})
    glue.create_crawler(Name=name, Role="r", DatabaseName=db,
                        Targets={"S3Targets": [{"Path": str(root)}]})
    glue.start_crawler(Name=name)

    def of_crawler():
        return [e for e in receiver.of_type("Glue Crawler State Change")
                if e["detail"]["crawlerName"] == name]
    started, done = wait_for(lambda: len(of_crawler()) >= 2 and of_crawler(), 60, "the crawler events")
    account = glue.get_database(Name=db)["Database"]["CatalogId"]  # the caller's account
    for e in (started, done):
        assert e["source"] == "aws.glue" and e["version"] == "0"
        assert e["account"] == account and e["detail"]["accountId"] == account
    assert started["detail"]["state"] == "Started"
    assert started["detail"]["message"] == "Crawler Started"
    assert "startTime" in started["detail"]
    d = done["detail"]
    assert d["state"] == "Succeeded" and d["message"] == "Crawler Succeeded"
    # What the crawl did, as Glue reports it: counts as strings.
    tables = glue.get_tables(DatabaseName=db)["TableList"]
    parts = glue.get_partitions(DatabaseName=db, TableName=tables[0]["Name"])["Partitions"]
    assert (len(tables), len(parts)) == (1, 2)
    assert {k: d[k] for k in ("tablesCreated", "tablesUpdated", "tablesDeleted", "partitionsCreated",
                               "partitionsUpdated", "partitionsDeleted")} == {
        "tablesCreated": "1", "tablesUpdated": "0", "tablesDeleted": "0",
        "partitionsCreated": "2", "partitionsUpdated": "0", "partitionsDeleted": "0"}
    assert int(d["runningTime (sec)"]) >= 0 and d["completionDate"].endswith("Z")
    # And on /metrics.
    with urllib.request.urlopen(srv.endpoint + "/metrics") as r:
        metrics = dict(line.rsplit(" ", 1) for line in r.read().decode().splitlines()
                       if line.startswith("mortar_crawls_"))
    assert float(metrics["mortar_crawls_started"]) >= 1
    assert float(metrics["mortar_crawls_finished_succeeded"]) >= 1


def test_a_failed_crawl_sends_failed_with_the_error(srv, receiver):
    glue = srv.client()
    name = unique("evfail")
    # The database does not exist: the crawl fails, naming it.
    glue.create_crawler(Name=name, Role="r", DatabaseName=unique("nodb"),
                        Targets={"S3Targets": [{"Path": "/nonexistent"}]})
    glue.start_crawler(Name=name)
    events = wait_for(lambda: [e for e in receiver.of_type("Glue Crawler State Change")
                               if e["detail"]["crawlerName"] == name
                               and e["detail"]["state"] == "Failed"], 60, "the Failed event")
    assert "not found" in events[0]["detail"]["errorMessage"]
    assert events[0]["detail"]["message"] == "Crawler Failed"


def test_job_runs_send_job_state_changes(srv, receiver, tmp_path):
    glue = srv.client()
    ok, bad = tmp_path / "ok.py", tmp_path / "bad.py"
    ok.write_text("print('fine')\n")
    bad.write_text("raise ValueError('boom')\n")
    ids = {}
    for script in (ok, bad):
        job = unique("evjob")
        glue.create_job(Name=job, Role="r", Command={"Name": "pythonshell", "ScriptLocation": str(script)})
        ids[glue.start_job_run(JobName=job)["JobRunId"]] = job

    def arrived():
        got = {e["detail"]["jobRunId"]: e for e in receiver.of_type("Glue Job State Change")}
        return got if set(ids) <= set(got) else None
    got = wait_for(arrived, 120, "both job events")
    states = {ids[r]: got[r]["detail"]["state"] for r in ids}
    ok_run, bad_run = list(ids)
    assert got[ok_run]["detail"]["state"] == "SUCCEEDED" and got[ok_run]["detail"]["severity"] == "INFO"
    assert got[bad_run]["detail"]["state"] == "FAILED", states
    assert got[bad_run]["detail"]["severity"] == "ERROR"
    assert "ValueError: boom" in got[bad_run]["detail"]["message"]
    assert got[bad_run]["detail"]["jobName"] == ids[bad_run]

    # The same ends on /metrics (this server, since start-up).
    with urllib.request.urlopen(srv.endpoint + "/metrics") as r:
        metrics = dict(line.rsplit(" ", 1) for line in r.read().decode().splitlines()
                       if line.startswith("mortar_"))
    assert float(metrics["mortar_job_runs_finished_succeeded"]) >= 1
    assert float(metrics["mortar_job_runs_finished_failed"]) >= 1
    assert float(metrics["mortar_job_runs_running"]) == 0
    assert float(metrics["mortar_warm_pool_hits"]) + float(metrics["mortar_warm_pool_misses"]) >= 1
    # Their durations.
    assert float(metrics["mortar_job_run_duration_seconds_count"]) >= 2
    assert float(metrics['mortar_job_run_duration_seconds_bucket{le="+Inf"}']) >= 2


def test_undeliverable_events_go_to_the_dead_letter_file(start_server, tmp_path):
    srv = start_server("deadletter", env={"MORTAR_EVENTS_WEBHOOKS": "http://127.0.0.1:1/nothing-here",
                                           "MORTAR_EVENTS_MAX_ATTEMPTS": "2"})
    glue = srv.client()
    script = tmp_path / "ok.py"
    script.write_text("print('fine')\n")
    job = unique("dljob")
    glue.create_job(Name=job, Role="r", Command={"Name": "pythonshell", "ScriptLocation": str(script)})
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    letters = srv.data_dir / "events" / "dead-letter.jsonl"

    def dead():
        if not letters.exists():
            return None
        lines = [json.loads(line) for line in letters.read_text().splitlines()]
        return [x for x in lines if x["event"]["detail"].get("jobRunId") == run_id] or None
    (letter,) = wait_for(dead, 120, "the dead letter")
    assert letter["attempts"] == 2
    assert letter["url"] == "http://127.0.0.1:1/nothing-here"
    assert letter["event"]["detail"]["state"] == "SUCCEEDED"
    assert srv.client().get_job(JobName=job)["Job"]["Name"] == job  # the server serves on


def test_a_run_past_its_notify_delay_sends_a_job_run_status(start_server, tmp_path):
    # The test clock (MORTAR_TEST_CLOCK_FILE, src/server/parts.h) makes the
    # NotifyDelayAfter minute pass without waiting for it.
    receiver = Receiver()
    clock_file = tmp_path / "clock"
    clock_file.write_text("0")
    srv = start_server("events_delay", env={"MORTAR_EVENTS_WEBHOOKS": receiver.url,
                                             "MORTAR_TEST_CLOCK_FILE": str(clock_file)})
    try:
        glue = srv.client()
        go = tmp_path / "go"
        script = tmp_path / "slow.py"
        script.write_text("import os, time\n"
                          f"while not os.path.exists({str(go)!r}):\n    time.sleep(0.05)\n")
        job = unique("delayjob")
        glue.create_job(Name=job, Role="r", NotificationProperty={"NotifyDelayAfter": 30},
                        Command={"Name": "pythonshell", "ScriptLocation": str(script)})
        # The run's NotificationProperty overrides the job's 30 minutes.
        run_id = glue.start_job_run(JobName=job, NotificationProperty={"NotifyDelayAfter": 1})["JobRunId"]
        wait_for(lambda: glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["JobRunState"] == "RUNNING",
                 60, "the run to be RUNNING")
        assert glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["NotificationProperty"] == \
            {"NotifyDelayAfter": 1}
        clock_file.write_text("61")  # a minute passes for the server
        (event,) = wait_for(lambda: [e for e in receiver.of_type("Glue Job Run Status")
                                     if e["detail"]["jobRunId"] == run_id], 60, "the delay event")
        assert event["source"] == "aws.glue"
        assert event["detail"]["jobName"] == job
        assert event["detail"]["state"] == "RUNNING"
        assert event["detail"]["notificationCondition"] == {"NotifyDelayAfter": 1.0}
        go.write_text("")
        wait_for(lambda: [e for e in receiver.of_type("Glue Job State Change")
                          if e["detail"]["jobRunId"] == run_id], 60, "the end of the run")
        assert len([e for e in receiver.of_type("Glue Job Run Status")
                    if e["detail"]["jobRunId"] == run_id]) == 1
    finally:
        receiver.httpd.shutdown()
