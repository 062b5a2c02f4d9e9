"""Two `mortar serve` processes on one PostgreSQL run workflows together: a
start trigger fans out to five jobs, an AND trigger waits for all of them and
starts a last job. Runs started through both servers each complete once, with
the last job run exactly once per run, wherever each job ran."""
import pytest

from support.catalog import unique
from support.server import servers_on_one_postgres, wait_for


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with servers_on_one_postgres(tmp_path_factory, "workflows_two") as started:
        yield started


def test_fan_out_and_join_across_two_servers(servers, tmp_path):
    a, b = servers
    clients = [a.client(), b.client(credentials=a.credentials)]
    glue = clients[0]
    script = tmp_path / "ok.py"
    script.write_text("pass\n")

    def job():
        name = unique("fan")
        glue.create_job(Name=name, Role="r", ExecutionProperty={"MaxConcurrentRuns": 20},
                        Command={"Name": "pythonshell", "ScriptLocation": str(script)})
        return name

    fan = [job() for _ in range(5)]
    last = job()
    wf = unique("wf")
    glue.create_workflow(Name=wf)
    glue.create_trigger(Name=unique("start"), WorkflowName=wf, Type="ON_DEMAND",
                        Actions=[{"JobName": j} for j in fan])
    glue.create_trigger(Name=unique("join"), WorkflowName=wf, Type="CONDITIONAL",
                        StartOnCreation=True,
                        Predicate={"Logical": "AND",
                                   "Conditions": [{"LogicalOperator": "EQUALS", "JobName": j,
                                                   "State": "SUCCEEDED"} for j in fan]},
                        Actions=[{"JobName": last}])
    run_ids = [clients[i % 2].start_workflow_run(Name=wf)["RunId"] for i in range(4)]

    for i, run_id in enumerate(run_ids):
        def done():
            run = clients[i % 2].get_workflow_run(Name=wf, RunId=run_id)["Run"]
            return run if run["Status"] != "RUNNING" else None
        run = wait_for(done, 180, f"workflow run {run_id} to end", interval=0.2)
        assert run["Status"] == "COMPLETED", run
        assert run["Statistics"]["SucceededActions"] == 6, run["Statistics"]
        assert run["Statistics"]["TotalActions"] == 6, run["Statistics"]
    last_runs = glue.get_job_runs(JobName=last)["JobRuns"]
    assert len(last_runs) == 4  # once per workflow run
    assert all(r["JobRunState"] == "SUCCEEDED" for r in last_runs)
