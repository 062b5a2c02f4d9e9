"""Crawlers in CRAWL_EVENT_MODE against a real server, through boto3: the first
crawl lists everything; later crawls list only the folders where objects were
created -- found by the server watching the crawler's target (a local
directory tree, or an s3:// prefix on moto's S3 server), or announced with
PutEvents -- and a crawl with nothing announced changes nothing. What a
crawl read is in its ListCrawls Summary (FilesListed) and its log."""
import json
import os
import re
import urllib.request

import boto3
import pytest

from support.catalog import unique
from support.cli import run_aws
from support.server import REGION, wait_for



def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        f.writelines(",".join(str(v) for v in row) + "\n" for row in rows)


def make_sales_tree(root):
    """root/sales/year=Y/month=M/part-0.csv: one table, 4 partitions."""
    for y in (2023, 2024):
        for m in (1, 2):
            write_csv(os.path.join(root, "sales", f"year={y}", f"month={m}", "part-0.csv"),
                      ["id", "amount", "item"], [[i, i * 1.5, f"item{i}"] for i in range(20)])
    return os.path.join(root, "sales")

ROLE = "arn:aws:iam::111122223333:role/crawler"
EVENT_MODE = {"RecrawlBehavior": "CRAWL_EVENT_MODE"}


def metric(srv, name):
    with urllib.request.urlopen(srv.endpoint + "/metrics") as r:
        text = r.read().decode()
    m = re.search(rf"^{name} ([0-9.e+]+)$", text, re.M)
    assert m, f"no metric {name}"
    return float(m.group(1))


def crawl(glue, name):
    """Runs one crawl to its end; returns its ListCrawls entry."""
    before = {c["CrawlId"] for c in glue.list_crawls(CrawlerName=name)["Crawls"]}
    glue.start_crawler(Name=name)

    def finished():
        c = glue.get_crawler(Name=name)["Crawler"]
        return c["State"] == "READY" and "LastCrawl" in c and \
            c["LastCrawl"].get("MessagePrefix") not in before
    wait_for(finished, 120, f"crawler {name} to finish", interval=0.05)
    entry = glue.list_crawls(CrawlerName=name)["Crawls"][0]
    assert entry["State"] == "COMPLETED", entry
    return entry


def summary(entry):
    return json.loads(entry["Summary"])


def crawl_log(srv, name, entry):
    creds = srv.credentials
    logs = boto3.session.Session().client(
        "logs", endpoint_url=srv.endpoint, region_name=REGION,
        aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key)
    prefix = f"[{entry['CrawlId']}] "
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName="/aws-glue/crawlers", logStreamNames=[name])
    return "\n".join(e["message"] for page in pages for e in page["events"]
                     if e["message"].startswith(prefix))


def partitions(glue, db, table):
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=db, TableName=table)
    return sorted(tuple(p["Values"]) for page in pages for p in page["Partitions"])


def events_client(srv):
    creds = srv.credentials
    return boto3.session.Session().client(
        "events", endpoint_url=srv.endpoint, region_name=REGION,
        aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key)


def new_db(glue):
    db = unique("evcrawl")
    glue.create_database(DatabaseInput={"Name": db})
    return db


def test_watched_directory_new_partition_only_that_folder_is_crawled(start_server, tmp_path):
    srv = start_server("evcrawl", env={"MORTAR_EVENTS_POLL_INTERVAL_SECONDS": "1"})
    glue = srv.client()
    db = new_db(glue)
    root = make_sales_tree(str(tmp_path))  # sales/year=2023|2024/month=1|2/part-0.csv
    name = unique("evc")
    watched = metric(srv, "mortar_events_directories_watched")
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=db, RecrawlPolicy=EVENT_MODE,
                        Targets={"S3Targets": [{"Path": root}]})
    wait_for(lambda: metric(srv, "mortar_events_directories_watched") == watched + 1, 15,
             "the server to watch the crawler's target")

    first = crawl(glue, name)
    assert summary(first)["FilesListed"] == 4
    assert "not running in S3 event mode" in crawl_log(srv, name, first)
    assert len(partitions(glue, db, "sales")) == 4

    # A new partition folder with one file; nothing else changes.
    recorded = metric(srv, "mortar_crawler_event_objects_recorded")
    write_csv(os.path.join(root, "year=2025", "month=1", "part-0.csv"), ["id", "amount", "item"],
              [[i, i * 1.5, f"item{i}"] for i in range(5)])
    wait_for(lambda: metric(srv, "mortar_crawler_event_objects_recorded") > recorded, 20,
             "the watcher to see the new file")

    second = crawl(glue, name)
    s = summary(second)
    assert (s["FilesListed"], s["FilesClassified"], s["PartitionsCreated"]) == (1, 1, 1), s
    assert s["TablesUpdated"] == 0 and s["PartitionsUpdated"] == 0, s
    log = crawl_log(srv, name, second)
    assert "running by consuming S3 events" in log
    assert "listed 1 changed folder(s)" in log and "year=2025/month=1" in log
    assert ("2025", "1") in partitions(glue, db, "sales")
    assert len(partitions(glue, db, "sales")) == 5

    # Nothing announced since: the crawl reads nothing and changes nothing.
    third = crawl(glue, name)
    s = summary(third)
    assert s["FilesListed"] == 0 and s["PartitionsCreated"] == 0 and s["TablesUpdated"] == 0, s
    assert "nothing to crawl" in crawl_log(srv, name, third)

    glue.delete_crawler(Name=name)
    wait_for(lambda: metric(srv, "mortar_events_directories_watched") == watched, 15,
             "the server to stop watching the deleted crawler's target")


def test_put_events_announce_objects(start_server, tmp_path):
    # Listings every hour: only PutEvents can tell the crawler about the file.
    srv = start_server("evcrawlput", env={"MORTAR_EVENTS_POLL_INTERVAL_SECONDS": "3600"})
    glue = srv.client()
    events = events_client(srv)
    db = new_db(glue)
    root = make_sales_tree(str(tmp_path))
    name = unique("evc")
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=db, RecrawlPolicy=EVENT_MODE,
                        Targets={"S3Targets": [{
                            "Path": root,
                            "EventQueueArn": "arn:aws:sqs:us-east-1:111122223333:ignored"}]})
    got = glue.get_crawler(Name=name)["Crawler"]["Targets"]["S3Targets"][0]
    assert got["EventQueueArn"] == "arn:aws:sqs:us-east-1:111122223333:ignored"
    crawl(glue, name)

    new_file = os.path.join(root, "year=2026", "month=3", "part-0.csv")
    write_csv(new_file, ["id", "amount", "item"], [[1, 1.5, "a"]])
    recorded = metric(srv, "mortar_crawler_event_objects_recorded")
    out = events.put_events(Entries=[
        {"Source": "mortar.files", "DetailType": "Object Created",
         "Detail": json.dumps({"path": new_file})},
        {"Source": "mortar.files", "DetailType": "Object Created",
         "Detail": json.dumps({"path": str(tmp_path / "elsewhere" / "x.csv")})}])
    assert out["FailedEntryCount"] == 0
    # PutEvents records before it answers: the object below the target only.
    assert metric(srv, "mortar_crawler_event_objects_recorded") == recorded + 1

    s = summary(crawl(glue, name))
    assert (s["FilesListed"], s["PartitionsCreated"]) == (1, 1), s
    assert ("2026", "3") in partitions(glue, db, "sales")


def test_event_mode_validation(start_server, tmp_path):
    srv = start_server("evcrawlbad")
    glue = srv.client()

    # The README's aws CLI line.
    name = unique("cli")
    run_aws(srv, "glue", "create-crawler", "--name", name, "--role", ROLE,
            "--database-name", "default", "--targets", json.dumps({"S3Targets": [{"Path": str(tmp_path)}]}),
            "--recrawl-policy", "RecrawlBehavior=CRAWL_EVENT_MODE")
    got = run_aws(srv, "glue", "get-crawler", "--name", name)["Crawler"]
    assert got["RecrawlPolicy"]["RecrawlBehavior"] == "CRAWL_EVENT_MODE"

    def error(**kwargs):
        with pytest.raises(glue.exceptions.InvalidInputException) as e:
            glue.create_crawler(Name=unique("bad"), Role=ROLE, DatabaseName="default",
                                RecrawlPolicy=EVENT_MODE, **kwargs)
        return e.value.response["Error"]["Message"]

    assert "EventQueueArn" in error(Targets={"S3Targets": [{"Path": "/tmp/x",
                                                            "EventQueueArn": "my-queue"}]})
    assert "SampleSize" in error(Targets={"S3Targets": [{"Path": "/tmp/x", "SampleSize": 3}]})
    assert "JdbcTargets" in error(Targets={"JdbcTargets": [{"ConnectionName": "c",
                                                            "Path": "db/%"}]})


def test_s3_prefix_watched_new_object_only_its_folder_is_crawled(start_server, tmp_path):
    from support.moto import moto_server
    creds = {"AWS_ACCESS_KEY_ID": "AKIDMORTARTEST", "AWS_SECRET_ACCESS_KEY": "mortar-secret"}
    with moto_server(tmp_path / "moto.log") as endpoint:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                          aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="landing")
        for y in (2023, 2024):
            s3.put_object(Bucket="landing", Key=f"sales/year={y}/part-0.csv",
                          Body=b"id,amount\n1,1.5\n2,2.5\n")
        srv = start_server("evcrawls3", env={**creds, "MORTAR_S3_ENDPOINT": endpoint,
                                             "MORTAR_EVENTS_POLL_INTERVAL_SECONDS": "1"})
        glue = srv.client()
        db = new_db(glue)
        name = unique("evc")
        glue.create_crawler(Name=name, Role=ROLE, DatabaseName=db, RecrawlPolicy=EVENT_MODE,
                            Targets={"S3Targets": [{"Path": "s3://landing/sales/"}]})
        wait_for(lambda: metric(srv, "mortar_events_s3_prefixes_watched") == 1, 15,
                 "the server to list the crawler's prefix once")
        assert summary(crawl(glue, name))["FilesListed"] == 2

        s3.put_object(Bucket="landing", Key="sales/year=2025/part-0.csv", Body=b"id,amount\n3,3.5\n")
        wait_for(lambda: metric(srv, "mortar_crawler_event_objects_recorded") == 1, 20,
                 "the new object to be seen")
        entry = crawl(glue, name)
        s = summary(entry)
        assert (s["FilesListed"], s["PartitionsCreated"]) == (1, 1), s
        assert "listed 1 changed folder(s)" in crawl_log(srv, name, entry)
        assert partitions(glue, db, "sales") == [("2023",), ("2024",), ("2025",)]
        srv.stop()
