"""Shared helpers of the awsglue tests (test_awsglue_*.py, test_pyspark_shim.py)."""
import sys
import types

import pytest


@pytest.fixture
def glue_ctx():
    """A GlueContext on a fresh SparkContext (the shim keeps one active
    context, as Spark does)."""
    from pyspark.context import SparkContext
    from pyspark.sql import SparkSession
    from awsglue.context import GlueContext
    ctx = GlueContext(SparkContext.getOrCreate())
    yield ctx
    SparkContext.getOrCreate().stop()
    SparkSession._instantiated = None


def frame(records, glue_ctx=None, name="t"):
    from awsglue.dynamicframe import _from_records
    return _from_records(records, glue_ctx, name)


def rows(dyf):
    """The records of a DynamicFrame as plain dicts."""
    return dyf._frame.to_records()


def fake_module(monkeypatch, name, **functions):
    """Replaces awsglue.<name> (e.g. _catalog, _jdbc) by a module whose
    functions record their calls in `.calls` and return what `functions` say."""
    import awsglue
    module = types.ModuleType(f"awsglue.{name}")
    module.calls = []
    for fn_name, result in functions.items():
        def make(fn_name, result):
            def fn(*args, **kwargs):
                module.calls.append((fn_name, args, kwargs))
                return result(*args, **kwargs) if callable(result) else result
            return fn
        setattr(module, fn_name, make(fn_name, result))
    monkeypatch.setitem(sys.modules, f"awsglue.{name}", module)
    monkeypatch.setattr(awsglue, name, module, raising=False)
    return module
