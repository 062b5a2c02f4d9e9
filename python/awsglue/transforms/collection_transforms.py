"""Transforms over DynamicFrameCollections."""
from awsglue.transforms.transform import GlueTransform


class SelectFromCollection(GlueTransform):
    """The frame named key of a collection."""

    def __call__(self, dfc, key, transformation_ctx=""):
        return dfc.select(key, transformation_ctx)


def _per_frame(BaseTransform, frame_name, base_kwargs):
    def run(frame, transformation_ctx):
        return BaseTransform.apply(**{frame_name: frame, "transformation_ctx": transformation_ctx},
                                   **base_kwargs)
    return run


class MapToCollection(GlueTransform):
    """Applies BaseTransform to every frame of a collection (the frame passed as frame_name)."""

    def __call__(self, dfc, BaseTransform, frame_name="frame", transformation_ctx="",
                 **base_kwargs):
        return dfc.map(_per_frame(BaseTransform, frame_name, base_kwargs), transformation_ctx)

    @classmethod
    def describeReturn(cls):
        return {"type": "DynamicFrameCollection"}


class FlatMap(GlueTransform):
    """Applies BaseTransform to every frame of a collection, flattening collections it returns."""

    def __call__(self, dfc, BaseTransform, frame_name="frame", transformation_ctx="",
                 **base_kwargs):
        return dfc.flatmap(_per_frame(BaseTransform, frame_name, base_kwargs),
                           transformation_ctx)

    @classmethod
    def describeReturn(cls):
        return {"type": "DynamicFrameCollection"}
