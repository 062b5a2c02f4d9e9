"""Re-crawls through the real API: what each SchemaChangePolicy,
RecrawlPolicy and Configuration option does to the catalog after columns,
partitions, folders or formats change."""
import json
import os
import re
import shutil

from test_crawl_golden import (columns, crawl, keys, make_sales_tree, partitions, summary, tables,
                               write_csv)


def rewrite_sales(path, header, row):
    """Rewrites every part file of a sales tree with `header` and rows from `row(i)`."""
    for root, _, files in os.walk(path):
        for f in files:
            write_csv(os.path.join(root, f), header, [row(i) for i in range(20)])


def two_tables(root):
    write_csv(os.path.join(root, "customers", "c.csv"), ["cid", "email", "age"],
              [[i, f"e{i}@x.org", 20 + i] for i in range(20)])
    write_csv(os.path.join(root, "payments", "p.csv"), ["pid", "amount"], [[i, i * 9.5] for i in range(20)])
    return root


def three_tables(root):
    """Three folders of unrelated schemas: three tables, and still two after one goes
    (a lone remaining folder would become a partition of the root, as in Glue)."""
    two_tables(root)
    write_csv(os.path.join(root, "products", "p.csv"), ["sku", "title", "weight", "in_stock"],
              [[f"s{i}", f"t{i}", i * 0.1, "true"] for i in range(20)])
    return root


def test_added_column_updates_table_and_archives_the_old_version(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    name = new_crawler(path, crawl_db)
    crawl(glue, name)
    rewrite_sales(path, ["id", "amount", "item", "discount"], lambda i: [i, i * 1.5, f"item{i}", i / 10])
    c = crawl(glue, name)
    assert summary(c)["TablesUpdated"] == 1
    t = tables(glue, crawl_db)["sales"]
    assert columns(t) == [("id", "bigint"), ("amount", "double"), ("item", "string"), ("discount", "double")]
    versions = glue.get_table_versions(DatabaseName=crawl_db, TableName="sales")["TableVersions"]
    assert len(versions) == 2
    old = min(versions, key=lambda v: int(v["VersionId"]))
    assert columns(old["Table"]) == [("id", "bigint"), ("amount", "double"), ("item", "string")]


def test_unchanged_recrawl_changes_nothing(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    name = new_crawler(path, crawl_db)
    crawl(glue, name)
    before = tables(glue, crawl_db)["sales"]
    c = crawl(glue, name)
    s = summary(c)
    assert (s["TablesCreated"], s["TablesUpdated"], s["PartitionsCreated"], s["PartitionsUpdated"]) == (0, 0, 0, 0)
    assert tables(glue, crawl_db)["sales"]["VersionId"] == before["VersionId"]


def test_new_partition_folder_adds_a_partition(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    name = new_crawler(path, crawl_db)
    crawl(glue, name)
    make_sales_tree(str(tmp_path), years=(2025,), months=(7,))
    c = crawl(glue, name)
    assert summary(c)["PartitionsCreated"] == 1
    parts = partitions(glue, crawl_db, "sales")
    assert [p["Values"] for p in parts][-1] == ["2025", "7"]
    assert parts[-1]["StorageDescriptor"]["Location"].rstrip("/").endswith("year=2025/month=7")


def test_deleted_table_folder_is_deprecated_by_default(glue, crawl_db, new_crawler, tmp_path):
    root = three_tables(str(tmp_path / "lake"))
    name = new_crawler(root, crawl_db)
    crawl(glue, name)
    shutil.rmtree(os.path.join(root, "payments"))
    c = crawl(glue, name)
    assert summary(c)["TablesDeleted"] == 1
    t = tables(glue, crawl_db)["payments"]
    stamp = t["Parameters"]["DEPRECATED_BY_CRAWLER"]
    assert re.fullmatch(r"\d{13}", stamp), stamp  # epoch milliseconds, as Glue writes
    assert "DEPRECATED_BY_CRAWLER" not in tables(glue, crawl_db)["customers"]["Parameters"]
    metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]
    assert metrics["TablesDeleted"] == 1


def test_deleted_table_folder_delete_from_database(glue, crawl_db, new_crawler, tmp_path):
    root = three_tables(str(tmp_path / "lake"))
    name = new_crawler(root, crawl_db, SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE",
                                                           "DeleteBehavior": "DELETE_FROM_DATABASE"})
    crawl(glue, name)
    shutil.rmtree(os.path.join(root, "payments"))
    crawl(glue, name)
    assert sorted(tables(glue, crawl_db)) == ["customers", "products"]


def test_deleted_table_folder_log_only(glue, crawl_db, new_crawler, tmp_path):
    root = three_tables(str(tmp_path / "lake"))
    name = new_crawler(root, crawl_db, SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE",
                                                           "DeleteBehavior": "LOG"})
    crawl(glue, name)
    shutil.rmtree(os.path.join(root, "payments"))
    c = crawl(glue, name)
    assert summary(c)["TablesDeleted"] == 0
    t = tables(glue, crawl_db)["payments"]
    assert "DEPRECATED_BY_CRAWLER" not in t["Parameters"]


def test_deleted_partition_folder_delete_from_database(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    name = new_crawler(path, crawl_db, SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE",
                                                           "DeleteBehavior": "DELETE_FROM_DATABASE"})
    crawl(glue, name)
    shutil.rmtree(os.path.join(path, "year=2023"))
    c = crawl(glue, name)
    assert summary(c)["PartitionsDeleted"] == 2
    assert [p["Values"] for p in partitions(glue, crawl_db, "sales")] == [["2024", "1"], ["2024", "2"]]


def test_changed_format_rewrites_the_table(glue, crawl_db, new_crawler, tmp_path):
    folder = tmp_path / "events"
    write_csv(str(folder / "e.csv"), ["id", "kind"], [[i, f"k{i}"] for i in range(20)])
    name = new_crawler(folder, crawl_db)
    crawl(glue, name)
    assert tables(glue, crawl_db)["events"]["Parameters"]["classification"] == "csv"
    os.remove(folder / "e.csv")
    with open(folder / "e.json", "w") as f:
        for i in range(20):
            f.write(json.dumps({"id": i, "kind": f"k{i}"}) + "\n")
    crawl(glue, name)
    t = tables(glue, crawl_db)["events"]
    assert t["Parameters"]["classification"] == "json"
    assert "delimiter" not in t["Parameters"]
    assert t["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"


def test_update_behavior_log_leaves_the_table(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    name = new_crawler(path, crawl_db, SchemaChangePolicy={"UpdateBehavior": "LOG",
                                                           "DeleteBehavior": "LOG"})
    crawl(glue, name)
    rewrite_sales(path, ["id", "amount", "item", "discount"], lambda i: [i, i * 1.5, f"item{i}", i / 10])
    make_sales_tree(str(tmp_path), years=(2025,), months=(1,), header=("id", "amount", "item"))
    c = crawl(glue, name)
    t = tables(glue, crawl_db)["sales"]
    assert columns(t) == [("id", "bigint"), ("amount", "double"), ("item", "string")]
    assert t["VersionId"] == "0"
    assert summary(c)["TablesUpdated"] == 0
    assert summary(c)["PartitionsCreated"] == 1  # new partitions are always added


def test_merge_new_columns_never_drops_or_retypes(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    config = {"Version": 1.0, "CrawlerOutput": {"Tables": {"AddOrUpdateBehavior": "MergeNewColumns"}}}
    name = new_crawler(path, crawl_db, Configuration=json.dumps(config))
    crawl(glue, name)
    rewrite_sales(path, ["id", "amount", "channel"], lambda i: [f"x{i}", i * 1.5, "web"])
    crawl(glue, name)
    t = tables(glue, crawl_db)["sales"]
    assert columns(t) == [("id", "bigint"), ("amount", "double"), ("item", "string"), ("channel", "string")]


def test_partitions_inherit_from_table(glue, crawl_db, new_crawler, tmp_path):
    folder = tmp_path / "readings"
    full = ["sensor", "value", "unit", "site", "note"]
    write_csv(str(folder / "day=1" / "r.csv"), full[:4], [[f"s{i}", i * 0.5, "c", f"x{i}"] for i in range(20)])
    write_csv(str(folder / "day=2" / "r.csv"), full, [[f"s{i}", i * 0.5, "c", f"x{i}", "n"] for i in range(20)])
    config = {"Version": 1.0, "CrawlerOutput": {"Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}}}
    name = new_crawler(folder, crawl_db, Configuration=json.dumps(config))
    crawl(glue, name)
    t = tables(glue, crawl_db)["readings"]
    assert [c for c, _ in columns(t)] == full
    for p in partitions(glue, crawl_db, "readings"):
        assert columns(p) == columns(t)


def test_table_threshold_fails_the_crawl_and_writes_nothing(glue, crawl_db, new_crawler, tmp_path):
    root = two_tables(str(tmp_path / "lake"))
    config = {"Version": 1.0, "CrawlerOutput": {"Tables": {"TableThreshold": 1}}}
    name = new_crawler(root, crawl_db, Configuration=json.dumps(config))
    glue.start_crawler(Name=name)
    from test_crawl_golden import wait_for_crawl
    last = wait_for_crawl(glue, name)["LastCrawl"]
    assert last["Status"] == "FAILED"
    assert "table threshold" in last["ErrorMessage"]
    assert "Tables detected - 2" in last["ErrorMessage"]
    assert tables(glue, crawl_db) == {}


def test_dry_run_writes_nothing_then_the_real_crawl_does_what_it_said(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    name = new_crawler(path, crawl_db, Configuration=json.dumps({"Mortar": {"DryRun": True}}))
    dry = summary(crawl(glue, name))
    assert tables(glue, crawl_db) == {}
    assert (dry["TablesCreated"], dry["PartitionsCreated"]) == (1, 4)
    glue.update_crawler(Name=name, Configuration="")
    real = summary(crawl(glue, name))
    for key in ("TablesCreated", "TablesUpdated", "TablesDeleted", "PartitionsCreated"):
        assert real[key] == dry[key], key
    assert list(tables(glue, crawl_db)) == ["sales"]


def test_catalog_target_adds_partitions_without_touching_the_schema(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    glue.create_table(DatabaseName=crawl_db, TableInput={
        "Name": "curated_sales", "TableType": "EXTERNAL_TABLE",
        "PartitionKeys": [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "string"}],
        "Parameters": {"classification": "csv"},
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "bigint", "Comment": "kept"}, {"Name": "amount", "Type": "double"}],
            "Location": path, "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                          "Parameters": {"field.delim": ","}}}})
    name = new_crawler(None, crawl_db, targets={"CatalogTargets": [{"DatabaseName": crawl_db,
                                                                     "Tables": ["curated_sales"]}]},
                       SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
    c = crawl(glue, name)
    assert summary(c)["PartitionsCreated"] == 4
    t = tables(glue, crawl_db)["curated_sales"]
    assert columns(t) == [("id", "bigint"), ("amount", "double")]
    assert t["StorageDescriptor"]["Columns"][0]["Comment"] == "kept"
    assert t["VersionId"] == "0"
    parts = partitions(glue, crawl_db, "curated_sales")
    assert len(parts) == 4
    assert all(columns(p) == [("id", "bigint"), ("amount", "double")] for p in parts)


def test_partition_sync_only_adds_and_removes_partitions(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    name = new_crawler(path, crawl_db, Configuration=json.dumps({"Mortar": {"PartitionSync": True}}))
    crawl(glue, name)
    shutil.rmtree(os.path.join(path, "year=2023", "month=1"))
    rewrite_sales(path, ["id", "amount", "item", "discount"], lambda i: [i, i * 1.5, f"item{i}", i / 10])
    write_csv(os.path.join(path, "year=2025", "month=3", "part-0.csv"), ["id", "amount", "item", "discount"],
              [[i, i * 1.5, f"item{i}", i / 10] for i in range(20)])
    c = crawl(glue, name)
    s = summary(c)
    assert (s["PartitionsCreated"], s["PartitionsDeleted"], s["TablesUpdated"]) == (1, 1, 0)
    t = tables(glue, crawl_db)["sales"]
    assert columns(t) == [("id", "bigint"), ("amount", "double"), ("item", "string")]
    assert [p["Values"] for p in partitions(glue, crawl_db, "sales")] == [
        ["2023", "2"], ["2024", "1"], ["2024", "2"], ["2025", "3"]]


def test_crawl_new_folders_only_adds_new_partitions_only(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    name = new_crawler(path, crawl_db, RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
                       SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
    crawl(glue, name)
    shutil.rmtree(os.path.join(path, "year=2023", "month=1"))
    make_sales_tree(str(tmp_path), years=(2026,), months=(1,))
    c = crawl(glue, name)
    assert summary(c)["PartitionsCreated"] == 1
    assert summary(c)["PartitionsDeleted"] == 0
    assert len(partitions(glue, crawl_db, "sales")) == 5
