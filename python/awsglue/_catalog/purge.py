"""purge_table / purge_s3_path: delete files older than retentionPeriod
hours; partitions left without files leave the catalog, as in Glue."""
import logging
import time

from awsglue._catalog.api import _call, _get_partitions, _get_table
from awsglue._native import native

_log = logging.getLogger("awsglue.catalog")


def _retention_seconds(options):
    hours = (options or {}).get("retentionPeriod", 168)  # Glue's default: 7 days
    try:
        hours = float(hours)
    except (TypeError, ValueError):
        raise ValueError(f"retentionPeriod must be a number of hours, not {hours!r}") from None
    if hours < 0:
        raise ValueError("retentionPeriod must not be negative")
    return hours * 3600


def _purge_files(path, options):
    """Deletes the files under `path` older than the retention period; returns
    (deleted, kept) counts."""
    mortar = native()
    cutoff = time.time() - _retention_seconds(options)
    try:
        files = mortar.list_files(path, True, True)
    except mortar.MortarError as e:
        if e.code == "NotFound":
            return 0, 0
        raise
    doomed = [f["path"] for f in files if f["mtime"] <= cutoff]
    deleted = mortar.delete_files(doomed) if doomed else 0
    manifest = (options or {}).get("manifestFilePath")
    if manifest and doomed:
        _log.info("purged %d files under %s (manifestFilePath %s is not written by Mortar)",
                  deleted, path, manifest)
    return deleted, len(files) - len(doomed)


def purge_s3_path(path, options=None):
    """Deletes files under `path` older than retentionPeriod hours (default 168).
    excludeStorageClasses has nothing to exclude: Mortar's listings carry no
    storage class."""
    if not path:
        raise ValueError("purge_s3_path needs a path")
    _purge_files(path, options)


def purge_table(database, table_name, options=None, catalog_id=None):
    """Deletes the table's files (only its partitions' selected by
    partitionPredicate, when given) older than retentionPeriod hours; a
    partition left without files is removed from the catalog, as Glue does."""
    options = dict(options or {})
    table = _get_table(database, table_name, catalog_id)
    keys = table.get("PartitionKeys") or []
    predicate = options.get("partitionPredicate", "")
    if not keys:
        if predicate:
            raise ValueError(f"partitionPredicate on {database}.{table_name}: the table has no "
                             "partition keys")
        location = (table.get("StorageDescriptor") or {}).get("Location")
        if location:
            _purge_files(location, options)
        return
    emptied = []
    for partition in _get_partitions(database, table_name, predicate, catalog_id):
        location = (partition.get("StorageDescriptor") or {}).get("Location")
        if not location:
            continue
        _, kept = _purge_files(location, options)
        if kept == 0:
            emptied.append({"Values": partition["Values"]})
    for start in range(0, len(emptied), 25):  # BatchDeletePartition takes 25
        _call("BatchDeletePartition", {"DatabaseName": database, "TableName": table_name,
                                       "PartitionsToDelete": emptied[start:start + 25]},
              catalog_id)
