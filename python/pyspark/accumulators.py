"""Accumulators are made by SparkContext.accumulator() (Spark only);
AccumulatorParam stays a base class scripts can subclass."""
from pyspark._stub import spark_only_class

Accumulator = spark_only_class("pyspark.Accumulator", __name__)


class AccumulatorParam:
    def zero(self, value):
        raise NotImplementedError

    def addInPlace(self, value1, value2):
        raise NotImplementedError
