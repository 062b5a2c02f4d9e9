"""End to end, in the shape of AWS's "join and relationalize" sample: JSON Lines
of persons, memberships and organizations (made here) are crawled by a Mortar
crawler; a Glue script run with `mortar run` reads the three catalog tables,
joins them, relationalizes the history and writes Parquet partitioned by
organization; pyarrow reads it back and it is compared with rows computed here."""
import json
import os

import pyarrow.parquet as pq

from support.catalog import unique
from support.server import wait_for

PERSONS = [
    {"id": "p1", "name": "Ada Byron", "gender": "female", "birth_date": "1815-12-10",
     "contact_details": [{"type": "twitter", "value": "@ada"}, {"type": "fax", "value": "1-1"}]},
    {"id": "p2", "name": "Tim Lee", "gender": "male", "birth_date": "1955-06-08",
     "contact_details": [{"type": "phone", "value": "555-0102"}]},
    {"id": "p3", "name": "Grace Hopper", "gender": "female", "birth_date": "1906-12-09",
     "contact_details": [{"type": "twitter", "value": "@grace"}]},
    {"id": "p4", "name": "Alan Kay", "gender": "male", "birth_date": "1940-05-17",
     "contact_details": [{"type": "email", "value": "alan@example.org"},
                         {"type": "phone", "value": "555-0104"},
                         {"type": "fax", "value": "555-0105"}]},
]
ORGANIZATIONS = [
    {"id": "o1", "name": "Senate", "classification": "upper house",
     "identifiers": [{"scheme": "wikidata", "identifier": "Q1"}],
     "other_names": [{"name": "The Senate", "lang": "en"}]},
    {"id": "o2", "name": "House", "classification": "lower house",
     "identifiers": [{"scheme": "wikidata", "identifier": "Q2"}],
     "other_names": [{"name": "The House", "lang": "en"}]},
    {"id": "o3", "name": "Committee", "classification": "committee",
     "identifiers": [], "other_names": []},
]
MEMBERSHIPS = [
    {"person_id": "p1", "organization_id": "o1", "role": "member", "start_date": "2001-01-03"},
    {"person_id": "p1", "organization_id": "o3", "role": "chair", "start_date": "2003-02-01"},
    {"person_id": "p2", "organization_id": "o2", "role": "member", "start_date": "2005-01-04"},
    {"person_id": "p3", "organization_id": "o2", "role": "member", "start_date": "2007-01-04"},
    {"person_id": "p3", "organization_id": "o1", "role": "member", "start_date": "2011-01-05"},
    {"person_id": "p4", "organization_id": "o1", "role": "member", "start_date": "2013-01-03"},
    # No such person: the inner join drops it.
    {"person_id": "p9", "organization_id": "o1", "role": "member", "start_date": "2015-01-06"},
]

SCRIPT = """
import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

args = getResolvedOptions(sys.argv, ["JOB_NAME", "db_name", "output_dir"])
glueContext = GlueContext(SparkContext.getOrCreate())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)

db_name = args["db_name"]
output_dir = args["output_dir"]

persons = glueContext.create_dynamic_frame.from_catalog(database=db_name, table_name="persons")
memberships = glueContext.create_dynamic_frame.from_catalog(database=db_name,
                                                            table_name="memberships")
orgs = glueContext.create_dynamic_frame.from_catalog(database=db_name, table_name="organizations")
print("Count:", persons.count(), memberships.count(), orgs.count())

orgs = orgs.drop_fields(["other_names", "identifiers"]) \\
           .rename_field("id", "org_id").rename_field("name", "org_name")

l_history = Join.apply(orgs, Join.apply(persons, memberships, "id", "person_id"),
                       "org_id", "organization_id").drop_fields(["person_id", "org_id"])
print("History:", l_history.count())

dfc = l_history.relationalize("hist_root", args.get("TempDir") or "")
for df_name in sorted(dfc.keys()):
    m_df = dfc.select(df_name)
    print("Writing", df_name, m_df.count())
    options = {"path": output_dir + "/" + df_name}
    if df_name == "hist_root":
        options["partitionKeys"] = ["org_name"]
    glueContext.write_dynamic_frame.from_options(frame=m_df, connection_type="s3",
                                                 connection_options=options, format="parquet")
job.commit()
"""


def _write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


def _crawl(glue, db, paths):
    name = unique("legis_crawler")
    glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler",
                        DatabaseName=db, Targets={"S3Targets": [{"Path": p} for p in paths]})
    glue.start_crawler(Name=name)

    def done():
        c = glue.get_crawler(Name=name)["Crawler"]
        return c if c["State"] == "READY" and "LastCrawl" in c else None
    crawler = wait_for(done, 120, "the crawl", interval=0.05)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", crawler["LastCrawl"]
    glue.delete_crawler(Name=name)


def _expected_history():
    persons = {p["id"]: p for p in PERSONS}
    orgs = {o["id"]: o for o in ORGANIZATIONS}
    rows = []
    for m in MEMBERSHIPS:
        if m["person_id"] not in persons:
            continue
        p, o = persons[m["person_id"]], orgs[m["organization_id"]]
        rows.append({
            "id": p["id"], "name": p["name"], "gender": p["gender"],
            "birth_date": p["birth_date"], "organization_id": m["organization_id"],
            "role": m["role"], "start_date": m["start_date"], "org_name": o["name"],
            "classification": o["classification"],
            "contacts": sorted((c["type"], c["value"]) for c in p["contact_details"]),
        })
    return rows


def test_join_and_relationalize_from_crawled_json(glue, db, run_script, tmp_path):
    data = tmp_path / "legislators"
    _write_jsonl(str(data / "persons" / "persons.json"), PERSONS)
    _write_jsonl(str(data / "memberships" / "memberships.json"), MEMBERSHIPS)
    _write_jsonl(str(data / "organizations" / "organizations.json"), ORGANIZATIONS)
    _crawl(glue, db, [str(data / t) for t in ("persons", "memberships", "organizations")])
    tables = {t["Name"] for t in glue.get_tables(DatabaseName=db)["TableList"]}
    assert {"persons", "memberships", "organizations"} <= tables

    out = tmp_path / "out"
    proc = run_script(SCRIPT, "--db_name", db, "--output_dir", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Count: 4 7 3" in proc.stdout
    assert "History: 6" in proc.stdout

    # The root table, partitioned by organization name (Hive folders).
    assert sorted(os.listdir(out / "hist_root")) == [
        "org_name=Committee", "org_name=House", "org_name=Senate"]
    root = pq.read_table(out / "hist_root", partitioning="hive").to_pylist()
    children = pq.read_table(out / "hist_root_contact_details").to_pylist()
    assert set(children[0]) == {"id", "index", "contact_details.val.type",
                                "contact_details.val.value"}
    contacts_by_id = {}
    for c in children:
        contacts_by_id.setdefault(c["id"], []).append(
            (c["index"], c["contact_details.val.type"], c["contact_details.val.value"]))

    got = []
    for r in root:
        # Each array became a reference to its rows in the child table, in order.
        refs = sorted(contacts_by_id.get(r["contact_details"], []))
        assert [i for i, _, _ in refs] == list(range(len(refs)))
        got.append({
            "id": r["id"], "name": r["name"], "gender": r["gender"],
            "birth_date": r["birth_date"], "organization_id": r["organization_id"],
            "role": r["role"], "start_date": r["start_date"], "org_name": str(r["org_name"]),
            "classification": r["classification"],
            "contacts": sorted((t, v) for _, t, v in refs),
        })
    # Dropped columns are gone; the rest are the join's.
    assert "person_id" not in root[0] and "org_id" not in root[0]
    assert "other_names" not in root[0] and "identifiers" not in root[0]
    key = lambda r: (r["id"], r["organization_id"])
    assert sorted(got, key=key) == sorted(_expected_history(), key=key)
    # Every person's contact list was stored once per history row.
    assert len(children) == sum(len(r["contacts"]) for r in _expected_history())
