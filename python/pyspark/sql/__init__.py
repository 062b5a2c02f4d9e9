"""pyspark.sql for Glue boilerplate: SparkSession (builder, sparkContext,
conf, stop) works; DataFrames and SQL raise SparkEngineRequired."""
from pyspark.sql.dataframe import DataFrame
from pyspark.sql.session import SparkSession, SQLContext
from pyspark.sql.types import Row

__all__ = ["DataFrame", "Row", "SparkSession", "SQLContext"]
