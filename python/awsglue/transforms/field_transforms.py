"""Field-level transforms and Join/Spigot, as Glue groups them."""
from awsglue.transforms.transform import GlueTransform


class RenameField(GlueTransform):
    """Renames (or moves) the field at old_name to new_name."""

    def __call__(self, frame, old_name, new_name, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        return frame.rename_field(old_name, new_name, transformation_ctx, info, stageThreshold,
                                  totalThreshold)


class DropFields(GlueTransform):
    """Drops the fields at the given paths."""

    def __call__(self, frame, paths, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        return frame.drop_fields(paths, transformation_ctx, info, stageThreshold, totalThreshold)


class SelectFields(GlueTransform):
    """Keeps only the fields at the given paths."""

    def __call__(self, frame, paths, transformation_ctx="", info="", stageThreshold=0,
                 totalThreshold=0):
        return frame.select_fields(paths, transformation_ctx, info, stageThreshold,
                                   totalThreshold)


class SplitFields(GlueTransform):
    """Splits a frame in two: the given paths (name1) and all other fields (name2)."""

    def __call__(self, frame, paths, name1=None, name2=None, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        base = frame.name or "frame"  # Glue's default names: <frame>1, <frame>2
        name1 = base + "1" if name1 is None else name1
        name2 = base + "2" if name2 is None else name2
        return frame.split_fields(paths, name1, name2, transformation_ctx, info, stageThreshold,
                                  totalThreshold)


class SplitRows(GlueTransform):
    """Splits a frame's records in two by comparisons such as {"age": {">": 10}}."""

    def __call__(self, frame, comparison_dict, name1="frame1", name2="frame2",
                 transformation_ctx="", info="", stageThreshold=0, totalThreshold=0):
        return frame.split_rows(comparison_dict, name1, name2, transformation_ctx, info,
                                stageThreshold, totalThreshold)


class Join(GlueTransform):
    """Inner equi-join of two frames on keys1 = keys2."""

    def __call__(self, frame1, frame2, keys1, keys2, transformation_ctx=""):
        return frame1.join(keys1, keys2, frame2, transformation_ctx)


class Spigot(GlueTransform):
    """Writes a sample of the records (options topk, prob) as JSON under path; records pass unchanged."""

    def __call__(self, frame, path, options, transformation_ctx=""):
        return frame.spigot(path, options, transformation_ctx)
