"""Helpers for Spark calls that need the Spark engine."""
from awsglue._errors import SparkEngineRequired


def spark_only(call):
    """A function that raises SparkEngineRequired naming `call` when called."""
    def raiser(*args, **kwargs):
        raise SparkEngineRequired(call)
    raiser.__name__ = call.rsplit(".", 1)[-1].rstrip("()")
    raiser.__doc__ = f"{call}: needs the Spark engine (not available in Mortar yet)."
    return raiser
