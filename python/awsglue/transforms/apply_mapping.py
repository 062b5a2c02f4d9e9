from awsglue.transforms.transform import GlueTransform


class ApplyMapping(GlueTransform):
    """Renames, casts and nests fields with (source, source_type, target, target_type) tuples; unmapped fields are dropped."""

    def __call__(self, frame, mappings, case_sensitive=False, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        return frame.apply_mapping(mappings, case_sensitive, transformation_ctx, info,
                                   stageThreshold, totalThreshold)
