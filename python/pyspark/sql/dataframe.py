"""DataFrame exists for imports and type hints; Mortar never makes one."""
from awsglue._errors import SparkEngineRequired


class DataFrame:
    def __init__(self, *args, **kwargs):
        raise SparkEngineRequired("pyspark.sql.DataFrame")
