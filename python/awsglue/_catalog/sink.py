"""Catalog sinks: write_dynamic_frame.from_catalog and the
enableUpdateCatalog step after a file sink (create the table when missing,
add the frame's new columns with UPDATE_IN_DATABASE, register the new
partitions with BatchCreatePartition, leaving existing ones alone)."""
import logging
from urllib.parse import unquote

from awsglue._catalog.api import _call, _get_table, _with_context
from awsglue._catalog.formats import (_is_jdbc, _jdbc_options, _params, _storage_for,
                                      _table_format, _table_input)
from awsglue._catalog.schema import _columns, catalog_type
from awsglue._native import native

_log = logging.getLogger("awsglue.catalog")

_BATCH = 100  # BatchCreatePartition's limit


def _written_partitions(files, partition_keys):
    """{values tuple: folder} of the Hive folders the written files are in."""
    out = {}
    if not partition_keys:
        return out
    n = len(partition_keys)
    for path in files:
        folder = path.rsplit("/", 1)[0]
        parts = folder.split("/")
        if len(parts) < n:
            continue
        values = []
        for key, part in zip(partition_keys, parts[-n:]):
            name, eq, value = part.partition("=")
            if not eq or name.lower() != key.lower():
                break
            values.append(unquote(value))  # Hive's %XX folder escapes
        if len(values) == n:
            out.setdefault(tuple(values), folder + "/")
    return out


def _add_partitions(database, table_name, table, partitions, catalog_id):
    """BatchCreatePartition for each (values, folder); existing ones are left alone."""
    sd = table.get("StorageDescriptor") or {}
    params = {k: v for k, v in _params(table).items()
              if k in ("classification", "compressionType", "typeOfData", "delimiter",
                       "skip.header.line.count")}
    items = sorted(partitions.items())
    added = 0
    for start in range(0, len(items), _BATCH):
        inputs = []
        for values, folder in items[start:start + _BATCH]:
            psd = dict(sd, Location=folder)
            inputs.append({"Values": list(values), "StorageDescriptor": psd,
                           "Parameters": dict(params)})
        reply = _call("BatchCreatePartition", {"DatabaseName": database, "TableName": table_name,
                                               "PartitionInputList": inputs}, catalog_id)
        failed = 0
        for error in reply.get("Errors") or []:
            code = (error.get("ErrorDetail") or {}).get("ErrorCode", "")
            if code == "AlreadyExistsException":
                failed += 1
                continue
            raise native().GlueServiceError(
                f"BatchCreatePartition {database}.{table_name} {error.get('PartitionValues')}: "
                f"{code}: {(error.get('ErrorDetail') or {}).get('ErrorMessage', '')}", code)
        added += len(inputs) - failed
    return added


def _merged_columns(old_columns, new_columns):
    """The old columns (types from the frame where it has them) then the new ones."""
    new_by_name = {c["Name"].lower(): c for c in new_columns}
    merged = []
    for c in old_columns:
        fresh = new_by_name.pop(c["Name"].lower(), None)
        merged.append(dict(c, Type=fresh["Type"]) if fresh else dict(c))
    merged.extend(c for c in new_columns if c["Name"].lower() in new_by_name)
    return merged


def update_catalog_after_write(*, database, table_name, path, format, format_options,
                               partition_keys, written, frame_schema,
                               update_behavior="UPDATE_IN_DATABASE", catalog_id=None,
                               update_schema=True):
    """After a sink wrote `written` (write_files' result) under `path`: create
    the table if missing, else (UPDATE_IN_DATABASE) add the frame's new
    columns, then register the partitions the write created."""
    behavior = (update_behavior or "UPDATE_IN_DATABASE").upper()
    if behavior not in ("UPDATE_IN_DATABASE", "LOG"):
        raise ValueError(f"updateBehavior must be UPDATE_IN_DATABASE or LOG, not "
                         f"'{update_behavior}'")
    partition_keys = list(partition_keys or [])
    columns = _columns(frame_schema, partition_keys)
    table = _get_table(database, table_name, catalog_id, missing_ok=True)
    if table is None:
        compression = (format_options or {}).get("compression")
        params, sd = _storage_for(str(format).lower(), format_options, path, columns,
                                  compression)
        field_types = {f["name"].lower(): f["type"] for f in frame_schema.get("fields", [])}
        keys = [{"Name": k, "Type": catalog_type(field_types[k.lower()])
                 if k.lower() in field_types else "string"} for k in partition_keys]
        table_input = {"Name": table_name, "Owner": "owner", "Retention": 0,
                       "TableType": "EXTERNAL_TABLE", "StorageDescriptor": sd,
                       "PartitionKeys": keys, "Parameters": params}
        try:
            _call("CreateTable", {"DatabaseName": database, "TableInput": table_input},
                  catalog_id)
        except native().GlueServiceError as e:
            if e.code != "AlreadyExistsException":  # a concurrent writer made it first
                raise _with_context(e, f"creating catalog table {database}.{table_name}") \
                    from None
        table = _get_table(database, table_name, catalog_id)
    else:
        existing = [k["Name"].lower() for k in table.get("PartitionKeys") or []]
        if partition_keys and [k.lower() for k in partition_keys] != existing:
            raise ValueError(f"partitionKeys {partition_keys} do not match the partition keys "
                             f"of {database}.{table_name} ({existing}): they must be the same, "
                             "in the same order")
        partition_keys = [k["Name"] for k in table.get("PartitionKeys") or []]
        columns = _columns(frame_schema, partition_keys)
        sd = table.get("StorageDescriptor") or {}
        old = list(sd.get("Columns") or [])
        merged = _merged_columns(old, columns)
        if update_schema and merged != old:
            if behavior == "LOG":
                _log.warning("schema of %s.%s differs from the frame's (updateBehavior LOG: "
                             "not updated): %s -> %s", database, table_name, old, merged)
            else:
                table_input = _table_input(table)
                table_input["StorageDescriptor"] = dict(sd, Columns=merged)
                _call("UpdateTable", {"DatabaseName": database, "TableInput": table_input},
                      catalog_id)
                table = _get_table(database, table_name, catalog_id)
    partitions = _written_partitions((written or {}).get("files", []), partition_keys)
    if partitions:
        _add_partitions(database, table_name, table, partitions, catalog_id)


def write_frame_to_catalog(frame, database, table_name, *, additional_options=None,
                           catalog_id=None):
    """write_dynamic_frame.from_catalog: the table's location, format and
    partition keys; new partitions are registered, and with enableUpdateCatalog
    the schema is updated as updateBehavior says."""
    additional_options = dict(additional_options or {})
    table = _get_table(database, table_name, catalog_id)
    if _is_jdbc(table):
        from awsglue import _jdbc
        connection_type, options = _jdbc_options(table, additional_options)
        for key in ("enableUpdateCatalog", "updateBehavior", "partitionKeys"):
            options.pop(key, None)
        _jdbc.write_frame_to_jdbc(frame, connection_type, options)
        return
    location = (table.get("StorageDescriptor") or {}).get("Location")
    if not location:
        raise ValueError(f"catalog table {database}.{table_name} has no Location to write to")
    fmt, format_options = _table_format(table, for_write=True)
    table_keys = [k["Name"] for k in table.get("PartitionKeys") or []]
    keys = additional_options.get("partitionKeys") or table_keys
    if [k.lower() for k in keys] != [k.lower() for k in table_keys]:
        raise ValueError(f"partitionKeys {list(keys)} do not match the partition keys of "
                         f"{database}.{table_name} ({table_keys}): they must be the same, in "
                         "the same order")
    params = _params(table)
    options = {"path": location, "format": fmt, "format_options": format_options,
               "partition_keys": list(keys)}
    compression = params.get("compressionType")
    if compression and compression != "none":
        options["compression"] = compression
    written = native().write_files(frame, options)
    update = str(additional_options.get("enableUpdateCatalog", False)).lower() == "true"
    update_catalog_after_write(
        database=database, table_name=table_name, path=location, format=fmt,
        format_options=format_options, partition_keys=list(keys), written=written,
        frame_schema=(written.get("schema") or frame.schema()) if update else {"fields": []},
        update_behavior=additional_options.get("updateBehavior", "UPDATE_IN_DATABASE"),
        catalog_id=catalog_id, update_schema=update)
