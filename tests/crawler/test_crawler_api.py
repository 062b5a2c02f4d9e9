"""The crawler and classifier API through boto3 and the aws CLI against a real
server: every operation, Glue's wrong-state errors, StopCrawler on a big tree,
a restart in the middle of a crawl, metrics, crawl history and the CLI."""
import json
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from support.catalog import unique
from support.cli import run_aws
from support.server import mortar_bin, wait_for

ROLE = "arn:aws:iam::111122223333:role/crawler"


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_create_get_update_delete_crawler(glue, crawl_db, tmp_path):
    name = unique("crawler")
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=crawl_db, Description="first",
                        Targets={"S3Targets": [{"Path": str(tmp_path), "Exclusions": ["**.tmp"]}]},
                        TablePrefix="raw_", Tags={"team": "data"})
    try:
        c = glue.get_crawler(Name=name)["Crawler"]
        assert c["Name"] == name and c["State"] == "READY" and c["Version"] == 1
        assert c["DatabaseName"] == crawl_db and c["TablePrefix"] == "raw_"
        assert c["Targets"]["S3Targets"][0]["Exclusions"] == ["**.tmp"]
        assert c["SchemaChangePolicy"] == {"UpdateBehavior": "UPDATE_IN_DATABASE",
                                           "DeleteBehavior": "DEPRECATE_IN_DATABASE"}
        assert c["RecrawlPolicy"] == {"RecrawlBehavior": "CRAWL_EVERYTHING"}
        assert "LastCrawl" not in c
        assert c["CrawlElapsedTime"] == 0  # Glue returns 0 while no crawl runs

        with pytest.raises(ClientError) as e:
            glue.create_crawler(Name=name, Role=ROLE, Targets={"S3Targets": [{"Path": "/x"}]})
        assert error_code(e) == "AlreadyExistsException"

        glue.update_crawler(Name=name, Description="second",
                            SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
        c = glue.get_crawler(Name=name)["Crawler"]
        assert c["Description"] == "second" and c["Version"] == 2
        assert c["SchemaChangePolicy"]["UpdateBehavior"] == "LOG"
        assert c["LastUpdated"] >= c["CreationTime"]

        assert name in glue.list_crawlers(Tags={"team": "data"})["CrawlerNames"]
        assert name not in glue.list_crawlers(Tags={"team": "other"})["CrawlerNames"]
        got = glue.batch_get_crawlers(CrawlerNames=[name, "no_such_crawler"])
        assert [x["Name"] for x in got["Crawlers"]] == [name]
        assert got["CrawlersNotFound"] == ["no_such_crawler"]
        assert name in [x["Name"] for page in glue.get_paginator("get_crawlers").paginate(
            PaginationConfig={"PageSize": 2}) for x in page["Crawlers"]]
    finally:
        glue.delete_crawler(Name=name)
    with pytest.raises(ClientError) as e:
        glue.get_crawler(Name=name)
    assert error_code(e) == "EntityNotFoundException"
    with pytest.raises(ClientError) as e:
        glue.delete_crawler(Name=name)
    assert error_code(e) == "EntityNotFoundException"


@pytest.mark.parametrize("kwargs,fragment", [
    ({"Targets": {}}, "target"),
    ({"Schedule": "cron(0 2 * *)"}, "schedule"),
    ({"Schedule": "rate(1 hour)"}, "schedule"),
    ({"Schedule": "cron(* * * * ? *)"}, "minute"),
    ({"RecrawlPolicy": {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"}}, "LOG"),
    ({"Configuration": "{not json"}, "Configuration"),
    ({"Configuration": '{"Version": 1.0, "Mortar": {"NoSuchKey": true}}'}, "NoSuchKey"),
])
def test_create_crawler_rejects_bad_input(glue, kwargs, fragment):
    args = {"Name": unique("bad"), "Role": ROLE, "Targets": {"S3Targets": [{"Path": "/data"}]}}
    args.update(kwargs)
    with pytest.raises(ClientError) as e:
        glue.create_crawler(**args)
    assert error_code(e) == "InvalidInputException"
    assert fragment.lower() in e.value.response["Error"]["Message"].lower()


def test_crawl_creates_tables_and_records_history(glue, crawl_db, new_crawler, wait_for_crawl, sales_tree):
    path = sales_tree
    name = new_crawler(path, crawl_db)
    # (A second start while this small crawl runs would race its end: test_wrong_state_errors
    # checks the refusal on a crawl that surely runs.)
    glue.start_crawler(Name=name)
    crawler = wait_for_crawl(glue, name)
    last = crawler["LastCrawl"]
    assert last["Status"] == "SUCCEEDED", last
    assert crawler["CrawlElapsedTime"] == 0
    assert last["LogGroup"] == "/aws-glue/crawlers" and last["LogStream"] == name

    tables = glue.get_tables(DatabaseName=crawl_db)["TableList"]
    assert [t["Name"] for t in tables] == ["sales"]
    assert [k["Name"] for k in tables[0]["PartitionKeys"]] == ["year", "month"]
    assert tables[0]["Parameters"]["classification"] == "csv"
    parts = glue.get_partitions(DatabaseName=crawl_db, TableName="sales")["Partitions"]
    assert sorted(p["Values"] for p in parts) == [["2023", "1"], ["2023", "2"], ["2024", "1"], ["2024", "2"]]

    crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
    assert len(crawls) == 1
    assert crawls[0]["State"] == "COMPLETED" and crawls[0]["CrawlId"] == last["MessagePrefix"]
    summary = json.loads(crawls[0]["Summary"])
    assert summary["TablesCreated"] == 1 and summary["PartitionsCreated"] == 4

    metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"]
    assert metrics[0]["CrawlerName"] == name and metrics[0]["TablesCreated"] == 1
    assert metrics[0]["LastRuntimeSeconds"] >= 0 and metrics[0]["StillEstimating"] is False

    # A second crawl of the unchanged tree changes nothing; history keeps both.
    glue.start_crawler(Name=name)
    assert wait_for_crawl(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
    crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
    assert len(crawls) == 2 and crawls[0]["StartTime"] >= crawls[1]["StartTime"]
    assert json.loads(crawls[0]["Summary"])["TablesCreated"] == 0
    one = glue.list_crawls(CrawlerName=name, Filters=[
        {"FieldName": "CRAWL_ID", "FilterOperator": "EQ", "FieldValue": crawls[1]["CrawlId"]}])["Crawls"]
    assert [c["CrawlId"] for c in one] == [crawls[1]["CrawlId"]]
    none = glue.list_crawls(CrawlerName=name, Filters=[
        {"FieldName": "STATE", "FilterOperator": "EQ", "FieldValue": "FAILED"}])["Crawls"]
    assert none == []
    # START_TIME/END_TIME values are epoch milliseconds, as Glue documents.
    after_first_ms = int(crawls[1]["StartTime"].timestamp() * 1000) + 1
    later = glue.list_crawls(CrawlerName=name, Filters=[
        {"FieldName": "START_TIME", "FilterOperator": "GT", "FieldValue": str(after_first_ms)}])
    assert [c["CrawlId"] for c in later["Crawls"]] == [crawls[0]["CrawlId"]]
    # Glue checks each filter: all three members, and only EQ/NE on STATE and CRAWL_ID.
    for bad, message in [
        ({"FieldName": "STATE", "FilterOperator": "EQ"},
         "Invalid Filter Provided: FieldName: STATE, FilterOperator: EQ, FieldValue: null"),
        ({"FieldName": "START_TIME", "FieldValue": "1"},
         "Invalid Filter Provided: FieldName: START_TIME, FilterOperator: null, FieldValue: 1"),
        ({"FieldName": "CRAWL_ID", "FilterOperator": "GT", "FieldValue": "x"},
         "Only EQ or NE operator is allowed for field : CRAWL_ID"),
    ]:
        with pytest.raises(ClientError) as e:
            glue.list_crawls(CrawlerName=name, Filters=[bad])
        assert error_code(e) == "InvalidInputException"
        assert e.value.response["Error"]["Message"] == message
    paged = glue.list_crawls(CrawlerName=name, MaxResults=1)
    assert len(paged["Crawls"]) == 1 and "NextToken" in paged
    rest = glue.list_crawls(CrawlerName=name, MaxResults=1, NextToken=paged["NextToken"])
    assert rest["Crawls"][0]["CrawlId"] == crawls[1]["CrawlId"]


def test_crawl_into_missing_database_fails_with_reason(glue, new_crawler, wait_for_crawl, sales_tree):
    path = sales_tree
    name = new_crawler(path, "no_such_database_here")
    glue.start_crawler(Name=name)
    last = wait_for_crawl(glue, name)["LastCrawl"]
    assert last["Status"] == "FAILED"
    assert "no_such_database_here" in last["ErrorMessage"]
    crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
    assert crawls[0]["State"] == "FAILED" and "no_such_database_here" in crawls[0]["ErrorMessage"]


def test_wrong_state_errors(glue, new_crawler, crawl_db, big_tree, wait_for_crawl):
    name = new_crawler(big_tree, crawl_db)
    with pytest.raises(ClientError) as e:
        glue.stop_crawler(Name=name)
    assert error_code(e) == "CrawlerNotRunningException"
    with pytest.raises(ClientError) as e:
        glue.start_crawler(Name="no_such_crawler")
    assert error_code(e) == "EntityNotFoundException"

    glue.start_crawler(Name=name)
    assert glue.get_crawler(Name=name)["Crawler"]["State"] == "RUNNING"
    for call, code in [(lambda: glue.start_crawler(Name=name), "CrawlerRunningException"),
                       (lambda: glue.update_crawler(Name=name, Description="x"), "CrawlerRunningException"),
                       (lambda: glue.delete_crawler(Name=name), "CrawlerRunningException")]:
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == code

    started = time.monotonic()
    glue.stop_crawler(Name=name)
    state = glue.get_crawler(Name=name)["Crawler"]["State"]
    if state == "STOPPING":
        with pytest.raises(ClientError) as e:
            glue.stop_crawler(Name=name)
        # The worker may have returned in between: then the crawler is READY.
        assert error_code(e) == "CrawlerStoppingException" or (
            error_code(e) == "CrawlerNotRunningException"
            and glue.get_crawler(Name=name)["Crawler"]["State"] == "READY")
    # A finished crawl of the big tree would take far longer than the 10 s
    # allowed here; CANCELLED shows the stop cut it short. (How fast it stops
    # is printed, not asserted: test machines are noisy.)
    crawler = wait_for_crawl(glue, name, timeout=10)
    print(f"StopCrawler took {time.monotonic() - started:.2f}s")
    assert crawler["LastCrawl"]["Status"] == "CANCELLED"
    assert glue.list_crawls(CrawlerName=name)["Crawls"][0]["State"] == "STOPPED"


def test_restart_during_a_crawl(start_server, big_tree, wait_for_crawl):
    srv = start_server("crawl_restart")
    glue = srv.client()
    db = unique("restartdb")
    glue.create_database(DatabaseInput={"Name": db})
    name = unique("crawler")
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=db, Targets={"S3Targets": [{"Path": big_tree}]})
    glue.start_crawler(Name=name)
    # Kill at once: a fast machine crawls the 20,000 files in about a second.
    assert glue.get_crawler(Name=name)["Crawler"]["State"] == "RUNNING", "crawl ended before the kill"
    srv.kill()

    srv.start()
    glue = srv.client()
    crawler = glue.get_crawler(Name=name)["Crawler"]
    assert crawler["State"] == "READY"
    assert crawler["LastCrawl"]["Status"] == "FAILED"
    assert crawler["LastCrawl"]["ErrorMessage"] == "server restarted during the crawl"
    crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
    assert [c["State"] for c in crawls] == ["FAILED"]
    # The catalog is consistent: every table there is whole and readable.
    for t in glue.get_tables(DatabaseName=db)["TableList"]:
        assert t["StorageDescriptor"]["Columns"] and t["StorageDescriptor"]["Location"]
        glue.get_partitions(DatabaseName=db, TableName=t["Name"])
    log = subprocess.run([mortar_bin(), "logs", "crawler", name, "--data-dir", str(srv.data_dir)],
                         capture_output=True, text=True, timeout=30, env=srv.cli_env())
    assert log.returncode == 0, log.stderr
    assert "server restarted during the crawl" in log.stdout
    # And the crawler runs again.
    glue.start_crawler(Name=name)
    glue.stop_crawler(Name=name)
    assert wait_for_crawl(glue, name, timeout=10)["LastCrawl"]["Status"] == "CANCELLED"


def test_a_trigger_started_crawl_failed_by_a_restart_fires_its_failed_trigger(
        start_server, big_tree, wait_for_crawl, sales_tree):
    """The crawl a trigger started dies with its server; the restarted server
    fails it and -- though its triggers are built after that recovery -- the
    CONDITIONAL trigger on FAILED still fires and starts the next crawler."""
    srv = start_server("crawl_restart_trigger")
    glue = srv.client()
    db = unique("rtdb")
    glue.create_database(DatabaseInput={"Name": db})
    big, after = unique("big"), unique("after")
    glue.create_crawler(Name=big, Role=ROLE, DatabaseName=db, Targets={"S3Targets": [{"Path": big_tree}]})
    glue.create_crawler(Name=after, Role=ROLE, DatabaseName=db,
                        Targets={"S3Targets": [{"Path": sales_tree}]})
    go = unique("go")
    glue.create_trigger(Name=go, Type="ON_DEMAND", Actions=[{"CrawlerName": big}])
    glue.create_trigger(Name=unique("onfail"), Type="CONDITIONAL", StartOnCreation=True,
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "CrawlerName": big,
                                                   "CrawlState": "FAILED"}]},
                        Actions=[{"CrawlerName": after}])
    glue.start_trigger(Name=go)
    assert glue.get_crawler(Name=big)["Crawler"]["State"] == "RUNNING", "crawl ended before the kill"
    srv.kill()

    srv.start()
    glue = srv.client()
    assert glue.get_crawler(Name=big)["Crawler"]["LastCrawl"]["Status"] == "FAILED"
    crawler = wait_for_crawl(glue, after, timeout=60)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    assert "sales" in [t["Name"] for t in glue.get_tables(DatabaseName=db)["TableList"]]


def test_dry_run_plan_and_logs_cli(server, glue, crawl_db, new_crawler, wait_for_crawl, sales_tree):
    path = sales_tree
    name = new_crawler(path, crawl_db, Configuration=json.dumps({"Version": 1.0, "Mortar": {"DryRun": True}}))
    glue.start_crawler(Name=name)
    assert wait_for_crawl(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
    assert glue.get_tables(DatabaseName=crawl_db)["TableList"] == []  # wrote nothing
    plan = subprocess.run([mortar_bin(), "crawler", "plan", name, "--data-dir", str(server.data_dir)],
                          capture_output=True, text=True, timeout=30, env=server.cli_env())
    assert plan.returncode == 0, plan.stderr
    assert "sales" in plan.stdout and "CREATE_TABLE" in plan.stdout
    as_json = subprocess.run([mortar_bin(), "crawler", "plan", name, "--json", "--data-dir",
                              str(server.data_dir)], capture_output=True, text=True, timeout=30, env=server.cli_env())
    parsed = json.loads(as_json.stdout)
    assert [t["Name"] for t in parsed["Tables"]] == ["sales"]
    log = subprocess.run([mortar_bin(), "logs", "crawler", name, "--data-dir", str(server.data_dir)],
                         capture_output=True, text=True, timeout=30, env=server.cli_env())
    assert log.returncode == 0 and "crawl SUCCEEDED" in log.stdout
    crawl_id = glue.list_crawls(CrawlerName=name)["Crawls"][0]["CrawlId"]
    by_id = subprocess.run([mortar_bin(), "logs", "crawler", name, "--crawl-id", crawl_id,
                            "--data-dir", str(server.data_dir)], capture_output=True, text=True, timeout=30, env=server.cli_env())
    assert by_id.stdout == log.stdout
    missing = subprocess.run([mortar_bin(), "logs", "crawler", "no_such_crawler", "--data-dir",
                              str(server.data_dir)], capture_output=True, text=True, timeout=30, env=server.cli_env())
    assert missing.returncode != 0 and "no_such_crawler" in missing.stderr


def test_crawler_through_the_aws_cli(server, glue, crawl_db, sales_tree):
    path = sales_tree
    name = unique("clicrawler")
    run_aws(server, "glue", "create-crawler", "--name", name, "--role", ROLE,
            "--database-name", crawl_db, "--targets", json.dumps({"S3Targets": [{"Path": path}]}))
    try:
        run_aws(server, "glue", "start-crawler", "--name", name)
        wait_for(lambda: run_aws(server, "glue", "get-crawler", "--name", name)["Crawler"]["State"] == "READY",
                 120, "crawl")
        got = run_aws(server, "glue", "get-crawler", "--name", name)["Crawler"]
        assert got["LastCrawl"]["Status"] == "SUCCEEDED"
        tables = run_aws(server, "glue", "get-tables", "--database-name", crawl_db)["TableList"]
        assert [t["Name"] for t in tables] == ["sales"]
        crawls = run_aws(server, "glue", "list-crawls", "--crawler-name", name)["Crawls"]
        assert crawls[0]["State"] == "COMPLETED"
        code, _, err = run_aws(server, "glue", "stop-crawler", "--name", name, check=False)
        assert code != 0 and "CrawlerNotRunningException" in err
    finally:
        run_aws(server, "glue", "delete-crawler", "--name", name)


@pytest.mark.parametrize("kind,body,check", [
    ("CsvClassifier", {"Delimiter": "|", "QuoteSymbol": "'", "ContainsHeader": "PRESENT",
                       "Header": ["a", "b"], "AllowSingleColumn": False},
     {"Delimiter": "|", "Header": ["a", "b"]}),
    ("GrokClassifier", {"Classification": "applog", "GrokPattern": "%{WORD:level} %{GREEDYDATA:msg}",
                        "CustomPatterns": "MYWORD [a-z]+"},
     {"Classification": "applog"}),
    ("XMLClassifier", {"Classification": "xml", "RowTag": "record"}, {"RowTag": "record"}),
    ("JsonClassifier", {"JsonPath": "$.records[*]"}, {"JsonPath": "$.records[*]"}),
])
def test_classifier_crud(glue, kind, body, check):
    name = unique("cls")
    glue.create_classifier(**{kind: dict(body, Name=name)})
    try:
        got = glue.get_classifier(Name=name)["Classifier"][kind]
        assert got["Name"] == name and got["Version"] == 1
        for k, v in check.items():
            assert got[k] == v
        with pytest.raises(ClientError) as e:
            glue.create_classifier(**{kind: dict(body, Name=name)})
        assert error_code(e) == "AlreadyExistsException"
        glue.update_classifier(**{kind: {"Name": name, **({"JsonPath": "$.other[*]"} if kind == "JsonClassifier"
                                                           else {})}})
        assert glue.get_classifier(Name=name)["Classifier"][kind]["Version"] == 2
        names = [next(iter(c.values()))["Name"]
                 for page in glue.get_paginator("get_classifiers").paginate(PaginationConfig={"PageSize": 1})
                 for c in page["Classifiers"]]
        assert name in names
    finally:
        glue.delete_classifier(Name=name)
    with pytest.raises(ClientError) as e:
        glue.get_classifier(Name=name)
    assert error_code(e) == "EntityNotFoundException"


def test_classifier_bad_input(glue):
    with pytest.raises(ClientError) as e:
        glue.create_classifier(JsonClassifier={"Name": unique("cls"), "JsonPath": "records"})
    assert error_code(e) == "InvalidInputException"
    with pytest.raises(ClientError) as e:
        glue.create_classifier()
    assert error_code(e) == "InvalidInputException"
    with pytest.raises(ClientError) as e:
        glue.create_crawler(Name=unique("c"), Role=ROLE, Targets={"S3Targets": [{"Path": "/d"}]},
                            Classifiers=["no_such_classifier"])
    assert error_code(e) == "EntityNotFoundException"


def test_crawler_uses_custom_classifier(glue, crawl_db, new_crawler, tmp_path, wait_for_crawl):
    cls = unique("pipes")
    glue.create_classifier(CsvClassifier={"Name": cls, "Delimiter": "|", "ContainsHeader": "PRESENT"})
    try:
        folder = tmp_path / "pipes"
        folder.mkdir()
        (folder / "a.txt").write_text("id|name\n1|x\n2|y\n")
        name = new_crawler(str(folder), crawl_db, Classifiers=[cls])
        glue.start_crawler(Name=name)
        assert wait_for_crawl(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
        tables = glue.get_tables(DatabaseName=crawl_db)["TableList"]
        assert len(tables) == 1
        assert [c["Name"] for c in tables[0]["StorageDescriptor"]["Columns"]] == ["id", "name"]
    finally:
        glue.delete_classifier(Name=cls)


JS_TEST = r"""
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
const require = createRequire(process.env.JS_DIR + '/package.json');
const g = require('@aws-sdk/client-glue');
const client = new g.GlueClient({ endpoint: process.env.MORTAR_ENDPOINT, region: 'us-east-1' });
const name = process.env.CRAWLER;
await client.send(new g.CreateCrawlerCommand({ Name: name, Role: 'r', DatabaseName: 'default',
  Targets: { S3Targets: [{ Path: '/nowhere' }] }, Schedule: 'cron(0 3 * * ? *)' }));
const { Crawler } = await client.send(new g.GetCrawlerCommand({ Name: name }));
assert.equal(Crawler.State, 'READY');
assert.ok(Crawler.CreationTime instanceof Date);
assert.equal(Crawler.Schedule.State, 'SCHEDULED');
await assert.rejects(client.send(new g.StopCrawlerCommand({ Name: name })),
  (e) => e.name === 'CrawlerNotRunningException');
const m = await client.send(new g.GetCrawlerMetricsCommand({ CrawlerNameList: [name] }));
assert.equal(m.CrawlerMetricsList[0].CrawlerName, name);
const crawls = await client.send(new g.ListCrawlsCommand({ CrawlerName: name }));
assert.deepEqual(crawls.Crawls, []);
await client.send(new g.DeleteCrawlerCommand({ Name: name }));
console.log('js ok');
"""


def test_js_sdk_crawler_calls(server, tmp_path):
    import os
    import shutil
    from pathlib import Path
    js_dir = Path(__file__).resolve().parents[1] / "js"
    node = shutil.which("node")
    assert node, "node is not installed (scripts/bootstrap --tests installs it)"
    assert (js_dir / "node_modules" / "@aws-sdk" / "client-glue").is_dir(), \
        "tests/js/node_modules is missing: run scripts/bootstrap --tests"
    script = tmp_path / "crawler_test.mjs"
    script.write_text(JS_TEST)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(server.credentials.env())
    env.update(MORTAR_ENDPOINT=server.endpoint, JS_DIR=str(js_dir), CRAWLER=unique("jscrawler"),
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    proc = subprocess.run([node, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "js ok" in proc.stdout, proc.stdout + proc.stderr
