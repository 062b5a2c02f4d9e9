"""pyspark.sql.functions: importable (`from pyspark.sql.functions import *`
or by name); every function raises SparkEngineRequired when called, since
Column expressions only run on Spark."""
from pyspark._stub import spark_only

__all__ = [
    "abs", "approx_count_distinct", "array", "array_contains", "asc", "avg", "broadcast",
    "coalesce", "col", "collect_list", "collect_set", "column", "concat", "concat_ws",
    "count", "countDistinct", "current_date", "current_timestamp", "date_add", "date_format",
    "date_sub", "datediff", "dayofmonth", "desc", "explode", "explode_outer", "expr", "first",
    "floor", "from_json", "from_unixtime", "get_json_object", "greatest", "hour", "input_file_name",
    "isnan", "isnull", "last", "least", "length", "lit", "lower", "lpad", "ltrim", "max", "md5",
    "mean", "min", "minute", "month", "monotonically_increasing_id", "nanvl", "regexp_extract",
    "regexp_replace", "round", "row_number", "rpad", "rtrim", "sha1", "sha2", "size", "split",
    "sqrt", "struct", "substring", "sum", "to_date", "to_json", "to_timestamp", "trim", "udf",
    "unix_timestamp", "upper", "when", "window", "year",
]

for _name in __all__:
    globals()[_name] = spark_only(f"pyspark.sql.functions.{_name}()")
del _name


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return spark_only(f"pyspark.sql.functions.{name}()")
