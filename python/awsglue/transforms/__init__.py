"""awsglue.transforms: Glue's transform classes (`from awsglue.transforms
import *` as in Glue scripts). Each has `Cls.apply(frame=..., ...)`."""
import json

from awsglue.transforms.transform import GlueTransform
from awsglue.transforms.apply_mapping import ApplyMapping
from awsglue.transforms.resolve_choice import ResolveChoice
from awsglue.transforms.field_transforms import (DropFields, Join, RenameField, SelectFields,
                                                 Spigot, SplitFields, SplitRows)
from awsglue.transforms.collection_transforms import FlatMap, MapToCollection, SelectFromCollection
from awsglue.transforms.record_transforms import Filter, Map
from awsglue.transforms.frame_transforms import (Coalesce, DropDuplicates, DropNullFields,
                                                 ErrorsAsDynamicFrame, Relationalize,
                                                 Repartition, Unbox, Union, UnnestFrame)

ALL_TRANSFORMS = {ApplyMapping, ResolveChoice, DropFields, Join, RenameField, SelectFields,
                  Spigot, SplitFields, SplitRows, FlatMap, MapToCollection, SelectFromCollection,
                  Filter, Map, Coalesce, DropDuplicates, DropNullFields, ErrorsAsDynamicFrame,
                  Relationalize, Repartition, Unbox, Union, UnnestFrame}

__all__ = sorted(t.__name__ for t in ALL_TRANSFORMS) + ["GlueTransform"]


def get_transforms():
    return {t() for t in ALL_TRANSFORMS}


def get_transform(name):
    for t in ALL_TRANSFORMS:
        if t.name().lower() == str(name).lower():
            return t()
    return None


def describe_transform(name):
    t = get_transform(name)
    return json.dumps(t.describe() if t else {}, sort_keys=True, indent=4, default=str)
