"""SparkContext for Glue boilerplate: getOrCreate(), setLogLevel(), stop(),
appName, version ... work; RDD work raises SparkEngineRequired."""
import getpass
import logging
import os
import time

from pyspark._stub import SparkOnlyAttribute, spark_only
from pyspark.conf import SparkConf

_LEVELS = {"ALL": logging.NOTSET, "TRACE": logging.DEBUG, "DEBUG": logging.DEBUG,
           "INFO": logging.INFO, "WARN": logging.WARNING, "ERROR": logging.ERROR,
           "FATAL": logging.CRITICAL, "OFF": logging.CRITICAL + 10}


class SparkContext:
    _active_spark_context = None

    def __init__(self, master=None, appName=None, sparkHome=None, pyFiles=None,
                 environment=None, batchSize=0, serializer=None, conf=None, gateway=None,
                 jsc=None, profiler_cls=None):
        if SparkContext._active_spark_context is not None:
            raise ValueError("Cannot run multiple SparkContexts at once; use "
                             "SparkContext.getOrCreate() or stop() the existing one")
        self._conf = SparkConf().setAll((conf or SparkConf()).getAll())
        if master:
            self._conf.setMaster(master)
        if appName:
            self._conf.setAppName(appName)
        self._conf.setIfMissing("spark.master", "local[*]")
        self._conf.setIfMissing("spark.app.name", "mortar")
        self.environment = dict(environment or {})
        self.startTime = int(time.time() * 1000)
        self._stopped = False
        SparkContext._active_spark_context = self

    @classmethod
    def getOrCreate(cls, conf=None):
        if cls._active_spark_context is None:
            cls(conf=conf)
        return cls._active_spark_context

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return f"<SparkContext master={self.master} appName={self.appName} (Mortar)>"

    @property
    def version(self):
        import pyspark
        return pyspark.__version__

    @property
    def appName(self):
        return self._conf.get("spark.app.name")

    @property
    def master(self):
        return self._conf.get("spark.master")

    @property
    def applicationId(self):
        return f"local-{self.startTime}"

    @property
    def defaultParallelism(self):
        return os.cpu_count() or 1

    @property
    def defaultMinPartitions(self):
        return min(self.defaultParallelism, 2)

    @property
    def uiWebUrl(self):
        return None

    def sparkUser(self):
        return getpass.getuser()

    def getConf(self):
        return SparkConf().setAll(self._conf.getAll())

    def setLogLevel(self, logLevel):
        level = str(logLevel).upper()
        if level not in _LEVELS:
            raise ValueError(f"setLogLevel: unknown level {logLevel!r} (valid: "
                             f"{', '.join(_LEVELS)})")
        logging.getLogger("awsglue").setLevel(_LEVELS[level])

    def setJobGroup(self, groupId, description, interruptOnCancel=False):
        pass

    def setLocalProperty(self, key, value):
        self._conf.set(f"local.{key}", value)

    def getLocalProperty(self, key):
        return self._conf.get(f"local.{key}")

    def stop(self):
        self._stopped = True
        if SparkContext._active_spark_context is self:
            SparkContext._active_spark_context = None

    # PySpark's handles on the JVM (sc._jvm.org.apache.log4j ...,
    # sc._jsc.hadoopConfiguration()): there is no JVM behind Mortar's.
    _jvm = SparkOnlyAttribute("SparkContext._jvm")
    _jsc = SparkOnlyAttribute("SparkContext._jsc")
    _gateway = SparkOnlyAttribute("SparkContext._gateway")

    parallelize = spark_only("SparkContext.parallelize()")
    textFile = spark_only("SparkContext.textFile()")
    wholeTextFiles = spark_only("SparkContext.wholeTextFiles()")
    binaryFiles = spark_only("SparkContext.binaryFiles()")
    emptyRDD = spark_only("SparkContext.emptyRDD()")
    range = spark_only("SparkContext.range()")
    union = spark_only("SparkContext.union()")
    broadcast = spark_only("SparkContext.broadcast()")
    accumulator = spark_only("SparkContext.accumulator()")
    addFile = spark_only("SparkContext.addFile()")
    addPyFile = spark_only("SparkContext.addPyFile()")
    runJob = spark_only("SparkContext.runJob()")
