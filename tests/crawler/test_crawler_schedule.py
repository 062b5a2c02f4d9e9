"""Crawler schedules fire crawls. The server runs with the test-only
MORTAR_TEST_CLOCK_FILE (src/server/crawler_runtime.h): its scheduler's clock is
real time plus the seconds in that file, so a test moves time forward an hour
without waiting for it."""
import time

import pytest
from botocore.exceptions import ClientError

from support.catalog import unique
from support.cli import run_aws
from support.server import wait_for, jump_past_next_hour

ROLE = "arn:aws:iam::111122223333:role/crawler"


@pytest.fixture(scope="module")
def clocked(start_server, tmp_path_factory):
    clock_file = tmp_path_factory.mktemp("clock") / "offset"
    clock_file.write_text("0")
    srv = start_server("crawl_schedule", env={"MORTAR_TEST_CLOCK_FILE": str(clock_file)})
    return srv, clock_file




def test_schedule_fires_a_crawl(clocked, wait_for_crawl, sales_tree):
    srv, clock_file = clocked
    glue = srv.client()
    db = unique("scheddb")
    glue.create_database(DatabaseInput={"Name": db})
    name = unique("hourly")
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=db, Schedule="cron(0 * * * ? *)",
                        Targets={"S3Targets": [{"Path": sales_tree}]})
    c = glue.get_crawler(Name=name)["Crawler"]
    assert c["Schedule"] == {"ScheduleExpression": "cron(0 * * * ? *)", "State": "SCHEDULED"}
    assert glue.list_crawls(CrawlerName=name)["Crawls"] == []

    jump_past_next_hour(clock_file)
    wait_for(lambda: glue.list_crawls(CrawlerName=name)["Crawls"], 10, "the scheduled crawl")
    assert wait_for_crawl(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
    assert [t["Name"] for t in glue.get_tables(DatabaseName=db)["TableList"]] == ["sales"]

    # Stopped schedules do not fire.
    glue.stop_crawler_schedule(CrawlerName=name)
    assert glue.get_crawler(Name=name)["Crawler"]["Schedule"]["State"] == "NOT_SCHEDULED"
    jump_past_next_hour(clock_file)
    time.sleep(1.0)
    assert len(glue.list_crawls(CrawlerName=name)["Crawls"]) == 1

    # Started again (through the aws CLI), it fires at the next hour.
    run_aws(srv, "glue", "start-crawler-schedule", "--crawler-name", name)
    jump_past_next_hour(clock_file)
    wait_for(lambda: len(glue.list_crawls(CrawlerName=name)["Crawls"]) == 2, 10, "the second scheduled crawl")
    wait_for_crawl(glue, name)


def test_schedule_state_errors_and_updates(clocked):
    srv, _ = clocked
    glue = srv.client()
    name = unique("sched")
    glue.create_crawler(Name=name, Role=ROLE, Targets={"S3Targets": [{"Path": "/nowhere"}]})
    with pytest.raises(ClientError) as e:
        glue.start_crawler_schedule(CrawlerName=name)
    assert e.value.response["Error"]["Code"] == "NoScheduleException"
    with pytest.raises(ClientError) as e:
        glue.stop_crawler_schedule(CrawlerName=name)
    assert e.value.response["Error"]["Code"] == "SchedulerNotRunningException"
    with pytest.raises(ClientError) as e:
        glue.update_crawler_schedule(CrawlerName=name, Schedule="cron(61 * * * ? *)")
    assert e.value.response["Error"]["Code"] == "InvalidInputException"

    glue.update_crawler_schedule(CrawlerName=name, Schedule="cron(15 12 * * ? *)")
    assert glue.get_crawler(Name=name)["Crawler"]["Schedule"] == {
        "ScheduleExpression": "cron(15 12 * * ? *)", "State": "SCHEDULED"}
    with pytest.raises(ClientError) as e:
        glue.start_crawler_schedule(CrawlerName=name)
    assert e.value.response["Error"]["Code"] == "SchedulerRunningException"
    glue.update_crawler(Name=name, Schedule="cron(0 6 ? * MON *)")
    assert glue.get_crawler(Name=name)["Crawler"]["Schedule"]["ScheduleExpression"] == "cron(0 6 ? * MON *)"
    with pytest.raises(ClientError) as e:
        glue.update_crawler_schedule(CrawlerName="no_such_crawler", Schedule="cron(0 6 * * ? *)")
    assert e.value.response["Error"]["Code"] == "EntityNotFoundException"
    glue.delete_crawler(Name=name)


def test_schedules_survive_a_restart(clocked, wait_for_crawl, sales_tree):
    srv, clock_file = clocked
    glue = srv.client()
    db = unique("scheddb")
    glue.create_database(DatabaseInput={"Name": db})
    name = unique("persist")
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=db, Schedule="cron(0 * * * ? *)",
                        Targets={"S3Targets": [{"Path": sales_tree}]})
    assert srv.stop() == 0
    srv.start()
    glue = srv.client()
    jump_past_next_hour(clock_file)
    wait_for(lambda: glue.list_crawls(CrawlerName=name)["Crawls"], 10, "the scheduled crawl after restart")
    wait_for_crawl(glue, name)


def test_a_fire_missed_during_a_restart_runs_once(start_server, tmp_path, wait_for_crawl, sales_tree):
    """Starting is taking the scheduler's lead: the latest fire within the
    10-minute catch-up window that no server claimed runs, once; older misses
    are not backfilled (docs/compatibility.md)."""
    clock_file = tmp_path / "offset"
    clock_file.write_text("0")
    srv = start_server("crawl_catch_up", env={"MORTAR_TEST_CLOCK_FILE": str(clock_file)})
    glue = srv.client()
    db = unique("catchupdb")
    glue.create_database(DatabaseInput={"Name": db})
    name = unique("hourly")
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=db, Schedule="cron(0 * * * ? *)",
                        Targets={"S3Targets": [{"Path": sales_tree}]})
    srv.kill()
    jump_past_next_hour(clock_file)  # the hour strikes while the server is down

    srv.start()
    glue = srv.client()
    wait_for(lambda: glue.list_crawls(CrawlerName=name)["Crawls"], 10, "the missed fire")
    assert wait_for_crawl(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"

    # Restarted again within the window: that hour was claimed, it does not run twice.
    srv.kill()
    srv.start()
    glue = srv.client()
    time.sleep(1.0)
    assert len(glue.list_crawls(CrawlerName=name)["Crawls"]) == 1

    # Down past the window: the missed hour is not backfilled.
    srv.kill()
    jump_past_next_hour(clock_file)
    clock_file.write_text(str(int(clock_file.read_text()) + 11 * 60))
    srv.start()
    glue = srv.client()
    time.sleep(1.0)
    assert len(glue.list_crawls(CrawlerName=name)["Crawls"]) == 1
