"""Two `mortar serve` processes on one PostgreSQL: 50 runs started through
both are each executed exactly once (each run's script appends its run id to
one file), and every run ends SUCCEEDED whichever server ran it."""
import concurrent.futures

import pytest

from support.catalog import unique
from support.jobs import wait_for_run_state
from support.server import servers_on_one_postgres


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with servers_on_one_postgres(tmp_path_factory, "jobs_two") as started:
        yield started


def test_runs_started_through_both_servers_each_run_once(servers, tmp_path):
    a, b = servers
    clients = [a.client(), b.client(credentials=a.credentials)]
    ran = tmp_path / "ran.txt"
    script = tmp_path / "once.py"
    script.write_text("import sys\n"
                      "run = sys.argv[sys.argv.index('--JOB_RUN_ID') + 1]\n"
                      f"open({str(ran)!r}, 'a').write(run + '\\n')\n")
    name = unique("two")
    clients[0].create_job(Name=name, Role="r", ExecutionProperty={"MaxConcurrentRuns": 100},
                          Command={"Name": "pythonshell", "ScriptLocation": str(script)})
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda i: clients[i % 2].start_job_run(JobName=name)["JobRunId"],
                            range(50)))
    for run_id in ids:
        run = wait_for_run_state(clients[0], name, run_id, {"SUCCEEDED", "FAILED"}, timeout=120)
        assert run["JobRunState"] == "SUCCEEDED", run
    lines = ran.read_text().split()
    assert sorted(lines) == sorted(ids)  # each exactly once
