"""Glue workflows against a real server, through boto3 and the aws CLI: an
ON_DEMAND start trigger -> job A -> conditional trigger -> job B where A
writes a run property (PutWorkflowRunProperties, from inside the run with
--WORKFLOW_NAME/--WORKFLOW_RUN_ID) and B reads it; the run's graph and
statistics; a failed node leaving the run COMPLETED and ResumeWorkflowRun
re-running it and what follows; StopWorkflowRun; MaxConcurrentRuns; CRUD,
paging, tags and DeleteWorkflow taking its triggers along; a crawler node; a
run whose job ended while the server was down; a SCHEDULED start trigger
starting a workflow run under the test clock (MORTAR_TEST_CLOCK_FILE)."""
import time

import pytest
from botocore.exceptions import ClientError

from support.catalog import unique
from support.cli import run_aws
from support.server import wait_for, jump_past_next_hour

ROLE = "arn:aws:iam::111122223333:role/glue"

# Reads --WORKFLOW_NAME / --WORKFLOW_RUN_ID and talks to the server through
# boto3 (the run's environment holds its endpoint and key).
PRELUDE = """import sys, boto3
args = sys.argv
WF = args[args.index('--WORKFLOW_NAME') + 1]
RUN = args[args.index('--WORKFLOW_RUN_ID') + 1]
glue = boto3.client('glue')
"""


def error_of(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


@pytest.fixture
def job(glue, tmp_path):
    """job(body) -> the name of a new pythonshell job running PRELUDE + body."""
    def make(body, prelude=PRELUDE):
        name = unique("wfjob")
        script = tmp_path / f"{name}.py"
        script.write_text(prelude + body)
        glue.create_job(Name=name, Role=ROLE,
                        Command={"Name": "pythonshell", "ScriptLocation": str(script),
                                 "PythonVersion": "3.9"})
        return name
    return make


def on_demand(glue, workflow, job_name):
    name = unique("start")
    glue.create_trigger(Name=name, WorkflowName=workflow, Type="ON_DEMAND",
                        Actions=[{"JobName": job_name}])
    return name


def after(glue, workflow, watched, job_name, state="SUCCEEDED"):
    name = unique("then")
    glue.create_trigger(Name=name, WorkflowName=workflow, Type="CONDITIONAL",
                        StartOnCreation=True,
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS",
                                                   "JobName": watched, "State": state}]},
                        Actions=[{"JobName": job_name}])
    return name


def wait_run(glue, workflow, run_id, statuses, timeout=120):
    def reached():
        run = glue.get_workflow_run(Name=workflow, RunId=run_id, IncludeGraph=True)["Run"]
        return run if run["Status"] in statuses else None
    return wait_for(reached, timeout, f"workflow run {run_id} to reach {statuses}", interval=0.1)


def node(run, kind, name):
    return next(n for n in run["Graph"]["Nodes"] if n["Type"] == kind and n["Name"] == name)


def test_two_jobs_share_run_properties_through_a_workflow_run(glue, job, tmp_path):
    out = tmp_path / "b.out"
    a = job("props = glue.get_workflow_run_properties(Name=WF, RunId=RUN)['RunProperties']\n"
            "glue.put_workflow_run_properties(Name=WF, RunId=RUN, RunProperties="
            "{'from_a': props['greeting'] + ' from A'})\n")
    b = job("props = glue.get_workflow_run_properties(Name=WF, RunId=RUN)['RunProperties']\n"
            f"open({str(out)!r}, 'w').write(props['from_a'] + '|' + props['extra'] + '|' + RUN)\n")
    wf = unique("wf")
    glue.create_workflow(Name=wf, Description="two jobs",
                         DefaultRunProperties={"greeting": "hello"})
    start = on_demand(glue, wf, a)
    then = after(glue, wf, a, b)

    run_id = glue.start_workflow_run(Name=wf, RunProperties={"extra": "x"})["RunId"]
    run = wait_run(glue, wf, run_id, {"COMPLETED", "ERROR"})

    assert run["Status"] == "COMPLETED"
    assert out.read_text() == f"hello from A|x|{run_id}"
    assert run["WorkflowRunProperties"] == {"greeting": "hello", "extra": "x",
                                            "from_a": "hello from A"}
    assert run["Statistics"]["TotalActions"] == 2
    assert run["Statistics"]["SucceededActions"] == 2
    assert run["Statistics"]["RunningActions"] == 0
    assert run["CompletedOn"] >= run["StartedOn"]
    kinds = sorted((n["Type"], n["Name"]) for n in run["Graph"]["Nodes"])
    assert kinds == sorted([("TRIGGER", start), ("TRIGGER", then), ("JOB", a), ("JOB", b)])
    ids = {(n["Type"], n["Name"]): n["UniqueId"] for n in run["Graph"]["Nodes"]}
    edges = {(e["SourceId"], e["DestinationId"]) for e in run["Graph"]["Edges"]}
    assert edges == {(ids[("TRIGGER", start)], ids[("JOB", a)]),
                     (ids[("JOB", a)], ids[("TRIGGER", then)]),
                     (ids[("TRIGGER", then)], ids[("JOB", b)])}
    a_runs = node(run, "JOB", a)["JobDetails"]["JobRuns"]
    assert [r["JobRunState"] for r in a_runs] == ["SUCCEEDED"]
    assert a_runs[0]["TriggerName"] == start
    b_runs = node(run, "JOB", b)["JobDetails"]["JobRuns"]
    assert b_runs[0]["TriggerName"] == then
    assert node(run, "TRIGGER", then)["TriggerDetails"]["Trigger"]["Type"] == "CONDITIONAL"

    w = glue.get_workflow(Name=wf, IncludeGraph=True)["Workflow"]
    assert w["LastRun"]["WorkflowRunId"] == run_id
    assert w["LastRun"]["Status"] == "COMPLETED"
    assert w["DefaultRunProperties"] == {"greeting": "hello"}
    assert len(w["Graph"]["Nodes"]) == 4
    assert glue.get_workflow_runs(Name=wf)["Runs"][0]["WorkflowRunId"] == run_id



def test_the_aws_cli_reads_a_workflow_run(server, glue, job):
    a = job("pass\n")
    wf = unique("wf")
    glue.create_workflow(Name=wf)
    on_demand(glue, wf, a)
    run_id = glue.start_workflow_run(Name=wf)["RunId"]
    wait_run(glue, wf, run_id, {"COMPLETED"})
    out = run_aws(server, "glue", "get-workflow-run", "--name", wf, "--run-id", run_id,
                  "--include-graph")
    assert out["Run"]["Status"] == "COMPLETED"
    assert out["Run"]["Statistics"]["SucceededActions"] == 1
    assert {n["Type"] for n in out["Run"]["Graph"]["Nodes"]} == {"TRIGGER", "JOB"}


def test_a_failed_node_completes_the_run_and_resume_reruns_it_and_what_follows(glue, job,
                                                                                tmp_path):
    fixed = tmp_path / "fixed"
    first = job("pass\n")
    flaky = job(f"import os\nassert os.path.exists({str(fixed)!r}), 'not fixed yet'\n")
    last = job("pass\n")
    wf = unique("wf")
    glue.create_workflow(Name=wf)
    on_demand(glue, wf, first)
    after(glue, wf, first, flaky)
    after(glue, wf, flaky, last)

    run_id = glue.start_workflow_run(Name=wf)["RunId"]
    run = wait_run(glue, wf, run_id, {"COMPLETED", "ERROR"})
    assert run["Status"] == "COMPLETED"  # COMPLETED although a node failed
    stats = run["Statistics"]
    assert (stats["TotalActions"], stats["SucceededActions"], stats["FailedActions"]) == (2, 1, 1)

    fixed.write_text("")
    flaky_id = node(run, "JOB", flaky)["UniqueId"]
    resumed = glue.resume_workflow_run(Name=wf, RunId=run_id, NodeIds=[flaky_id])
    assert resumed["NodeIds"] == [flaky_id]
    new_id = resumed["RunId"]
    assert new_id != run_id
    run2 = wait_run(glue, wf, new_id, {"COMPLETED", "ERROR"})
    assert run2["PreviousRunId"] == run_id
    assert run2["Status"] == "COMPLETED"
    # `first` was not re-run: its run is the one of the original run.
    assert [r["Id"] for r in node(run2, "JOB", first)["JobDetails"]["JobRuns"]] == \
        [r["Id"] for r in node(run, "JOB", first)["JobDetails"]["JobRuns"]]
    assert [r["JobRunState"] for r in node(run2, "JOB", flaky)["JobDetails"]["JobRuns"]] == \
        ["SUCCEEDED"]
    assert [r["JobRunState"] for r in node(run2, "JOB", last)["JobDetails"]["JobRuns"]] == \
        ["SUCCEEDED"]
    assert run2["Statistics"]["SucceededActions"] == 3
    assert len(glue.get_job_runs(JobName=first)["JobRuns"]) == 1

    code, message = error_of(lambda: glue.resume_workflow_run(Name=wf, RunId=run_id,
                                                              NodeIds=["wnode_job_nope"]))
    assert code == "InvalidInputException" and "wnode_job_nope" in message


def test_stop_and_max_concurrent_runs(glue, job, tmp_path):
    sleeper = job("import time\ntime.sleep(600)\n")
    wf = unique("wf")
    glue.create_workflow(Name=wf, MaxConcurrentRuns=1)
    on_demand(glue, wf, sleeper)
    run_id = glue.start_workflow_run(Name=wf)["RunId"]
    code, _ = error_of(lambda: glue.start_workflow_run(Name=wf))
    assert code == "ConcurrentRunsExceededException"
    code, _ = error_of(lambda: glue.resume_workflow_run(Name=wf, RunId=run_id,
                                                        NodeIds=[f"wnode_job_{sleeper}"]))
    assert code == "IllegalWorkflowStateException"  # it has not ended

    def job_running():
        runs = glue.get_job_runs(JobName=sleeper)["JobRuns"]
        return runs and runs[0]["JobRunState"] == "RUNNING"
    wait_for(job_running, 60, "the sleeper to run")
    glue.stop_workflow_run(Name=wf, RunId=run_id)
    assert glue.get_workflow_run(Name=wf, RunId=run_id)["Run"]["Status"] in {"STOPPING", "STOPPED"}
    run = wait_run(glue, wf, run_id, {"STOPPED"})
    assert run["Statistics"]["StoppedActions"] == 1
    assert glue.get_job_runs(JobName=sleeper)["JobRuns"][0]["JobRunState"] == "STOPPED"
    code, _ = error_of(lambda: glue.stop_workflow_run(Name=wf, RunId=run_id))
    assert code == "IllegalWorkflowStateException"
    # A slot is free again.
    second = glue.start_workflow_run(Name=wf)["RunId"]
    glue.stop_workflow_run(Name=wf, RunId=second)
    wait_run(glue, wf, second, {"STOPPED"})


def test_crud_paging_tags_and_delete(glue, job, account_id):
    a = job("pass\n")
    names = sorted(unique("wfcrud") for _ in range(3))
    for n in names:
        glue.create_workflow(Name=n, Tags={"team": "etl"})
    code, _ = error_of(lambda: glue.create_workflow(Name=names[0]))
    assert code == "AlreadyExistsException"
    code, _ = error_of(lambda: glue.get_workflow(Name=unique("nope")))
    assert code == "EntityNotFoundException"
    code, message = error_of(lambda: glue.start_workflow_run(Name=names[0]))
    assert code == "InvalidInputException" and "start trigger" in message
    code, _ = error_of(lambda: glue.start_workflow_run(Name=unique("nope")))
    assert code == "EntityNotFoundException"
    code, _ = error_of(lambda: glue.get_workflow_run(Name=names[0], RunId="wr_nope"))
    assert code == "EntityNotFoundException"
    code, message = error_of(lambda: glue.create_workflow(Name=unique("wf"), MaxConcurrentRuns=-1))
    assert code == "InvalidInputException" and "MaxConcurrentRuns" in message

    listed = []
    token = None
    while True:
        page = glue.list_workflows(MaxResults=2, **({"NextToken": token} if token else {}))
        listed += page["Workflows"]
        token = page.get("NextToken")
        if not token:
            break
    assert set(names) <= set(listed)

    got = glue.batch_get_workflows(Names=[names[0], "missing-wf"])
    assert [w["Name"] for w in got["Workflows"]] == [names[0]]
    assert got["MissingWorkflows"] == ["missing-wf"]

    glue.update_workflow(Name=names[0], Description="new", MaxConcurrentRuns=2)
    w = glue.get_workflow(Name=names[0])["Workflow"]
    assert (w["Description"], w["MaxConcurrentRuns"]) == ("new", 2)

    arn = f"arn:aws:glue:us-east-1:{account_id}:workflow/{names[0]}"
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"env": "test"})
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "etl", "env": "test"}
    glue.untag_resource(ResourceArn=arn, TagsToRemove=["team"])
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"env": "test"}

    # Deleting a workflow deletes its triggers (not its jobs).
    trigger = on_demand(glue, names[1], a)
    glue.delete_workflow(Name=names[1])
    code, _ = error_of(lambda: glue.get_trigger(Name=trigger))
    assert code == "EntityNotFoundException"
    glue.get_job(JobName=a)
    glue.delete_workflow(Name=names[1])  # deleting again is fine


def test_a_crawler_node_then_a_job(glue, job, tmp_path):
    table_dir = tmp_path / "sales"
    table_dir.mkdir()
    (table_dir / "part-0.csv").write_text("id,amount\n" + "".join(f"{i},{i}.5\n" for i in range(10)))
    db = unique("wfdb")
    glue.create_database(DatabaseInput={"Name": db})
    crawler = unique("wfcrawler")
    glue.create_crawler(Name=crawler, Role=ROLE, DatabaseName=db,
                        Targets={"S3Targets": [{"Path": str(table_dir)}]})
    b = job("pass\n")
    wf = unique("wf")
    glue.create_workflow(Name=wf)
    glue.create_trigger(Name=unique("start"), WorkflowName=wf, Type="ON_DEMAND",
                        Actions=[{"CrawlerName": crawler}])
    glue.create_trigger(Name=unique("then"), WorkflowName=wf, Type="CONDITIONAL",
                        StartOnCreation=True,
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS",
                                                   "CrawlerName": crawler,
                                                   "CrawlState": "SUCCEEDED"}]},
                        Actions=[{"JobName": b}])
    run_id = glue.start_workflow_run(Name=wf)["RunId"]
    run = wait_run(glue, wf, run_id, {"COMPLETED", "ERROR"})
    assert run["Status"] == "COMPLETED"
    assert run["Statistics"]["SucceededActions"] == 2
    crawls = node(run, "CRAWLER", crawler)["CrawlerDetails"]["Crawls"]
    assert [c["State"] for c in crawls] == ["SUCCEEDED"]
    assert [r["JobRunState"] for r in node(run, "JOB", b)["JobDetails"]["JobRuns"]] == ["SUCCEEDED"]
    assert glue.get_tables(DatabaseName=db)["TableList"]  # the crawl did its work


def test_a_run_whose_job_ended_while_the_server_was_down_completes(start_server, tmp_path):
    srv = start_server("wfrestart")
    glue = srv.client()
    release = tmp_path / "release"
    script = tmp_path / "wait.py"
    script.write_text("import os, time\nend = time.time() + 120\n"
                      f"while not os.path.exists({str(release)!r}) and time.time() < end:\n"
                      "    time.sleep(0.05)\n")
    name = unique("wfjob")
    glue.create_job(Name=name, Role=ROLE,
                    Command={"Name": "pythonshell", "ScriptLocation": str(script),
                             "PythonVersion": "3.9"})
    wf = unique("wf")
    glue.create_workflow(Name=wf)
    on_demand(glue, wf, name)
    run_id = glue.start_workflow_run(Name=wf)["RunId"]

    def job_running():
        runs = glue.get_job_runs(JobName=name)["JobRuns"]
        return runs and runs[0]["JobRunState"] == "RUNNING"
    wait_for(job_running, 60, "the job to run")
    srv.kill()
    release.write_text("")  # the orphaned script ends
    srv.start()
    glue = srv.client()
    # The restarted server fails the run it lost; the workflow run completes.
    run = wait_run(glue, wf, run_id, {"COMPLETED", "ERROR"}, timeout=90)
    assert run["Status"] == "COMPLETED"
    assert run["Statistics"]["FailedActions"] == 1
    assert run["Statistics"]["RunningActions"] == 0


def test_a_scheduled_start_trigger_starts_a_workflow_run(start_server, tmp_path):
    clock_file = tmp_path / "clock"
    clock_file.write_text("0")
    srv = start_server("wf_schedule", env={"MORTAR_TEST_CLOCK_FILE": str(clock_file)})
    glue = srv.client()
    out = tmp_path / "out"
    script = tmp_path / "record.py"
    script.write_text(PRELUDE + f"open({str(out)!r}, 'w').write(WF + ' ' + RUN)\n")
    name = unique("wfjob")
    glue.create_job(Name=name, Role=ROLE,
                    Command={"Name": "pythonshell", "ScriptLocation": str(script),
                             "PythonVersion": "3.9"})
    wf = unique("wf")
    glue.create_workflow(Name=wf)
    trigger = unique("hourly")
    glue.create_trigger(Name=trigger, WorkflowName=wf, Type="SCHEDULED",
                        Schedule="cron(0 * * * ? *)", StartOnCreation=True,
                        Actions=[{"JobName": name}])
    assert glue.get_workflow_runs(Name=wf)["Runs"] == []
    # The scheduler's clock moves just past the next full hour.
    jump_past_next_hour(clock_file)
    runs = wait_for(lambda: glue.get_workflow_runs(Name=wf)["Runs"], 60, "a workflow run")
    run_id = runs[0]["WorkflowRunId"]
    run = wait_run(glue, wf, run_id, {"COMPLETED", "ERROR"})
    assert run["Status"] == "COMPLETED"
    assert out.read_text() == f"{wf} {run_id}"  # the job ran within the run
    assert node(run, "JOB", name)["JobDetails"]["JobRuns"][0]["TriggerName"] == trigger
