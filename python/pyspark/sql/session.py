"""SparkSession: what `glueContext.spark_session` and
`SparkSession.builder...getOrCreate()` return."""
from pyspark._stub import SparkOnlyAttribute, spark_only
from pyspark.context import SparkContext
from awsglue._errors import SparkEngineRequired


class RuntimeConfig:
    """spark.conf: set/get/unset values (nothing reads them natively)."""

    def __init__(self, conf):
        self._conf = conf

    def set(self, key, value):
        self._conf.set(key, value)

    def get(self, key, default=None):
        return self._conf.get(key, default)

    def unset(self, key):
        self._conf._conf.pop(key, None)

    def isModifiable(self, key):
        return True


class _Builder:
    def __init__(self):
        self._options = {}

    def appName(self, name):
        return self.config("spark.app.name", name)

    def master(self, master):
        return self.config("spark.master", master)

    def config(self, key=None, value=None, conf=None):
        if conf is not None:
            self._options.update(conf.getAll())
        if key is not None:
            self._options[str(key)] = str(value)
        return self

    def enableHiveSupport(self):
        return self.config("spark.sql.catalogImplementation", "hive")

    def getOrCreate(self):
        if SparkSession._instantiated is not None:
            for key, value in self._options.items():
                SparkSession._instantiated.conf.set(key, value)
            return SparkSession._instantiated
        sc = SparkContext.getOrCreate()
        for key, value in self._options.items():
            sc._conf.set(key, value)
        return SparkSession(sc)


class _BuilderDescriptor:
    def __get__(self, instance, owner):
        return _Builder()  # a fresh builder each time, as Spark's


class SparkSession:
    builder = _BuilderDescriptor()
    _instantiated = None

    def __init__(self, sparkContext, jsparkSession=None, options=None):
        self._sc = sparkContext
        for key, value in (options or {}).items():
            sparkContext._conf.set(key, value)
        self.conf = RuntimeConfig(sparkContext._conf)
        if SparkSession._instantiated is None:
            SparkSession._instantiated = self

    @classmethod
    def getActiveSession(cls):
        return cls._instantiated

    @property
    def sparkContext(self):
        return self._sc

    @property
    def version(self):
        return self._sc.version

    def newSession(self):
        return SparkSession(self._sc)

    def stop(self):
        self._sc.stop()
        if SparkSession._instantiated is self:
            SparkSession._instantiated = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def read(self):
        raise SparkEngineRequired("SparkSession.read")

    @property
    def readStream(self):
        raise SparkEngineRequired("SparkSession.readStream")

    @property
    def catalog(self):
        raise SparkEngineRequired("SparkSession.catalog")

    @property
    def udf(self):
        raise SparkEngineRequired("SparkSession.udf")

    @property
    def streams(self):
        raise SparkEngineRequired("SparkSession.streams")

    _jvm = SparkOnlyAttribute("SparkSession._jvm")
    _jsc = SparkOnlyAttribute("SparkSession._jsc")
    _jsparkSession = SparkOnlyAttribute("SparkSession._jsparkSession")

    sql = spark_only("SparkSession.sql()")
    table = spark_only("SparkSession.table()")
    range = spark_only("SparkSession.range()")
    createDataFrame = spark_only("SparkSession.createDataFrame()")


class SQLContext:
    """The pre-2.0 entry point some older Glue scripts still make."""

    def __init__(self, sparkContext, sparkSession=None, jsqlContext=None):
        self.sparkSession = sparkSession or SparkSession.builder.getOrCreate()
        self._sc = sparkContext

    @property
    def read(self):
        raise SparkEngineRequired("SQLContext.read")

    _jvm = SparkOnlyAttribute("SQLContext._jvm")
    _jsc = SparkOnlyAttribute("SQLContext._jsc")
    _ssql_ctx = SparkOnlyAttribute("SQLContext._ssql_ctx")

    sql = spark_only("SQLContext.sql()")
    table = spark_only("SQLContext.table()")
    createDataFrame = spark_only("SQLContext.createDataFrame()")


class HiveContext(SQLContext):
    """The pre-2.0 Hive entry point (SQLContext with Hive support)."""
