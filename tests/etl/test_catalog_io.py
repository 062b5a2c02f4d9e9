"""The catalog side of ETL against a real server: _mortar.glue_call and its
errors, awsglue._catalog's from_catalog (CSV with and without header, custom
separator, JSON, Parquet, partitions with push_down_predicate pruning, a
crawled table), catalog sinks (table creation, new partitions, new columns),
match_catalog, purge_table and get_connection."""
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import _mortar
from awsglue import _catalog
from support.catalog import unique
from support.server import wait_for

TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
LAZY = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPENCSV = "org.apache.hadoop.hive.serde2.OpenCSVSerde"


def _sd(location, columns, serde, serde_params=None, input_format=TEXT_INPUT,
        output_format=TEXT_OUTPUT):
    return {"Columns": [{"Name": n, "Type": t} for n, t in columns], "Location": str(location),
            "InputFormat": input_format, "OutputFormat": output_format,
            "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_params or {}}}


def _create_table(glue, db, name, sd, parameters, partition_keys=()):
    glue.create_table(DatabaseName=db, TableInput={
        "Name": name, "TableType": "EXTERNAL_TABLE", "StorageDescriptor": sd,
        "Parameters": parameters,
        "PartitionKeys": [{"Name": n, "Type": t} for n, t in partition_keys]})


def _rows(frame, key="id"):
    return sorted(frame.to_records(), key=lambda r: r[key])


def _field_types(frame):
    return {f["name"]: f["type"] for f in frame.schema()["fields"]}


def _parquet_sd(location, columns):
    return _sd(location, columns, "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
               {"serialization.format": "1"},
               "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
               "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat")


# --- glue_call ------------------------------------------------------------------

def test_glue_call_round_trip(glue_env, db):
    reply = _mortar.glue_call("GetDatabase", {"Name": db})
    assert reply["Database"]["Name"] == db
    assert isinstance(reply["Database"]["CreateTime"], (int, float))  # epoch seconds
    names = [d["Name"] for d in _mortar.glue_call("GetDatabases", None)["DatabaseList"]]
    assert db in names


def test_glue_call_service_errors(glue_env, db):
    with pytest.raises(_mortar.GlueServiceError) as info:
        _mortar.glue_call("GetTable", {"DatabaseName": db, "Name": "nosuch"})
    e = info.value
    assert isinstance(e, _mortar.MortarError)
    assert e.code == "EntityNotFoundException"
    assert e.operation == "GetTable" and e.status_code == "NotFound"
    assert "nosuch" in str(e) and str(e).startswith("GetTable: EntityNotFoundException: ")

    with pytest.raises(_mortar.GlueServiceError) as info:
        _mortar.glue_call("CreateTable", {"DatabaseName": db, "TableInput": {}})
    assert info.value.code == "InvalidInputException"

    with pytest.raises(_mortar.GlueServiceError) as info:
        _mortar.glue_call("NoSuchOperation", {})
    assert info.value.code != ""  # the server names the problem (unknown operation)
    assert "NoSuchOperation" in str(info.value)


def test_glue_call_bad_arguments(glue_env):
    with pytest.raises(_mortar.MortarError) as info:
        _mortar.glue_call("GetDatabases", ["not", "a", "dict"])
    assert info.value.code == "InvalidArgument" and "dict" in str(info.value)
    with pytest.raises(_mortar.MortarError) as info:
        _mortar.glue_call("GetDatabase", {"Name": object()})
    assert info.value.code == "InvalidArgument"
    assert "cannot send a value of type object" in str(info.value)


def test_glue_call_without_endpoint_or_with_bad_credentials(glue_env, monkeypatch):
    for var in ("MORTAR_ENDPOINT", "AWS_ENDPOINT_URL_GLUE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(_mortar.GlueServiceError) as info:
        _mortar.glue_call("GetDatabases", {})
    assert str(info.value) == "no Glue endpoint: set MORTAR_ENDPOINT"

    monkeypatch.setenv("MORTAR_ENDPOINT", glue_env["MORTAR_ENDPOINT"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
    with pytest.raises(_mortar.GlueServiceError) as info:
        _mortar.glue_call("GetDatabases", {})
    assert info.value.status_code == "PermissionDenied", str(info.value)

    monkeypatch.setenv("MORTAR_ENDPOINT", "http://127.0.0.1:1")  # nothing listens there
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", glue_env["AWS_SECRET_ACCESS_KEY"])
    with pytest.raises(_mortar.GlueServiceError) as info:
        _mortar.glue_call("GetDatabases", {})
    assert info.value.code == "Unavailable" and "after 5 attempts" in str(info.value)


def crawl_once(glue, db, path):
    """Crawls `path` into `db` with a Mortar crawler; returns the one table's name."""
    name = unique("crawler")
    glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler",
                        DatabaseName=db, Targets={"S3Targets": [{"Path": str(path)}]})
    try:
        glue.start_crawler(Name=name)

        def done():
            crawler = glue.get_crawler(Name=name)["Crawler"]
            return crawler if crawler["State"] == "READY" and "LastCrawl" in crawler else None
        crawler = wait_for(done, 120, f"crawler {name}", interval=0.05)
        assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", crawler["LastCrawl"]
    finally:
        glue.delete_crawler(Name=name)
    tables = [t["Name"] for t in glue.get_tables(DatabaseName=db)["TableList"]]
    assert len(tables) == 1, tables
    return tables[0]


# --- from_catalog -----------------------------------------------------------------

def test_csv_table_with_header(glue_env, glue, db, tmp_path):
    data = tmp_path / "people"
    data.mkdir()
    (data / "a.csv").write_text("id,name,score\n1,ann,2.5\n2,bob,3.0\n")
    (data / "b.csv").write_text("id,name,score\n3,cy,1.0\n")
    _create_table(glue, db, "people",
                  _sd(data, [("id", "bigint"), ("name", "string"), ("score", "double")],
                      LAZY, {"field.delim": ","}),
                  {"classification": "csv", "skip.header.line.count": "1", "delimiter": ","})
    frame = _catalog.create_frame_from_catalog(db, "people")
    assert _rows(frame) == [{"id": 1, "name": "ann", "score": 2.5},
                            {"id": 2, "name": "bob", "score": 3.0},
                            {"id": 3, "name": "cy", "score": 1.0}]


def test_csv_table_custom_separator_without_header_takes_catalog_names(glue_env, glue, db,
                                                                        tmp_path):
    data = tmp_path / "pipes"
    data.mkdir()
    (data / "part-0.txt").write_text('1|"x|y"|true\n2|plain|false\n')
    _create_table(glue, db, "pipes",
                  _sd(data, [("id", "bigint"), ("label", "string"), ("ok", "boolean")],
                      OPENCSV, {"separatorChar": "|", "quoteChar": '"'}),
                  {"classification": "csv"})
    frame = _catalog.create_frame_from_catalog(db, "pipes")
    assert _rows(frame) == [{"id": 1, "label": "x|y", "ok": True},
                            {"id": 2, "label": "plain", "ok": False}]


def test_json_table(glue_env, glue, db, tmp_path):
    data = tmp_path / "events"
    data.mkdir()
    (data / "e.json").write_text('{"id": 1, "tags": ["a"], "who": {"n": "x"}}\n'
                                 '{"id": 2, "tags": [], "who": {"n": "y"}}\n')
    _create_table(glue, db, "events",
                  _sd(data, [("id", "int"), ("tags", "array<string>"),
                             ("who", "struct<n:string>")],
                      "org.openx.data.jsonserde.JsonSerDe", {"paths": "id,tags,who"}),
                  {"classification": "json"})
    frame = _catalog.create_frame_from_catalog(db, "events")
    assert _rows(frame) == [{"id": 1, "tags": ["a"], "who": {"n": "x"}},
                            {"id": 2, "tags": [], "who": {"n": "y"}}]


def test_parquet_table_found_by_serde(glue_env, glue, db, tmp_path):
    data = tmp_path / "pq"
    data.mkdir()
    pq.write_table(pa.table({"id": [1, 2], "v": ["a", "b"]}), data / "x.parquet")
    # No classification parameter: the SerDe says Parquet.
    _create_table(glue, db, "pq", _parquet_sd(data, [("id", "bigint"), ("v", "string")]), {})
    frame = _catalog.create_frame_from_catalog(db, "pq")
    assert _rows(frame) == [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}]


def _partitioned_parquet(glue, db, root, garbage=None):
    """A table `sales` partitioned by year (int) and region (string), partitions
    registered by hand; `garbage`=(year, region) gets an unreadable file."""
    cols = [("id", "bigint"), ("amount", "double")]
    _create_table(glue, db, "sales", _parquet_sd(root, cols), {"classification": "parquet"},
                  partition_keys=[("year", "int"), ("region", "string")])
    inputs = []
    n = 0
    for year in (2023, 2024):
        for region in ("eu", "us"):
            folder = root / f"year={year}" / f"region={region}"
            folder.mkdir(parents=True)
            if garbage == (year, region):
                (folder / "bad.parquet").write_bytes(b"this is not parquet at all" * 10)
            else:
                pq.write_table(pa.table({"id": [n, n + 1], "amount": [1.5, 2.5]}),
                               folder / "part-0.parquet")
            n += 2
            inputs.append({"Values": [str(year), region],
                           "StorageDescriptor": dict(_parquet_sd(folder, cols))})
    glue.batch_create_partition(DatabaseName=db, TableName="sales", PartitionInputList=inputs)


def test_partitioned_table_all_partitions_with_catalog_types(glue_env, glue, db, tmp_path):
    _partitioned_parquet(glue, db, tmp_path / "sales")
    frame = _catalog.create_frame_from_catalog(db, "sales")
    rows = _rows(frame)
    assert len(rows) == 8
    assert {(r["year"], r["region"]) for r in rows} == {
        (2023, "eu"), (2023, "us"), (2024, "eu"), (2024, "us")}
    assert _field_types(frame)["year"] == {"type": "int"}  # the catalog's type
    assert _field_types(frame)["region"] == {"type": "string"}


def test_push_down_predicate_prunes_before_reading(glue_env, glue, db, tmp_path):
    _partitioned_parquet(glue, db, tmp_path / "sales", garbage=(2023, "us"))
    # Reading everything opens the garbage file and fails ...
    with pytest.raises(_mortar.MortarError):
        _catalog.create_frame_from_catalog(db, "sales").to_records()
    # ... a predicate that excludes its partition never opens it.
    frame = _catalog.create_frame_from_catalog(db, "sales",
                                               push_down_predicate="year = 2024")
    rows = _rows(frame)
    assert {(r["year"], r["region"]) for r in rows} == {(2024, "eu"), (2024, "us")}
    assert [r["id"] for r in rows] == [4, 5, 6, 7]

    frame = _catalog.create_frame_from_catalog(
        db, "sales", push_down_predicate="region = 'eu'",
        additional_options={"catalogPartitionPredicate": "year > 2023"})
    assert [(r["year"], r["region"], r["id"]) for r in _rows(frame)] == [
        (2024, "eu", 4), (2024, "eu", 5)]

    # Spark SQL spellings, as Glue scripts write them.
    frame = _catalog.create_frame_from_catalog(
        db, "sales", push_down_predicate='year == 2024 and region == "us"')
    assert [(r["year"], r["region"], r["id"]) for r in _rows(frame)] == [
        (2024, "us", 6), (2024, "us", 7)]

    frame = _catalog.create_frame_from_catalog(db, "sales", push_down_predicate="year = 1999")
    assert frame.count() == 0


def test_crawled_csv_table(glue_env, glue, db, tmp_path):
    root = tmp_path / "crawl" / "orders"
    for year in (2023, 2024):
        folder = root / f"year={year}"
        folder.mkdir(parents=True)
        (folder / "data.csv").write_text(
            "order_id,item,qty\n" + "".join(f"{year * 10 + i},item{i},{i}\n" for i in range(5)))
    table = crawl_once(glue, db, root)
    frame = _catalog.create_frame_from_catalog(db, table)
    rows = sorted(frame.to_records(), key=lambda r: r["order_id"])
    assert len(rows) == 10
    # The crawler types partition keys string (Glue's default): so does the frame.
    assert rows[0] == {"order_id": 20230, "item": "item0", "qty": 0, "year": "2023"}
    pruned = _catalog.create_frame_from_catalog(db, table, push_down_predicate="year = '2024'")
    assert sorted(r["order_id"] for r in pruned.to_records()) == list(range(20240, 20245))


def test_missing_table_and_database_are_clear_errors(glue_env, db):
    with pytest.raises(_mortar.GlueServiceError) as info:
        _catalog.create_frame_from_catalog(db, "nosuch_table")
    assert info.value.code == "EntityNotFoundException"
    assert f"catalog table {db}.nosuch_table" in str(info.value)
    with pytest.raises(_mortar.GlueServiceError) as info:
        _catalog.create_frame_from_catalog("nosuch_db_x", "t")
    assert info.value.code == "EntityNotFoundException"
    assert "nosuch_db_x" in str(info.value)


def test_unreadable_classification_is_a_clear_error(glue_env, glue, db, tmp_path):
    _create_table(glue, db, "weird", _sd(tmp_path, [("a", "string")], "com.example.Serde"),
                  {"classification": "mongodb"})
    with pytest.raises(ValueError, match="cannot read classification 'mongodb'"):
        _catalog.create_frame_from_catalog(db, "weird")


# --- catalog sinks -------------------------------------------------------------------

def _write_and_register(frame, path, db, table, keys, behavior="UPDATE_IN_DATABASE"):
    written = _mortar.write_files(frame, {"path": str(path), "format": "parquet",
                                          "partition_keys": keys})
    _catalog.update_catalog_after_write(
        database=db, table_name=table, path=str(path), format="glueparquet",
        format_options={}, partition_keys=keys, written=written, frame_schema=frame.schema(),
        update_behavior=behavior)
    return written


def _partition_values(glue, db, table):
    parts = glue.get_partitions(DatabaseName=db, TableName=table)["Partitions"]
    return sorted(tuple(p["Values"]) for p in parts)


def test_sink_creates_table_then_adds_partitions_and_columns(glue_env, glue, db, tmp_path):
    out = tmp_path / "out"
    first = _mortar.from_records([{"id": 1, "name": "a", "day": "d1"},
                                  {"id": 2, "name": "b", "day": "d2"}])
    _write_and_register(first, out, db, "facts", ["day"])
    table = glue.get_table(DatabaseName=db, Name="facts")["Table"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["Parameters"]["classification"] == "parquet"
    sd = table["StorageDescriptor"]
    assert [(c["Name"], c["Type"]) for c in sd["Columns"]] == [("id", "bigint"),
                                                               ("name", "string")]
    assert sd["SerdeInfo"]["SerializationLibrary"].endswith("ParquetHiveSerDe")
    assert [(k["Name"], k["Type"]) for k in table["PartitionKeys"]] == [("day", "string")]
    assert _partition_values(glue, db, "facts") == [("d1",), ("d2",)]
    d1 = glue.get_partition(DatabaseName=db, TableName="facts", PartitionValues=["d1"])
    assert d1["Partition"]["StorageDescriptor"]["Location"].rstrip("/").endswith("day=d1")

    d2_before = glue.get_partition(DatabaseName=db, TableName="facts",
                                   PartitionValues=["d2"])["Partition"]
    second = _mortar.from_records([{"id": 3, "name": "c", "day": "d2", "extra": 1.5},
                                   {"id": 4, "name": "d", "day": "d3", "extra": 2.5}])
    _write_and_register(second, out, db, "facts", ["day"])
    # The existing partition is left as it was; the new one has the new column.
    d2_after = glue.get_partition(DatabaseName=db, TableName="facts",
                                  PartitionValues=["d2"])["Partition"]
    assert d2_after["StorageDescriptor"] == d2_before["StorageDescriptor"]
    d3 = glue.get_partition(DatabaseName=db, TableName="facts", PartitionValues=["d3"])
    assert [c["Name"] for c in d3["Partition"]["StorageDescriptor"]["Columns"]] == [
        "id", "name", "extra"]
    table = glue.get_table(DatabaseName=db, Name="facts")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("id", "bigint"), ("name", "string"), ("extra", "double")]
    assert _partition_values(glue, db, "facts") == [("d1",), ("d2",), ("d3",)]

    back = _catalog.create_frame_from_catalog(db, "facts")
    rows = _rows(back)
    assert [(r["id"], r["day"]) for r in rows] == [(1, "d1"), (2, "d2"), (3, "d2"), (4, "d3")]
    assert rows[3]["extra"] == 2.5

    # LOG: new partitions still added, the schema left alone.
    third = _mortar.from_records([{"id": 5, "name": "e", "day": "d4", "more": "x"}])
    _write_and_register(third, out, db, "facts", ["day"], behavior="LOG")
    table = glue.get_table(DatabaseName=db, Name="facts")["Table"]
    assert "more" not in [c["Name"] for c in table["StorageDescriptor"]["Columns"]]
    assert ("d4",) in _partition_values(glue, db, "facts")


def test_sink_rejects_other_partition_keys_and_bad_behavior(glue_env, glue, db, tmp_path):
    frame = _mortar.from_records([{"id": 1, "day": "d1", "hour": "h"}])
    _write_and_register(frame, tmp_path / "o", db, "keyed", ["day"])
    with pytest.raises(ValueError, match="same order"):
        _write_and_register(frame, tmp_path / "o", db, "keyed", ["hour"])
    with pytest.raises(ValueError, match="updateBehavior"):
        _write_and_register(frame, tmp_path / "o", db, "keyed", ["day"], behavior="MERGE")


def test_sink_into_missing_database_is_a_clear_error(glue_env, tmp_path):
    frame = _mortar.from_records([{"id": 1}])
    with pytest.raises(_mortar.GlueServiceError) as info:
        _write_and_register(frame, tmp_path / "o", "nosuch_db_y", "t", [])
    assert info.value.code == "EntityNotFoundException"
    assert "nosuch_db_y" in str(info.value)


def test_write_frame_to_existing_catalog_table(glue_env, glue, db, tmp_path):
    root = tmp_path / "target"
    _create_table(glue, db, "target",
                  _sd(root, [("id", "bigint"), ("name", "string")], LAZY, {"field.delim": ";"}),
                  {"classification": "csv", "delimiter": ";", "skip.header.line.count": "1"},
                  partition_keys=[("region", "string")])
    frame = _mortar.from_records([{"id": 1, "name": "a;b", "region": "eu"},
                                  {"id": 2, "name": "c", "region": "us"}])
    _catalog.write_frame_to_catalog(frame, db, "target")
    eu_files = [p for p in (root / "region=eu").iterdir() if not p.name.startswith(".")]
    assert len(eu_files) == 1
    text = eu_files[0].read_text()
    assert text.splitlines()[0] == "id;name"  # header written: the table skips one line
    assert _partition_values(glue, db, "target") == [("eu",), ("us",)]
    back = _catalog.create_frame_from_catalog(db, "target")
    assert _rows(back) == [{"id": 1, "name": "a;b", "region": "eu"},
                           {"id": 2, "name": "c", "region": "us"}]
    # Writing again adds rows; the existing partitions are left as they were.
    _catalog.write_frame_to_catalog(_mortar.from_records([{"id": 3, "name": "z",
                                                           "region": "eu"}]), db, "target")
    assert _partition_values(glue, db, "target") == [("eu",), ("us",)]
    assert _catalog.create_frame_from_catalog(db, "target").count() == 3
    columns = lambda: [c["Name"] for c in glue.get_table(  # noqa: E731
        DatabaseName=db, Name="target")["Table"]["StorageDescriptor"]["Columns"]]
    # A new column: kept out of the schema without enableUpdateCatalog ...
    wider = _mortar.from_records([{"id": 4, "name": "w", "region": "ap", "size": 9}])
    _catalog.write_frame_to_catalog(wider, db, "target")
    assert columns() == ["id", "name"]
    assert ("ap",) in _partition_values(glue, db, "target")
    # ... added with it (UPDATE_IN_DATABASE is the default behaviour).
    _catalog.write_frame_to_catalog(wider, db, "target",
                                    additional_options={"enableUpdateCatalog": True})
    assert columns() == ["id", "name", "size"]
    with pytest.raises(ValueError, match="same order"):
        _catalog.write_frame_to_catalog(wider, db, "target",
                                        additional_options={"partitionKeys": ["name"]})


# --- match_catalog, purge, connections -------------------------------------------

def test_match_catalog_specs_resolve_choices(glue_env, glue, db, tmp_path):
    _create_table(glue, db, "typed",
                  _sd(tmp_path, [("id", "bigint"), ("label", "string"),
                                 ("info", "struct<code:int,note:string>"),
                                 ("items", "array<struct<n:double>>")], LAZY),
                  {"classification": "csv"})
    frame = _mortar.from_records([
        {"id": 1, "label": "a", "info": {"code": 7, "note": "n"}, "free": 1,
         "items": [{"n": 1}]},
        {"id": "2", "label": "b", "info": {"code": "8", "note": "m"}, "free": "x",
         "items": [{"n": "2.5"}]}])
    types = _field_types(frame)
    assert types["id"]["type"] == "choice" and types["free"]["type"] == "choice"
    specs = _catalog.match_catalog_specs(frame.schema(), db, "typed")
    assert sorted(specs) == [("id", "cast:bigint"), ("info.code", "cast:int"),
                             ("items[].n", "cast:double")]
    resolved = frame.resolve_choice(specs)
    types = _field_types(resolved)
    assert types["id"] == {"type": "long"}
    assert types["free"]["type"] == "choice"  # the catalog does not know it
    assert sorted((r["id"], r["info"]["code"], r["items"][0]["n"])
                  for r in resolved.to_records()) == [(1, 7, 1.0), (2, 8, 2.5)]


def test_purge_table_with_partition_predicate(glue_env, glue, db, tmp_path):
    _partitioned_parquet(glue, db, tmp_path / "sales")
    # Files younger than the default retention (7 days) are kept.
    _catalog.purge_table(db, "sales", {"partitionPredicate": "year = 2023"})
    assert _catalog.create_frame_from_catalog(db, "sales").count() == 8
    _catalog.purge_table(db, "sales", {"partitionPredicate": "year = 2023",
                                       "retentionPeriod": 0})
    assert not list((tmp_path / "sales" / "year=2023").rglob("*.parquet"))
    assert len(list((tmp_path / "sales" / "year=2024").rglob("*.parquet"))) == 2
    # Emptied partitions leave the catalog too.
    assert _partition_values(glue, db, "sales") == [("2024", "eu"), ("2024", "us")]
    assert _catalog.create_frame_from_catalog(db, "sales").count() == 4


def test_purge_s3_path_honours_retention(glue_env, tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "old.csv").write_text("a\n1\n")
    (folder / "new.csv").write_text("a\n2\n")
    two_days_ago = os.path.getmtime(folder / "old.csv") - 48 * 3600
    os.utime(folder / "old.csv", (two_days_ago, two_days_ago))
    _catalog.purge_s3_path(str(folder), {"retentionPeriod": 24})
    assert sorted(p.name for p in folder.iterdir()) == ["new.csv"]
    with pytest.raises(ValueError, match="retentionPeriod"):
        _catalog.purge_s3_path(str(folder), {"retentionPeriod": "soon"})


def test_list_and_delete_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("1")
    (tmp_path / "y.txt").write_text("22")
    assert _mortar.list_files(str(tmp_path)) == [str(tmp_path / "a" / "x.txt"),
                                                 str(tmp_path / "y.txt")]
    assert _mortar.list_files(str(tmp_path), recurse=False) == [str(tmp_path / "y.txt")]
    info = _mortar.list_files(str(tmp_path), with_info=True)
    assert [i["size"] for i in info] == [1, 2]
    assert _mortar.delete_files([str(tmp_path / "y.txt"), str(tmp_path / "missing")]) == 1
    assert not (tmp_path / "y.txt").exists()
    with pytest.raises(_mortar.MortarError) as e:
        _mortar.list_files(str(tmp_path / "nothing-here"))
    assert e.value.code == "NotFound"


def test_get_connection(glue_env, glue):
    name = unique("conn")
    glue.create_connection(ConnectionInput={
        "Name": name, "ConnectionType": "JDBC",
        "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:postgresql://h:5432/d",
                                 "USERNAME": "u", "PASSWORD": "p"}})
    try:
        conn = _catalog.get_connection(name)
        assert conn["ConnectionProperties"]["PASSWORD"] == "p"
        assert conn["ConnectionProperties"]["JDBC_CONNECTION_URL"] == "jdbc:postgresql://h:5432/d"
    finally:
        glue.delete_connection(ConnectionName=name)
    with pytest.raises(_mortar.GlueServiceError) as info:
        _catalog.get_connection(name)
    assert info.value.code == "EntityNotFoundException"
