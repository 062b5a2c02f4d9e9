"""Mortar's awsglue: AWS Glue's Python ETL API (GlueContext, DynamicFrame,
transforms, getResolvedOptions, Job) running on Mortar's native engine
(the _mortar module) instead of Spark. See python/README.md."""
from awsglue._errors import SparkEngineRequired

__version__ = "4.0.0+mortar"


def __getattr__(name):
    # Lazy so that `import awsglue.utils` works without the native module.
    if name in ("DynamicFrame", "DynamicFrameCollection"):
        from awsglue import dynamicframe
        return getattr(dynamicframe, name)
    raise AttributeError(f"module 'awsglue' has no attribute {name!r}")


__all__ = ["DynamicFrame", "DynamicFrameCollection", "SparkEngineRequired"]
