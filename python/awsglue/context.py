"""GlueContext: the entry point of a Glue script. Reads sources into
DynamicFrames and writes them to sinks on Mortar's native engine; catalog
work goes to awsglue._catalog, JDBC to awsglue._jdbc (imported lazily, so a
file-only script never needs a server)."""
from awsglue._errors import SparkEngineRequired
from awsglue._native import native
from awsglue import _options
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection
from awsglue.dynamicframe_io import DynamicFrameReader, DynamicFrameWriter
from awsglue.glue_logging import GlueLogger

_SUPPORTED = "s3, file, postgresql, sqlite"


def _unsupported(connection_type):
    return ValueError(f"connection_type '{connection_type}' is not supported by Mortar "
                      f"(supported: {_SUPPORTED})")


def _kind(connection_type):
    ct = str(connection_type or "").lower()
    if ct in _options.FILE_CONNECTION_TYPES:
        return "file"
    if ct in _options.JDBC_CONNECTION_TYPES:
        return "jdbc"
    raise _unsupported(connection_type)


def _bookmarked_files(options, transformation_ctx, bookmark_options):
    """With job bookmarks on and a transformation_ctx: a frame over only the
    files the bookmark has not seen (listed first, then read by name), else
    None (read everything)."""
    from awsglue import _bookmarks
    bookmarks = _bookmarks.active()
    if bookmarks is None or not bookmarks.enabled or not transformation_ctx:
        return None
    listed = native().list_source_files(options)
    chosen = bookmarks.select_files(transformation_ctx, listed, bookmark_options)
    if not chosen:
        return native().from_records([])
    narrowed = {k: v for k, v in options.items() if k not in ("paths", "files", "exclusions")}
    narrowed["files"] = [{"path": f["path"], "partitions": f["partitions"]} for f in chosen]
    return native().from_files(narrowed)


def _native_frame(frame):
    if not isinstance(frame, DynamicFrame):
        raise TypeError(f"expected a DynamicFrame, got {type(frame).__name__}")
    return frame._frame


class _DataFrameReader:
    """create_data_frame.*: Spark DataFrames, which need the Spark engine."""

    def from_catalog(self, *args, **kwargs):
        raise SparkEngineRequired("GlueContext.create_data_frame.from_catalog()")

    def from_options(self, *args, **kwargs):
        raise SparkEngineRequired("GlueContext.create_data_frame.from_options()")


class GlueContext:
    def __init__(self, sparkContext=None, **options):
        from pyspark.context import SparkContext
        if sparkContext is None:
            sparkContext = SparkContext.getOrCreate()
        self._sc = sparkContext
        self._options = dict(options)
        self._spark_session = None
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.write_dynamic_frame = DynamicFrameWriter(self)
        self.create_data_frame = _DataFrameReader()

    @property
    def spark_session(self):
        if self._spark_session is None:
            from pyspark.sql import SparkSession
            self._spark_session = SparkSession(self._sc)
        return self._spark_session

    @property
    def sparkSession(self):
        return self.spark_session

    def get_logger(self):
        return GlueLogger()

    # Glue's handles on the JVM: there is no JVM behind Mortar's GlueContext.
    @property
    def _jvm(self):
        raise SparkEngineRequired("GlueContext._jvm")

    @property
    def _jsc(self):
        raise SparkEngineRequired("GlueContext._jsc")

    @property
    def _glue_scala_context(self):
        raise SparkEngineRequired("GlueContext._glue_scala_context")

    # --- sources ----------------------------------------------------------
    def create_dynamic_frame_from_rdd(self, data, name, schema=None, sample_ratio=None,
                                      transformation_ctx=""):
        raise SparkEngineRequired("GlueContext.create_dynamic_frame.from_rdd()")

    def create_dynamic_frame_from_catalog(self, database=None, table_name=None,
                                          redshift_tmp_dir="", transformation_ctx="",
                                          push_down_predicate="", additional_options={},
                                          catalog_id=None, **kwargs):
        if "name_space" in kwargs and database is None:
            database = kwargs.pop("name_space")
        if not database or not table_name:
            raise ValueError("from_catalog needs database and table_name")
        from awsglue import _catalog
        frame = _catalog.create_frame_from_catalog(
            database, table_name, push_down_predicate=push_down_predicate or "",
            additional_options=dict(additional_options or {}), catalog_id=catalog_id,
            transformation_ctx=transformation_ctx or "")
        return DynamicFrame(frame, self, table_name)

    def create_dynamic_frame_from_options(self, connection_type, connection_options={},
                                          format=None, format_options={}, transformation_ctx="",
                                          push_down_predicate="", **kwargs):
        kind = _kind(connection_type)
        if kind == "jdbc":
            from awsglue import _jdbc
            frame = _jdbc.create_frame_from_jdbc(str(connection_type).lower(),
                                                 dict(connection_options or {}),
                                                 transformation_ctx=transformation_ctx or "")
            return DynamicFrame(frame, self, transformation_ctx)
        if push_down_predicate:
            raise ValueError("push_down_predicate prunes catalog partitions: use it with "
                             "from_catalog, not with a file source")
        options = _options.source_options(connection_type, connection_options, format,
                                          format_options)
        bookmarked = _bookmarked_files(options, transformation_ctx, connection_options)
        if bookmarked is not None:
            return DynamicFrame(bookmarked, self, transformation_ctx)
        return DynamicFrame(native().from_files(options), self, transformation_ctx)

    def getSource(self, connection_type, transformation_ctx="", **options):
        from awsglue.data_source import DataSource
        _kind(connection_type)
        return DataSource(self, connection_type, transformation_ctx, options)

    # --- sinks ------------------------------------------------------------
    def write_dynamic_frame_from_options(self, frame, connection_type, connection_options={},
                                         format=None, format_options={}, transformation_ctx=""):
        if isinstance(frame, DynamicFrameCollection):
            raise TypeError("write_dynamic_frame.from_options writes one DynamicFrame; write "
                            "each frame of the collection (dfc[name]) on its own")
        native_frame = _native_frame(frame)
        kind = _kind(connection_type)
        if kind == "jdbc":
            from awsglue import _jdbc
            _jdbc.write_frame_to_jdbc(native_frame, str(connection_type).lower(),
                                      dict(connection_options or {}))
            return frame
        options = _options.sink_options(connection_type, connection_options, format,
                                        format_options)
        native().write_files(native_frame, options)
        return frame

    write_from_options = write_dynamic_frame_from_options

    def write_dynamic_frame_from_catalog(self, frame, database=None, table_name=None,
                                         redshift_tmp_dir="", transformation_ctx="",
                                         additional_options={}, catalog_id=None, **kwargs):
        if "name_space" in kwargs and database is None:
            database = kwargs.pop("name_space")
        if not database or not table_name:
            raise ValueError("write_dynamic_frame.from_catalog needs database and table_name")
        from awsglue import _catalog
        _catalog.write_frame_to_catalog(_native_frame(frame), database, table_name,
                                        additional_options=dict(additional_options or {}),
                                        catalog_id=catalog_id)
        return frame

    def write_dynamic_frame_from_jdbc_conf(self, frame, catalog_connection,
                                           connection_options={}, redshift_tmp_dir="",
                                           transformation_ctx="", catalog_id=None):
        from awsglue import _jdbc
        _jdbc.write_frame_from_jdbc_conf(_native_frame(frame), catalog_connection,
                                         dict(connection_options or {}), catalog_id=catalog_id)
        return frame

    def getSink(self, connection_type, format=None, transformation_ctx="", **options):
        from awsglue.data_sink import DataSink
        _kind(connection_type)
        return DataSink(self, connection_type, format, transformation_ctx, options)

    # --- catalog and connections -----------------------------------------
    def purge_table(self, database, table_name, options={}, transformation_ctx="",
                    catalog_id=None):
        from awsglue import _catalog
        _catalog.purge_table(database, table_name, dict(options or {}), catalog_id=catalog_id)

    def purge_s3_path(self, s3_path, options={}, transformation_ctx=""):
        from awsglue import _catalog
        _catalog.purge_s3_path(s3_path, dict(options or {}))

    def extract_jdbc_conf(self, connection_name, catalog_id=None):
        from awsglue import _jdbc
        return _jdbc.extract_jdbc_conf(connection_name, catalog_id=catalog_id)

    # --- streaming and Spark-only ----------------------------------------
    def forEachBatch(self, frame, batch_function, options={}):
        raise SparkEngineRequired("GlueContext.forEachBatch() (streaming)")

    def create_data_frame_from_catalog(self, *args, **kwargs):
        raise SparkEngineRequired("GlueContext.create_data_frame_from_catalog()")

    def create_data_frame_from_options(self, *args, **kwargs):
        raise SparkEngineRequired("GlueContext.create_data_frame_from_options()")

    def add_ingestion_time_columns(self, dataFrame, timeGranularity=""):
        raise SparkEngineRequired("GlueContext.add_ingestion_time_columns()")


_default = None


def _context_or_default(glue_ctx):
    """DynamicFrames made without a GlueContext (tests) still write."""
    global _default
    if glue_ctx is not None:
        return glue_ctx
    if _default is None:
        _default = GlueContext()
    return _default
