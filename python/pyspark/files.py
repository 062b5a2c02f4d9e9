"""SparkFiles: files shipped with SparkContext.addFile, which needs Spark."""
from pyspark._stub import spark_only


class SparkFiles:
    get = staticmethod(spark_only("SparkFiles.get()"))
    getRootDirectory = staticmethod(spark_only("SparkFiles.getRootDirectory()"))
