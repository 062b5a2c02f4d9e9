"""Whole-frame transforms."""
from awsglue._native import transform_opts
from awsglue.transforms.transform import GlueTransform


class DropNullFields(GlueTransform):
    """Drops the fields that are null in every record."""

    def __call__(self, frame, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        return frame._derive(frame._frame.drop_null_fields(opts))


class DropDuplicates(GlueTransform):
    """Keeps the first record of each group of records equal on paths (all fields when none). Mortar's."""

    def __call__(self, frame, paths=None, transformation_ctx=""):
        if isinstance(paths, str):
            paths = [paths]
        return frame._derive(frame._frame.drop_duplicates(list(paths or [])))


class ErrorsAsDynamicFrame(GlueTransform):
    """The error records of the transformations that made frame, as a frame."""

    def __call__(self, frame):
        return frame.errorsAsDynamicFrame()


class Relationalize(GlueTransform):
    """Flattens nested structs and pivots arrays into a collection of flat tables."""

    def __call__(self, frame, staging_path=None, name="roottable", options=None,
                 transformation_ctx="", info="", stageThreshold=0, totalThreshold=0):
        return frame.relationalize(name, staging_path, options, transformation_ctx, info,
                                   stageThreshold, totalThreshold)

    @classmethod
    def describeReturn(cls):
        return {"type": "DynamicFrameCollection"}


class Unbox(GlueTransform):
    """Parses the JSON string at path into structured data."""

    def __call__(self, frame, path, format, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0, **options):
        return frame.unbox(path, format, transformation_ctx, info, stageThreshold,
                           totalThreshold, **options)


class UnnestFrame(GlueTransform):
    """Turns nested struct fields into top-level fields named a.b."""

    def __call__(self, frame, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        return frame.unnest(transformation_ctx, info, stageThreshold, totalThreshold)


class Union(GlueTransform):
    """All records of both frames, schemas merged."""

    def __call__(self, frame1, frame2, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        return frame1.union(frame2, transformation_ctx, info, stageThreshold, totalThreshold)


class Repartition(GlueTransform):
    """Sets the number of output files a sink writes per folder."""

    def __call__(self, frame, num_partitions, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        return frame.repartition(num_partitions, transformation_ctx, info, stageThreshold,
                                 totalThreshold)


class Coalesce(GlueTransform):
    """Sets the number of output files a sink writes per folder."""

    def __call__(self, frame, num_partitions, shuffle=False, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        return frame.coalesce(num_partitions, shuffle, transformation_ctx, info, stageThreshold,
                              totalThreshold)
