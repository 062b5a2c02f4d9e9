"""Glue's job definition and job run API through boto3 and the aws CLI, as
Airflow's GlueJobOperator, Dagster and Terraform drive it: CRUD with Glue's
defaults, paging, tags on job ARNs, bad input answered with Glue's
exceptions, StartJobRun ids, MaxConcurrentRuns and queuing, BatchStopJobRun.
Runs here use a script that sleeps, so they stay in flight until stopped
whether or not this server executes them yet."""
import re

import pytest
from botocore.exceptions import ClientError

from support import raw
from support.catalog import unique
from support.cli import run_aws

from support.jobs import wait_for_run_state


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def job_arn(account_id, name):
    return f"arn:aws:glue:us-east-1:{account_id}:job/{name}"


def test_create_get_update_delete_with_glue_defaults(glue, new_job):
    name = new_job(DefaultArguments={"--k": "v"}, Description="nightly clean")
    job = glue.get_job(JobName=name)["Job"]
    assert job["Name"] == name
    assert job["Command"]["Name"] == "pythonshell"
    assert job["DefaultArguments"] == {"--k": "v"}
    assert job["Timeout"] == 2880
    assert job["MaxRetries"] == 0
    assert job["ExecutionProperty"] == {"MaxConcurrentRuns": 1}
    assert job["MaxCapacity"] == 0.0625
    assert job["CreatedOn"] == job["LastModifiedOn"]

    with pytest.raises(ClientError) as exc:
        glue.create_job(Name=name, Role="r", Command={"Name": "glueetl", "ScriptLocation": "/x.py"})
    assert error_code(exc) == "AlreadyExistsException"

    # JobUpdate replaces the definition: what it leaves out is gone.
    out = glue.update_job(JobName=name, JobUpdate={
        "Role": "r2", "Command": {"Name": "glueetl", "ScriptLocation": "/jobs/etl.py"},
        "WorkerType": "G.1X", "NumberOfWorkers": 2, "Timeout": 30})
    assert out["JobName"] == name
    job = glue.get_job(JobName=name)["Job"]
    assert job["Command"]["Name"] == "glueetl" and job["Timeout"] == 30
    assert job["WorkerType"] == "G.1X" and job["NumberOfWorkers"] == 2
    assert "DefaultArguments" not in job and "Description" not in job
    assert job["LastModifiedOn"] >= job["CreatedOn"]

    assert glue.delete_job(JobName=name)["JobName"] == name
    assert glue.delete_job(JobName=name)["JobName"] == name  # idempotent, as Glue
    with pytest.raises(ClientError) as exc:
        glue.get_job(JobName=name)
    assert error_code(exc) == "EntityNotFoundException"


def test_get_jobs_list_jobs_and_batch_get_page(glue, new_job):
    prefix = unique("pg")
    names = [new_job(Name=f"{prefix}_{i}", Tags={"suite": prefix}) for i in range(5)]
    seen, token = [], None
    while True:
        kwargs = {"Tags": {"suite": prefix}, "MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        page = glue.list_jobs(**kwargs)
        assert len(page["JobNames"]) <= 2
        seen += page["JobNames"]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == sorted(names)
    # boto3's paginator over GetJobs walks every job once.
    all_jobs = [j["Name"] for p in glue.get_paginator("get_jobs").paginate(PaginationConfig={"PageSize": 3})
                for j in p["Jobs"]]
    assert [n for n in all_jobs if n.startswith(prefix)] == sorted(names)
    out = glue.batch_get_jobs(JobNames=[names[0], "no_such_job"])
    assert [j["Name"] for j in out["Jobs"]] == [names[0]]
    assert out["JobsNotFound"] == ["no_such_job"]


def test_tags_on_job_arns(glue, server, new_job, account_id):
    name = new_job(Tags={"team": "data"})
    arn = job_arn(account_id, name)
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"tier": "gold"})
    assert name in glue.list_jobs(Tags={"tier": "gold"})["JobNames"]
    glue.untag_resource(ResourceArn=arn, TagsToRemove=["team"])
    out = run_aws(server, "glue", "get-tags", "--resource-arn", arn)
    assert out["Tags"] == {"tier": "gold"}
    with pytest.raises(ClientError) as exc:
        glue.get_tags(ResourceArn=job_arn(account_id, "no_such_job"))
    assert error_code(exc) == "EntityNotFoundException"


@pytest.mark.parametrize("members, says", [
    ({"Command": {"Name": "spark", "ScriptLocation": "/x.py"}}, "Command.Name"),
    ({"Command": {"Name": "glueetl"}}, "ScriptLocation"),
    ({"MaxRetries": 11}, "MaxRetries"),
    ({"Timeout": 20000}, "Timeout"),
    ({"ExecutionProperty": {"MaxConcurrentRuns": 0}}, "MaxConcurrentRuns"),
    ({"WorkerType": "G.1X"}, "NumberOfWorkers"),
    ({"WorkerType": "G.1X", "NumberOfWorkers": 2, "MaxCapacity": 10.0}, "MaxCapacity"),
    ({"Command": {"Name": "pythonshell", "ScriptLocation": "/x.py"}, "MaxCapacity": 3.0},
     "MaxCapacity"),
])
def test_bad_definitions_are_refused_saying_what(glue, members, says):
    name = unique("bad")
    request = {"Name": name, "Role": "r",
               "Command": {"Name": "glueetl", "ScriptLocation": "/x.py"}}
    request.update(members)
    with pytest.raises(ClientError) as exc:
        glue.create_job(**request)
    assert error_code(exc) == "InvalidInputException"
    assert says in exc.value.response["Error"]["Message"]
    with pytest.raises(ClientError):
        glue.get_job(JobName=name)  # nothing half-written


def test_timeout_below_one_is_refused_by_the_model(server, glue):
    # boto3 checks this itself; a raw request reaches the server's model check.
    name = unique("bad")
    resp = raw.call(server, "CreateJob", {"Name": name, "Role": "r", "Timeout": 0,
                                          "Command": {"Name": "glueetl", "ScriptLocation": "/x.py"}})
    assert resp.status == 400 and resp.error_type == "InvalidInputException"
    assert "at 'timeout'" in resp.message
    with pytest.raises(ClientError):
        glue.get_job(JobName=name)


def test_start_job_run_ids_and_the_run_as_get_job_run_shows_it(glue, new_job):
    name = new_job(DefaultArguments={"--a": "1"}, Timeout=30)
    run_id = glue.start_job_run(JobName=name, Arguments={"--b": "2"})["JobRunId"]
    assert re.fullmatch(r"jr_[0-9a-f]{64}", run_id)
    run = glue.get_job_run(JobName=name, RunId=run_id, PredecessorsIncluded=True)["JobRun"]
    assert run["Id"] == run_id and run["JobName"] == name
    assert run["JobRunState"] in {"STARTING", "RUNNING"}
    assert run["Arguments"] == {"--b": "2"}  # the run's own, as Glue shows them
    assert run["Attempt"] == 0
    assert run["Timeout"] == 30
    assert run["LogGroupName"] == "/aws-glue/python-jobs"
    assert run["PredecessorRuns"] == []
    runs = glue.get_job_runs(JobName=name)["JobRuns"]
    assert [r["Id"] for r in runs] == [run_id]
    out = glue.batch_stop_job_run(JobName=name, JobRunIds=[run_id, "jr_" + "0" * 64])
    assert out["SuccessfulSubmissions"] == [{"JobName": name, "JobRunId": run_id}]
    assert [e["JobRunId"] for e in out["Errors"]] == ["jr_" + "0" * 64]
    assert out["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    stopped = wait_for_run_state(glue, name, run_id, {"STOPPED"})
    assert "CompletedOn" in stopped


def test_max_concurrent_runs_refuses_or_queues(glue, new_job):
    name = new_job()
    first = glue.start_job_run(JobName=name)["JobRunId"]
    with pytest.raises(ClientError) as exc:
        glue.start_job_run(JobName=name)
    assert error_code(exc) == "ConcurrentRunsExceededException"
    # Queuing asked for on the run overrides the job's (off): the run waits.
    queued = glue.start_job_run(JobName=name, JobRunQueuingEnabled=True)["JobRunId"]
    run = glue.get_job_run(JobName=name, RunId=queued)["JobRun"]
    assert run["JobRunState"] == "WAITING"
    assert "MaxConcurrentRuns 1" in run["StateDetail"]
    assert run["JobRunQueuingEnabled"] is True
    # Newest first.
    assert [r["Id"] for r in glue.get_job_runs(JobName=name)["JobRuns"]] == [queued, first]
    glue.batch_stop_job_run(JobName=name, JobRunIds=[queued])
    assert glue.get_job_run(JobName=name, RunId=queued)["JobRun"]["JobRunState"] == "STOPPED"
    glue.batch_stop_job_run(JobName=name, JobRunIds=[first])
    wait_for_run_state(glue, name, first, {"STOPPED"})


def test_get_job_runs_pages_newest_first(glue, new_job):
    name = new_job(ExecutionProperty={"MaxConcurrentRuns": 5})
    ids = [glue.start_job_run(JobName=name)["JobRunId"] for _ in range(5)]
    seen = [r["Id"] for p in glue.get_paginator("get_job_runs").paginate(
        JobName=name, PaginationConfig={"PageSize": 2}) for r in p["JobRuns"]]
    assert seen == list(reversed(ids))
    glue.batch_stop_job_run(JobName=name, JobRunIds=ids)
    for run_id in ids:
        wait_for_run_state(glue, name, run_id, {"STOPPED"})


def test_runs_of_unknown_jobs_and_refused_commands(glue, new_job):
    with pytest.raises(ClientError) as exc:
        glue.start_job_run(JobName="no_such_job")
    assert error_code(exc) == "EntityNotFoundException"
    with pytest.raises(ClientError) as exc:
        glue.get_job_runs(JobName="no_such_job")
    assert error_code(exc) == "EntityNotFoundException"
    for command in ("gluestreaming", "glueray"):
        name = new_job(Command={"Name": command, "ScriptLocation": "/x.py"})
        with pytest.raises(ClientError) as exc:
            glue.start_job_run(JobName=name)
        assert error_code(exc) == "InvalidInputException"
        assert command in exc.value.response["Error"]["Message"]


def test_cli_create_get_list_delete(server):
    name = unique("cli")
    run_aws(server, "glue", "create-job", "--name", name, "--role", "r",
            "--command", "Name=pythonshell,ScriptLocation=/tmp/never_run.py",
            "--max-retries", "0")
    try:
        assert run_aws(server, "glue", "get-job", "--job-name", name)["Job"]["Name"] == name
        names = run_aws(server, "glue", "list-jobs")["JobNames"]
        assert name in names
    finally:
        run_aws(server, "glue", "delete-job", "--job-name", name)
