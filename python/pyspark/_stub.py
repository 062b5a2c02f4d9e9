"""Helpers for Spark calls that need the Spark engine."""
from awsglue._errors import SparkEngineRequired


def spark_only(call):
    """A function that raises SparkEngineRequired naming `call` when called."""
    def raiser(*args, **kwargs):
        raise SparkEngineRequired(call)
    raiser.__name__ = call.rsplit(".", 1)[-1].rstrip("()")
    raiser.__doc__ = f"{call}: needs the Spark engine (not available in Mortar yet)."
    return raiser


class SparkOnlyAttribute:
    """A class attribute whose every read (on the class or an instance), as
    in `sc._jvm.org.apache.log4j`, raises SparkEngineRequired naming it: the
    JVM handles PySpark keeps have nothing behind them here."""

    def __init__(self, call):
        self._call = call

    def __get__(self, instance, owner=None):
        raise SparkEngineRequired(self._call)


def spark_only_class(qualname, module):
    """A class scripts can import, subclass and name in type hints; making
    one raises SparkEngineRequired naming it."""
    def __init__(self, *args, **kwargs):
        raise SparkEngineRequired(qualname)
    name = qualname.rsplit(".", 1)[-1]
    return type(name, (), {"__init__": __init__, "__module__": module,
                           "__doc__": f"{qualname}: needs the Spark engine (not available "
                                      "in Mortar yet)."})
