"""`mortar admin migrate-store`: a SQLite data dir populated through boto3 (every
kind of catalog and crawler object, access keys, audit) is copied into an empty
PostgreSQL database; a server started on that database answers every Get*/List*
exactly as the SQLite server did, and the old access keys still work."""
import csv
import os
import subprocess

import pytest
from botocore.exceptions import ClientError

from support import store_backend
from support.catalog import error_code, partition_input, table_input, unique
from support.server import mortar_bin, wait_for

ACCOUNT = "210987654321"


def migrate(data_dir, url, check=True):
    proc = subprocess.run([mortar_bin(), "admin", "migrate-store", "--from", str(data_dir),
                           "--to", url], capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, f"migrate-store failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def admin(data_dir, *args):
    proc = subprocess.run([mortar_bin(), "admin", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def write_sales_tree(root):
    for year in (2023, 2024):
        for month in (1, 2):
            folder = os.path.join(root, "sales", f"year={year}", f"month={month}")
            os.makedirs(folder)
            with open(os.path.join(folder, "part-0.csv"), "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["id", "amount", "item"])
                w.writerows([[i, i * 1.5, f"item{i}"] for i in range(10)])
    return os.path.join(root, "sales")


def populate(glue, tmp_path):
    """Every kind of object the store holds; returns the names to read back."""
    dbs = [unique("mig_db"), unique("mig_db")]
    for i, name in enumerate(dbs):
        glue.create_database(DatabaseInput={"Name": name, "Description": f"db {i}",
                                            "Parameters": {"k": str(i)}},
                             Tags={"team": f"t{i}"})
    db = dbs[0]
    glue.create_table(DatabaseName=db, TableInput=table_input("plain"))
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "events", partition_keys=(("year", "string"), ("n", "int"))),
        PartitionIndexes=[{"Keys": ["year"], "IndexName": "by_year"}])
    for version in range(2):  # versions 2 and 3 of `plain`
        ti = table_input("plain")
        ti["Description"] = f"version {version + 2}"
        glue.update_table(DatabaseName=db, TableInput=ti)
    glue.batch_create_partition(DatabaseName=db, TableName="events", PartitionInputList=[
        partition_input([str(2020 + y), str(n)]) for y in range(3) for n in range(20)])
    glue.update_column_statistics_for_table(DatabaseName=db, TableName="plain", ColumnStatisticsList=[
        {"ColumnName": "id", "ColumnType": "bigint", "AnalyzedTime": 1700000000,
         "StatisticsData": {"Type": "LONG", "LongColumnStatisticsData": {
             "MinimumValue": 1, "MaximumValue": 99, "NumberOfNulls": 0, "NumberOfDistinctValues": 50}}}])
    glue.update_column_statistics_for_partition(
        DatabaseName=db, TableName="events", PartitionValues=["2021", "3"], ColumnStatisticsList=[
            {"ColumnName": "name", "ColumnType": "string", "AnalyzedTime": 1700000001,
             "StatisticsData": {"Type": "STRING", "StringColumnStatisticsData": {
                 "MaximumLength": 12, "AverageLength": 4.5, "NumberOfNulls": 1,
                 "NumberOfDistinctValues": 7}}}])
    conn = unique("mig_conn")
    glue.create_connection(ConnectionInput={
        "Name": conn, "ConnectionType": "JDBC", "ConnectionProperties": {
            "JDBC_CONNECTION_URL": "jdbc:postgresql://db.example:5432/shop",
            "USERNAME": "u", "PASSWORD": "p"}}, Tags={"owner": "ops"})
    glue.create_user_defined_function(DatabaseName=db, FunctionInput={
        "FunctionName": "fn_upper", "ClassName": "com.example.Upper", "OwnerName": "me",
        "OwnerType": "USER", "ResourceUris": [{"ResourceType": "JAR", "Uri": "s3://b/u.jar"}]})
    classifier = unique("mig_csv")
    glue.create_classifier(CsvClassifier={"Name": classifier, "Delimiter": ",",
                                          "ContainsHeader": "PRESENT"})
    crawler = unique("mig_crawler")
    glue.create_crawler(Name=crawler, Role="arn:aws:iam::210987654321:role/crawler",
                        DatabaseName=dbs[1], Classifiers=[classifier],
                        Targets={"S3Targets": [{"Path": write_sales_tree(str(tmp_path))}]},
                        # New-folders-only keeps a listing manifest in the store.
                        RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
                        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"},
                        Tags={"stage": "test"})
    glue.start_crawler(Name=crawler)

    def crawled():
        c = glue.get_crawler(Name=crawler)["Crawler"]
        return c["State"] == "READY" and "LastCrawl" in c
    wait_for(crawled, 120, "the crawl to finish", interval=0.05)
    return {"databases": dbs, "connection": conn, "crawler": crawler}


def pages(call, key, **kwargs):
    """Every item of a paged Get*/List*, the requests' NextTokens aside."""
    items, token = [], None
    while True:
        out = call(**kwargs, **({"NextToken": token} if token else {}))
        items += out[key]
        token = out.get("NextToken")
        if not token:
            return items


def snapshot(glue, names, account):
    """Everything the catalog and crawler APIs say about the populated objects."""
    arn = f"arn:aws:glue:us-east-1:{account}"
    out = {"GetDatabases": pages(glue.get_databases, "DatabaseList"),
           "GetConnections": pages(glue.get_connections, "ConnectionList"),
           "GetClassifiers": pages(glue.get_classifiers, "Classifiers"),
           "GetCrawlers": pages(glue.get_crawlers, "Crawlers"),
           "ListCrawlers": pages(glue.list_crawlers, "CrawlerNames"),
           "GetUserDefinedFunctions": pages(glue.get_user_defined_functions,
                                            "UserDefinedFunctions", Pattern="*"),
           "ListCrawls": glue.list_crawls(CrawlerName=names["crawler"])["Crawls"],
           "GetCrawlerMetrics": glue.get_crawler_metrics(
               CrawlerNameList=[names["crawler"]])["CrawlerMetricsList"],
           "GetTags(crawler)": glue.get_tags(
               ResourceArn=f"{arn}:crawler/{names['crawler']}")["Tags"],
           "GetTags(connection)": glue.get_tags(
               ResourceArn=f"{arn}:connection/{names['connection']}")["Tags"]}
    for db in names["databases"]:
        out[f"GetTags({db})"] = glue.get_tags(ResourceArn=f"{arn}:database/{db}")["Tags"]
        tables = pages(glue.get_tables, "TableList", DatabaseName=db)
        out[f"GetTables({db})"] = tables
        for t in tables:
            key = f"{db}.{t['Name']}"
            out[f"GetTable({key})"] = glue.get_table(DatabaseName=db, Name=t["Name"])["Table"]
            out[f"GetTableVersions({key})"] = pages(glue.get_table_versions, "TableVersions",
                                                    DatabaseName=db, TableName=t["Name"])
            parts = pages(glue.get_partitions, "Partitions", DatabaseName=db, TableName=t["Name"])
            out[f"GetPartitions({key})"] = parts
            out[f"GetPartitions({key}, filtered)"] = pages(
                glue.get_partitions, "Partitions", DatabaseName=db, TableName=t["Name"],
                Expression="year > '2020'") if t.get("PartitionKeys") and \
                t["PartitionKeys"][0]["Name"] == "year" else None
            out[f"GetPartitionIndexes({key})"] = glue.get_partition_indexes(
                DatabaseName=db, TableName=t["Name"])["PartitionIndexDescriptorList"]
            columns = [c["Name"] for c in t["StorageDescriptor"]["Columns"]]
            out[f"GetColumnStatisticsForTable({key})"] = glue.get_column_statistics_for_table(
                DatabaseName=db, TableName=t["Name"], ColumnNames=columns)
            for p in parts[:3] + [p for p in parts if p["Values"] == ["2021", "3"]]:
                out[f"GetColumnStatisticsForPartition({key}, {p['Values']})"] = \
                    glue.get_column_statistics_for_partition(
                        DatabaseName=db, TableName=t["Name"], PartitionValues=p["Values"],
                        ColumnNames=columns)
    for response in out.values():
        if isinstance(response, dict):
            response.pop("ResponseMetadata", None)
    return out


def test_migrate_store_to_postgres_keeps_every_answer_and_key(start_server, tmp_path):
    source = start_server("migrate_src", env={"MORTAR_DEFAULT_ACCOUNT_ID": ACCOUNT},
                          store_url="")  # SQLite in the data dir, whatever MORTAR_TEST_STORE says
    glue = source.client()
    names = populate(glue, tmp_path)
    other_account = admin(source.data_dir, "accounts", "create", "--name", "other").strip()
    keys = admin(source.data_dir, "keys", "create", "--account", other_account, "--user", "bob")
    other_key = dict(line.split(" = ") for line in keys.strip().splitlines())
    before = snapshot(glue, names, ACCOUNT)
    assert before["ListCrawls"] and before["GetCrawlers"][0]["LastCrawl"]["Status"] == "SUCCEEDED"
    assert len(before[f"GetTableVersions({names['databases'][0]}.plain)"]) == 3

    url = store_backend.new_database_url("migrated")
    running = migrate(source.data_dir, url, check=False)
    assert running.returncode != 0 and "is in use by mortar serve pid" in running.stderr, running.stderr
    assert source.stop() == 0

    done = migrate(source.data_dir, url)
    rows = dict(line.split() for line in done.stdout.splitlines()[1:]
                if len(line.split()) == 2 and line.split()[1].isdigit())
    for table in ("accounts", "access_keys", "databases", "tables", "table_versions",
                  "partitions", "partition_keys", "partition_indexes", "table_column_statistics",
                  "partition_column_statistics", "connections", "functions", "tags",
                  "crawlers", "crawler_classifiers", "crawls", "crawl_manifest_files",
                  "crawl_manifest_classes", "audit_log"):
        assert int(rows.get(table, 0)) > 0, f"{table} not copied:\n{done.stdout}"
    assert int(rows["partitions"]) == 60 + 4
    assert "row counts verified" in done.stdout

    again = migrate(source.data_dir, url, check=False)
    assert again.returncode != 0
    assert "not empty" in again.stderr and "accounts has" in again.stderr, again.stderr

    # A new data dir whose mortar.toml names the PostgreSQL: everything the server
    # needs is in the store; the old keys work.
    dst_dir = tmp_path / "dst"
    dst_dir.mkdir()
    (dst_dir / "mortar.toml").write_text(f'default_account_id = "{ACCOUNT}"\n[store]\nurl = "{url}"\n')
    target = start_server("migrate_dst", data_dir=dst_dir, store_url="")  # the toml decides
    assert not (dst_dir / "catalog.db").exists()
    migrated = target.client(credentials=source.credentials)
    after = snapshot(migrated, names, ACCOUNT)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key

    # `mortar admin` on the new data dir reads the same store (its mortar.toml).
    listed = admin(dst_dir, "keys", "list")
    assert source.credentials.access_key in listed and other_key["aws_access_key_id"] in listed

    other = target.client(credentials=type(source.credentials)(
        other_key["aws_access_key_id"], other_key["aws_secret_access_key"]))
    assert other.get_databases()["DatabaseList"] == [] or all(
        d["CatalogId"] == other_account for d in other.get_databases()["DatabaseList"])

    # New rows get new ids (the sequences moved past the copied ones).
    db = names["databases"][0]
    migrated.create_table(DatabaseName=db, TableInput=table_input("after_move"))
    migrated.batch_create_partition(DatabaseName=db, TableName="events", PartitionInputList=[
        partition_input(["2030", str(n)]) for n in range(5)])
    assert len(pages(migrated.get_partitions, "Partitions", DatabaseName=db,
                     TableName="events")) == 65
    with pytest.raises(ClientError) as e:
        migrated.create_database(DatabaseInput={"Name": names["databases"][1]})
    assert error_code(e) == "AlreadyExistsException"
