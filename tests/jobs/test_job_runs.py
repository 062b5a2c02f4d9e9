"""Real job runs through a real server (needs jobs::JobRunner wired in
server/parts.cc): succeed, fail with the script's exception line, time out
(under the test clock), retried, a crash and a memory hog that leave the
server and another run unharmed, argument precedence as the script sees it,
the per-run key revoked after the run, and a server SIGKILLed mid-run that
restarts and reports the run FAILED."""
import json
import os
import signal
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support.catalog import unique
from support.jobs import wait_for_run_state
from support.server import REGION, wait_for

FINAL = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"}


def make_job(glue, tmp_path, body, **members):
    script = tmp_path / f"{unique('s')}.py"
    script.write_text(body)
    name = unique("run")
    request = {"Name": name, "Role": "r",
               "Command": {"Name": "pythonshell", "ScriptLocation": str(script)}}
    request.update(members)
    glue.create_job(**request)
    return name


def test_run_succeeds_and_fails_with_the_exception_line(glue, tmp_path):
    ok = make_job(glue, tmp_path, "print('hello')\n")
    run_id = glue.start_job_run(JobName=ok)["JobRunId"]
    run = wait_for_run_state(glue, ok, run_id, FINAL)
    assert run["JobRunState"] == "SUCCEEDED", run
    assert run["ExecutionTime"] >= 0 and "CompletedOn" in run

    bad = make_job(glue, tmp_path, "raise ValueError('boom')\n")
    run_id = glue.start_job_run(JobName=bad)["JobRunId"]
    run = wait_for_run_state(glue, bad, run_id, FINAL)
    assert run["JobRunState"] == "FAILED"
    assert "ValueError: boom" in run["ErrorMessage"]


def test_failed_run_is_retried(glue, tmp_path):
    name = make_job(glue, tmp_path, "raise RuntimeError('always')\n", MaxRetries=1)
    run_id = glue.start_job_run(JobName=name)["JobRunId"]
    # The retry is recorded in the transaction that records the failure.
    assert wait_for_run_state(glue, name, run_id, FINAL)["JobRunState"] == "FAILED"
    retry = wait_for_run_state(glue, name, run_id + "_attempt_1", FINAL)
    assert retry["JobRunState"] == "FAILED"
    assert retry["Attempt"] == 1 and retry["PreviousRunId"] == run_id
    assert glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]["JobRunState"] == "FAILED"
    assert len(glue.get_job_runs(JobName=name)["JobRuns"]) == 2


def test_argument_precedence_as_the_script_sees_it(glue, tmp_path):
    out = tmp_path / "argv.json"
    name = make_job(glue, tmp_path,
                    "import json, sys\n"
                    f"json.dump(sys.argv[1:], open({str(out)!r}, 'w'))\n",
                    DefaultArguments={"--a": "default", "--b": "default", "--c": "default"},
                    NonOverridableArguments={"--c": "fixed"})
    run_id = glue.start_job_run(JobName=name, Arguments={"--b": "run", "--c": "tried"})["JobRunId"]
    assert wait_for_run_state(glue, name, run_id, FINAL)["JobRunState"] == "SUCCEEDED"
    argv = json.loads(out.read_text())
    args = dict(zip(argv[::2], argv[1::2]))
    assert args["--a"] == "default" and args["--b"] == "run" and args["--c"] == "fixed"
    assert args["--JOB_RUN_ID"] == run_id and args["--JOB_NAME"] == name


def test_crash_and_memory_hog_leave_the_server_and_another_run_unharmed(server, glue, tmp_path):
    go = tmp_path / "go"
    steady = make_job(glue, tmp_path,
                      "import os, time\n"
                      f"while not os.path.exists({str(go)!r}): time.sleep(0.05)\n"
                      "print('steady done')\n")
    steady_run = glue.start_job_run(JobName=steady)["JobRunId"]
    wait_for_run_state(glue, steady, steady_run, {"RUNNING"})
    crash = make_job(glue, tmp_path, "import os\nos.abort()\n")
    hog = make_job(glue, tmp_path, "x = bytearray(64 * 1024 ** 3)\nprint(len(x))\n")
    crash_run = glue.start_job_run(JobName=crash)["JobRunId"]
    hog_run = glue.start_job_run(JobName=hog)["JobRunId"]
    assert wait_for_run_state(glue, crash, crash_run, FINAL)["JobRunState"] == "FAILED"
    assert wait_for_run_state(glue, hog, hog_run, FINAL)["JobRunState"] == "FAILED"
    assert server.alive()
    assert glue.get_job_run(JobName=steady, RunId=steady_run)["JobRun"]["JobRunState"] == "RUNNING"
    go.write_text("")
    assert wait_for_run_state(glue, steady, steady_run, FINAL)["JobRunState"] == "SUCCEEDED"


def test_per_run_key_works_during_the_run_and_is_revoked_after(server, glue, tmp_path):
    keys = tmp_path / "keys.json"
    go = tmp_path / "go"
    name = make_job(glue, tmp_path,
                    "import json, os, time\n"
                    f"json.dump([os.environ['AWS_ACCESS_KEY_ID'], os.environ['AWS_SECRET_ACCESS_KEY']],"
                    f" open({str(keys)!r}, 'w'))\n"
                    f"while not os.path.exists({str(go)!r}): time.sleep(0.05)\n")
    run_id = glue.start_job_run(JobName=name)["JobRunId"]
    wait_for(lambda: keys.exists() and keys.read_text(), 60, "the script's key")
    key_id, secret = json.loads(keys.read_text())
    assert key_id != server.credentials.access_key
    run_glue = boto3.client("glue", endpoint_url=server.endpoint, region_name=REGION,
                            aws_access_key_id=key_id, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}))
    run_glue.get_databases()  # the run's own key works while it runs
    go.write_text("")
    assert wait_for_run_state(glue, name, run_id, FINAL)["JobRunState"] == "SUCCEEDED"
    with pytest.raises(ClientError) as exc:
        run_glue.get_databases()
    assert exc.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_timeout_under_the_test_clock(start_server, tmp_path):
    clock_file = tmp_path / "clock"
    clock_file.write_text("0")
    srv = start_server("jobs_timeout", env={"MORTAR_TEST_CLOCK_FILE": str(clock_file)})
    glue = srv.client()
    name = make_job(glue, tmp_path, "import time\ntime.sleep(600)\n", Timeout=1)
    run_id = glue.start_job_run(JobName=name)["JobRunId"]
    wait_for_run_state(glue, name, run_id, {"RUNNING"})
    clock_file.write_text("120")  # two minutes pass for the server's timers
    run = wait_for_run_state(glue, name, run_id, FINAL)
    assert run["JobRunState"] == "TIMEOUT"
    assert "Timeout of 1 minute" in run["ErrorMessage"]


def test_server_killed_mid_run_reports_the_run_failed_after_restart(start_server, tmp_path):
    pid_file = tmp_path / "pid"
    srv = start_server("jobs_crash")
    glue = srv.client()
    name = make_job(glue, tmp_path,
                    f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
                    "time.sleep(600)\n")
    run_id = glue.start_job_run(JobName=name)["JobRunId"]
    wait_for_run_state(glue, name, run_id, {"RUNNING"})
    wait_for(lambda: pid_file.exists() and pid_file.read_text(), 60, "the script's pid")
    srv.kill()
    try:
        os.kill(int(pid_file.read_text()), signal.SIGKILL)  # an orphan of the dead server
    except ProcessLookupError:
        pass
    srv.start()
    run = srv.client().get_job_run(JobName=name, RunId=run_id)["JobRun"]
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"] == "the server restarted during the run"


def _metrics(srv):
    with urllib.request.urlopen(srv.endpoint + "/metrics") as r:
        return {k: float(v) for k, v in (line.rsplit(" ", 1) for line in r.read().decode().splitlines()
                                         if line.startswith("mortar_warm_pool_"))}


def test_the_first_runs_after_start_are_warm(start_server, tmp_path):
    # The server prestarts the pool for glueetl and pythonshell runs without
    # extra modules, so not even the first run starts cold.
    srv = start_server("warm_first")
    glue = srv.client()
    wait_for(lambda: _metrics(srv).get("mortar_warm_pool_ready", 0) >= 1, 120, "the warm pool")
    script = tmp_path / "warm.py"
    script.write_text("import sys\nfrom awsglue.utils import getResolvedOptions\n"
                      "print(getResolvedOptions(sys.argv, ['JOB_NAME'])['JOB_NAME'])\n")
    for command in ("pythonshell", "glueetl"):
        name = unique("warm")
        glue.create_job(Name=name, Role="r", Command={"Name": command, "ScriptLocation": str(script)})
        run_id = glue.start_job_run(JobName=name)["JobRunId"]
        assert wait_for_run_state(glue, name, run_id, FINAL)["JobRunState"] == "SUCCEEDED"
    m = _metrics(srv)
    assert (m["mortar_warm_pool_hits"], m["mortar_warm_pool_misses"]) == (2, 0)
