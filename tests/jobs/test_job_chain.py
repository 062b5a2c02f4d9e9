"""A conditional chain job A -> crawler -> job B through a real server, as a
Glue user builds one with triggers: an ON_DEMAND trigger starts A, which
writes CSV files into a local directory; a CONDITIONAL trigger on A SUCCEEDED
starts a crawler over that directory; a CONDITIONAL trigger on the crawler
SUCCEEDED starts B, a glueetl job that reads the crawled table through the
catalog (awsglue from_catalog) and boto3, and writes what it saw."""
import json

from support.catalog import unique
from support.jobs import wait_for_run_state
from support.server import wait_for

FINAL = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"}

WRITER = """
import os, sys
from awsglue.utils import getResolvedOptions
args = getResolvedOptions(sys.argv, ["out"])
os.makedirs(args["out"], exist_ok=True)
with open(os.path.join(args["out"], "part-0.csv"), "w") as f:
    f.write("id,amount\\n")
    for i in range(25):
        f.write(f"{i},{i * 2}\\n")
"""

READER = """
import glob, json, os, sys
import boto3
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
args = getResolvedOptions(sys.argv, ["db", "result"])
glue = boto3.client("glue", endpoint_url=os.environ["MORTAR_ENDPOINT"])
tables = [t["Name"] for t in glue.get_tables(DatabaseName=args["db"])["TableList"]]
context = GlueContext(SparkContext.getOrCreate())
frame = context.create_dynamic_frame.from_catalog(database=args["db"], table_name=tables[0])
rows_dir = args["result"] + ".rows"
context.write_dynamic_frame.from_options(frame=frame, connection_type="s3",
                                         connection_options={"path": rows_dir}, format="json")
rows = [json.loads(line) for f in glob.glob(rows_dir + "/**/*.json", recursive=True)
        for line in open(f) if line.strip()]
with open(args["result"], "w") as f:
    json.dump({"tables": tables, "count": frame.count(),
               "sum": sum(int(r["amount"]) for r in rows)}, f)
"""


def test_job_crawler_job_chain_through_conditional_triggers(glue, tmp_path):
    out = tmp_path / "landing"
    result = tmp_path / "result.json"
    (tmp_path / "writer.py").write_text(WRITER)
    (tmp_path / "reader.py").write_text(READER)
    db, a, b, c = unique("chaindb"), unique("jobA"), unique("jobB"), unique("crawlC")
    glue.create_database(DatabaseInput={"Name": db})
    glue.create_job(Name=a, Role="r", DefaultArguments={"--out": str(out)},
                    Command={"Name": "pythonshell", "ScriptLocation": str(tmp_path / "writer.py")})
    glue.create_job(Name=b, Role="r", DefaultArguments={"--db": db, "--result": str(result)},
                    Command={"Name": "glueetl", "ScriptLocation": str(tmp_path / "reader.py")})
    glue.create_crawler(Name=c, Role="r", DatabaseName=db, Targets={"S3Targets": [{"Path": str(out)}]})
    start, to_crawler, to_b = unique("start"), unique("afterA"), unique("afterC")
    glue.create_trigger(Name=start, Type="ON_DEMAND", Actions=[{"JobName": a}])
    glue.create_trigger(Name=to_crawler, Type="CONDITIONAL", StartOnCreation=True,
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "JobName": a,
                                                   "State": "SUCCEEDED"}]},
                        Actions=[{"CrawlerName": c}])
    glue.create_trigger(Name=to_b, Type="CONDITIONAL", StartOnCreation=True,
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "CrawlerName": c,
                                                   "CrawlState": "SUCCEEDED"}]},
                        Actions=[{"JobName": b}])
    try:
        glue.start_trigger(Name=start)
        (run_a,) = wait_for(lambda: glue.get_job_runs(JobName=a)["JobRuns"], 30, "job A's run")
        assert wait_for_run_state(glue, a, run_a["Id"], FINAL, 120)["JobRunState"] == "SUCCEEDED"
        (run_b,) = wait_for(lambda: glue.get_job_runs(JobName=b)["JobRuns"], 120, "job B's run")
        run_b = wait_for_run_state(glue, b, run_b["Id"], FINAL, 180)
        assert run_b["JobRunState"] == "SUCCEEDED", run_b.get("ErrorMessage")
        assert run_b["TriggerName"] == to_b
        crawler = glue.get_crawler(Name=c)["Crawler"]
        assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
        # B saw A's 25 rows through the table the crawler made of A's directory.
        assert json.loads(result.read_text()) == {"tables": ["landing"], "count": 25,
                                                  "sum": sum(i * 2 for i in range(25))}
    finally:
        for t in (start, to_crawler, to_b):
            glue.delete_trigger(Name=t)
