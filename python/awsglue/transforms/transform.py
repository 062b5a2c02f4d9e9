"""GlueTransform: the base of every transform class. `Cls.apply(...)` makes
an instance and calls it; describe*() report the call's arguments (read
from the __call__ signature) for tools that list transforms."""
import inspect


class GlueTransform:
    @classmethod
    def apply(cls, *args, **kwargs):
        return cls()(*args, **kwargs)

    @classmethod
    def name(cls):
        return cls.__name__

    @classmethod
    def describeArgs(cls):
        params = list(inspect.signature(cls.__call__).parameters.values())[1:]
        return [{"name": p.name,
                 "optional": p.default is not inspect.Parameter.empty,
                 "defaultValue": None if p.default is inspect.Parameter.empty else p.default}
                for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    @classmethod
    def describeTransform(cls):
        return (inspect.getdoc(cls) or "").split("\n")[0]

    @classmethod
    def describeErrors(cls):
        return []

    @classmethod
    def describeReturn(cls):
        return {"type": "DynamicFrame"}

    @classmethod
    def describe(cls):
        return {"transform": {"name": cls.name(), "description": cls.describeTransform()},
                "args": cls.describeArgs(), "returns": cls.describeReturn(),
                "raises": cls.describeErrors()}
