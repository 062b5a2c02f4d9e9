"""Golden crawls through the real API (boto3 against `mortar serve`): a
directory tree made here, one crawl, and the exact tables, columns,
partition keys, parameters and SerDe a Glue crawler would write, for each
format. The helpers at the top are shared with test_crawl_policies.py and
test_crawl_hostile.py."""
import csv
import gzip
import json
import os

import pytest

from support.server import wait_for


def wait_for_crawl(glue, name, timeout=120):
    """The crawler once READY again with a LastCrawl (as tests/crawler/conftest.py's)."""
    def ready():
        crawler = glue.get_crawler(Name=name)["Crawler"]
        return crawler if crawler["State"] == "READY" and "LastCrawl" in crawler else None
    return wait_for(ready, timeout, f"crawler {name} to finish", interval=0.05)


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        if header:
            w.writerow(header)
        w.writerows(rows)


def make_sales_tree(root, years=(2023, 2024), months=(1, 2), header=("id", "amount", "item")):
    """root/sales/year=Y/month=M/part-0.csv: one partitioned CSV table."""
    for y in years:
        for m in months:
            write_csv(os.path.join(root, "sales", f"year={y}", f"month={m}", "part-0.csv"),
                      header, [[i, i * 1.5, f"item{i}"] for i in range(20)])
    return os.path.join(root, "sales")


CSV_SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV_SERDE = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
AVRO_SERDE = "org.apache.hadoop.hive.serde2.avro.AvroSerDe"
TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

# Parameters every table and partition a crawler writes carries.
CRAWLER_KEYS = {"classification", "compressionType", "typeOfData", "recordCount",
                "averageRecordSize", "objectCount", "sizeKey", "UPDATED_BY_CRAWLER",
                "CrawlerSchemaSerializerVersion", "CrawlerSchemaDeserializerVersion",
                "CRAWL_RUN_ID"}


def crawl(glue, name, expect="SUCCEEDED", timeout=120):
    """Starts crawler `name`, waits for it, checks the crawl's status; returns
    the crawl as ListCrawls reports it (with its Summary parsed)."""
    glue.start_crawler(Name=name)
    crawler = wait_for_crawl(glue, name, timeout=timeout)
    last = crawler["LastCrawl"]
    assert last["Status"] == expect, last
    crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
    newest = max(crawls, key=lambda c: c["StartTime"])
    return newest


def summary(crawl_entry):
    import json
    return json.loads(crawl_entry.get("Summary") or "{}")


def tables(glue, db):
    out = {}
    for page in glue.get_paginator("get_tables").paginate(DatabaseName=db):
        for t in page["TableList"]:
            out[t["Name"]] = t
    return out


def partitions(glue, db, table):
    out = []
    for page in glue.get_paginator("get_partitions").paginate(DatabaseName=db, TableName=table):
        out.extend(page["Partitions"])
    return sorted(out, key=lambda p: p["Values"])


def columns(entity):
    return [(c["Name"], c["Type"]) for c in entity["StorageDescriptor"]["Columns"]]


def keys(table):
    return [(k["Name"], k["Type"]) for k in table.get("PartitionKeys", [])]


def tree_size(path):
    total = 0
    for root, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total


def check_crawler_parameters(params, crawler, classification, object_count, size):
    """The crawler parameters Glue sets, with their exact values where they are fixed."""
    assert CRAWLER_KEYS <= set(params), sorted(CRAWLER_KEYS - set(params))
    assert params["classification"] == classification
    assert params["UPDATED_BY_CRAWLER"] == crawler
    assert params["CrawlerSchemaSerializerVersion"] == "1.0"
    assert params["CrawlerSchemaDeserializerVersion"] == "1.0"
    assert params["typeOfData"] == "file"
    assert params["objectCount"] == str(object_count)
    assert params["sizeKey"] == str(size)
    assert int(params["recordCount"]) > 0
    assert int(params["averageRecordSize"]) > 0


def strip(path):
    return str(path).rstrip("/")


def check_storage(entity, location, input_format, output_format, serde, serde_params=None):
    sd = entity["StorageDescriptor"]
    assert strip(sd["Location"]) == strip(location)
    assert sd["InputFormat"] == input_format
    assert sd["OutputFormat"] == output_format
    assert sd["SerdeInfo"]["SerializationLibrary"] == serde
    if serde_params is not None:
        assert sd["SerdeInfo"].get("Parameters", {}) == serde_params
    assert sd["NumberOfBuckets"] == -1
    assert sd["StoredAsSubDirectories"] is False


# --- one crawl per format --------------------------------------------------------------


def test_csv_with_header_partitioned(glue, crawl_db, new_crawler, tmp_path):
    path = make_sales_tree(str(tmp_path))
    name = new_crawler(path, crawl_db)
    c = crawl(glue, name)
    assert summary(c)["TablesCreated"] == 1
    assert summary(c)["PartitionsCreated"] == 4

    got = tables(glue, crawl_db)
    assert list(got) == ["sales"]
    t = got["sales"]
    assert t["TableType"] == "EXTERNAL_TABLE"
    assert columns(t) == [("id", "bigint"), ("amount", "double"), ("item", "string")]
    assert keys(t) == [("year", "string"), ("month", "string")]
    p = t["Parameters"]
    check_crawler_parameters(p, name, "csv", 4, tree_size(path))
    assert p["compressionType"] == "none"
    assert p["delimiter"] == ","
    assert p["skip.header.line.count"] == "1"
    assert p["areColumnsQuoted"] == "false"
    assert p["recordCount"] == "80"
    check_storage(t, path, TEXT_INPUT, TEXT_OUTPUT, CSV_SERDE, {"field.delim": ","})
    assert t["StorageDescriptor"]["Compressed"] is False
    assert t["StorageDescriptor"]["Parameters"] == p

    parts = partitions(glue, crawl_db, "sales")
    assert [x["Values"] for x in parts] == [["2023", "1"], ["2023", "2"], ["2024", "1"], ["2024", "2"]]
    for x in parts:
        year, month = x["Values"]
        folder = os.path.join(path, f"year={year}", f"month={month}")
        check_storage(x, folder, TEXT_INPUT, TEXT_OUTPUT, CSV_SERDE, {"field.delim": ","})
        assert columns(x) == columns(t)
        check_crawler_parameters(x["Parameters"], name, "csv", 1, tree_size(folder))
        assert x["Parameters"]["recordCount"] == "20"


def test_csv_without_header(glue, crawl_db, new_crawler, tmp_path):
    write_csv(str(tmp_path / "data" / "events" / "a.csv"), None,
              [[i, f"{i}.25", f"name{i}", "true" if i % 2 else "false"] for i in range(30)])
    name = new_crawler(tmp_path / "data" / "events", crawl_db)
    crawl(glue, name)
    t = tables(glue, crawl_db)["events"]
    assert columns(t) == [("col0", "bigint"), ("col1", "double"), ("col2", "string"), ("col3", "boolean")]
    assert keys(t) == []
    assert "skip.header.line.count" not in t["Parameters"]
    assert t["Parameters"]["recordCount"] == "30"
    check_storage(t, tmp_path / "data" / "events", TEXT_INPUT, TEXT_OUTPUT, CSV_SERDE, {"field.delim": ","})


def test_quoted_csv_uses_open_csv_serde(glue, crawl_db, new_crawler, tmp_path):
    folder = tmp_path / "quoted"
    folder.mkdir()
    with open(folder / "q.csv", "w") as f:
        f.write('"id","city","note"\n')
        for i in range(10):
            f.write(f'"{i}","Paris, France","said ""hi"""\n')
    name = new_crawler(folder, crawl_db)
    crawl(glue, name)
    t = tables(glue, crawl_db)["quoted"]
    assert [c for c, _ in columns(t)] == ["id", "city", "note"]
    assert t["Parameters"]["areColumnsQuoted"] == "true"
    assert t["Parameters"]["skip.header.line.count"] == "1"
    check_storage(t, folder, TEXT_INPUT, TEXT_OUTPUT, OPEN_CSV_SERDE)
    assert t["StorageDescriptor"]["SerdeInfo"]["Parameters"]["separatorChar"] == ","
    assert t["StorageDescriptor"]["SerdeInfo"]["Parameters"]["quoteChar"] == '"'


def test_pipe_delimited_gzip_csv(glue, crawl_db, new_crawler, tmp_path):
    folder = tmp_path / "orders"
    folder.mkdir()
    with gzip.open(folder / "orders.csv.gz", "wt") as f:
        f.write("order_id|total|customer\n")
        for i in range(50):
            f.write(f"{i}|{i * 2.5}|c{i}\n")
    name = new_crawler(folder, crawl_db)
    crawl(glue, name)
    t = tables(glue, crawl_db)["orders"]
    assert columns(t) == [("order_id", "bigint"), ("total", "double"), ("customer", "string")]
    assert t["Parameters"]["compressionType"] == "gzip"
    assert t["Parameters"]["delimiter"] == "|"
    assert t["StorageDescriptor"]["Compressed"] is True
    assert t["StorageDescriptor"]["SerdeInfo"]["Parameters"] == {"field.delim": "|"}


def test_json_lines(glue, crawl_db, new_crawler, tmp_path):
    folder = tmp_path / "clicks"
    for day in ("2024-03-01", "2024-03-02"):
        (folder / f"dt={day}").mkdir(parents=True)
        with open(folder / f"dt={day}" / "part.json", "w") as f:
            for i in range(25):
                f.write(json.dumps({"user": f"u{i}", "count": i, "score": i / 4,
                                    "tags": ["a", "b"], "geo": {"lat": 1.5, "lon": 2.5}}) + "\n")
    name = new_crawler(folder, crawl_db)
    crawl(glue, name)
    t = tables(glue, crawl_db)["clicks"]
    cols = dict(columns(t))
    assert list(cols) == ["user", "count", "score", "tags", "geo"]
    assert cols["user"] == "string"
    assert cols["count"] in ("int", "bigint")
    assert cols["score"] == "double"
    assert cols["tags"] == "array<string>"
    assert cols["geo"] == "struct<lat:double,lon:double>"
    assert keys(t) == [("dt", "string")]
    check_crawler_parameters(t["Parameters"], name, "json", 2, tree_size(folder))
    check_storage(t, folder, TEXT_INPUT, TEXT_OUTPUT, JSON_SERDE)
    assert "delimiter" not in t["Parameters"]
    assert [p["Values"] for p in partitions(glue, crawl_db, "clicks")] == [["2024-03-01"], ["2024-03-02"]]


def test_parquet(glue, crawl_db, new_crawler, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    folder = tmp_path / "metrics"
    for region in ("eu", "us"):
        (folder / f"region={region}").mkdir(parents=True)
        table = pa.table({"id": pa.array(range(100), pa.int64()),
                          "value": pa.array([i / 3 for i in range(100)], pa.float64()),
                          "label": pa.array([f"l{i}" for i in range(100)], pa.string()),
                          "ok": pa.array([i % 2 == 0 for i in range(100)], pa.bool_())})
        pq.write_table(table, folder / f"region={region}" / "part-0.parquet")
    name = new_crawler(folder, crawl_db)
    crawl(glue, name)
    t = tables(glue, crawl_db)["metrics"]
    assert columns(t) == [("id", "bigint"), ("value", "double"), ("label", "string"), ("ok", "boolean")]
    assert keys(t) == [("region", "string")]
    check_crawler_parameters(t["Parameters"], name, "parquet", 2, tree_size(folder))
    assert t["Parameters"]["recordCount"] == "200"  # exact, from the footers
    check_storage(t, folder, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                  "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat", PARQUET_SERDE,
                  {"serialization.format": "1"})


def test_avro(glue, crawl_db, new_crawler, tmp_path):
    import fastavro
    folder = tmp_path / "users"
    folder.mkdir()
    schema = {"type": "record", "name": "User", "fields": [
        {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
        {"name": "balance", "type": "double"}, {"name": "active", "type": "boolean"}]}
    with open(folder / "users.avro", "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(schema),
                        [{"id": i, "name": f"n{i}", "balance": i * 1.25, "active": bool(i % 2)} for i in range(40)])
    name = new_crawler(folder, crawl_db)
    crawl(glue, name)
    t = tables(glue, crawl_db)["users"]
    assert columns(t) == [("id", "bigint"), ("name", "string"), ("balance", "double"), ("active", "boolean")]
    check_crawler_parameters(t["Parameters"], name, "avro", 1, tree_size(folder))
    assert t["Parameters"]["recordCount"] == "40"  # counted over the block headers
    check_storage(t, folder, "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
                  "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat", AVRO_SERDE)


def test_xml_with_custom_classifier(glue, crawl_db, new_crawler, tmp_path):
    from support.catalog import unique
    folder = tmp_path / "books"
    folder.mkdir()
    with open(folder / "books.xml", "w") as f:
        f.write("<catalog>\n")
        for i in range(15):
            f.write(f"  <book><id>{i}</id><title>T{i}</title><price>{i}.5</price></book>\n")
        f.write("</catalog>\n")
    classifier = unique("xmlbook")
    glue.create_classifier(XMLClassifier={"Name": classifier, "Classification": "xml", "RowTag": "book"})
    try:
        name = new_crawler(folder, crawl_db, Classifiers=[classifier])
        crawl(glue, name)
        t = tables(glue, crawl_db)["books"]
        assert [c for c, _ in columns(t)] == ["id", "title", "price"]
        assert dict(columns(t))["title"] == "string"
        assert t["Parameters"]["classification"] == "xml"
        assert t["Parameters"]["rowTag"] == "book"
        check_storage(t, folder, "com.ibm.spss.hive.serde2.xml.XmlInputFormat",
                      "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat",
                      "com.ibm.spss.hive.serde2.xml.XmlSerDe")
    finally:
        glue.delete_classifier(Name=classifier)


def test_grok_log_with_custom_classifier(glue, crawl_db, new_crawler, tmp_path):
    from support.catalog import unique
    folder = tmp_path / "applog"
    folder.mkdir()
    with open(folder / "app.log", "w") as f:
        for i in range(20):
            f.write(f"2024-05-0{1 + i % 9}T10:00:{i:02d} INFO worker-{i} started job {i}\n")
    classifier = unique("applog")
    pattern = "%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{NOTSPACE:worker} %{GREEDYDATA:message}"
    glue.create_classifier(GrokClassifier={"Name": classifier, "Classification": "applog",
                                           "GrokPattern": pattern})
    try:
        name = new_crawler(folder, crawl_db, Classifiers=[classifier])
        crawl(glue, name)
        t = tables(glue, crawl_db)["applog"]
        assert [c for c, _ in columns(t)] == ["ts", "level", "worker", "message"]
        assert t["Parameters"]["classification"] == "applog"
        assert t["Parameters"]["grokPattern"] == pattern
        check_storage(t, folder, TEXT_INPUT, TEXT_OUTPUT, "com.amazonaws.glue.serde.GrokSerDe")
        assert t["StorageDescriptor"]["SerdeInfo"]["Parameters"]["input.format"] == pattern
    finally:
        glue.delete_classifier(Name=classifier)


def test_sibling_folders_with_different_schemas_are_separate_tables(glue, crawl_db, new_crawler, tmp_path):
    root = tmp_path / "lake"
    write_csv(str(root / "customers" / "c.csv"), ["cid", "email", "age"],
              [[i, f"e{i}@x.org", 20 + i] for i in range(20)])
    write_csv(str(root / "payments" / "p.csv"), ["pid", "amount"], [[i, i * 9.5] for i in range(20)])
    name = new_crawler(root, crawl_db, TablePrefix="raw_")
    c = crawl(glue, name)
    got = tables(glue, crawl_db)
    assert sorted(got) == ["raw_customers", "raw_payments"]
    assert columns(got["raw_customers"]) == [("cid", "bigint"), ("email", "string"), ("age", "bigint")]
    assert columns(got["raw_payments"]) == [("pid", "bigint"), ("amount", "double")]
    assert summary(c)["TablesCreated"] == 2
