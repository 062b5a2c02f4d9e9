"""Errors the awsglue package raises itself (engine errors arrive as
_mortar.MortarError with .code and .message)."""


class SparkEngineRequired(NotImplementedError):
    """A Spark feature (DataFrames, SQL, RDDs, streaming) was used. Mortar runs
    DynamicFrame work on its native engine and has no Spark engine yet."""

    def __init__(self, call):
        self.call = call
        super().__init__(
            f"{call} needs the Spark engine, which Mortar does not have yet: Mortar runs "
            "DynamicFrame transforms natively (see python/README.md for what runs); "
            "rewrite this step with DynamicFrame methods or awsglue.transforms")


class GlueArgumentError(Exception):
    """A job argument is missing or malformed (getResolvedOptions)."""


class GlueOptionError(ValueError):
    """A connection_options / format_options entry Mortar does not understand."""
