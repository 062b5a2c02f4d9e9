"""RDD exists for imports and type hints; Mortar never makes one."""
from pyspark._stub import spark_only_class

RDD = spark_only_class("pyspark.RDD", __name__)
RDDBarrier = spark_only_class("pyspark.RDDBarrier", __name__)
