"""Column exists for imports and type hints; only Spark makes columns."""
from pyspark._stub import spark_only_class

Column = spark_only_class("pyspark.sql.Column", __name__)
