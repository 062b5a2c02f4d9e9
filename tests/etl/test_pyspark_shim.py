"""The pyspark compatibility layer: the boilerplate of AWS's published Glue
scripts runs on the native engine, and every Spark-only call raises
awsglue.SparkEngineRequired naming the call."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import awsglue
from awsglue import SparkEngineRequired

PACKAGE_DIR = Path(awsglue.__file__).resolve().parents[1]  # <build>/python


@pytest.fixture
def fresh_spark():
    from pyspark.context import SparkContext
    from pyspark.sql import SparkSession
    yield
    if SparkContext._active_spark_context is not None:
        SparkContext._active_spark_context.stop()
    SparkSession._instantiated = None


def run_script(tmp_path, text, *args):
    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent(text))
    env = dict(os.environ, PYTHONPATH=str(PACKAGE_DIR))
    return subprocess.run([sys.executable, str(script), *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_glue_job_template_runs_end_to_end(tmp_path):
    """The script Glue's console generates (job template + ApplyMapping /
    ResolveChoice / DropNullFields / parquet sink), unchanged but for paths."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "people.csv").write_text(
        "id,name,age,nick\n1,Ann,30,\n2,Bob,x41,\n3,Cid,,\n")
    done = run_script(tmp_path, f"""
        import sys
        from awsglue.transforms import *
        from awsglue.utils import getResolvedOptions
        from pyspark.context import SparkContext
        from awsglue.context import GlueContext
        from awsglue.job import Job

        args = getResolvedOptions(sys.argv, ['JOB_NAME', 'output'])
        sc = SparkContext()
        glueContext = GlueContext(sc)
        spark = glueContext.spark_session
        job = Job(glueContext)
        job.init(args['JOB_NAME'], args)
        logger = glueContext.get_logger()

        datasource0 = glueContext.create_dynamic_frame.from_options(
            connection_type="s3", format="csv",
            connection_options={{"paths": ["{tmp_path / 'in'}"], "recurse": True}},
            format_options={{"withHeader": True, "separator": ","}},
            transformation_ctx="datasource0")
        applymapping1 = ApplyMapping.apply(frame=datasource0, mappings=[
            ("id", "long", "person_id", "long"), ("name", "string", "name", "string"),
            ("age", "string", "age", "int"), ("nick", "string", "nick", "string")],
            transformation_ctx="applymapping1")
        resolvechoice2 = ResolveChoice.apply(frame=applymapping1, choice="make_struct",
                                             transformation_ctx="resolvechoice2")
        dropnullfields3 = DropNullFields.apply(frame=resolvechoice2,
                                               transformation_ctx="dropnullfields3")
        logger.info("rows: %d" % dropnullfields3.count())
        datasink4 = glueContext.write_dynamic_frame.from_options(
            frame=dropnullfields3, connection_type="s3",
            connection_options={{"path": args['output']}}, format="parquet",
            transformation_ctx="datasink4")
        job.commit()
        """, "--JOB_NAME", "template", "--output", str(tmp_path / "out"),
        "--job-bookmark-option", "job-bookmark-disable", "--TempDir", str(tmp_path / "tmp"))
    assert done.returncode == 0, done.stderr
    assert "rows: 3" in done.stderr
    import pyarrow.parquet as pq
    table = pq.read_table(tmp_path / "out")
    assert table.column_names == ["person_id", "name", "age"]  # nick: null everywhere
    assert table.to_pylist() == [{"person_id": 1, "name": "Ann", "age": 30},
                                 {"person_id": 2, "name": "Bob", "age": None},
                                 {"person_id": 3, "name": "Cid", "age": None}]


def test_get_or_create_boilerplate_and_a_spark_call_in_a_script(tmp_path):
    """The join-and-relationalize sample's start, then a toDF() the native
    engine cannot run: the script fails with the documented message."""
    (tmp_path / "p.json").write_text('{"id": 1, "name": "Ann"}\n')
    done = run_script(tmp_path, f"""
        import sys
        from awsglue.transforms import *
        from awsglue.utils import getResolvedOptions
        from pyspark.context import SparkContext
        from awsglue.context import GlueContext
        from awsglue.job import Job

        glueContext = GlueContext(SparkContext.getOrCreate())
        persons = glueContext.create_dynamic_frame.from_options(
            "s3", {{"paths": ["{tmp_path / 'p.json'}"]}}, format="json")
        print("Count:", persons.count())
        persons.printSchema()
        persons.toDF().show()
        """)
    assert done.returncode == 1
    assert "Count: 1" in done.stdout and "root" in done.stdout
    assert "awsglue._errors.SparkEngineRequired: DynamicFrame.toDF() needs the Spark engine" \
        in done.stderr


def test_spark_context_boilerplate(fresh_spark):
    from pyspark import SparkConf
    from pyspark.context import SparkContext
    sc = SparkContext.getOrCreate(SparkConf().setAppName("etl").set("spark.x", "1"))
    assert SparkContext.getOrCreate() is sc
    assert sc.appName == "etl" and sc.getConf().get("spark.x") == "1"
    assert sc.version.startswith("3.")
    assert sc.defaultParallelism >= 1
    sc.setLogLevel("WARN")
    with pytest.raises(ValueError, match="unknown level"):
        sc.setLogLevel("LOUD")
    with pytest.raises(ValueError, match="multiple SparkContexts"):
        SparkContext()
    sc.stop()
    assert SparkContext.getOrCreate() is not sc


def test_spark_session_boilerplate(fresh_spark):
    from pyspark.sql import SparkSession
    from awsglue.context import GlueContext
    spark = (SparkSession.builder.appName("job").config("spark.sql.shuffle.partitions", "4")
             .enableHiveSupport().getOrCreate())
    assert SparkSession.builder.getOrCreate() is spark
    assert spark.sparkContext.appName == "job"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "4"
    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
    glue = GlueContext(spark.sparkContext)
    assert glue.spark_session.sparkContext is spark.sparkContext
    spark.stop()


def test_every_spark_only_call_raises_naming_the_call(fresh_spark):
    from pyspark.context import SparkContext
    from pyspark.sql import DataFrame, SparkSession, SQLContext
    from pyspark.sql import functions as F
    from awsglue.context import GlueContext
    sc = SparkContext.getOrCreate()
    spark = GlueContext(sc).spark_session
    calls = {
        "SparkSession.sql()": lambda: spark.sql("select 1"),
        "SparkSession.read": lambda: spark.read.csv("x"),
        "SparkSession.createDataFrame()": lambda: spark.createDataFrame([(1,)], ["a"]),
        "SparkSession.table()": lambda: spark.table("t"),
        "SparkContext.parallelize()": lambda: sc.parallelize([1, 2]),
        "SparkContext.textFile()": lambda: sc.textFile("x"),
        "pyspark.sql.functions.col()": lambda: F.col("a"),
        "pyspark.sql.functions.some_new_function()": lambda: F.some_new_function("a"),
        "pyspark.sql.DataFrame": lambda: DataFrame(None, None),
        "SQLContext.sql()": lambda: SQLContext(sc).sql("select 1"),
        # Reaching for the JVM, as scripts do for log4j or Hadoop settings.
        "SparkContext._jvm": lambda: sc._jvm.org.apache.log4j.LogManager,
        "SparkContext._jsc": lambda: sc._jsc.hadoopConfiguration(),
        "SparkContext._gateway": lambda: SparkContext._gateway,
        "SparkSession._jsparkSession": lambda: spark._jsparkSession,
        "SparkSession._jvm": lambda: spark._jvm,
        "GlueContext._jvm": lambda: GlueContext(sc)._jvm,
        "GlueContext._glue_scala_context": lambda: GlueContext(sc)._glue_scala_context,
        "pyspark.RDD": lambda: __import__("pyspark").RDD(None, None),
        "SparkFiles.get()": lambda: __import__("pyspark").SparkFiles.get("x.conf"),
        "pyspark.sql.Window.partitionBy()":
            lambda: __import__("pyspark.sql").sql.Window.partitionBy("a"),
    }
    for name, call in calls.items():
        with pytest.raises(SparkEngineRequired) as info:
            call()
        assert str(info.value).startswith(f"{name} needs the Spark engine"), str(info.value)
        assert "Mortar does not have yet" in str(info.value)
        assert isinstance(info.value, NotImplementedError)


def test_star_imports_of_functions_and_types():
    namespace = {}
    exec("from pyspark.sql.functions import *\nfrom pyspark.sql.types import *", namespace)
    assert "col" in namespace and "when" in namespace
    StructType, StructField = namespace["StructType"], namespace["StructField"]
    schema = StructType([StructField("a", namespace["LongType"]()),
                         StructField("b", namespace["ArrayType"](namespace["StringType"]()))])
    assert schema.simpleString() == "struct<a:bigint,b:array<string>>"
    assert schema.fieldNames() == ["a", "b"]
    Row = namespace["Row"]
    row = Row(a=1, b="x")
    assert row.a == 1 and row["b"] == "x" and row.asDict() == {"a": 1, "b": "x"}


def test_join_and_relationalize_sample_runs(tmp_path):
    """AWS's join-and-relationalize sample (legislators), its calls unchanged,
    reading JSON Lines files instead of crawled tables."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "persons.json").write_text(
        '{"id": "p1", "name": "Ann", "contact_details": [{"type": "email", "value": "a@x"},'
        ' {"type": "phone", "value": "1"}]}\n'
        '{"id": "p2", "name": "Bob", "contact_details": []}\n')
    (data / "memberships.json").write_text(
        '{"person_id": "p1", "organization_id": "o1", "role": "member"}\n'
        '{"person_id": "p2", "organization_id": "o1", "role": "chair"}\n')
    (data / "orgs.json").write_text(
        '{"id": "o1", "name": "Senate", "classification": "legislature",'
        ' "other_names": [{"name": "upper"}], "identifiers": []}\n')
    done = run_script(tmp_path, f"""
        import sys
        from awsglue.transforms import *
        from awsglue.utils import getResolvedOptions
        from pyspark.context import SparkContext
        from awsglue.context import GlueContext
        from awsglue.job import Job

        glueContext = GlueContext(SparkContext.getOrCreate())
        def read(name):
            return glueContext.create_dynamic_frame.from_options(
                "s3", {{"paths": ["{data}/" + name + ".json"]}}, format="json")
        persons, memberships, orgs = read("persons"), read("memberships"), read("orgs")
        print("persons:", persons.count())
        orgs = orgs.drop_fields(['other_names', 'identifiers']) \\
                   .rename_field('id', 'org_id').rename_field('name', 'org_name')
        l_history = Join.apply(orgs, Join.apply(persons, memberships, 'id', 'person_id'),
                               'org_id', 'organization_id').drop_fields(['person_id', 'org_id'])
        print("history:", l_history.count())
        dfc = l_history.relationalize("hist_root", "{tmp_path / 'temp'}")
        print("tables:", sorted(dfc.keys()))
        for df_name in dfc.keys():
            m_df = dfc.select(df_name)
            glueContext.write_dynamic_frame.from_options(
                frame=m_df, connection_type="s3",
                connection_options={{"path": "{tmp_path / 'out'}/" + df_name}},
                format="parquet")
        """)
    assert done.returncode == 0, done.stderr
    assert "persons: 2" in done.stdout and "history: 2" in done.stdout
    assert "tables: ['hist_root', 'hist_root_contact_details']" in done.stdout
    import pyarrow.parquet as pq
    root = pq.read_table(tmp_path / "out" / "hist_root").to_pylist()
    assert sorted((r["name"], r["role"], r["org_name"]) for r in root) == [
        ("Ann", "member", "Senate"), ("Bob", "chair", "Senate")]
    contacts = pq.read_table(tmp_path / "out" / "hist_root_contact_details").to_pylist()
    ann = [r for r in root if r["name"] == "Ann"][0]
    assert sorted((c["index"], c["contact_details.val.type"]) for c in contacts
                  if c["id"] == ann["contact_details"]) == [(0, "email"), (1, "phone")]


def test_glue_studio_style_script_runs(tmp_path):
    """The shape of a script Glue Studio generates from a visual job: every
    call by keyword, as Studio writes them."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.csv").write_text(
        'id,first,last,city\n1,Ann,Lee,Paris\n2,Bob,,Oslo\n3,Cid,Roe,Paris\n')
    done = run_script(tmp_path, f"""
        import sys
        import re
        from awsglue.transforms import *
        from awsglue.utils import getResolvedOptions
        from pyspark.context import SparkContext
        from awsglue.context import GlueContext
        from awsglue.job import Job
        from awsglue import DynamicFrame

        args = getResolvedOptions(sys.argv, ["JOB_NAME"])
        sc = SparkContext()
        glueContext = GlueContext(sc)
        spark = glueContext.spark_session
        job = Job(glueContext)
        job.init(args["JOB_NAME"], args)

        S3bucket_node1 = glueContext.create_dynamic_frame.from_options(
            format_options={{"quoteChar": '"', "withHeader": True, "separator": ",",
                            "optimizePerformance": False}},
            connection_type="s3", format="csv",
            connection_options={{"paths": ["{tmp_path / 'src'}"], "recurse": True}},
            transformation_ctx="S3bucket_node1")
        ChangeSchema_node2 = ApplyMapping.apply(frame=S3bucket_node1, mappings=[
            ("id", "long", "id", "long"), ("first", "string", "name.first", "string"),
            ("last", "string", "name.last", "string"), ("city", "string", "city", "string")],
            transformation_ctx="ChangeSchema_node2")
        Filter_node3 = Filter.apply(frame=ChangeSchema_node2,
                                    f=lambda row: (bool(re.match("Par", row["city"]))),
                                    transformation_ctx="Filter_node3")
        RenameField_node4 = RenameField.apply(frame=Filter_node3, old_name="city",
                                              new_name="town",
                                              transformation_ctx="RenameField_node4")
        SplitFields_node5 = SplitFields.apply(frame=RenameField_node4, paths=["id", "town"],
                                              name1="ids", name2="names",
                                              transformation_ctx="SplitFields_node5")
        ids_node6 = SelectFromCollection.apply(dfc=SplitFields_node5,
                                               key=list(SplitFields_node5.keys())[0],
                                               transformation_ctx="ids_node6")
        Spigot_node7 = Spigot.apply(frame=ids_node6, path="{tmp_path / 'spigot'}",
                                    options={{"topk": 1}}, transformation_ctx="Spigot_node7")
        S3bucket_node8 = glueContext.write_dynamic_frame.from_options(
            frame=Spigot_node7, connection_type="s3", format="glueparquet",
            connection_options={{"path": "{tmp_path / 'out'}", "partitionKeys": ["town"]}},
            format_options={{"compression": "snappy"}}, transformation_ctx="S3bucket_node8")
        job.commit()
        """, "--JOB_NAME", "studio")
    assert done.returncode == 0, done.stderr
    import pyarrow.parquet as pq
    out = pq.read_table(tmp_path / "out" / "town=Paris").to_pylist()
    assert sorted(r["id"] for r in out) == [1, 3]
    sample, = [p for p in (tmp_path / "spigot").rglob("*") if p.is_file()]
    assert len(sample.read_text().splitlines()) == 1  # topk 1


def test_top_level_pyspark_names_import():
    """What Glue scripts and their unit tests import from `pyspark` itself,
    as PySpark 3.3 exports it (Row, SQLContext and HiveContext included)."""
    import pyspark
    namespace = {}
    exec("from pyspark import *", namespace)
    assert set(pyspark.__all__) - {"__version__"} <= set(namespace)
    from pyspark import HiveContext, Row, SQLContext, StorageLevel, TaskContext
    from pyspark.sql import Column, Window
    from pyspark.sql.utils import AnalysisException
    assert Row(a=1, b="x").asDict() == {"a": 1, "b": "x"}
    assert issubclass(HiveContext, SQLContext)
    assert StorageLevel.MEMORY_AND_DISK == StorageLevel(True, True, False, False)
    assert TaskContext.get() is None  # on the driver, as in Spark
    assert Window.unboundedPreceding < Window.currentRow == 0 < Window.unboundedFollowing
    assert issubclass(AnalysisException, Exception) and Column is not None

    class Summing(pyspark.AccumulatorParam):  # scripts define these at import time
        def zero(self, value):
            return 0
    assert Summing().zero(5) == 0


def test_script_imports_and_logger_under_mortar_run(run_script):
    """Through `mortar run`: a script importing what real Glue scripts import
    from `pyspark`, logging with glueContext.get_logger(), then reaching for
    log4j through the JVM fails with the Spark-engine error naming the call."""
    proc = run_script("""
        import sys
        from pyspark import Row, SparkConf, SparkContext, SQLContext, StorageLevel
        from pyspark.sql import HiveContext, SparkSession, Window
        from pyspark.sql.utils import AnalysisException
        from awsglue.context import GlueContext
        from awsglue.utils import getResolvedOptions

        args = getResolvedOptions(sys.argv, ["JOB_NAME"])
        sc = SparkContext.getOrCreate(SparkConf().setAppName(args["JOB_NAME"]))
        glueContext = GlueContext(sc)
        logger = glueContext.get_logger()
        logger.info("first row: %s" % (Row(id=1, name="Ann"),))
        logger.warn("storage: %s" % (StorageLevel.MEMORY_AND_DISK,))
        log4j = sc._jvm.org.apache.log4j
        print("not reached")
    """, "--JOB_NAME", "imports")
    assert proc.returncode == 1
    assert "INFO [glue] first row: Row(id=1, name='Ann')" in proc.stderr
    assert "WARNING [glue] storage: StorageLevel(True, True, False, False, 1)" in proc.stderr
    assert "SparkEngineRequired: SparkContext._jvm needs the Spark engine" in proc.stderr
    assert "not reached" not in proc.stdout
