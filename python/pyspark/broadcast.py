"""Broadcast variables are made by SparkContext.broadcast() (Spark only)."""
from pyspark._stub import spark_only_class

Broadcast = spark_only_class("pyspark.Broadcast", __name__)
