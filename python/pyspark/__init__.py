"""Mortar's minimal pyspark: the entry points Glue script boilerplate uses
(SparkContext, SparkConf, SparkSession) and the names scripts and their unit
tests import from `pyspark` (Row, SQLContext, StorageLevel, RDD ...), so
scripts written for AWS Glue start on Mortar's native engine. Anything that
needs Spark itself (DataFrames, SQL, RDDs, the JVM) raises
awsglue.SparkEngineRequired naming the call."""
import functools

from pyspark._stub import spark_only_class
from pyspark.accumulators import Accumulator, AccumulatorParam
from pyspark.broadcast import Broadcast
from pyspark.conf import SparkConf
from pyspark.context import SparkContext
from pyspark.files import SparkFiles
from pyspark.rdd import RDD, RDDBarrier
from pyspark.storagelevel import StorageLevel
from pyspark.taskcontext import BarrierTaskContext, BarrierTaskInfo, TaskContext
from pyspark.util import InheritableThread, inheritable_thread_target
# As in PySpark, for backward compatibility.
from pyspark.sql import HiveContext, Row, SQLContext

__version__ = "3.3.0"

MarshalSerializer = spark_only_class("pyspark.MarshalSerializer", __name__)
PickleSerializer = spark_only_class("pyspark.PickleSerializer", __name__)
CPickleSerializer = spark_only_class("pyspark.CPickleSerializer", __name__)
StatusTracker = spark_only_class("pyspark.StatusTracker", __name__)
SparkJobInfo = spark_only_class("pyspark.SparkJobInfo", __name__)
SparkStageInfo = spark_only_class("pyspark.SparkStageInfo", __name__)
Profiler = spark_only_class("pyspark.Profiler", __name__)
BasicProfiler = spark_only_class("pyspark.BasicProfiler", __name__)


def since(version):
    """Marks an API as added in a Spark version (documentation only)."""
    def deco(f):
        return f
    return deco


def keyword_only(func):
    """The decorated method accepts keyword arguments only."""
    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        if args:
            raise TypeError(f"Method {func.__name__} forces keyword arguments.")
        self._input_kwargs = kwargs
        return func(self, **kwargs)
    return wrapper


__all__ = [
    "SparkConf", "SparkContext", "SparkFiles", "RDD", "StorageLevel", "Broadcast",
    "Accumulator", "AccumulatorParam", "MarshalSerializer", "PickleSerializer",
    "CPickleSerializer", "StatusTracker", "SparkJobInfo", "SparkStageInfo", "Profiler",
    "BasicProfiler", "TaskContext", "RDDBarrier", "BarrierTaskContext", "BarrierTaskInfo",
    "InheritableThread", "inheritable_thread_target", "__version__",
]
