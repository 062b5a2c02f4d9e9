"""Glue's DynamicFrame on Mortar's native engine: every method builds a new
lazy native frame (_mortar.Frame); nothing runs until an action (count,
show, schema, a sink). Names, argument names and defaults are Glue's."""
from awsglue._errors import SparkEngineRequired
from awsglue._native import native, transform_opts
from awsglue import gluetypes


def _paths(value, what):
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(p, str) for p in value):
        return list(value)
    raise TypeError(f"{what} must be a string or a list of strings, not {value!r}")


class ResolveOption:
    """Glue's toDF() resolve option (path, action, target); kept so scripts
    importing it load. toDF itself needs the Spark engine."""

    def __init__(self, path, action, target=None):
        self.path, self.action, self.target = path, action, target


class DynamicFrame:
    """A distributed-in-Glue, native-in-Mortar table of self-describing
    records. `frame` is the engine's _mortar.Frame."""

    def __init__(self, frame, glue_ctx, name="", _parents=()):
        self._frame = frame
        self.glue_ctx = glue_ctx
        self.name = name
        self._parents = tuple(_parents)  # for stageErrorsCount
        self._schema = None

    def _derive(self, frame, name=None, parents=None):
        return DynamicFrame(frame, self.glue_ctx, self.name if name is None else name,
                            (self,) if parents is None else parents)

    # --- names ------------------------------------------------------------
    def getName(self):
        return self.name

    def setName(self, name):
        self.name = name
        return self

    def __repr__(self):
        return f"DynamicFrame(name={self.name!r})"

    # --- actions ----------------------------------------------------------
    def schema(self):
        if self._schema is None:
            self._schema = gluetypes._from_schema_dict(self._frame.schema())
        return self._schema

    def printSchema(self):
        print(self._frame.print_schema())

    def show(self, num_rows=20):
        print(self._frame.show(int(num_rows)))

    def count(self):
        return self._frame.count()

    def getNumPartitions(self):
        return max(1, self._frame.num_partitions())

    def errorsAsDynamicFrame(self):
        return DynamicFrame(self._frame.errors_frame(), self.glue_ctx, self.name)

    def errorsCount(self):
        """Error records of every transformation that led to this frame."""
        return self._frame.errors_count()

    def stageErrorsCount(self):
        """Error records of the transformation that made this frame."""
        return self._frame.errors_count() - sum(p.errorsCount() for p in self._parents)

    def assertErrorThreshold(self):
        """Runs the frame's plan; raises (MortarError) when a stageThreshold or
        totalThreshold of its transformations is exceeded."""
        self._frame.count()

    # --- Spark-only -------------------------------------------------------
    def toDF(self, options=None):
        raise SparkEngineRequired("DynamicFrame.toDF()")

    @classmethod
    def fromDF(cls, dataframe, glue_ctx, name):
        raise SparkEngineRequired("DynamicFrame.fromDF()")

    def mapPartitions(self, f, preservesPartitioning=True):
        raise SparkEngineRequired("DynamicFrame.mapPartitions()")

    def mapPartitionsWithIndex(self, f, preservesPartitioning=False):
        raise SparkEngineRequired("DynamicFrame.mapPartitionsWithIndex()")

    # --- transforms -------------------------------------------------------
    def apply_mapping(self, mappings, case_sensitive=False, transformation_ctx="", info="",
                      stageThreshold=0, totalThreshold=0):
        if isinstance(mappings, tuple):
            mappings = [mappings]
        checked = []
        for m in mappings or []:
            if (not isinstance(m, (tuple, list)) or len(m) != 4
                    or not all(isinstance(x, str) for x in m)):
                raise ValueError("apply_mapping: each mapping must be a 4-tuple "
                                 f"(source_path, source_type, target_path, target_type), not {m!r}")
            checked.append(tuple(m))
        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        return self._derive(self._frame.apply_mapping(checked, bool(case_sensitive), opts))

    def applyMapping(self, *args, **kwargs):
        return self.apply_mapping(*args, **kwargs)

    def resolveChoice(self, specs=None, choice="", database=None, table_name=None,
                      transformation_ctx="", info="", stageThreshold=0, totalThreshold=0,
                      catalog_id=None):
        if specs is None and not choice:
            raise ValueError("resolveChoice needs either specs or choice")
        if specs is not None and choice:
            raise ValueError("resolveChoice takes specs or choice, not both")
        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        if choice and choice.lower() == "match_catalog":
            if not database or not table_name:
                raise ValueError("resolveChoice(choice='match_catalog') needs database and "
                                 "table_name")
            from awsglue import _catalog
            specs = _catalog.match_catalog_specs(self._frame.schema(), database, table_name,
                                                 catalog_id=catalog_id)
            return self._derive(self._frame.resolve_choice(list(specs), "", opts))
        if isinstance(specs, tuple):
            specs = [specs]
        checked = []
        for s in specs or []:
            if (not isinstance(s, (tuple, list)) or len(s) != 2
                    or not all(isinstance(x, str) for x in s)):
                raise ValueError(f"resolveChoice: each spec must be a (path, action) tuple, "
                                 f"not {s!r}")
            checked.append(tuple(s))
        return self._derive(self._frame.resolve_choice(checked, choice or "", opts))

    def select_fields(self, paths, transformation_ctx="", info="", stageThreshold=0,
                      totalThreshold=0):
        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        return self._derive(self._frame.select_fields(_paths(paths, "paths"), opts))

    def drop_fields(self, paths, transformation_ctx="", info="", stageThreshold=0,
                    totalThreshold=0):
        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        return self._derive(self._frame.drop_fields(_paths(paths, "paths"), opts))

    def rename_field(self, oldName, newName, transformation_ctx="", info="", stageThreshold=0,
                     totalThreshold=0):
        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        return self._derive(self._frame.rename_field(oldName, newName, opts))

    def filter(self, f, transformation_ctx="", info="", stageThreshold=0, totalThreshold=0):
        if not callable(f):
            raise TypeError(f"filter takes a function of a DynamicRecord, not {f!r}")

        def keep(record):
            try:
                return bool(f(record))
            except (KeyError, ValueError, TypeError):
                # As in Glue: a record the predicate cannot read is filtered
                # out; other exceptions become error records.
                return False

        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        return self._derive(self._frame.filter(keep, opts))

    def map(self, f, transformation_ctx="", info="", stageThreshold=0, totalThreshold=0):
        if not callable(f):
            raise TypeError(f"map takes a function of a DynamicRecord, not {f!r}")

        def apply(record):
            result = f(record)
            if result is None:
                raise TypeError("the map function returned None instead of a DynamicRecord")
            return result

        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        return self._derive(self._frame.map(apply, opts))

    def join(self, paths1, paths2, frame2, transformation_ctx="", info="", stageThreshold=0,
             totalThreshold=0):
        if not isinstance(frame2, DynamicFrame):
            raise TypeError(f"join: frame2 must be a DynamicFrame, not {type(frame2).__name__}")
        keys1, keys2 = _paths(paths1, "paths1"), _paths(paths2, "paths2")
        if len(keys1) != len(keys2) or not keys1:
            raise ValueError(f"join: paths1 and paths2 must name the same number of keys "
                             f"(got {keys1} and {keys2})")
        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        return self._derive(self._frame.join(keys1, frame2._frame, keys2, opts),
                            name=self.name + frame2.name, parents=(self, frame2))

    def union(self, other_frame, transformation_ctx="", info="", stageThreshold=0,
              totalThreshold=0):
        if not isinstance(other_frame, DynamicFrame):
            raise TypeError(f"union takes a DynamicFrame, not {type(other_frame).__name__}")
        return self._derive(self._frame.union(other_frame._frame),
                            parents=(self, other_frame))

    def mergeDynamicFrame(self, stage_dynamic_frame, primary_keys, transformation_ctx="",
                          options=None, info="", stageThreshold=0, totalThreshold=0):
        if not isinstance(stage_dynamic_frame, DynamicFrame):
            raise TypeError("mergeDynamicFrame: stage_dynamic_frame must be a DynamicFrame")
        keys = _paths(primary_keys, "primary_keys")
        if not keys:
            raise ValueError("mergeDynamicFrame needs at least one primary key")
        return self._derive(self._frame.merge_frames(stage_dynamic_frame._frame, keys),
                            parents=(self, stage_dynamic_frame))

    def split_fields(self, paths, name1, name2, transformation_ctx="", info="",
                     stageThreshold=0, totalThreshold=0):
        from awsglue.dynamicframe_collection import DynamicFrameCollection
        parts = self._frame.split_fields(_paths(paths, "paths"), name1, name2)
        return DynamicFrameCollection(
            {name1: self._derive(parts[name1], name=name1),
             name2: self._derive(parts[name2], name=name2)}, self.glue_ctx)

    def split_rows(self, comparison_dict, name1, name2, transformation_ctx="", info="",
                   stageThreshold=0, totalThreshold=0):
        from awsglue.dynamicframe_collection import DynamicFrameCollection
        if not isinstance(comparison_dict, dict) or not comparison_dict:
            raise ValueError("split_rows: comparison_dict must map paths to {operator: value} "
                             "dicts, e.g. {'age': {'>': 10}}")
        comparisons = []
        for path, ops in comparison_dict.items():
            if not isinstance(ops, dict) or not ops:
                raise ValueError(f"split_rows: the comparisons of '{path}' must be a "
                                 f"{{operator: value}} dict, not {ops!r}")
            comparisons.extend((path, op, value) for op, value in ops.items())
        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        parts = self._frame.split_rows(comparisons, name1, name2, opts)
        return DynamicFrameCollection(
            {name1: self._derive(parts[name1], name=name1),
             name2: self._derive(parts[name2], name=name2)}, self.glue_ctx)

    def relationalize(self, root_table_name, staging_path, options=None, transformation_ctx="",
                      info="", stageThreshold=0, totalThreshold=0):
        """Glue stages the pivoted tables under staging_path; Mortar builds them
        in memory, so staging_path is accepted and unused."""
        from awsglue.dynamicframe_collection import DynamicFrameCollection
        if not root_table_name or not isinstance(root_table_name, str):
            raise ValueError("relationalize needs a root_table_name")
        tables = self._frame.relationalize(root_table_name)
        return DynamicFrameCollection(
            {name: self._derive(frame, name=name) for name, frame in tables.items()},
            self.glue_ctx)

    def unbox(self, path, format, transformation_ctx="", info="", stageThreshold=0,
              totalThreshold=0, **options):
        if options:
            raise ValueError(f"unbox: options {sorted(options)} are not supported (Mortar "
                             "unboxes JSON strings, which take none)")
        opts = transform_opts(transformation_ctx, info, stageThreshold, totalThreshold)
        return self._derive(self._frame.unbox(path, format, opts))

    def unnest(self, transformation_ctx="", info="", stageThreshold=0, totalThreshold=0):
        return self._derive(self._frame.unnest())

    def spigot(self, path, options=None, transformation_ctx="", info="", stageThreshold=0,
               totalThreshold=0):
        options = dict(options or {})
        unknown = set(options) - {"topk", "prob"}
        if unknown:
            raise ValueError(f"spigot: unknown options {sorted(unknown)} (accepted: topk, prob)")
        topk = int(options.get("topk", 100))
        prob = float(options.get("prob", 1.0))
        if topk < 0 or not 0.0 <= prob <= 1.0:
            raise ValueError("spigot: topk must be >= 0 and prob within [0, 1]")
        return self._derive(self._frame.spigot(path, topk, prob))

    def repartition(self, num_partitions, transformation_ctx="", info="", stageThreshold=0,
                    totalThreshold=0):
        return self._derive(self._frame.repartition(_positive(num_partitions)))

    def coalesce(self, num_partitions, shuffle=False, transformation_ctx="", info="",
                 stageThreshold=0, totalThreshold=0):
        return self._derive(self._frame.coalesce(_positive(num_partitions)))

    # --- sinks ------------------------------------------------------------
    def write(self, connection_type, connection_options=None, format=None, format_options=None,
              accumulator_size=0):
        from awsglue.context import _context_or_default
        return _context_or_default(self.glue_ctx).write_dynamic_frame_from_options(
            self, connection_type, connection_options or {}, format, format_options or {})


def _positive(n):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"the number of partitions must be a positive integer, not {n!r}")
    return n


def _from_records(records, glue_ctx=None, name=""):
    """A frame of in-memory records (dicts). Mortar-private: Glue has no such
    public method; the tests use it."""
    return DynamicFrame(native().from_records(list(records)), glue_ctx, name)


# Glue's module also holds these; real scripts import them from here.
from awsglue.dynamicframe_collection import DynamicFrameCollection  # noqa: E402
from awsglue.dynamicframe_io import DynamicFrameReader, DynamicFrameWriter  # noqa: E402
