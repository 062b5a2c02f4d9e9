"""The Data Catalog side of awsglue (the contract's `awsglue._catalog`):
reading a catalog table into a frame (from_catalog), writing a frame into one
(catalog sinks, enableUpdateCatalog), match_catalog, purge_table /
purge_s3_path and GetConnection. Everything reaches the catalog through the
Glue API (`_mortar.glue_call`: endpoint and credentials from the
environment) and files through `_mortar`'s file helpers.

  api.py      Glue calls (GetTable, GetPartitions paged, GetConnection)
  formats.py  table -> format/format_options, JDBC detection, new tables' SerDe
  schema.py   frame schema <-> catalog types, match_catalog specs
  source.py   create_frame_from_catalog
  sink.py     write_frame_to_catalog, update_catalog_after_write
  purge.py    purge_table, purge_s3_path
"""
from awsglue._catalog.api import get_connection
from awsglue._catalog.purge import purge_s3_path, purge_table
from awsglue._catalog.schema import catalog_type, match_catalog_specs
from awsglue._catalog.sink import update_catalog_after_write, write_frame_to_catalog
from awsglue._catalog.source import create_frame_from_catalog

__all__ = ["create_frame_from_catalog", "write_frame_to_catalog", "update_catalog_after_write",
           "match_catalog_specs", "catalog_type", "purge_table", "purge_s3_path",
           "get_connection"]
