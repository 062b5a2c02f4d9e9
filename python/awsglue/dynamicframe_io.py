"""DynamicFrameReader / DynamicFrameWriter: GlueContext.create_dynamic_frame
and GlueContext.write_dynamic_frame, forwarding to the GlueContext's methods."""


def _database(database, kwargs):
    if database is not None and "name_space" in kwargs:
        raise ValueError("give database or name_space, not both")
    if database is None and "name_space" not in kwargs:
        raise ValueError("database (or name_space) is required")
    return kwargs.pop("name_space") if database is None else database


class DynamicFrameReader:
    def __init__(self, glue_context):
        self._glue_context = glue_context

    def from_rdd(self, data, name, schema=None, sampleRatio=None):
        return self._glue_context.create_dynamic_frame_from_rdd(data, name, schema, sampleRatio)

    def from_options(self, connection_type, connection_options={}, format=None,
                     format_options={}, transformation_ctx="", push_down_predicate="", **kwargs):
        return self._glue_context.create_dynamic_frame_from_options(
            connection_type, connection_options, format, format_options, transformation_ctx,
            push_down_predicate, **kwargs)

    def from_catalog(self, database=None, table_name=None, redshift_tmp_dir="",
                     transformation_ctx="", push_down_predicate="", additional_options={},
                     catalog_id=None, **kwargs):
        db = _database(database, kwargs)
        if table_name is None:
            raise ValueError("table_name is required")
        return self._glue_context.create_dynamic_frame_from_catalog(
            db, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate,
            additional_options, catalog_id, **kwargs)


class DynamicFrameWriter:
    def __init__(self, glue_context):
        self._glue_context = glue_context

    def from_options(self, frame, connection_type, connection_options={}, format=None,
                     format_options={}, transformation_ctx=""):
        return self._glue_context.write_dynamic_frame_from_options(
            frame, connection_type, connection_options, format, format_options,
            transformation_ctx)

    def from_catalog(self, frame, database=None, table_name=None, redshift_tmp_dir="",
                     transformation_ctx="", additional_options={}, catalog_id=None, **kwargs):
        db = _database(database, kwargs)
        if table_name is None:
            raise ValueError("table_name is required")
        return self._glue_context.write_dynamic_frame_from_catalog(
            frame, db, table_name, redshift_tmp_dir, transformation_ctx, additional_options,
            catalog_id)

    def from_jdbc_conf(self, frame, catalog_connection, connection_options={},
                       redshift_tmp_dir="", transformation_ctx="", catalog_id=None):
        return self._glue_context.write_dynamic_frame_from_jdbc_conf(
            frame, catalog_connection, connection_options, redshift_tmp_dir, transformation_ctx,
            catalog_id)
