"""EventBridge on Mortar's endpoint and EVENT triggers, through boto3 and the
aws CLI against a real server: rules, targets, PutEvents and their errors;
PutEvents and a file dropped into a watched directory (the "mortar.files"
source) and an object created under an S3 prefix (the "aws.s3" source,
against moto's S3 server) reaching an EVENT trigger's batch, seen in the
server's metrics and log. Those triggers name a workflow that was never
created (CreateTrigger does not check), so a closed batch logs that it could
not start a run; the end-to-end test at the bottom (workflow + EVENT trigger +
job) sees runs start and their jobs succeed."""
import json
import os
import re
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support.catalog import unique
from support.cli import run_aws
from support.jobs import wait_for_run_state
from support.server import REGION, wait_for

ROLE = "arn:aws:iam::123456789012:role/glue"


@pytest.fixture(scope="module")
def srv(start_server):
    # Rules are re-read every second (a rule put through this server is
    # picked up at once anyway).
    return start_server("evtrig", env={"MORTAR_EVENTS_POLL_INTERVAL_SECONDS": "1"})


@pytest.fixture(scope="module")
def glue(srv):
    return srv.client()


@pytest.fixture(scope="module")
def events(srv):
    creds = srv.credentials
    return boto3.session.Session().client(
        "events", endpoint_url=srv.endpoint, region_name=REGION,
        aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


@pytest.fixture(scope="module")
def account(events):
    arn = events.put_rule(Name=unique("probe"), EventPattern='{"source":["probe"]}')["RuleArn"]
    return arn.split(":")[4]


def workflow_arn(account, name):
    return f"arn:aws:glue:{REGION}:{account}:workflow/{name}"


def error_of(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def metric(srv, name):
    with urllib.request.urlopen(srv.endpoint + "/metrics") as r:
        text = r.read().decode()
    m = re.search(rf"^{name} ([0-9.e+]+)$", text, re.M)
    assert m, f"no metric {name}"
    return float(m.group(1))


def test_rules_and_targets(events, account):
    rule = unique("rule")
    pattern = json.dumps({"source": ["sales.app"], "detail": {"kind": ["order"]}})
    arn = events.put_rule(Name=rule, EventPattern=pattern, Description="orders")["RuleArn"]
    assert arn == f"arn:aws:events:{REGION}:{account}:rule/{rule}"
    d = events.describe_rule(Name=rule)
    assert (d["Name"], d["EventPattern"], d["State"], d["Description"], d["EventBusName"]) == (
        rule, pattern, "ENABLED", "orders", "default")

    events.disable_rule(Name=rule)
    assert events.describe_rule(Name=rule)["State"] == "DISABLED"
    events.enable_rule(Name=rule)
    assert events.describe_rule(Name=rule)["State"] == "ENABLED"

    # ListRules by prefix, one per page.
    prefix = unique("lst")
    for i in range(3):
        events.put_rule(Name=f"{prefix}-{i}", EventPattern='{"source":["x"]}')
    names, token = [], None
    while True:
        page = events.list_rules(NamePrefix=prefix, Limit=1, **({"NextToken": token} if token else {}))
        names += [r["Name"] for r in page["Rules"]]
        token = page.get("NextToken")
        if not token:
            break
    assert names == [f"{prefix}-{i}" for i in range(3)]

    out = events.put_targets(Rule=rule, Targets=[
        {"Id": "wf", "Arn": workflow_arn(account, "flow"), "RoleArn": ROLE}])
    assert out["FailedEntryCount"] == 0
    targets = events.list_targets_by_rule(Rule=rule)["Targets"]
    assert [(t["Id"], t["Arn"]) for t in targets] == [("wf", workflow_arn(account, "flow"))]

    code, message = error_of(lambda: events.delete_rule(Name=rule))
    assert (code, message) == ("ValidationException", "Rule can't be deleted since it has targets.")
    assert events.remove_targets(Rule=rule, Ids=["wf"])["FailedEntryCount"] == 0
    events.delete_rule(Name=rule)
    code, message = error_of(lambda: events.describe_rule(Name=rule))
    assert code == "ResourceNotFoundException"
    assert rule in message


def test_bad_rules_and_targets(events, account):
    code, message = error_of(lambda: events.put_rule(Name=unique("r"), EventPattern='{"source":"x"}'))
    assert code == "InvalidEventPatternException"
    assert '"source" must be an object or an array' in message
    code, message = error_of(lambda: events.put_rule(Name=unique("r"), EventPattern="{nope"))
    assert code == "InvalidEventPatternException"
    code, message = error_of(lambda: events.put_rule(Name=unique("r")))
    assert (code, message) == (
        "ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
    code, message = error_of(lambda: events.put_rule(Name="bad name!", EventPattern="{}"))
    assert code == "ValidationException" and "at 'name'" in message
    code, _ = error_of(lambda: events.put_rule(Name=unique("r"), EventPattern="{}",
                                               EventBusName="custom-bus"))
    assert code == "ResourceNotFoundException"

    rule = unique("rule")
    events.put_rule(Name=rule, EventPattern='{"source":["x"]}')
    code, message = error_of(lambda: events.put_targets(Rule=rule, Targets=[
        {"Id": "q", "Arn": f"arn:aws:sqs:{REGION}:{account}:queue"}]))
    assert code == "ValidationException"
    assert "arn:aws:sqs" in message and "Glue workflows" in message
    code, _ = error_of(lambda: events.put_targets(Rule=unique("missing"), Targets=[
        {"Id": "w", "Arn": workflow_arn(account, "w")}]))
    assert code == "ResourceNotFoundException"
    code, message = error_of(lambda: events.put_targets(Rule=rule, Targets=[
        {"Id": f"t{i}", "Arn": workflow_arn(account, "w")} for i in range(6)]))
    assert code == "LimitExceededException"
    code, _ = error_of(lambda: events.list_targets_by_rule(Rule=unique("missing")))
    assert code == "ResourceNotFoundException"
    events.delete_rule(Name=rule)


def test_put_events_results(events):
    out = events.put_events(Entries=[
        {"Source": "sales.app", "DetailType": "Order", "Detail": '{"id": 1}'},
        {"Source": "sales.app", "DetailType": "Order", "Detail": "not json"},
        {"Source": "aws.s3", "DetailType": "Object Created", "Detail": "{}"},
        {"Source": "sales.app", "Detail": "{}"},
    ])
    assert out["FailedEntryCount"] == 3
    entries = out["Entries"]
    assert re.fullmatch(r"[0-9a-f-]{36}", entries[0]["EventId"])
    assert entries[1]["ErrorCode"] == "MalformedDetail"
    assert entries[2]["ErrorCode"] == "NotAuthorizedForSourceException"
    assert entries[3]["ErrorCode"] == "InvalidArgument"
    assert "DetailType" in entries[3]["ErrorMessage"]


@pytest.fixture(scope="module")
def job(glue, tmp_path_factory):
    script = tmp_path_factory.mktemp("evjob") / "ok.py"
    script.write_text("print('ok')\n")
    name = unique("evjob")
    glue.create_job(Name=name, Role=ROLE, Command={
        "Name": "pythonshell", "ScriptLocation": str(script), "PythonVersion": "3.9"})
    yield name
    glue.delete_job(JobName=name)


def event_trigger(glue, workflow, job, size):
    name = unique("evtrigger")
    glue.create_trigger(Name=name, Type="EVENT", WorkflowName=workflow, StartOnCreation=True,
                        EventBatchingCondition={"BatchSize": size, "BatchWindow": 900},
                        Actions=[{"JobName": job}])
    return name


def test_put_events_reach_the_event_trigger(srv, glue, events, account, job):
    workflow = unique("wf")
    event_trigger(glue, workflow, job, 2)
    rule = unique("orders")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["sales.app"],
                                                        "detail": {"kind": ["order"]}}))
    events.put_targets(Rule=rule, Targets=[{"Id": "wf", "Arn": workflow_arn(account, workflow)}])
    accepted = metric(srv, "mortar_event_trigger_events_accepted")
    failed = metric(srv, "mortar_event_trigger_batches_failed")
    out = events.put_events(Entries=[
        {"Source": "sales.app", "DetailType": "Order", "Detail": '{"kind": "order"}'},
        {"Source": "sales.app", "DetailType": "Order", "Detail": '{"kind": "refund"}'},
        {"Source": "sales.app", "DetailType": "Order", "Detail": '{"kind": "order"}'},
    ])
    assert out["FailedEntryCount"] == 0
    # The two orders matched and filled the batch (BatchSize 2); the refund did not match.
    assert metric(srv, "mortar_event_trigger_events_accepted") == accepted + 2
    assert metric(srv, "mortar_event_trigger_batches_failed") == failed + 1
    wait_for(lambda: f"event batch of trigger" in srv.log_tail(400) and workflow in srv.log_tail(400),
             10, "the closed batch in the server log")
    assert "could not start a workflow run" in srv.log_tail(400)

    # A disabled rule delivers nothing.
    events.disable_rule(Name=rule)
    events.put_events(Entries=[
        {"Source": "sales.app", "DetailType": "Order", "Detail": '{"kind": "order"}'}])
    assert metric(srv, "mortar_event_trigger_events_accepted") == accepted + 2


def drop(directory, name):
    """Writes a file the way producers should: under a hidden name, then renamed."""
    tmp = directory / f".{name}.part"
    tmp.write_text("a,b\n1,2\n")
    os.rename(tmp, directory / name)


def test_a_dropped_file_reaches_the_event_trigger(srv, glue, events, account, job, tmp_path):
    watched = tmp_path / "incoming"
    watched.mkdir()
    (watched / "before.csv").write_text("there before the rule\n")
    workflow = unique("wf")
    event_trigger(glue, workflow, job, 5)
    rule = unique("files")
    events.put_rule(Name=rule, EventPattern=json.dumps({
        "source": ["mortar.files"], "detail-type": ["Object Created"],
        "detail": {"directory": [str(watched)], "name": [{"suffix": ".csv"}]}}))
    events.put_targets(Rule=rule, Targets=[{"Id": "wf", "Arn": workflow_arn(account, workflow)}])
    wait_for(lambda: metric(srv, "mortar_events_directories_watched") >= 1, 10,
             "the server to watch the directory")
    files = metric(srv, "mortar_events_files")
    accepted = metric(srv, "mortar_event_trigger_events_accepted")
    drop(watched, "a.csv")
    (watched / "notes.txt").write_text("not a csv\n")
    drop(watched, "b.csv")
    # Both .csv files reached the trigger; the .txt was reported but matched no rule;
    # before.csv, there before the watch began, never counts.
    wait_for(lambda: metric(srv, "mortar_event_trigger_events_accepted") == accepted + 2, 10,
             "both dropped .csv files to reach the trigger")
    wait_for(lambda: metric(srv, "mortar_events_files") == files + 3, 10,
             "three files reported")
    events.remove_targets(Rule=rule, Ids=["wf"])
    events.delete_rule(Name=rule)


def test_aws_cli_put_events(srv):
    out = run_aws(srv, "events", "put-events", "--entries", json.dumps([
        {"Source": "cli.app", "DetailType": "Ping", "Detail": '{"n": 1}'}]))
    assert out["FailedEntryCount"] == 0
    assert re.fullmatch(r"[0-9a-f-]{36}", out["Entries"][0]["EventId"])


# --- End to end with workflows (runs once the server serves CreateWorkflow) ---

def _wait_for_run(glue, workflow, count, timeout=60):
    def runs():
        got = glue.get_workflow_runs(Name=workflow)["Runs"]
        return got if len(got) >= count else None
    return wait_for(runs, timeout, f"{count} run(s) of workflow {workflow}", interval=0.1)


def test_end_to_end_files_and_put_events_start_a_workflow_run(srv, glue, events, account,
                                                              tmp_path):
    script = tmp_path / "ok.py"
    script.write_text("print('processed')\n")
    job = unique("wfjob")
    glue.create_job(Name=job, Role=ROLE, Command={
        "Name": "pythonshell", "ScriptLocation": str(script), "PythonVersion": "3.9"})
    workflow = unique("wf")
    glue.create_workflow(Name=workflow)
    event_trigger(glue, workflow, job, 2)
    watched = tmp_path / "drop"
    watched.mkdir()
    rule = unique("e2e")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["e2e.app"]}))
    events.put_rule(Name=rule + "-files", EventPattern=json.dumps({
        "source": ["mortar.files"], "detail": {"directory": [str(watched)]}}))
    events.put_targets(Rule=rule + "-files",
                       Targets=[{"Id": "wf", "Arn": workflow_arn(account, workflow)}])
    # The watch begins within moments of the rule; files dropped before it are
    # not reported, so drop one at a time until two made a batch.
    n = 0

    def dropped_until_a_run():
        nonlocal n
        n += 1
        drop(watched, f"f{n}.csv")
        return glue.get_workflow_runs(Name=workflow)["Runs"] or None
    wait_for(dropped_until_a_run, 30, "dropped files to start a workflow run", interval=0.5)
    run = _wait_for_run(glue, workflow, 1)[0]
    assert run["StartingEventBatchCondition"]["BatchSize"] == 2
    props = glue.get_workflow_run_properties(Name=workflow, RunId=run["WorkflowRunId"])
    assert len(json.loads(props["RunProperties"]["aws:eventIds"])) == 2
    job_runs = wait_for(lambda: glue.get_job_runs(JobName=job)["JobRuns"] or None, 60,
                        "the workflow's job run")
    wait_for_run_state(glue, job, job_runs[0]["Id"], {"SUCCEEDED"})

    # PutEvents: two events to the same workflow start a second run.
    events.remove_targets(Rule=rule + "-files", Ids=["wf"])
    events.put_targets(Rule=rule, Targets=[{"Id": "wf", "Arn": workflow_arn(account, workflow)}])
    events.put_events(Entries=[{"Source": "e2e.app", "DetailType": "Go", "Detail": '{"kind":"go"}'}
                               for _ in range(2)])
    runs = _wait_for_run(glue, workflow, 2)
    assert len(runs) == 2


def test_an_object_created_in_s3_reaches_the_event_trigger(start_server, tmp_path):
    """The aws.s3 source lists the rule's bucket prefix through the server's
    S3 settings (moto's S3 server here): a new object under the prefix is
    delivered; one there before the rule, and one outside the prefix, are not."""
    from support.moto import moto_server
    creds = {"AWS_ACCESS_KEY_ID": "AKIDMORTARTEST", "AWS_SECRET_ACCESS_KEY": "mortar-secret"}
    with moto_server(tmp_path / "moto.log") as endpoint:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                          aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="landing")
        s3.put_object(Bucket="landing", Key="raw/old.csv", Body=b"a\n1\n")
        srv = start_server("evs3", env={**creds, "MORTAR_S3_ENDPOINT": endpoint,
                                        "MORTAR_EVENTS_POLL_INTERVAL_SECONDS": "1"})
        glue = srv.client()
        c = srv.credentials
        events = boto3.session.Session().client(
            "events", endpoint_url=srv.endpoint, region_name=REGION,
            aws_access_key_id=c.access_key, aws_secret_access_key=c.secret_key)
        script = tmp_path / "ok.py"
        script.write_text("print('ok')\n")
        job = unique("s3job")
        glue.create_job(Name=job, Role=ROLE, Command={
            "Name": "pythonshell", "ScriptLocation": str(script), "PythonVersion": "3.9"})
        workflow = unique("wf")
        event_trigger(glue, workflow, job, 5)
        arn = events.put_rule(Name="landing", EventPattern=json.dumps({
            "source": ["aws.s3"], "detail-type": ["Object Created"],
            "detail": {"bucket": {"name": ["landing"]}, "object": {"key": [{"prefix": "raw/"}]}}}))
        account = arn["RuleArn"].split(":")[4]
        events.put_targets(Rule="landing", Targets=[{"Id": "wf",
                                                     "Arn": workflow_arn(account, workflow)}])
        wait_for(lambda: metric(srv, "mortar_events_s3_prefixes_watched") == 1, 15,
                 "the server to list the prefix once")
        s3.put_object(Bucket="landing", Key="other/x.csv", Body=b"a\n2\n")
        s3.put_object(Bucket="landing", Key="raw/new.csv", Body=b"a\n3\n")
        wait_for(lambda: metric(srv, "mortar_event_trigger_events_accepted") == 1, 15,
                 "the new object under raw/ to reach the trigger")
        assert metric(srv, "mortar_events_s3_objects") == 1
        srv.stop()
