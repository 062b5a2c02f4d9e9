"""GlueContext.getSink(...): a sink configured step by step (setFormat,
setCatalogInfo, then writeFrame). With enableUpdateCatalog the written
files are registered in the catalog table (created or updated, new
partitions added) through awsglue._catalog."""
from awsglue import _options
from awsglue._native import native
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection


_UPDATE_BEHAVIORS = ("UPDATE_IN_DATABASE", "LOG")


def _truthy(value):
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


class DataSink:
    def __init__(self, glue_context, connection_type, format=None, transformation_ctx="",
                 options=None):
        self._glue_context = glue_context
        self._connection_type = str(connection_type).lower()
        self._transformation_ctx = transformation_ctx
        self._options = dict(options or {})
        self._format = format
        self._format_options = {}
        self._database = self._options.pop("catalogDatabase", None)
        self._table_name = self._options.pop("catalogTableName", None)
        self._catalog_id = self._options.pop("catalogId", None)

    def setFormat(self, format, **options):
        self._format = format
        self._format_options = dict(options)
        return self

    def setCatalogInfo(self, catalogDatabase, catalogTableName, catalogId=None):
        self._database = catalogDatabase
        self._table_name = catalogTableName
        self._catalog_id = catalogId
        return self

    def setAccumulableSize(self, size):
        return self  # a Spark accumulator setting: nothing to do natively

    def write(self, dynamic_frame_or_dfc, info=""):
        if isinstance(dynamic_frame_or_dfc, DynamicFrameCollection):
            for frame in dynamic_frame_or_dfc.values():
                self.writeFrame(frame, info)
            return dynamic_frame_or_dfc
        return self.writeFrame(dynamic_frame_or_dfc, info)

    def writeFrame(self, dynamic_frame, info=""):
        if not isinstance(dynamic_frame, DynamicFrame):
            raise TypeError(f"writeFrame takes a DynamicFrame, not "
                            f"{type(dynamic_frame).__name__}")
        if self._connection_type in _options.JDBC_CONNECTION_TYPES:
            return self._glue_context.write_dynamic_frame_from_options(
                dynamic_frame, self._connection_type, self._options)
        update_catalog = _truthy(self._options.get("enableUpdateCatalog", False))
        behavior = self._options.get("updateBehavior", "UPDATE_IN_DATABASE")
        if behavior not in _UPDATE_BEHAVIORS:
            raise ValueError(f"updateBehavior must be one of {', '.join(_UPDATE_BEHAVIORS)}, "
                             f"not {behavior!r}")
        if update_catalog and not (self._database and self._table_name):
            raise ValueError("enableUpdateCatalog needs the catalog table: call "
                             "setCatalogInfo(catalogDatabase=..., catalogTableName=...)")
        if "path" not in self._options and self._database and self._table_name:
            # No path: the table exists and its location, format and keys rule.
            from awsglue import _catalog
            _catalog.write_frame_to_catalog(
                dynamic_frame._frame, self._database, self._table_name,
                additional_options=dict(self._options), catalog_id=self._catalog_id)
            return dynamic_frame
        options = _options.sink_options(self._connection_type, self._options, self._format,
                                        self._format_options)
        written = native().write_files(dynamic_frame._frame, options)
        if update_catalog:
            from awsglue import _catalog
            _catalog.update_catalog_after_write(
                database=self._database, table_name=self._table_name, path=options["path"],
                format=options["format"], format_options=options["format_options"],
                partition_keys=options["partition_keys"], written=written,
                frame_schema=written.get("schema") or dynamic_frame._frame.schema(),
                update_behavior=behavior,
                catalog_id=self._catalog_id)
        return dynamic_frame
