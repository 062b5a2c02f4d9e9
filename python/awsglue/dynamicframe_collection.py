"""Glue's DynamicFrameCollection: named DynamicFrames (what split_fields,
split_rows and relationalize return)."""


class DynamicFrameCollection:
    def __init__(self, dynamic_frames, glue_ctx):
        from awsglue.dynamicframe import DynamicFrame
        if isinstance(dynamic_frames, list):
            frames = {f.name: f for f in dynamic_frames}
        elif isinstance(dynamic_frames, dict):
            frames = dict(dynamic_frames)
        else:
            raise TypeError("dynamic_frames must be a list or a dict of DynamicFrames, not "
                            f"{type(dynamic_frames).__name__}")
        for key, frame in frames.items():
            if not isinstance(frame, DynamicFrame):
                raise TypeError(f"'{key}' is a {type(frame).__name__}, not a DynamicFrame")
        self._df_dict = frames
        self._glue_ctx = glue_ctx

    def __getitem__(self, key):
        try:
            return self._df_dict[key]
        except KeyError:
            raise KeyError(f"no frame named {key!r} in the collection "
                           f"(frames: {sorted(self._df_dict)})") from None

    def __len__(self):
        return len(self._df_dict)

    def __iter__(self):
        return iter(self._df_dict)

    def __contains__(self, key):
        return key in self._df_dict

    def __repr__(self):
        return f"DynamicFrameCollection({sorted(self._df_dict)})"

    def keys(self):
        return self._df_dict.keys()

    def values(self):
        return self._df_dict.values()

    def items(self):
        return self._df_dict.items()

    def select(self, key, transformation_ctx=""):
        """The frame named key; an empty frame named key when there is none (as Glue)."""
        if key in self._df_dict:
            return self._df_dict[key]
        from awsglue.dynamicframe import _from_records
        return _from_records([], self._glue_ctx, key)

    def map(self, callable, transformation_ctx=""):
        """callable(frame, transformation_ctx) on every frame -> a new collection."""
        from awsglue.dynamicframe import DynamicFrame
        out = {}
        for key, frame in self._df_dict.items():
            result = callable(frame, f"{transformation_ctx}:{key}")
            if not isinstance(result, DynamicFrame):
                raise TypeError(f"the function given to map must return a DynamicFrame, "
                                f"not {type(result).__name__}")
            out[key] = result
        return DynamicFrameCollection(out, self._glue_ctx)

    def flatmap(self, f, transformation_ctx=""):
        """f(frame, transformation_ctx) -> a DynamicFrame (kept under its name)
        or a DynamicFrameCollection (its frames are added)."""
        from awsglue.dynamicframe import DynamicFrame
        out = {}
        for frame in self._df_dict.values():
            result = f(frame, f"{transformation_ctx}:{frame.name}")
            if isinstance(result, DynamicFrame):
                out[result.name] = result
            elif isinstance(result, DynamicFrameCollection):
                out.update(result._df_dict)
            else:
                raise TypeError("the function given to flatmap must return a DynamicFrame or "
                                f"a DynamicFrameCollection, not {type(result).__name__}")
        return DynamicFrameCollection(out, self._glue_ctx)
