"""Transforms that run a Python function on each record."""
from awsglue.transforms.transform import GlueTransform


class Filter(GlueTransform):
    """Keeps the records for which f(record) is true."""

    def __call__(self, frame, f, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        return frame.filter(f, transformation_ctx, info, stageThreshold, totalThreshold)


class Map(GlueTransform):
    """Replaces each record by f(record)."""

    def __call__(self, frame, f, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        return frame.map(f, transformation_ctx, info, stageThreshold, totalThreshold)
