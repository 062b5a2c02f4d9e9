"""Glue triggers against a real server, through boto3 and the aws CLI: CRUD and
Glue's states, bad input, paging, tags, an ON_DEMAND trigger that starts a
crawler, a SCHEDULED trigger firing under the test clock
(MORTAR_TEST_CLOCK_FILE, see src/server/parts.h), and a conditional chain
crawler -> crawler that only trigger-started crawls advance."""
import csv
import os
import urllib.request

import pytest
from botocore.exceptions import ClientError

from support.catalog import unique
from support.cli import run_aws
from support.server import wait_for, jump_past_next_hour

ROLE = "arn:aws:iam::111122223333:role/crawler"


def error_of(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def make_csv_tree(root, table="sales"):
    path = os.path.join(str(root), table)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "part-0.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "amount"])
        w.writerows([[i, i * 1.5] for i in range(10)])
    return path


def crawls(glue, name):
    return glue.list_crawls(CrawlerName=name)["Crawls"]


def wait_for_crawls(glue, name, count, timeout=60):
    """Waits until crawler `name` has `count` finished crawls and is READY."""
    def done():
        c = glue.get_crawler(Name=name)["Crawler"]
        finished = [x for x in crawls(glue, name) if x["State"] != "RUNNING"]
        return c if c["State"] == "READY" and len(finished) >= count else None
    return wait_for(done, timeout, f"crawler {name} to finish {count} crawl(s)", interval=0.05)


@pytest.fixture
def crawler(glue, tmp_path):
    """Factory: crawler() -> the name of a new crawler over a small CSV tree."""
    names = []
    db = unique("trigdb")
    glue.create_database(DatabaseInput={"Name": db})

    def create():
        name = unique("crawler")
        glue.create_crawler(Name=name, Role=ROLE, DatabaseName=db,
                            Targets={"S3Targets": [{"Path": make_csv_tree(tmp_path / name)}]})
        names.append(name)
        return name

    yield create
    for name in names:
        wait_for_crawls(glue, name, 0)
        glue.delete_crawler(Name=name)
    glue.delete_database(Name=db)


def test_crud_and_states_as_glue_reports_them(glue, crawler):
    c = crawler()
    od, sched, cond = unique("od"), unique("sched"), unique("cond")
    assert glue.create_trigger(Name=od, Type="ON_DEMAND", Actions=[{"CrawlerName": c}],
                               Description="by hand")["Name"] == od
    glue.create_trigger(Name=sched, Type="SCHEDULED", Schedule="cron(15 12 * * ? *)",
                        Actions=[{"CrawlerName": c}])
    glue.create_trigger(Name=cond, Type="CONDITIONAL", StartOnCreation=True,
                        Predicate={"Conditions": [{"CrawlerName": c, "CrawlState": "FAILED"}]},
                        Actions=[{"CrawlerName": c}])

    t = glue.get_trigger(Name=od)["Trigger"]
    assert t == {"Name": od, "Type": "ON_DEMAND", "State": "CREATED", "Description": "by hand",
                 "Actions": [{"CrawlerName": c}]}
    assert glue.get_trigger(Name=sched)["Trigger"]["State"] == "CREATED"
    t = glue.get_trigger(Name=cond)["Trigger"]
    assert t["State"] == "ACTIVATED"
    assert t["Predicate"] == {"Logical": "AND", "Conditions": [
        {"LogicalOperator": "EQUALS", "CrawlerName": c, "CrawlState": "FAILED"}]}

    assert glue.start_trigger(Name=sched)["Name"] == sched
    assert glue.get_trigger(Name=sched)["Trigger"]["State"] == "ACTIVATED"
    assert glue.stop_trigger(Name=sched)["Name"] == sched
    assert glue.get_trigger(Name=sched)["Trigger"]["State"] == "DEACTIVATED"
    code, message = error_of(lambda: glue.stop_trigger(Name=od))
    assert code == "InvalidInputException" and "ON_DEMAND" in message

    updated = glue.update_trigger(Name=sched, TriggerUpdate={"Schedule": "cron(0 6 * * ? *)",
                                                             "Description": "six"})["Trigger"]
    assert updated["Schedule"] == "cron(0 6 * * ? *)"
    assert updated["Description"] == "six"
    assert updated["State"] == "DEACTIVATED"

    batch = glue.batch_get_triggers(TriggerNames=[od, "no-such-trigger"])
    assert [t["Name"] for t in batch["Triggers"]] == [od]
    assert batch["TriggersNotFound"] == ["no-such-trigger"]

    for name in (od, sched, cond):
        assert glue.delete_trigger(Name=name)["Name"] == name
    assert error_of(lambda: glue.get_trigger(Name=od))[0] == "EntityNotFoundException"
    glue.delete_trigger(Name=od)  # Glue: deleting an absent trigger is no error
    code, _ = error_of(lambda: glue.start_trigger(Name=od))
    assert code == "EntityNotFoundException"


def test_bad_input_is_refused_saying_why(glue, crawler):
    c = crawler()
    name = unique("bad")
    cases = [
        (dict(Type="ON_DEMAND", StartOnCreation=True, Actions=[{"CrawlerName": c}]),
         "InvalidInputException", "StartOnCreation is not supported for ON_DEMAND triggers"),
        (dict(Type="SCHEDULED", Actions=[{"CrawlerName": c}]),
         "InvalidInputException", "Schedule is required for a SCHEDULED trigger"),
        (dict(Type="SCHEDULED", Schedule="cron(0 12 * * * *)", Actions=[{"CrawlerName": c}]),
         "InvalidInputException", "Invalid schedule expression"),
        (dict(Type="SCHEDULED", Schedule="rate(5 minutes)", Actions=[{"CrawlerName": c}]),
         "InvalidInputException", "rate"),
        (dict(Type="ON_DEMAND", Actions=[{}]),
         "InvalidInputException", "Actions[1]: an action must name a JobName or a CrawlerName"),
        (dict(Type="ON_DEMAND", Actions=[{"CrawlerName": c, "JobName": "j"}]),
         "InvalidInputException", "not both"),
        (dict(Type="CONDITIONAL", Actions=[{"CrawlerName": c}]),
         "InvalidInputException", "Predicate is required for a CONDITIONAL trigger"),
        (dict(Type="CONDITIONAL", Actions=[{"CrawlerName": c}],
              Predicate={"Conditions": [{"CrawlerName": c, "CrawlState": "RUNNING"}]}),
         "InvalidInputException", "CrawlState must be one of SUCCEEDED, FAILED, CANCELLED"),
        (dict(Type="CONDITIONAL", Actions=[{"CrawlerName": c}],
              Predicate={"Conditions": [{"JobName": "a", "State": "SUCCEEDED"},
                                        {"JobName": "b", "State": "FAILED"}]}),
         "InvalidInputException", "Predicate.Logical (AND or ANY) is required"),
        (dict(Type="ON_DEMAND", Schedule="cron(0 12 * * ? *)", Actions=[{"CrawlerName": c}]),
         "InvalidInputException", "Schedule applies to SCHEDULED triggers only"),
        (dict(Type="ON_DEMAND", Actions=[{"CrawlerName": unique("missing")}]),
         "EntityNotFoundException", "not exist"),
        (dict(Type="EVENT", Actions=[{"CrawlerName": c}]),
         "InvalidInputException", "must belong to a workflow"),
    ]
    for kwargs, code, fragment in cases:
        got_code, message = error_of(lambda: glue.create_trigger(Name=name, **kwargs))
        assert (got_code, fragment in message) == (code, True), (kwargs, got_code, message)
    # Nothing was half-written, and the server is fine.
    assert error_of(lambda: glue.get_trigger(Name=name))[0] == "EntityNotFoundException"
    # The botocore model's own bounds (EventBatchingCondition.BatchSize <= 100) hold too.
    code, _ = error_of(lambda: glue.update_trigger(Name=name, TriggerUpdate={"Description": "x"}))
    assert code == "EntityNotFoundException"


def test_bad_input_through_the_cli(server, crawler):
    c = crawler()
    code, _, err = run_aws(server, "glue", "create-trigger", "--name", unique("cli"), "--type",
                           "SCHEDULED", "--schedule", "cron(61 * * * ? *)", "--actions",
                           f"CrawlerName={c}", check=False)
    assert code != 0 and "InvalidInputException" in err and "Minutes" in err


def test_paging_and_dependent_job_name(glue, crawler):
    c = crawler()
    prefix = unique("page")
    names = [f"{prefix}-{i}" for i in range(5)]
    for n in names:
        glue.create_trigger(Name=n, Type="ON_DEMAND", Actions=[{"CrawlerName": c}])
    try:
        listed = []
        for page in glue.get_paginator("list_triggers").paginate(PaginationConfig={"PageSize": 2}):
            assert len(page["TriggerNames"]) <= 2
            listed += page["TriggerNames"]
        assert [n for n in listed if n.startswith(prefix)] == names
        got = []
        for page in glue.get_paginator("get_triggers").paginate(PaginationConfig={"PageSize": 2}):
            got += [t["Name"] for t in page["Triggers"]]
        assert [n for n in got if n.startswith(prefix)] == names
        # No trigger starts this job: Glue documents that all triggers come back.
        everything = glue.get_triggers(DependentJobName=unique("nojob"), MaxResults=200)["Triggers"]
        assert set(names) <= {t["Name"] for t in everything}
    finally:
        for n in names:
            glue.delete_trigger(Name=n)


def test_tags_on_trigger_arns(glue, crawler, account_id):
    c = crawler()
    name = unique("tagged")
    glue.create_trigger(Name=name, Type="ON_DEMAND", Actions=[{"CrawlerName": c}],
                        Tags={"team": "data"})
    arn = f"arn:aws:glue:us-east-1:{account_id}:trigger/{name}"
    try:
        assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
        glue.tag_resource(ResourceArn=arn, TagsToAdd={"env": "test"})
        assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data", "env": "test"}
        assert name in glue.list_triggers(Tags={"env": "test"})["TriggerNames"]
        glue.untag_resource(ResourceArn=arn, TagsToRemove=["team"])
        assert glue.get_tags(ResourceArn=arn)["Tags"] == {"env": "test"}
        assert name not in glue.list_triggers(Tags={"team": "data"})["TriggerNames"]
        missing = f"arn:aws:glue:us-east-1:{account_id}:trigger/{unique('none')}"
        assert error_of(lambda: glue.get_tags(ResourceArn=missing))[0] == "EntityNotFoundException"
    finally:
        glue.delete_trigger(Name=name)


def test_on_demand_trigger_starts_a_crawler(server, glue, crawler):
    c = crawler()
    name = unique("now")
    run_aws(server, "glue", "create-trigger", "--name", name, "--type", "ON_DEMAND",
            "--actions", f"CrawlerName={c}")
    assert run_aws(server, "glue", "start-trigger", "--name", name) == {"Name": name}
    wait_for_crawls(glue, c, 1)
    assert [x["State"] for x in crawls(glue, c)] == ["COMPLETED"]
    assert run_aws(server, "glue", "get-trigger", "--name", name)["Trigger"]["State"] == "CREATED"
    glue.delete_trigger(Name=name)
    with urllib.request.urlopen(server.endpoint + "/metrics") as r:
        metrics = r.read().decode()
    fires = [line for line in metrics.splitlines()
             if line.startswith("mortar_trigger_on_demand_fires ")]
    assert fires and float(fires[0].split()[1]) >= 1


def test_conditional_chain_crawler_to_crawler(glue, crawler):
    first, second = crawler(), crawler()
    start, chain = unique("start"), unique("chain")
    glue.create_trigger(Name=start, Type="ON_DEMAND", Actions=[{"CrawlerName": first}])
    glue.create_trigger(Name=chain, Type="CONDITIONAL", StartOnCreation=True,
                        Predicate={"Logical": "ANY", "Conditions": [
                            {"LogicalOperator": "EQUALS", "CrawlerName": first,
                             "CrawlState": "SUCCEEDED"}]},
                        Actions=[{"CrawlerName": second}])
    try:
        glue.start_trigger(Name=start)
        wait_for_crawls(glue, first, 1)
        wait_for_crawls(glue, second, 1)

        # A crawl started by hand does not fire conditional triggers (Glue's rule):
        # after it, a trigger-started one advances the chain exactly once more.
        glue.start_crawler(Name=first)
        wait_for_crawls(glue, first, 2)
        glue.start_trigger(Name=start)
        wait_for_crawls(glue, first, 3)
        wait_for_crawls(glue, second, 2)
        assert len(crawls(glue, second)) == 2

        # Deactivated, the chain stops after the first crawler.
        glue.stop_trigger(Name=chain)
        glue.start_trigger(Name=start)
        wait_for_crawls(glue, first, 4)
        glue.start_crawler(Name=second)  # a marker: if the chain had fired, this would be crawl 4
        wait_for_crawls(glue, second, 3)
        assert len(crawls(glue, second)) == 3
    finally:
        glue.delete_trigger(Name=start)
        glue.delete_trigger(Name=chain)


@pytest.fixture(scope="module")
def clocked(start_server, tmp_path_factory):
    clock_file = tmp_path_factory.mktemp("trigger_clock") / "offset"
    clock_file.write_text("0")
    srv = start_server("trigger_schedule", env={"MORTAR_TEST_CLOCK_FILE": str(clock_file)})
    return srv, clock_file




def test_scheduled_trigger_starts_a_crawler_at_its_time(clocked, tmp_path):
    srv, clock_file = clocked
    glue = srv.client()
    db = unique("scheddb")
    glue.create_database(DatabaseInput={"Name": db})
    c = unique("hourly")
    glue.create_crawler(Name=c, Role=ROLE, DatabaseName=db,
                        Targets={"S3Targets": [{"Path": make_csv_tree(tmp_path)}]})
    name = unique("hourly-trigger")
    run_aws(srv, "glue", "create-trigger", "--name", name, "--type", "SCHEDULED", "--schedule",
            "cron(0 * * * ? *)", "--actions", f"CrawlerName={c}", "--start-on-creation")
    assert glue.get_trigger(Name=name)["Trigger"]["State"] == "ACTIVATED"
    assert crawls(glue, c) == []

    jump_past_next_hour(clock_file)
    wait_for_crawls(glue, c, 1, timeout=20)
    assert [t["Name"] for t in glue.get_tables(DatabaseName=db)["TableList"]] == ["sales"]
    # How late it fired is on /metrics: the clock jumped 5 s past the hour.
    with urllib.request.urlopen(srv.endpoint + "/metrics") as r:
        lag = dict(line.rsplit(" ", 1) for line in r.read().decode().splitlines()
                   if line.startswith("mortar_schedule_lag_seconds_"))
    assert float(lag["mortar_schedule_lag_seconds_count"]) >= 1
    assert float(lag["mortar_schedule_lag_seconds_sum"]) >= 5

    # Stopped, it does not fire at the next hour; started again, it does.
    glue.stop_trigger(Name=name)
    jump_past_next_hour(clock_file)
    glue.start_trigger(Name=name)
    jump_past_next_hour(clock_file)
    wait_for_crawls(glue, c, 2, timeout=20)
    assert len(crawls(glue, c)) == 2
    glue.delete_trigger(Name=name)


def test_a_trigger_created_through_a_follower_fires_on_the_leader(tmp_path_factory, tmp_path):
    """Two servers on one PostgreSQL with one test clock: only the scheduler
    leader fires, and it learns of a trigger created through the other server
    from the store (it re-reads them every 5 s)."""
    from support.postgres import PostgresServer
    from support.server import MortarServer
    clock_file = tmp_path_factory.mktemp("two_clock") / "offset"
    clock_file.write_text("0")
    with PostgresServer() as pg:
        pg.sql("CREATE DATABASE trig;")
        url = f"postgresql://postgres:{pg.password}@127.0.0.1:{pg.port}/trig"
        servers = [MortarServer(tmp_path_factory.mktemp(f"trig_{n}"), store_url=url,
                                env={"MORTAR_TEST_CLOCK_FILE": str(clock_file)}).start()
                   for n in ("a", "b")]
        try:
            wait_for(lambda: any("became scheduler leader" in s.log_path.read_text(errors="replace")
                                 for s in servers), 20, "a scheduler leader")
            leader = next(s for s in servers
                          if "became scheduler leader" in s.log_path.read_text(errors="replace"))
            follower = servers[1] if leader is servers[0] else servers[0]
            creds = servers[0].credentials
            glue = follower.client(credentials=creds)
            glue.create_database(DatabaseInput={"Name": "trig"})
            glue.create_crawler(Name="c", Role=ROLE, DatabaseName="trig",
                                Targets={"S3Targets": [{"Path": make_csv_tree(tmp_path)}]})
            glue.create_trigger(Name="hourly", Type="SCHEDULED", Schedule="cron(0 * * * ? *)",
                                Actions=[{"CrawlerName": "c"}], StartOnCreation=True)

            def fired():
                # The leader may not have re-read the triggers yet: move on an hour at a time.
                jump_past_next_hour(clock_file)
                try:
                    return wait_for(lambda: crawls(glue, "c"), 2, "a crawl")
                except TimeoutError:
                    return None
            wait_for(fired, 30, "the scheduled crawl", interval=0)
            crawl = wait_for_crawls(glue, "c", 1)
            assert crawl["LastCrawl"]["Status"] == "SUCCEEDED"
            assert "trigger hourly fired" in leader.log_path.read_text(errors="replace")
            assert "trigger hourly fired" not in follower.log_path.read_text(errors="replace")
        finally:
            for s in servers:
                assert s.stop() == 0, s.log_tail()


@pytest.fixture
def job(glue, tmp_path):
    """Factory: job() -> the name of a new pythonshell job (deleted afterwards)."""
    names = []
    script = tmp_path / "noop.py"
    script.write_text("print('hello')\n")

    def create():
        name = unique("job")
        glue.create_job(Name=name, Role="arn:aws:iam::123456789012:role/glue",
                        Command={"Name": "pythonshell", "ScriptLocation": str(script),
                                 "PythonVersion": "3.9"})
        names.append(name)
        return name

    yield create
    for name in names:
        glue.delete_job(JobName=name)


def test_on_demand_trigger_starts_a_job_run_with_the_actions_arguments(glue, job):
    j = job()
    name = unique("runjob")
    glue.create_trigger(Name=name, Type="ON_DEMAND",
                        Actions=[{"JobName": j, "Arguments": {"--day": "monday"}, "Timeout": 7}])
    try:
        glue.start_trigger(Name=name)
        runs = wait_for(lambda: glue.get_job_runs(JobName=j)["JobRuns"], 10, "the job run")
        assert len(runs) == 1
        run = runs[0]
        assert run["TriggerName"] == name
        assert run["Arguments"]["--day"] == "monday"
        assert run["Timeout"] == 7
    finally:
        glue.delete_trigger(Name=name)


def test_conditional_chain_crawler_to_job(glue, crawler, job):
    c, j = crawler(), job()
    start, chain = unique("start"), unique("tojob")
    glue.create_trigger(Name=start, Type="ON_DEMAND", Actions=[{"CrawlerName": c}])
    glue.create_trigger(Name=chain, Type="CONDITIONAL", StartOnCreation=True,
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "CrawlerName": c,
                                                   "CrawlState": "SUCCEEDED"}]},
                        Actions=[{"JobName": j}])
    try:
        # By hand: no run of the job.
        glue.start_crawler(Name=c)
        wait_for_crawls(glue, c, 1)
        glue.start_trigger(Name=start)
        wait_for_crawls(glue, c, 2)
        runs = wait_for(lambda: glue.get_job_runs(JobName=j)["JobRuns"], 10, "the chained job run")
        assert [r["TriggerName"] for r in runs] == [chain]
    finally:
        glue.delete_trigger(Name=start)
        glue.delete_trigger(Name=chain)


def test_a_trigger_naming_a_missing_job_is_refused(glue):
    code, message = error_of(lambda: glue.create_trigger(
        Name=unique("nojob"), Type="ON_DEMAND", Actions=[{"JobName": unique("missing")}]))
    assert code == "EntityNotFoundException"
