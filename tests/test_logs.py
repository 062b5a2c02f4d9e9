"""Crawl logs in the Store, read through the CloudWatch Logs API on Mortar's
endpoint (X-Amz-Target Logs_20140328.*, SigV4 service `logs`) with boto3's
`logs` client and the aws CLI v2 (`aws logs filter-log-events`, `aws logs
tail --follow`), and with `mortar logs crawler` from any directory."""
import http.client
import json
import os
import queue
import subprocess
import threading
import time

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from support.catalog import unique
from support.cli import AWS, run_aws
from support.server import REGION, mortar_bin, wait_for

GROUP = "/aws-glue/crawlers"


def logs_client(srv, **config):
    creds = srv.credentials
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, **config)
    return boto3.session.Session().client(
        "logs", endpoint_url=srv.endpoint, region_name=REGION,
        aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key, config=cfg)


def crawl(glue, name):
    """Starts crawler `name` and waits for the crawl to end; returns LastCrawl."""
    before = glue.get_crawler(Name=name)["Crawler"].get("LastCrawl", {}).get("MessagePrefix")
    glue.start_crawler(Name=name)

    def done():
        c = glue.get_crawler(Name=name)["Crawler"]
        last = c.get("LastCrawl", {})
        return last if c["State"] == "READY" and last.get("MessagePrefix") not in (None, before) else None
    return wait_for(done, 120, f"crawler {name} to finish", interval=0.05)


@pytest.fixture(scope="module")
def crawled(start_server, tmp_path_factory):
    """A private server with two crawlers over a small local directory, each crawled once."""
    srv = start_server("logs")
    glue = srv.client()
    lake = tmp_path_factory.mktemp("lake")
    (lake / "sales" / "day=2026-11-01").mkdir(parents=True)
    (lake / "sales" / "day=2026-11-01" / "part-0.csv").write_text("id,amount\n1,9.5\n2,3.25\n")
    glue.create_database(DatabaseInput={"Name": "logsdb"})
    names = []
    for _ in range(2):
        name = unique("logcrawler")
        glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler",
                            DatabaseName="logsdb", Targets={"S3Targets": [{"Path": str(lake / "sales")}]})
        last = crawl(glue, name)
        assert last["Status"] == "SUCCEEDED", last
        names.append((name, last["MessagePrefix"]))
    return srv, glue, names


def test_a_crawls_lines_are_in_its_crawlers_stream(crawled):
    srv, _, names = crawled
    logs = logs_client(srv)
    groups = logs.describe_log_groups(logGroupNamePrefix="/aws-glue/")["logGroups"]
    assert [g["logGroupName"] for g in groups] == [GROUP]
    assert groups[0]["arn"].endswith(f":log-group:{GROUP}:*")
    streams = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert sorted(s["logStreamName"] for s in streams) == sorted(n for n, _ in names)
    name, crawl_id = names[0]
    events = logs.get_log_events(logGroupName=GROUP, logStreamName=name, startFromHead=True)["events"]
    messages = [e["message"] for e in events]
    assert f"[{crawl_id}] INFO : Crawler {name} started crawl {crawl_id}" in messages, messages
    assert any(m.startswith(f"[{crawl_id}] INFO : crawl SUCCEEDED") for m in messages), messages
    assert all(abs(e["timestamp"] - time.time() * 1000) < 600_000 for e in events)


def test_filter_log_events_with_the_aws_cli(crawled):
    srv, _, names = crawled
    out = run_aws(srv, "logs", "filter-log-events", "--log-group-name", GROUP,
                  "--filter-pattern", "SUCCEEDED")
    found = out["events"]
    assert sorted(e["logStreamName"] for e in found) == sorted(n for n, _ in names)
    assert all("SUCCEEDED" in e["message"] for e in found)
    # Alternatives and exclusion, on one stream.
    name = names[0][0]
    either = run_aws(srv, "logs", "filter-log-events", "--log-group-name", GROUP,
                     "--log-stream-names", name, "--filter-pattern", "?SUCCEEDED ?started")["events"]
    assert {("SUCCEEDED" in e["message"]) or ("started" in e["message"]) for e in either} == {True}
    assert len(either) >= 2
    without = run_aws(srv, "logs", "filter-log-events", "--log-group-name", GROUP,
                      "--log-stream-names", name, "--filter-pattern", "INFO -SUCCEEDED")["events"]
    assert without and not any("SUCCEEDED" in e["message"] for e in without)
    phrase = run_aws(srv, "logs", "filter-log-events", "--log-group-name", GROUP,
                     "--filter-pattern", f'"Crawler {name} started"')["events"]
    assert [e["logStreamName"] for e in phrase] == [name]


def test_filter_pages_through_every_event_once(crawled):
    srv, _, _ = crawled
    logs = logs_client(srv)
    everything = logs.filter_log_events(logGroupName=GROUP)["events"]
    assert len(everything) >= 6
    paged = []
    pages = 0
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=GROUP,
                                                                 PaginationConfig={"PageSize": 2}):
        pages += 1
        paged.extend(page["events"])
    assert [e["eventId"] for e in paged] == [e["eventId"] for e in everything]
    assert pages >= len(everything) // 2
    stamps = [(e["timestamp"]) for e in everything]
    assert stamps == sorted(stamps)  # interleaved by time across streams


def test_describe_log_streams_pages_and_orders(crawled):
    srv, _, names = crawled
    logs = logs_client(srv)
    first = logs.describe_log_streams(logGroupName=GROUP, limit=1)
    assert len(first["logStreams"]) == 1 and "nextToken" in first
    second = logs.describe_log_streams(logGroupName=GROUP, limit=1, nextToken=first["nextToken"])
    assert [first["logStreams"][0]["logStreamName"], second["logStreams"][0]["logStreamName"]] == \
        sorted(n for n, _ in names)
    assert "nextToken" not in second
    newest = logs.describe_log_streams(logGroupName=GROUP, orderBy="LastEventTime",
                                       descending=True)["logStreams"]
    assert newest[0]["logStreamName"] == names[1][0]  # crawled last
    prefix = logs.describe_log_streams(logGroupName=GROUP, logStreamNamePrefix=names[0][0])
    assert [s["logStreamName"] for s in prefix["logStreams"]] == [names[0][0]]


def test_get_log_events_forward_token_is_stable_until_new_lines_arrive(crawled):
    srv, glue, names = crawled
    logs = logs_client(srv)
    name = names[1][0]
    first = logs.get_log_events(logGroupName=GROUP, logStreamName=name, startFromHead=True, limit=3)
    assert len(first["events"]) == 3
    rest = logs.get_log_events(logGroupName=GROUP, logStreamName=name,
                               nextToken=first["nextForwardToken"])
    token = rest["nextForwardToken"]
    assert rest["events"]
    again = logs.get_log_events(logGroupName=GROUP, logStreamName=name, nextToken=token)
    assert again["events"] == [] and again["nextForwardToken"] == token
    # Paging backward from the end gives the earlier lines.
    back = logs.get_log_events(logGroupName=GROUP, logStreamName=name,
                               nextToken=rest["nextBackwardToken"])
    assert [e["message"] for e in back["events"]][-3:] == [e["message"] for e in first["events"]][-3:]

    last = crawl(glue, name)
    newer = logs.get_log_events(logGroupName=GROUP, logStreamName=name, nextToken=token)
    assert newer["nextForwardToken"] != token
    assert any(f"[{last['MessagePrefix']}]" in e["message"] for e in newer["events"])


def test_bad_input_gets_cloudwatch_errors(crawled):
    srv, _, names = crawled
    logs = logs_client(srv, parameter_validation=False)

    def error_of(call, **kwargs):
        with pytest.raises(ClientError) as e:
            call(**kwargs)
        return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]

    code, msg = error_of(logs.get_log_events, logGroupName="/nope", logStreamName="s")
    assert code == "ResourceNotFoundException" and "log group does not exist" in msg
    code, msg = error_of(logs.get_log_events, logGroupName=GROUP, logStreamName="nope")
    assert code == "ResourceNotFoundException" and "log stream does not exist" in msg
    code, msg = error_of(logs.get_log_events, logGroupName=GROUP, logStreamName=names[0][0], limit=0)
    assert code == "InvalidParameterException" and "limit" in msg
    code, msg = error_of(logs.filter_log_events, logGroupName=GROUP, filterPattern='{ $.level = "x" }')
    assert code == "InvalidParameterException" and "JSON filter patterns" in msg
    code, msg = error_of(logs.filter_log_events, logGroupName=GROUP, filterPattern='"open')
    assert code == "InvalidParameterException" and "unterminated quote" in msg
    code, _ = error_of(logs.describe_log_streams, logGroupName=GROUP, orderBy="LastEventTime",
                       logStreamNamePrefix="x")
    assert code == "InvalidParameterException"
    code, _ = error_of(logs.get_log_events, logGroupName=GROUP, logStreamName=names[0][0],
                       nextToken="f/forged")
    assert code == "InvalidParameterException"
    code, _ = error_of(logs.describe_log_groups, logGroupNamePrefix="bad name!")
    assert code == "InvalidParameterException"
    # A token from one query is refused by another.
    token = logs.describe_log_streams(logGroupName=GROUP, limit=1)["nextToken"]
    code, _ = error_of(logs.describe_log_streams, logGroupName=GROUP, limit=1, descending=True,
                       nextToken=token)
    assert code == "InvalidParameterException"
    assert srv.alive()


def signed(srv, service, target, body):
    creds = srv.credentials
    req = AWSRequest(method="POST", url=srv.endpoint + "/", data=body,
                     headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials(creds.access_key, creds.secret_key), service, REGION).add_auth(req)
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=10)
    try:
        conn.request("POST", "/", body=body, headers=dict(req.headers.items()))
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def test_sigv4_scope_must_name_the_logs_service(crawled):
    srv, _, _ = crawled
    status, body = signed(srv, "logs", "Logs_20140328.DescribeLogGroups", b"{}")
    assert status == 200 and body["logGroups"]
    status, body = signed(srv, "glue", "Logs_20140328.DescribeLogGroups", b"{}")
    assert status in (400, 403) and body["__type"] in ("InvalidSignatureException",
                                                      "IncompleteSignatureException"), body
    # Glue still wants its own scope.
    status, body = signed(srv, "logs", "AWSGlue.GetDatabases", b"{}")
    assert status in (400, 403), body
    status, body = signed(srv, "glue", "AWSGlue.GetDatabases", b"{}")
    assert status == 200, body
    wrong = Credentials(srv.credentials.access_key, "not-the-secret")
    req = AWSRequest(method="POST", url=srv.endpoint + "/", data=b"{}",
                     headers={"X-Amz-Target": "Logs_20140328.DescribeLogGroups"})
    SigV4Auth(wrong, "logs", REGION).add_auth(req)
    code, _, raw_body = srv.http("POST", "/", body=b"{}", headers=dict(req.headers.items()))
    assert code == 403 and json.loads(raw_body)["__type"] == "InvalidSignatureException"


def test_group_operations_and_retention(crawled):
    srv, _, _ = crawled
    logs = logs_client(srv)
    name = "/mortar/test/" + unique("g")
    logs.create_log_group(logGroupName=name)
    with pytest.raises(ClientError) as e:
        logs.create_log_group(logGroupName=name)
    assert e.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    logs.put_retention_policy(logGroupName=name, retentionInDays=7)
    [group] = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert group["retentionInDays"] == 7
    with pytest.raises(ClientError) as e:
        logs.put_retention_policy(logGroupName=name, retentionInDays=8)
    assert e.value.response["Error"]["Code"] == "InvalidParameterException"
    logs.delete_retention_policy(logGroupName=name)
    [group] = logs.describe_log_groups(logGroupNamePattern=name.upper())["logGroups"]
    assert "retentionInDays" not in group
    logs.delete_log_group(logGroupName=name)
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    with pytest.raises(ClientError) as e:
        logs.delete_log_group(logGroupName=name)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_mortar_logs_crawler_works_from_any_directory(crawled, tmp_path):
    srv, _, names = crawled
    name, crawl_id = names[0]
    env = {k: v for k, v in srv.cli_env().items() if k != "MORTAR_DATA_DIR"}
    proc = subprocess.run([mortar_bin(), "logs", "crawler", name, "--data-dir", str(srv.data_dir),
                           "--crawl-id", crawl_id], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert f"INFO : Crawler {name} started crawl {crawl_id}" in proc.stdout
    assert "crawl SUCCEEDED" in proc.stdout
    # Only that crawl's lines.
    other = names[1][1]
    assert other not in proc.stdout


def test_aws_logs_tail_follow_sees_a_new_crawl(crawled):
    srv, glue, names = crawled
    name = names[0][0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(srv.credentials.env())
    env.update({"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_PAGER": ""})
    proc = subprocess.Popen([AWS, "logs", "tail", GROUP, "--follow", "--format", "short",
                             "--log-stream-names", name, "--endpoint-url", srv.endpoint],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout], daemon=True)
    reader.start()

    def wait_for_line(needle, timeout):
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if proc.poll() is not None:
                    break
                continue
            seen.append(line)
            if needle in line:
                return seen
        raise AssertionError(f"no line with {needle!r} within {timeout}s; saw {seen[-10:]}; "
                             f"stderr: {proc.stderr.read() if proc.poll() is not None else ''}")

    try:
        wait_for_line("crawl SUCCEEDED", 60)  # what is there already
        last = crawl(glue, name)
        wait_for_line(f"[{last['MessagePrefix']}] INFO : crawl SUCCEEDED", 60)
    finally:
        proc.kill()
        proc.wait(timeout=10)


def put(logs, group, stream, *messages):
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName=stream,
                        logEvents=[{"timestamp": now, "message": m} for m in messages])


def test_put_log_events_needs_an_existing_stream(crawled):
    srv, _, _ = crawled
    logs = logs_client(srv)
    group = "/mortar/test/" + unique("put")
    with pytest.raises(ClientError) as e:
        put(logs, group, "s", "x")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    with pytest.raises(ClientError) as e:
        logs.create_log_stream(logGroupName=group, logStreamName="s")
    assert e.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    put(logs, group, "s", "one", "two")
    got = logs.get_log_events(logGroupName=group, logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in got] == ["one", "two"]


def test_mortar_logs_job_run_prints_and_follows_a_run(crawled, tmp_path):
    """`mortar logs job-run` finds the run's streams by run id (here written with
    PutLogEvents, as the job runner will write them) and --follow stops at the end marker."""
    srv, _, _ = crawled
    logs = logs_client(srv)
    run_id = "jr_" + unique("run")
    for group in ("/aws-glue/python-jobs/output", "/aws-glue/python-jobs/error"):
        try:
            logs.create_log_group(logGroupName=group)
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ResourceAlreadyExistsException"
        logs.create_log_stream(logGroupName=group, logStreamName=run_id)
    put(logs, "/aws-glue/python-jobs/output", run_id, "hello from the script")
    put(logs, "/aws-glue/python-jobs/error", run_id, "Traceback: a warning")
    cmd = [mortar_bin(), "logs", "job-run", run_id, "--data-dir", str(srv.data_dir)]
    env = {k: v for k, v in srv.cli_env().items() if k != "MORTAR_DATA_DIR"}
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hello from the script\n"
    assert done.stderr == "Traceback: a warning\n"
    missing = subprocess.run([mortar_bin(), "logs", "job-run", "jr_nope", "--data-dir",
                              str(srv.data_dir)], capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode != 0 and "no logs for job run jr_nope" in missing.stderr

    follow = subprocess.Popen([*cmd, "--follow"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=tmp_path, env=env)
    try:
        put(logs, "/aws-glue/python-jobs/output", run_id, "second line")
        put(logs, "/aws-glue/python-jobs/output", run_id, "mortar: run ended SUCCEEDED")
        out, err = follow.communicate(timeout=60)  # exits by itself at the marker
    finally:
        follow.kill()
    assert follow.returncode == 0, err
    assert out.splitlines() == ["hello from the script", "second line", "mortar: run ended SUCCEEDED"]
