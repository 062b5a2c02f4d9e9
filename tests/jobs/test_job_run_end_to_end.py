"""A job run end to end through a real server: its output and error lines
read back through the CloudWatch Logs API (boto3, `aws logs
filter-log-events`, `aws logs tail`) and `mortar logs job-run`; and job
bookmarks across real runs of a glueetl job over a growing directory (only
new files the second time, everything again after ResetJobBookmark)."""
import json
import os
import subprocess

import boto3
from botocore.config import Config

from support.catalog import unique
from support.cli import run_aws
from support.jobs import wait_for_run_state
from support.server import REGION, mortar_bin

FINAL = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"}


def logs_client(srv):
    c = srv.credentials
    return boto3.session.Session().client(
        "logs", endpoint_url=srv.endpoint, region_name=REGION, aws_access_key_id=c.access_key,
        aws_secret_access_key=c.secret_key, config=Config(retries={"total_max_attempts": 1}))


def run_job(glue, job, **kwargs):
    run_id = glue.start_job_run(JobName=job, **kwargs)["JobRunId"]
    return wait_for_run_state(glue, job, run_id, FINAL, timeout=120)


def test_a_runs_lines_are_served_by_the_logs_api(server, glue, tmp_path):
    script = tmp_path / "talk.py"
    script.write_text("import sys\nfor i in range(3):\n    print(f'line {i} out')\n"
                      "print('a warning', file=sys.stderr)\nraise ValueError('boom')\n")
    job = unique("logjob")
    glue.create_job(Name=job, Role="r", Command={"Name": "pythonshell", "ScriptLocation": str(script)})
    run = run_job(glue, job)
    assert run["JobRunState"] == "FAILED" and run["ErrorMessage"] == "ValueError: boom"
    assert run["LogGroupName"] == "/aws-glue/python-jobs"

    logs = logs_client(server)
    out = logs.get_log_events(logGroupName="/aws-glue/python-jobs/output", logStreamName=run["Id"],
                              startFromHead=True)
    assert [e["message"] for e in out["events"]] == ["line 0 out", "line 1 out", "line 2 out"]
    # Nothing new: the same forward token comes back (how followers know to wait).
    again = logs.get_log_events(logGroupName="/aws-glue/python-jobs/output", logStreamName=run["Id"],
                                nextToken=out["nextForwardToken"], startFromHead=True)
    assert again["events"] == [] and again["nextForwardToken"] == out["nextForwardToken"]

    found = run_aws(server, "logs", "filter-log-events", "--log-group-name", "/aws-glue/python-jobs/error",
                    "--log-stream-names", run["Id"], "--filter-pattern", "ValueError")
    messages = [e["message"] for e in found["events"]]
    assert "ValueError: boom" in messages
    code, stdout, stderr = run_aws(server, "logs", "tail", "/aws-glue/python-jobs/error",
                                   "--log-stream-names", run["Id"], "--since", "1h",
                                   "--format", "short", check=False)
    assert code == 0, stderr
    assert "a warning" in stdout and "mortar: run ended FAILED: ValueError: boom" in stdout

    cli = subprocess.run([mortar_bin(), "logs", "job-run", run["Id"], "--follow",
                          "--data-dir", str(server.data_dir)],
                         env=server.cli_env(), capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.splitlines() == ["line 0 out", "line 1 out", "line 2 out"]
    assert "mortar: run ended FAILED" in cli.stderr


BOOKMARKED = """
import sys
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "source", "report"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)
dyf = glue.create_dynamic_frame.from_options(
    "s3", {"paths": [args["source"]]}, format="json", transformation_ctx="events")
with open(args["report"], "a") as f:
    f.write(",".join(str(i) for i in sorted(r["id"] for r in dyf._frame.to_records())) + "\\n")
job.commit()
"""


def test_a_silent_runs_output_stream_exists(server, glue, tmp_path):
    """A script that prints nothing still has its output stream, as on Glue:
    GetLogEvents and `aws logs tail` on the output group answer, empty."""
    script = tmp_path / "silent.py"
    script.write_text("x = 1\n")
    job = unique("silent")
    glue.create_job(Name=job, Role="r", Command={"Name": "pythonshell", "ScriptLocation": str(script)})
    run = run_job(glue, job)
    assert run["JobRunState"] == "SUCCEEDED"
    out = logs_client(server).get_log_events(logGroupName="/aws-glue/python-jobs/output",
                                             logStreamName=run["Id"], startFromHead=True)
    assert out["events"] == []
    code, stdout, stderr = run_aws(server, "logs", "tail", "/aws-glue/python-jobs/output",
                                   "--log-stream-names", run["Id"], "--since", "1h", check=False)
    assert code == 0, stderr
    assert stdout.strip() == ""


def test_bookmarks_across_real_runs(server, glue, tmp_path):
    source = tmp_path / "events"
    source.mkdir()
    report = tmp_path / "report.txt"
    script = tmp_path / "bookmarked.py"
    script.write_text(BOOKMARKED)

    def add(name, ids, age=0):
        f = source / name
        f.write_text("".join(json.dumps({"id": i}) + "\n" for i in ids))
        t = f.stat().st_mtime - age
        os.utime(f, (t, t))

    add("a.json", [1, 2], 3600)  # settled: older than Glue's 15-minute band
    job = unique("bmjob")
    glue.create_job(Name=job, Role="r", GlueVersion="4.0",
                    Command={"Name": "glueetl", "ScriptLocation": str(script)},
                    DefaultArguments={"--job-bookmark-option": "job-bookmark-enable",
                                      "--source": str(source), "--report": str(report)})
    first = run_job(glue, job)
    assert first["JobRunState"] == "SUCCEEDED", first.get("ErrorMessage")
    add("b.json", [3])  # new, inside the band: read once, remembered by name
    second = run_job(glue, job)
    assert second["JobRunState"] == "SUCCEEDED", second.get("ErrorMessage")
    entry = glue.get_job_bookmark(JobName=job)["JobBookmarkEntry"]
    assert entry["JobName"] == job and entry["RunId"] == second["Id"]

    glue.reset_job_bookmark(JobName=job)
    third = run_job(glue, job)
    assert third["JobRunState"] == "SUCCEEDED", third.get("ErrorMessage")
    # Run 1 read a, run 2 only the new b, run 3 (after the reset) everything.
    assert report.read_text().splitlines() == ["1,2", "3", "1,2,3"]
