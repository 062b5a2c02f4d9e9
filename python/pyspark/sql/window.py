"""Window specifications are Column expressions, which only run on Spark;
the frame boundary constants are Spark's values."""
from pyspark._stub import spark_only, spark_only_class


class Window:
    unboundedPreceding = -(1 << 63)
    unboundedFollowing = (1 << 63) - 1
    currentRow = 0

    partitionBy = staticmethod(spark_only("pyspark.sql.Window.partitionBy()"))
    orderBy = staticmethod(spark_only("pyspark.sql.Window.orderBy()"))
    rowsBetween = staticmethod(spark_only("pyspark.sql.Window.rowsBetween()"))
    rangeBetween = staticmethod(spark_only("pyspark.sql.Window.rangeBetween()"))


WindowSpec = spark_only_class("pyspark.sql.WindowSpec", __name__)
