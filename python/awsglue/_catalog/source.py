"""from_catalog: a frame over a catalog table's files, or its JDBC table.

The frame has the table's columns, named as the catalog names them (CSV
columns by position, other formats' by name ignoring case; a column a file
lacks is null, file columns the table does not list are dropped). As in
Glue, data columns take their types from the data (use
resolveChoice(choice="match_catalog") or ApplyMapping for the catalog's);
partition columns come from the catalog with their catalog types. Only the
partitions the predicate selects (GetPartitions' Expression) are listed and
read."""
import json
import logging

from awsglue._catalog.api import _get_partitions, _get_table
from awsglue._catalog.formats import _is_jdbc, _jdbc_options, _params, _table_format
from awsglue._native import native

_log = logging.getLogger("awsglue.catalog")

_HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
_TEXT_CODECS = ("gzip", "bzip2", "zstd", "xz", "lz4", "snappy", "deflate", "brotli")


def _and(*predicates):
    parts = [p.strip() for p in predicates if p and p.strip()]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return " AND ".join(f"({p})" for p in parts)


def spark_predicate(text):
    """A push_down_predicate (Spark SQL: `==`, "double-quoted" and
    backslash-escaped string literals) in the catalog's GetPartitions
    expression syntax (`=`, 'single-quoted' literals, '' escapes)."""
    out, i, n = [], 0, len(text or "")
    while i < n:
        ch = text[i]
        if ch in "'\"":
            j, literal = i + 1, []
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                literal.append(text[j])
                j += 1
            if j >= n:
                raise ValueError(f"push_down_predicate: unterminated string literal in {text!r}")
            out.append("'" + "".join(literal).replace("'", "''") + "'")
            i = j + 1
        elif ch == "`":
            j = text.find("`", i + 1)
            j = n - 1 if j < 0 else j
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("==", i):
            out.append("=")
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _from_files(options):
    """from_files, telling an empty selection (no files at all) from errors."""
    mortar = native()
    try:
        return mortar.from_files(options)
    except mortar.MortarError as e:
        if e.code == "NotFound" and "no data files" in e.message:
            return mortar.from_records([])
        raise


def _source_tuning(options, fmt, params, additional_options):
    """compressionType (the table's, for text files without a suffix, or the
    caller's), groupFiles/groupSize from additional_options."""
    codec = str(additional_options.get("compressionType")
                or params.get("compressionType") or "").lower()
    if codec in _TEXT_CODECS and fmt in ("csv", "json", "xml", "grok"):
        options["compression_type"] = codec
    group = additional_options.get("groupFiles")
    if group:
        if str(group) not in ("inPartition", "acrossPartitions", "none"):
            raise ValueError(f"groupFiles must be 'inPartition' or 'none', not {group!r}")
        options["group_files"] = str(group) != "none"
    if additional_options.get("groupSize"):
        try:
            options["group_size"] = int(additional_options["groupSize"])
        except (TypeError, ValueError):
            raise ValueError(f"groupSize must be a number of bytes, not "
                             f"{additional_options['groupSize']!r}") from None


def create_frame_from_catalog(database, table_name, *, push_down_predicate="",
                              additional_options=None, catalog_id=None, transformation_ctx=""):
    """A frame over the catalog table's files (or its JDBC table)."""
    additional_options = dict(additional_options or {})
    table = _get_table(database, table_name, catalog_id)
    if _is_jdbc(table):
        from awsglue import _jdbc
        connection_type, options = _jdbc_options(table, additional_options)
        return _jdbc.create_frame_from_jdbc(connection_type, options,
                                            transformation_ctx=transformation_ctx)
    fmt, format_options = _table_format(table)
    sd = table.get("StorageDescriptor") or {}
    options = {"format": fmt, "format_options": format_options,
               "recurse": bool(additional_options.get("recurse", True))}
    if additional_options.get("exclusions"):
        exclusions = additional_options["exclusions"]
        if isinstance(exclusions, str):
            exclusions = json.loads(exclusions)
        options["exclusions"] = list(exclusions)
    _source_tuning(options, fmt, _params(table), additional_options)
    columns = sd.get("Columns") or []
    if columns:
        # The files' columns as the table's (CSV by position, others by name
        # ignoring case; missing ones null, others dropped), as Glue's SerDes.
        options["table_columns"] = [(c["Name"], c.get("Type") or "string") for c in columns]
    keys = table.get("PartitionKeys") or []
    predicate = _and(spark_predicate(push_down_predicate),
                     additional_options.get("catalogPartitionPredicate"))
    if not keys:
        if predicate:
            raise ValueError(f"push_down_predicate on {database}.{table_name}: the table has "
                             "no partition keys")
        if not sd.get("Location"):
            raise ValueError(f"catalog table {database}.{table_name} has no Location")
        options["paths"] = [sd["Location"]]
    else:
        names = [k["Name"] for k in keys]
        options["files"] = []
        for partition in _get_partitions(database, table_name, predicate, catalog_id):
            location = (partition.get("StorageDescriptor") or {}).get("Location")
            values = partition.get("Values") or []
            if not location or len(values) != len(names):
                _log.warning("partition %s of %s.%s skipped: no location or wrong number of "
                             "values", values, database, table_name)
                continue
            options["files"].append({"path": location, "partitions": {
                n: (None if v == _HIVE_NULL else v) for n, v in zip(names, values)}})
        if not options["files"]:
            return native().from_records([])
        options["partition_types"] = {k["Name"]: k.get("Type") or "string" for k in keys}
    if transformation_ctx:
        from awsglue.context import _bookmarked_files
        try:
            bookmarked = _bookmarked_files(options, transformation_ctx, additional_options)
        except native().MortarError as e:
            if e.code == "NotFound" and "no data files" in e.message:
                return native().from_records([])
            raise
        if bookmarked is not None:
            return bookmarked
    return _from_files(options)
