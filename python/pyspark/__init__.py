"""Mortar's minimal pyspark: just the entry points Glue script boilerplate
uses (SparkContext, SparkConf, SparkSession), so scripts written for AWS
Glue start on Mortar's native engine. Anything that needs Spark itself
(DataFrames, SQL, RDDs) raises awsglue.SparkEngineRequired naming the call."""
from pyspark.conf import SparkConf
from pyspark.context import SparkContext

__version__ = "3.3.0"
__all__ = ["SparkConf", "SparkContext"]
