"""awsglue's GlueContext, DynamicFrame API, readers/writers, getSource/getSink,
gluetypes, Job and getResolvedOptions, in-process (files in tmp_path; the
catalog and JDBC modules replaced by recording fakes where a call is routed
to them)."""
import json

import pyarrow.parquet as pq
import pytest

from awsglue_helpers import fake_module, frame, glue_ctx, rows  # noqa: F401 (fixture)

from awsglue import SparkEngineRequired
from awsglue._errors import GlueOptionError
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection
from awsglue.gluetypes import (ArrayType, ChoiceType, DecimalType, DoubleType, Field, LongType,
                               StringType, StructType, TimestampType, _from_schema_dict)
from awsglue.job import Job
from awsglue.utils import GlueArgumentError, getResolvedOptions
import _mortar


# --- getResolvedOptions ------------------------------------------------------------------

def test_resolved_options_both_spellings_and_reserved_defaults():
    args = getResolvedOptions(["script.py", "--JOB_NAME", "nightly", "--day=2024-01-02",
                               "--JOB_RUN_ID", "jr_1", "--enable-metrics", "true"],
                              ["JOB_NAME", "day"])
    assert args["JOB_NAME"] == "nightly"
    assert args["day"] == "2024-01-02"
    assert args["JOB_RUN_ID"] == "jr_1"  # reserved: accepted without being asked
    assert args["job_bookmark_option"] == "job-bookmark-disable"
    assert args["TempDir"] is None and args["JOB_ID"] is None
    assert "enable_metrics" not in args  # options nobody asked for are ignored


def test_resolved_options_missing_required_names_it():
    with pytest.raises(GlueArgumentError, match="--day"):
        getResolvedOptions(["script.py", "--JOB_NAME", "j"], ["JOB_NAME", "day"])


def test_resolved_options_refuses_reserved_names():
    for reserved in ("JOB_ID", "JOB_RUN_ID", "job-bookmark-option", "encryption-type"):
        with pytest.raises(RuntimeError, match="reserved"):
            getResolvedOptions(["s.py"], [reserved])


def test_resolved_options_tempdir_and_bookmarks():
    args = getResolvedOptions(["s.py", "--TempDir", "s3://tmp/x"], [])
    assert args["RedshiftTempDir"] == "s3://tmp/x"
    args = getResolvedOptions(["s.py", "--TempDir", "/tmp/t"], ["TempDir"])
    assert args["TempDir"] == "/tmp/t"
    args = getResolvedOptions(["s.py", "--job-bookmark-option", "job-bookmark-enable"], [])
    assert args["job_bookmark_option"] == "job-bookmark-enable"
    args = getResolvedOptions(["s.py", "--continuation-option", "continuation-enabled"], [])
    assert args["job_bookmark_option"] == "job-bookmark-enable"
    with pytest.raises(GlueArgumentError, match="invalid choice"):
        getResolvedOptions(["s.py", "--job-bookmark-option", "sometimes"], [])
    with pytest.raises(RuntimeError, match="job-bookmark-to"):
        getResolvedOptions(["s.py", "--job-bookmark-option", "job-bookmark-pause",
                            "--job-bookmark-from", "a"], [])
    with pytest.raises(RuntimeError, match="Invalid option"):
        getResolvedOptions(["s.py", "--job-bookmark-from", "a", "--job-bookmark-to", "b"], [])


def test_job_init_and_commit_validate(glue_ctx):
    job = Job(glue_ctx)
    with pytest.raises(RuntimeError, match="before Job.init"):
        job.commit()
    with pytest.raises(ValueError, match="job name"):
        job.init("", {})
    with pytest.raises(ValueError, match="job_bookmark_option"):
        job.init("j", {"job_bookmark_option": "on"})
    job.init("j", getResolvedOptions(["s.py", "--JOB_NAME", "j"], ["JOB_NAME"]))
    assert job.isInitialized()
    with pytest.raises(RuntimeError, match="twice"):
        job.init("j", {})
    job.commit()


# --- file sources and sinks --------------------------------------------------------------

def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_from_options_csv_with_header_and_separator(glue_ctx, tmp_path):
    write(tmp_path / "in" / "a.csv", "id|name\n1|Ann\n2|Bob\n")
    dyf = glue_ctx.create_dynamic_frame.from_options(
        connection_type="s3", connection_options={"paths": [str(tmp_path / "in")]},
        format="csv", format_options={"withHeader": True, "separator": "|"})
    assert isinstance(dyf, DynamicFrame)
    assert dyf.count() == 2
    assert rows(dyf) == [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}]
    # Without withHeader (Glue's default false) the header is a record.
    raw = glue_ctx.create_dynamic_frame_from_options(
        "file", {"paths": [str(tmp_path / "in" / "a.csv")]}, format="csv",
        format_options={"separator": "|"})
    assert raw.count() == 3


def test_csv_mixed_column_is_a_choice_unless_choice_types_is_off(glue_ctx, tmp_path):
    write(tmp_path / "in" / "a.csv", "id,zip\n1,12345\n2,abc12\n")
    opts = {"paths": [str(tmp_path / "in")]}
    typed = glue_ctx.create_dynamic_frame.from_options(
        "file", opts, format="csv", format_options={"withHeader": True})
    assert typed.schema().getField("zip").dataType.typeName() == "choice"
    plain = glue_ctx.create_dynamic_frame.from_options(
        "file", opts, format="csv", format_options={"withHeader": True, "choiceTypes": False})
    assert plain.schema().getField("zip").dataType.typeName() == "string"
    assert rows(plain) == [{"id": 1, "zip": "12345"}, {"id": 2, "zip": "abc12"}]


def test_from_options_recurse_and_exclusions(glue_ctx, tmp_path):
    write(tmp_path / "d" / "top.json", '{"f": "top"}\n')
    write(tmp_path / "d" / "sub" / "deep.json", '{"f": "deep"}\n')
    write(tmp_path / "d" / "sub" / "skip.json", '{"f": "skip"}\n')
    top = glue_ctx.create_dynamic_frame.from_options(
        "s3", {"paths": [str(tmp_path / "d")]}, format="json")
    assert [r["f"] for r in rows(top)] == ["top"]
    deep = glue_ctx.create_dynamic_frame.from_options(
        "s3", {"paths": [str(tmp_path / "d")], "recurse": True,
               "exclusions": '["**skip.json"]'}, format="json")
    assert sorted(r["f"] for r in rows(deep)) == ["deep", "top"]


def test_write_parquet_partitioned_and_read_back(glue_ctx, tmp_path):
    data = frame([{"id": 1, "country": "fr", "v": 1.5}, {"id": 2, "country": "de", "v": 2.5},
                  {"id": 3, "country": "fr", "v": None}], glue_ctx)
    out = tmp_path / "out"
    result = glue_ctx.write_dynamic_frame.from_options(
        frame=data, connection_type="s3",
        connection_options={"path": str(out), "partitionKeys": ["country"]},
        format="glueparquet", format_options={"compression": "snappy"})
    assert result is data
    assert sorted(p.name for p in out.iterdir()) == ["country=de", "country=fr"]
    table = pq.read_table(out / "country=fr")
    assert sorted(table.column("id").to_pylist()) == [1, 3]
    back = glue_ctx.create_dynamic_frame.from_options(
        "s3", {"paths": [str(out)]}, format="parquet")
    assert sorted((r["id"], r["country"]) for r in rows(back)) == [(1, "fr"), (2, "de"),
                                                                   (3, "fr")]


def test_repartition_sets_the_number_of_files_written(glue_ctx, tmp_path):
    data = frame([{"i": i} for i in range(100)], glue_ctx).repartition(3)
    data.write("file", {"path": str(tmp_path / "o")}, format="json")
    files = [p for p in (tmp_path / "o").iterdir() if p.is_file()]
    assert len(files) == 3
    records = [json.loads(l) for f in files for l in f.read_text().splitlines()]
    assert sorted(r["i"] for r in records) == list(range(100))


def test_bad_format_options_and_connection_options_name_the_option(glue_ctx, tmp_path):
    write(tmp_path / "a.csv", "a\n1\n")
    reader = glue_ctx.create_dynamic_frame
    with pytest.raises(GlueOptionError, match="withHeadr"):
        reader.from_options("s3", {"paths": [str(tmp_path)]}, format="csv",
                            format_options={"withHeadr": True})
    with pytest.raises(GlueOptionError, match="rowTag"):
        reader.from_options("s3", {"paths": [str(tmp_path)]}, format="json",
                            format_options={"rowTag": "x"})
    with pytest.raises(GlueOptionError, match="pathz"):
        reader.from_options("s3", {"pathz": [str(tmp_path)]}, format="csv")
    with pytest.raises(GlueOptionError, match="'paths' is required"):
        reader.from_options("s3", {}, format="csv")
    with pytest.raises(GlueOptionError, match="unsupported format 'excel'"):
        reader.from_options("s3", {"paths": [str(tmp_path)]}, format="excel")
    with pytest.raises(GlueOptionError, match="groupSize"):
        reader.from_options("s3", {"paths": [str(tmp_path)], "groupSize": "big"}, format="csv")
    with pytest.raises(ValueError, match="connection_type 'dynamodb'"):
        reader.from_options("dynamodb", {"dynamodb.input.tableName": "t"})
    with pytest.raises(GlueOptionError, match="'path' is required"):
        glue_ctx.write_dynamic_frame.from_options(frame([{"a": 1}], glue_ctx), "s3", {},
                                                  format="json")
    # Option names match case-insensitively, as in Glue.
    ok = reader.from_options("s3", {"Paths": [str(tmp_path)]}, format="CSV",
                             format_options={"withheader": "true"})
    assert rows(ok) == [{"a": 1}]


def test_a_missing_input_path_is_a_clear_engine_error(glue_ctx, tmp_path):
    with pytest.raises(_mortar.MortarError, match="nothing-here"):
        glue_ctx.create_dynamic_frame.from_options(
            "s3", {"paths": [str(tmp_path / "nothing-here")]}, format="json").count()


def test_get_source_and_get_sink(glue_ctx, tmp_path):
    write(tmp_path / "in" / "x.json", '{"a": 1}\n{"a": 2}\n')
    source = glue_ctx.getSource("s3", paths=[str(tmp_path / "in")])
    source.setFormat("json")
    dyf = source.getFrame()
    assert dyf.count() == 2
    sink = glue_ctx.getSink(connection_type="s3", path=str(tmp_path / "out"))
    sink.setFormat("csv", writeHeader=True)
    sink.writeFrame(dyf)
    written = [p for p in (tmp_path / "out").iterdir() if p.is_file()]
    assert len(written) == 1
    assert written[0].read_text().splitlines() == ["a", "1", "2"]


def test_get_sink_with_enable_update_catalog_registers_the_write(glue_ctx, tmp_path,
                                                                 monkeypatch):
    catalog = fake_module(monkeypatch, "_catalog", update_catalog_after_write=None)
    data = frame([{"id": 1, "day": "d1"}, {"id": 2, "day": "d2"}], glue_ctx)
    sink = glue_ctx.getSink(connection_type="s3", path=str(tmp_path / "t"),
                            enableUpdateCatalog=True, updateBehavior="UPDATE_IN_DATABASE",
                            partitionKeys=["day"])
    sink.setFormat("glueparquet")
    sink.setCatalogInfo(catalogDatabase="sales", catalogTableName="orders")
    sink.writeFrame(data)
    (name, args, kwargs), = catalog.calls
    assert name == "update_catalog_after_write"
    assert kwargs["database"] == "sales" and kwargs["table_name"] == "orders"
    assert kwargs["path"] == str(tmp_path / "t")
    assert kwargs["format"] == "glueparquet"  # registered as a parquet table
    assert kwargs["partition_keys"] == ["day"]
    assert kwargs["update_behavior"] == "UPDATE_IN_DATABASE"
    assert kwargs["written"]["rows"] == 2 and len(kwargs["written"]["files"]) == 2
    assert [f["name"] for f in kwargs["frame_schema"]["fields"]] == ["id", "day"]
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["day=d1", "day=d2"]

    no_table = glue_ctx.getSink("s3", path=str(tmp_path / "u"), enableUpdateCatalog=True)
    no_table.setFormat("json")
    with pytest.raises(ValueError, match="setCatalogInfo"):
        no_table.writeFrame(data)


def test_catalog_calls_are_routed_to_the_catalog_module(glue_ctx, monkeypatch):
    native = frame([{"a": 1}])._frame
    catalog = fake_module(monkeypatch, "_catalog", create_frame_from_catalog=native,
                          write_frame_to_catalog=None, purge_table=None, purge_s3_path=None)
    dyf = glue_ctx.create_dynamic_frame.from_catalog(
        database="db", table_name="t", push_down_predicate="year='2024'",
        additional_options={"recurse": True}, transformation_ctx="src")
    assert dyf.count() == 1 and dyf.name == "t"
    same = glue_ctx.create_dynamic_frame.from_catalog(name_space="db", table_name="t")
    assert same.count() == 1
    glue_ctx.write_dynamic_frame.from_catalog(frame=dyf, database="db", table_name="t2")
    glue_ctx.purge_table("db", "t", {"retentionPeriod": 0})
    glue_ctx.purge_s3_path("s3://bucket/prefix/", {"retentionPeriod": 0})
    calls = [(name, args, kwargs) for name, args, kwargs in catalog.calls]
    assert calls[0] == ("create_frame_from_catalog", ("db", "t"),
                        {"push_down_predicate": "year='2024'",
                         "additional_options": {"recurse": True}, "catalog_id": None,
                         "transformation_ctx": "src"})
    assert calls[2][0] == "write_frame_to_catalog" and calls[2][1][1:] == ("db", "t2")
    assert calls[3][0] == "purge_table" and calls[3][1][:2] == ("db", "t")
    assert calls[4][0] == "purge_s3_path" and calls[4][1][0] == "s3://bucket/prefix/"
    with pytest.raises(ValueError, match="table_name"):
        glue_ctx.create_dynamic_frame.from_catalog(database="db")
    with pytest.raises(ValueError, match="not both"):
        glue_ctx.create_dynamic_frame.from_catalog(database="db", name_space="db",
                                                   table_name="t")


def test_jdbc_calls_are_routed_to_the_jdbc_module(glue_ctx, monkeypatch):
    native = frame([{"a": 1}])._frame
    jdbc = fake_module(monkeypatch, "_jdbc", create_frame_from_jdbc=native,
                       write_frame_to_jdbc=None, write_frame_from_jdbc_conf=None,
                       extract_jdbc_conf={"url": "jdbc:postgresql://h/db", "user": "u"})
    opts = {"url": "jdbc:postgresql://h:5432/db", "dbtable": "public.t", "user": "u",
            "password": "p"}
    dyf = glue_ctx.create_dynamic_frame.from_options("postgresql", opts)
    assert dyf.count() == 1
    glue_ctx.write_dynamic_frame.from_options(dyf, "sqlite", {"url": "jdbc:sqlite:/x.db",
                                                              "dbtable": "t"})
    glue_ctx.write_dynamic_frame.from_jdbc_conf(frame=dyf, catalog_connection="pg",
                                                connection_options={"dbtable": "t"})
    assert glue_ctx.extract_jdbc_conf("pg")["user"] == "u"
    sink = glue_ctx.getSink("postgresql", url=opts["url"], dbtable="t2")
    sink.writeFrame(dyf)
    names = [c[0] for c in jdbc.calls]
    assert names == ["create_frame_from_jdbc", "write_frame_to_jdbc",
                     "write_frame_from_jdbc_conf", "extract_jdbc_conf", "write_frame_to_jdbc"]
    assert jdbc.calls[0][1] == ("postgresql", opts)
    assert jdbc.calls[2][1][1:] == ("pg", {"dbtable": "t"})
    assert jdbc.calls[4][1][2] == {"url": opts["url"], "dbtable": "t2"}


# --- frame API ---------------------------------------------------------------------------

def test_schema_is_glue_types(glue_ctx):
    import datetime
    import decimal
    dyf = frame([{"id": 1, "tags": ["a"], "m": {"k": 1.5}, "price": decimal.Decimal("1.25"),
                  "at": datetime.datetime(2024, 1, 2, 3, 4, 5), "x": 1},
                 {"id": 2, "tags": [], "m": {}, "price": None, "at": None, "x": "s"}],
                glue_ctx)
    schema = dyf.schema()
    assert [f.name for f in schema] == ["id", "tags", "m", "price", "at", "x"]
    assert schema.getField("id").dataType == LongType()
    assert schema.getField("tags").dataType == ArrayType(StringType())
    # A Python dict is a struct (field order kept), as the engine reads JSON objects.
    assert schema.getField("m").dataType == StructType([Field("k", DoubleType())])
    assert isinstance(schema.getField("price").dataType, DecimalType)
    assert schema.getField("at").dataType == TimestampType()
    assert schema.getField("x").dataType == ChoiceType([LongType(), StringType()])


def test_gluetypes_from_schema_dicts():
    t = _from_schema_dict({"type": "struct", "fields": [
        {"name": "d", "type": {"type": "decimal", "precision": 12, "scale": 3}},
        {"name": "m", "type": {"type": "map", "key": {"type": "string"},
                               "value": {"type": "array", "element": {"type": "int"}}}}]})
    assert t.getField("d").dataType.precision == 12 and t.getField("d").dataType.scale == 3
    assert t.getField("m").dataType.valueType.elementType.typeName() == "int"
    assert t.jsonValue()["fields"][0]["name"] == "d"
    assert StructType([Field("a", LongType())]).hasField("a")


def test_print_schema_and_show(glue_ctx, capsys):
    dyf = frame([{"a": 1, "b": {"c": "x"}}, {"a": 2, "b": {"c": "y"}}], glue_ctx)
    dyf.printSchema()
    printed = capsys.readouterr().out
    assert printed.startswith("root")
    assert "|-- a: long" in printed and "c: string" in printed
    dyf.show(1)
    shown = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line) for line in shown] == [{"a": 1, "b": {"c": "x"}}]


def test_collection_and_names(glue_ctx):
    a, b = frame([{"x": 1}], glue_ctx, "a"), frame([{"y": 2}], glue_ctx, "b")
    dfc = DynamicFrameCollection([a, b], glue_ctx)
    assert sorted(dfc.keys()) == ["a", "b"] and len(dfc) == 2 and "a" in dfc
    assert dfc["b"] is b
    assert a.getName() == "a" and a.setName("z").name == "z"
    with pytest.raises(TypeError, match="list or a dict"):
        DynamicFrameCollection("a", glue_ctx)


def test_spark_only_frame_calls_raise_spark_engine_required(glue_ctx):
    dyf = frame([{"a": 1}], glue_ctx)
    with pytest.raises(SparkEngineRequired, match=r"DynamicFrame.toDF\(\) needs the Spark engine"):
        dyf.toDF()
    with pytest.raises(NotImplementedError, match="fromDF"):
        DynamicFrame.fromDF(None, glue_ctx, "x")
    with pytest.raises(SparkEngineRequired, match="from_rdd"):
        glue_ctx.create_dynamic_frame.from_rdd([], "x")
    with pytest.raises(SparkEngineRequired, match="forEachBatch"):
        glue_ctx.forEachBatch(dyf, lambda df, batch_id: None)
    with pytest.raises(SparkEngineRequired, match="create_data_frame"):
        glue_ctx.create_data_frame.from_catalog(database="db", table_name="t")


def test_logger(glue_ctx, capfd):
    logger = glue_ctx.get_logger()
    logger.info("hello from the job")
    logger.warn("careful")
    err = capfd.readouterr().err
    assert "hello from the job" in err and "careful" in err


def test_compression_type_and_group_files(glue_ctx, tmp_path):
    import gzip
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "part.data").write_bytes(gzip.compress(b"a,b\n1,x\n2,y\n"))
    dyf = glue_ctx.create_dynamic_frame.from_options(
        "s3", {"paths": [str(tmp_path / "z")], "compressionType": "gzip"}, format="csv",
        format_options={"withHeader": True})
    assert rows(dyf) == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    for i in range(20):
        write(tmp_path / "many" / f"f{i:02}.json", f'{{"i": {i}}}\n')
    grouped = glue_ctx.create_dynamic_frame.from_options(
        "s3", {"paths": [str(tmp_path / "many")], "groupFiles": "inPartition",
               "groupSize": "64"}, format="json")
    assert [r["i"] for r in rows(grouped)] == list(range(20))
    with pytest.raises(GlueOptionError, match="groupFiles"):
        glue_ctx.create_dynamic_frame.from_options(
            "s3", {"paths": [str(tmp_path / "many")], "groupFiles": "sometimes"}, format="json")


def test_grok_log_and_xml_sources(glue_ctx, tmp_path):
    write(tmp_path / "logs" / "app.log", "alice 3\nbob 15\n")
    logs = glue_ctx.create_dynamic_frame.from_options(
        "s3", {"paths": [str(tmp_path / "logs")]}, format="grokLog",
        format_options={"logFormat": "%{WORD:user} %{NUMBER:n}"})
    assert [(r["user"], str(r["n"])) for r in rows(logs)] == [("alice", "3"), ("bob", "15")]
    write(tmp_path / "x" / "d.xml",
          "<root><item><k>1</k><v>a</v></item><item><k>2</k><v>b</v></item></root>")
    items = glue_ctx.create_dynamic_frame.from_options(
        "s3", {"paths": [str(tmp_path / "x")]}, format="xml",
        format_options={"rowTag": "item"})
    assert [(r["k"], r["v"]) for r in rows(items)] == [(1, "a"), (2, "b")]


@pytest.mark.parametrize("fmt", ["avro", "orc", "json", "parquet"])
def test_nested_round_trip_through_each_writer(glue_ctx, tmp_path, fmt):
    records = [{"a": 1, "s": {"x": "y", "n": None}, "l": [1, 2]},
               {"a": 2, "s": {"x": "z", "n": 5}, "l": []}]
    glue_ctx.write_dynamic_frame.from_options(frame(records, glue_ctx), "file",
                                              {"path": str(tmp_path / fmt)}, format=fmt)
    back = glue_ctx.create_dynamic_frame.from_options("file", {"paths": [str(tmp_path / fmt)]},
                                                      format=fmt)
    assert rows(back) == records


def test_a_sink_failing_on_the_error_threshold_leaves_no_output(glue_ctx, tmp_path):
    def invert(r):
        r["inv"] = 1 / r["n"]
        return r
    data = frame([{"n": 1}, {"n": 0}, {"n": 2}, {"n": 0}], glue_ctx)
    strict = data.map(invert, transformation_ctx="invert", stageThreshold=1)
    with pytest.raises(_mortar.MortarError, match="(?i)threshold"):
        glue_ctx.write_dynamic_frame.from_options(strict, "s3", {"path": str(tmp_path / "o")},
                                                  format="json")
    assert not (tmp_path / "o").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temp folder left either
    # Within the threshold the good records are written and the errors counted.
    lenient = data.map(invert, stageThreshold=2)
    glue_ctx.write_dynamic_frame.from_options(lenient, "s3", {"path": str(tmp_path / "o")},
                                              format="json")
    written = [json.loads(l) for f in (tmp_path / "o").iterdir() for l in f.read_text().split()]
    assert sorted(r["n"] for r in written) == [1, 2]
    assert lenient.errorsCount() == 2
