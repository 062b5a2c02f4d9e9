"""Scheduler failover: two `mortar serve` processes on one PostgreSQL, a
crawler scheduled every hour. The leader is killed (SIGKILL) while its
scheduled crawl is running; the other server takes the lead, reports the dead
server's crawl FAILED with the reason, and fires the later hours itself: the
crawl history has one crawl per cron time, none twice and none missing.

Deterministic without waiting for real hours or real crawl times:
- both servers read one MORTAR_TEST_CLOCK_FILE (src/server/parts.h), so the
  test moves their scheduler clock past the next hour;
- the crawler's target is an S3 bucket (moto) behind a gate the test holds
  closed: the first crawl waits at its first S3 request until the leader is
  killed, and the later ones run once the gate is open;
- a 1 s leader check and a 2 s heartbeat timeout make the handover quick.
"""
import http.client
import http.server
import re
import threading

import boto3
import pytest

from support.moto import moto_server
from support.postgres import PostgresServer
from support.server import MortarServer, wait_for, jump_past_next_hour

ROLE = "arn:aws:iam::111122223333:role/crawler"
CREDS = {"AWS_ACCESS_KEY_ID": "AKIDMORTARTEST", "AWS_SECRET_ACCESS_KEY": "mortar-secret",
         "AWS_REGION": "us-east-1"}
LEADER_LINE = "became scheduler leader"


class S3Gate:
    """An HTTP proxy to an S3 endpoint that holds every request while closed."""

    def __init__(self, upstream):
        host, port = upstream.removeprefix("http://").split(":")
        self.opened = threading.Event()
        self.held = 0  # requests that arrived while closed
        gate = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self):
                if not gate.opened.is_set():
                    gate.held += 1
                    gate.opened.wait()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                try:
                    conn.request(self.command, self.path, body=body, headers=dict(self.headers))
                    resp = conn.getresponse()
                    data = resp.read()
                finally:
                    conn.close()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                # A HEAD answer's length is the object's, not the empty body's.
                self.send_header("Content-Length", resp.getheader("Content-Length", "0")
                                 if self.command == "HEAD" else str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _forward

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.opened.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bucket_gate(tmp_path):
    with moto_server(tmp_path / "moto.log") as url:
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="lake")
        for month in (1, 2):
            body = "id,amount,item\n" + "".join(f"{i},{i * 1.5},item{i}\n" for i in range(20))
            s3.put_object(Bucket="lake", Key=f"sales/month={month}/part-0.csv", Body=body.encode())
        gate = S3Gate(url)
        yield gate
        gate.close()


@pytest.fixture
def store_url():
    with PostgresServer() as pg:
        pg.sql("CREATE DATABASE failover;")
        yield f"postgresql://postgres:{pg.password}@127.0.0.1:{pg.port}/failover", pg




def log_of(srv):
    return srv.log_path.read_text(errors="replace")


def test_the_survivor_takes_over_the_schedule(tmp_path, store_url, bucket_gate):
    url, pg = store_url
    clock_file = tmp_path / "clock_offset"
    clock_file.write_text("0")
    env = {**CREDS, "MORTAR_S3_ENDPOINT": bucket_gate.url, "AWS_EC2_METADATA_DISABLED": "true",
           "MORTAR_TEST_CLOCK_FILE": str(clock_file)}
    flags = ["--scheduler-leader-check-seconds", "1", "--crawler-heartbeat-timeout-seconds", "2"]
    servers = []
    try:
        for name in ("a", "b"):
            srv = MortarServer(tmp_path / name, env=env, extra_args=flags, store_url=url)
            servers.append(srv.start())
        a, b = servers
        # The first server took the lock as it started; the second follows.
        assert LEADER_LINE in log_of(a)
        assert LEADER_LINE not in log_of(b)
        glue_a = a.client()
        glue_b = b.client(credentials=a.credentials)

        glue_a.create_database(DatabaseInput={"Name": "lake"})
        glue_a.create_crawler(Name="hourly", Role=ROLE, DatabaseName="lake",
                              Schedule="cron(0 * * * ? *)",
                              Targets={"S3Targets": [{"Path": "s3://lake/sales/"}]})

        # The hour strikes: the leader fires, and its crawl waits at the gate.
        jump_past_next_hour(clock_file)
        wait_for(lambda: bucket_gate.held, 30, "the first crawl's S3 request")
        crawls = glue_b.list_crawls(CrawlerName="hourly")["Crawls"]
        assert [c["State"] for c in crawls] == ["RUNNING"]
        assert glue_b.get_crawler(Name="hourly")["Crawler"]["State"] == "RUNNING"
        dead_pid = a.proc.pid
        a.kill()
        bucket_gate.opened.set()
        # The next hour strikes at once: before the survivor leads, or before
        # it has given up the dead server's crawl, which still looks RUNNING.
        jump_past_next_hour(clock_file)

        # The survivor takes the lead, gives up the dead server's crawl, and
        # runs that hour's crawl, once.
        wait_for(lambda: LEADER_LINE in log_of(b), 30, "the survivor to lead")

        def crawled(n):
            c = glue_b.list_crawls(CrawlerName="hourly")["Crawls"]
            return c if len(c) == n and all(x["State"] != "RUNNING" for x in c) else None
        metrics = []
        crawls = wait_for(lambda: crawled(2), 60, "the dead crawl given up and the next hour's crawl")
        metrics.append(glue_b.get_crawler_metrics(CrawlerNameList=["hourly"])["CrawlerMetricsList"][0])
        dead = crawls[1]  # newest first
        assert dead["State"] == "FAILED", crawls
        # HOST:INSTANCE:PID, the instance from the dead server's data dir (server.id).
        instance = (a.data_dir / "server.id").read_text().strip()
        reason = re.compile(r"the server running this crawl \(id [^ ]+:" + instance + ":" +
                            str(dead_pid) + r"\) stopped responding; last heartbeat at ")
        assert reason.match(dead["ErrorMessage"]), dead["ErrorMessage"]

        # The hour after fires on the survivor, once.
        jump_past_next_hour(clock_file)
        crawls = wait_for(lambda: crawled(3), 60, "the third hour's crawl")
        metrics.append(glue_b.get_crawler_metrics(CrawlerNameList=["hourly"])["CrawlerMetricsList"][0])
        assert [c["State"] for c in crawls] == ["COMPLETED", "COMPLETED", "FAILED"], crawls
        crawler = glue_b.get_crawler(Name="hourly")["Crawler"]
        assert crawler["State"] == "READY" and crawler["LastCrawl"]["Status"] == "SUCCEEDED"
        # The table was created once, by the first crawl that ran to the end.
        assert [m["TablesCreated"] for m in metrics] == [1, 0], metrics
        assert not any(m["StillEstimating"] for m in metrics)
        assert [t["Name"] for t in glue_b.get_tables(DatabaseName="lake")["TableList"]] == ["sales"]

        # One claimed fire per cron time, three consecutive hours: no double, no gap.
        rows = pg.sql("SELECT scheduled_time, outcome FROM crawler_firings "
                      "WHERE crawler = 'hourly' ORDER BY scheduled_time;", database="failover")
        fires = [line.split("|") for line in rows.splitlines() if line]
        times = [int(t) for t, _ in fires]
        assert [o for _, o in fires] == ["STARTED"] * 3, fires
        assert [t - times[0] for t in times] == [0, 3600, 7200], fires
        assert len(re.findall(r"crawler hourly: started by its schedule", log_of(b))) == 2
    finally:
        for srv in servers:
            if srv.alive():
                assert srv.stop() == 0, srv.log_tail()


def test_a_trigger_started_crawl_failed_over_fires_the_failed_condition(tmp_path, store_url,
                                                                        bucket_gate):
    # Conditional triggers watch trigger-started crawls; a crawl whose server
    # died is FAILED by the survivor's recovery, which must fire them too.
    url, _ = store_url
    env = {**CREDS, "MORTAR_S3_ENDPOINT": bucket_gate.url, "AWS_EC2_METADATA_DISABLED": "true"}
    flags = ["--scheduler-leader-check-seconds", "1", "--crawler-heartbeat-timeout-seconds", "2"]
    servers = []
    try:
        for name in ("a", "b"):
            srv = MortarServer(tmp_path / name, env=env, extra_args=flags, store_url=url)
            servers.append(srv.start())
        a, b = servers
        glue_a = a.client()
        glue_b = b.client(credentials=a.credentials)
        glue_a.create_database(DatabaseInput={"Name": "lake"})
        glue_a.create_crawler(Name="c", Role=ROLE, DatabaseName="lake",
                              Targets={"S3Targets": [{"Path": "s3://lake/sales/"}]})
        script = tmp_path / "on_failure.py"
        script.write_text("print('the crawl failed')\n")
        glue_a.create_job(Name="on-failure", Role=ROLE,
                          Command={"Name": "pythonshell", "ScriptLocation": str(script)})
        glue_a.create_trigger(Name="start", Type="ON_DEMAND", Actions=[{"CrawlerName": "c"}])
        glue_a.create_trigger(Name="after-failure", Type="CONDITIONAL", StartOnCreation=True,
                              Predicate={"Conditions": [{"LogicalOperator": "EQUALS",
                                                         "CrawlerName": "c", "CrawlState": "FAILED"}]},
                              Actions=[{"JobName": "on-failure"}])
        glue_a.start_trigger(Name="start")  # the crawl runs on a, and waits at the gate
        wait_for(lambda: bucket_gate.held, 30, "the crawl's S3 request")
        a.kill()
        bucket_gate.opened.set()
        runs = wait_for(lambda: glue_b.get_job_runs(JobName="on-failure")["JobRuns"], 60,
                        "the job the FAILED condition starts")
        assert [r["TriggerName"] for r in runs] == ["after-failure"]
        (crawl,) = glue_b.list_crawls(CrawlerName="c")["Crawls"]
        assert crawl["State"] == "FAILED" and "stopped responding" in crawl["ErrorMessage"]
    finally:
        for srv in servers:
            if srv.alive():
                assert srv.stop() == 0, srv.log_tail()
