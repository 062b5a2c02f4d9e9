"""pyspark.sql for Glue boilerplate: SparkSession (builder, sparkContext,
conf, stop) works; DataFrames, Columns, windows and SQL raise
SparkEngineRequired."""
from pyspark._stub import spark_only_class
from pyspark.sql.column import Column
from pyspark.sql.dataframe import DataFrame
from pyspark.sql.session import HiveContext, SparkSession, SQLContext
from pyspark.sql.types import Row
from pyspark.sql.window import Window, WindowSpec

GroupedData = spark_only_class("pyspark.sql.GroupedData", __name__)
DataFrameReader = spark_only_class("pyspark.sql.DataFrameReader", __name__)
DataFrameWriter = spark_only_class("pyspark.sql.DataFrameWriter", __name__)
DataFrameNaFunctions = spark_only_class("pyspark.sql.DataFrameNaFunctions", __name__)
DataFrameStatFunctions = spark_only_class("pyspark.sql.DataFrameStatFunctions", __name__)
UDFRegistration = spark_only_class("pyspark.sql.UDFRegistration", __name__)
Catalog = spark_only_class("pyspark.sql.Catalog", __name__)

__all__ = ["SparkSession", "SQLContext", "HiveContext", "UDFRegistration", "DataFrame",
           "GroupedData", "Column", "Catalog", "Row", "DataFrameNaFunctions",
           "DataFrameStatFunctions", "Window", "WindowSpec", "DataFrameReader",
           "DataFrameWriter"]
