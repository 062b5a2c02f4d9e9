"""The Data Catalog side of awsglue: reading a catalog table into a frame
(from_catalog), writing a frame into one (catalog sinks, enableUpdateCatalog),
match_catalog, purge_table / purge_s3_path and GetConnection. Everything
reaches the catalog through the Glue API (`_mortar.glue_call`, endpoint and
credentials from the environment) and files through `_mortar`'s file helpers.

As in Glue, a DynamicFrame read from the catalog takes its data columns'
types from the data (use resolveChoice(choice="match_catalog") or
ApplyMapping for the catalog's); partition columns come from the catalog
with their catalog types. Only the partitions the predicate selects are
listed and read."""
import logging
import re
import time

from awsglue._native import native

_log = logging.getLogger("awsglue.catalog")

_JDBC_CLASSIFICATIONS = ("postgresql", "sqlite", "mysql", "oracle", "sqlserver", "redshift")
_HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
_BATCH = 100  # BatchCreatePartition / BatchDeletePartition limit
_TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
_TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
# What a table's StorageDescriptor says for each format (the crawler's choices,
# src/crawler/classify/storage_formats.cc).
_STORAGE = {
    "csv": (_TEXT_INPUT, _TEXT_OUTPUT, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"),
    "json": (_TEXT_INPUT, _TEXT_OUTPUT, "org.openx.data.jsonserde.JsonSerDe"),
    "parquet": ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
    "orc": ("org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
            "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
            "org.apache.hadoop.hive.ql.io.orc.OrcSerde"),
    "avro": ("org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
             "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
             "org.apache.hadoop.hive.serde2.avro.AvroSerDe"),
    "xml": ("com.ibm.spss.hive.serde2.xml.XmlInputFormat",
            "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat",
            "com.ibm.spss.hive.serde2.xml.XmlSerDe"),
}


# --- Glue API ---------------------------------------------------------------

def _call(operation, request, catalog_id=None):
    if catalog_id:
        request = dict(request, CatalogId=catalog_id)
    return native().glue_call(operation, request)


def _with_context(error, context):
    """The same GlueServiceError (same code) with `context: ` before its message."""
    out = type(error)(f"{context}: {error.message}", error.code)
    out.operation = getattr(error, "operation", "")
    out.status_code = getattr(error, "status_code", "")
    return out


def _get_table(database, table_name, catalog_id=None, missing_ok=False):
    try:
        return _call("GetTable", {"DatabaseName": database, "Name": table_name},
                     catalog_id)["Table"]
    except native().GlueServiceError as e:
        if e.code == "EntityNotFoundException":
            if missing_ok:
                return None
            raise _with_context(e, f"catalog table {database}.{table_name}") from None
        raise


def _get_partitions(database, table_name, expression="", catalog_id=None):
    """Every partition the expression selects (all when empty), paging."""
    request = {"DatabaseName": database, "TableName": table_name, "MaxResults": 1000}
    if expression:
        request["Expression"] = expression
    out = []
    while True:
        reply = _call("GetPartitions", request, catalog_id)
        out.extend(reply.get("Partitions", []))
        token = reply.get("NextToken")
        if not token:
            return out
        request["NextToken"] = token


def get_connection(name, catalog_id=None):
    """The Glue Connection `name` (ConnectionProperties with the password)."""
    try:
        return _call("GetConnection", {"Name": name, "HidePassword": False},
                     catalog_id)["Connection"]
    except native().GlueServiceError as e:
        if e.code == "EntityNotFoundException":
            raise _with_context(e, f"catalog connection {name}") from None
        raise


# --- formats ------------------------------------------------------------------

def _params(table):
    sd = table.get("StorageDescriptor") or {}
    merged = dict(sd.get("Parameters") or {})
    merged.update(table.get("Parameters") or {})
    return merged


def _serde(sd):
    info = sd.get("SerdeInfo") or {}
    return info.get("SerializationLibrary") or "", dict(info.get("Parameters") or {})


def _classification(table):
    """The table's format: Parameters' classification, else what its SerDe or
    InputFormat say ("" when nothing does)."""
    params = _params(table)
    sd = table.get("StorageDescriptor") or {}
    classification = str(params.get("classification", "")).strip().lower()
    if classification == "glueparquet":
        classification = "parquet"
    if classification:
        return classification
    serde, _ = _serde(sd)
    hints = (serde + " " + (sd.get("InputFormat") or "")).lower()
    for needle, fmt in (("parquet", "parquet"), ("orc", "orc"), ("avro", "avro"),
                        ("jsonserde", "json"), ("xml", "xml"), ("grok", "grok"),
                        ("opencsvserde", "csv"), ("lazysimpleserde", "csv")):
        if needle in hints:
            return fmt
    if "grokPattern" in params:
        return "grok"
    return ""


def _csv_options(table, for_write=False):
    params = _params(table)
    serde, sparams = _serde(table.get("StorageDescriptor") or {})
    opencsv = "opencsvserde" in serde.lower()
    options = {}
    separator = (sparams.get("separatorChar") or sparams.get("field.delim")
                 or params.get("delimiter"))
    if not separator and serde and not opencsv and not params.get("classification"):
        separator = "\x01"  # Hive's LazySimpleSerDe default (Ctrl-A)
    if separator:
        options["separator"] = separator
    if sparams.get("quoteChar"):
        options["quoteChar"] = sparams["quoteChar"]
    if sparams.get("escapeChar"):
        options["escaper"] = sparams["escapeChar"]
    skip = sparams.get("skip.header.line.count", params.get("skip.header.line.count", "0"))
    try:
        skip = int(skip)
    except (TypeError, ValueError):
        raise ValueError(f"catalog table {table.get('Name')}: skip.header.line.count "
                         f"'{skip}' is not a number") from None
    if for_write:
        options["writeHeader"] = "true" if skip >= 1 else "false"
    else:
        if skip >= 1:
            options["withHeader"] = "true"
        if skip > 1:
            options["skipRows"] = str(skip - 1)  # lines before the header line
    null_format = sparams.get("serialization.null.format")
    if null_format and not for_write:
        options["nullValue"] = null_format
    return options


def _xml_row_tag(table):
    params = _params(table)
    if params.get("rowTag"):
        return params["rowTag"]
    _, sparams = _serde(table.get("StorageDescriptor") or {})
    start = sparams.get("xmlinput.start", "")
    match = re.match(r"\s*<\s*([^\s>/]+)", start)
    return match.group(1) if match else ""


def _table_format(table, for_write=False):
    """(engine format, format_options) for reading (or writing) a table's files."""
    classification = _classification(table)
    name = f"{table.get('DatabaseName', '')}.{table.get('Name', '')}".strip(".")
    params = _params(table)
    _, sparams = _serde(table.get("StorageDescriptor") or {})
    if classification == "csv":
        return "csv", _csv_options(table, for_write)
    if classification == "json":
        options = {}
        if params.get("jsonPath") and not for_write:
            options["jsonPath"] = params["jsonPath"]
        return "json", options
    if classification in ("parquet", "orc", "avro"):
        return classification, {}
    if classification == "xml":
        tag = _xml_row_tag(table)
        if not tag:
            raise ValueError(f"catalog table {name}: an xml table needs a rowTag parameter "
                             "(or SerDe parameter xmlinput.start)")
        return "xml", {"rowTag": tag}
    if classification == "grok" or "grokPattern" in params or "input.format" in sparams:
        pattern = sparams.get("input.format") or params.get("grokPattern")
        if not pattern:
            raise ValueError(f"catalog table {name}: a grok table needs grokPattern")
        options = {"logFormat": pattern}
        custom = sparams.get("input.grokCustomPatterns") or params.get("grokCustomPatterns")
        if custom:
            options["customPatterns"] = custom
        return "grok", options
    raise ValueError(f"catalog table {name}: cannot read classification "
                     f"'{classification or 'unknown'}' (Mortar reads csv, json, parquet, orc, "
                     "avro, xml and grok tables, and postgresql/sqlite tables through their "
                     "connection)")


def _is_jdbc(table):
    params = _params(table)
    return _classification(table) in _JDBC_CLASSIFICATIONS or (
        "connectionName" in params and params.get("typeOfData") in ("table", "view", None))


def _jdbc_options(table, additional_options):
    """connection type and options for awsglue._jdbc from a crawled JDBC table
    (Location "db.schema.table", or "db.table" for SQLite)."""
    params = _params(table)
    location = (table.get("StorageDescriptor") or {}).get("Location") or ""
    connection_type = _classification(table) or "postgresql"
    options = {"connectionName": params.get("connectionName", "")}
    parts = location.split(".", 1)
    options["dbtable"] = parts[1] if len(parts) == 2 else (location or table.get("Name"))
    for key, value in (additional_options or {}).items():
        if key not in ("catalogPartitionPredicate",):
            options[key] = value
    return connection_type, options


# --- reading ------------------------------------------------------------------

def _and(*predicates):
    parts = [p.strip() for p in predicates if p and p.strip()]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return " AND ".join(f"({p})" for p in parts)


def _from_files(options):
    """from_files, telling an empty selection (no files at all) from errors."""
    mortar = native()
    try:
        return mortar.from_files(options)
    except mortar.MortarError as e:
        if e.code == "NotFound" and "no data files" in e.message:
            return mortar.from_records([])
        raise


def _rename_positional(frame, table, fmt, options):
    """Header-less CSV columns come out as col0, col1...: give them the
    catalog's column names, as Glue does for CSV tables."""
    if fmt != "csv" or options.get("withHeader") == "true":
        return frame
    columns = [c["Name"] for c in (table.get("StorageDescriptor") or {}).get("Columns") or []]
    if not columns:
        return frame
    present = {f["name"] for f in frame.schema().get("fields", [])}
    for i, name in enumerate(columns):
        if f"col{i}" in present and f"col{i}" != name:
            frame = frame.rename_field(f"col{i}", name)
    return frame


_TEXT_CODECS = ("gzip", "bzip2", "zstd", "xz", "lz4", "snappy", "deflate", "brotli")


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
                              additional_options=None, catalog_id=None):
    """A frame over the catalog table's files (or its JDBC table)."""
    additional_options = dict(additional_options or {})
    table = _get_table(database, table_name, catalog_id)
    if _is_jdbc(table):
        from awsglue import _jdbc
        connection_type, options = _jdbc_options(table, additional_options)
        return _jdbc.create_frame_from_jdbc(connection_type, options)
    fmt, format_options = _table_format(table)
    sd = table.get("StorageDescriptor") or {}
    options = {"format": fmt, "format_options": format_options,
               "recurse": bool(additional_options.get("recurse", True))}
    if additional_options.get("exclusions"):
        exclusions = additional_options["exclusions"]
        if isinstance(exclusions, str):
            import json
            exclusions = json.loads(exclusions)
        options["exclusions"] = list(exclusions)
    _source_tuning(options, fmt, _params(table), additional_options)
    keys = table.get("PartitionKeys") or []
    predicate = _and(push_down_predicate, additional_options.get("catalogPartitionPredicate"))
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
    frame = _from_files_typed(options)
    return _rename_positional(frame, table, fmt, format_options)


def _from_files_typed(options):
    """from_files with partition column types; a native module without the
    partition_types option gets them cast afterwards instead."""
    mortar = native()
    try:
        return _from_files(options)
    except mortar.MortarError as e:
        if "partition_types" not in e.message or "partition_types" not in options:
            raise
    types = options.pop("partition_types")
    frame = _from_files(options)
    specs = [(_quote(name), f"cast:{t}") for name, t in types.items() if t.lower() != "string"]
    return frame.resolve_choice(specs) if specs else frame


# --- schemas ------------------------------------------------------------------

_PRIMITIVE = {"string": "string", "long": "bigint", "int": "int", "short": "smallint",
              "byte": "tinyint", "boolean": "boolean", "double": "double", "float": "float",
              "date": "date", "timestamp": "timestamp", "binary": "binary", "null": "string"}
_NUMERIC_RANK = ["byte", "short", "int", "long", "float", "double"]


def catalog_type(t):
    """A frame schema dict -> its Glue/Hive type string (choices: the widest
    numeric alternative, else string)."""
    kind = t["type"]
    if kind in _PRIMITIVE:
        return _PRIMITIVE[kind]
    if kind == "decimal":
        return f"decimal({t['precision']},{t['scale']})"
    if kind == "array":
        return f"array<{catalog_type(t['element'])}>"
    if kind == "map":
        return f"map<{catalog_type(t['key'])},{catalog_type(t['value'])}>"
    if kind == "struct":
        fields = ",".join(f"{f['name']}:{catalog_type(f['type'])}" for f in t["fields"])
        return f"struct<{fields}>"
    if kind == "choice":
        alts = [a for a in t["alternatives"] if a["type"] != "null"]
        if alts and all(a["type"] in _NUMERIC_RANK for a in alts):
            return _PRIMITIVE[max((a["type"] for a in alts), key=_NUMERIC_RANK.index)]
        if len(alts) == 1:
            return catalog_type(alts[0])
        return "string"
    raise ValueError(f"no catalog type for schema type {kind!r}")


def _split_top(text, sep=","):
    """Splits at `sep` outside <...> and (...)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _parse_type(text):
    """A catalog type string -> (kind, text, children): struct children are
    [(name, node)], array [node], map [key, value]."""
    text = text.strip()
    lower = text.lower()
    if lower.startswith("struct<") and text.endswith(">"):
        fields = []
        body = text[len("struct<"):-1]
        for part in _split_top(body) if body.strip() else []:
            name, _, ftype = part.partition(":")
            fields.append((name.strip().strip("`"), _parse_type(ftype)))
        return ("struct", text, fields)
    if lower.startswith("array<") and text.endswith(">"):
        return ("array", text, [_parse_type(text[len("array<"):-1])])
    if lower.startswith("map<") and text.endswith(">"):
        kv = _split_top(text[len("map<"):-1])
        if len(kv) == 2:
            return ("map", text, [_parse_type(kv[0]), _parse_type(kv[1])])
    return ("primitive", text, [])


def _quote(name):
    return f"`{name}`" if "." in name else name


def _choice_specs(schema, node, path, out):
    """(path, cast:<type>) for each choice in `schema` that `node` types."""
    if schema["type"] == "choice":
        out.append((path, f"cast:{node[1]}"))
        return
    if schema["type"] == "struct" and node[0] == "struct":
        by_name = {n.lower(): child for n, child in node[2]}
        for field in schema["fields"]:
            child = by_name.get(field["name"].lower())
            if child is not None:
                sub = _quote(field["name"])
                _choice_specs(field["type"], child, f"{path}.{sub}" if path else sub, out)
    elif schema["type"] == "array" and node[0] == "array":
        _choice_specs(schema["element"], node[2][0], f"{path}[]", out)


def match_catalog_specs(frame_schema, database, table_name, catalog_id=None):
    """resolveChoice(choice="match_catalog"): a cast to the catalog's type for
    every choice in the frame that the table has a column for."""
    table = _get_table(database, table_name, catalog_id)
    sd = table.get("StorageDescriptor") or {}
    columns = list(sd.get("Columns") or []) + list(table.get("PartitionKeys") or [])
    node = ("struct", "", [(c["Name"], _parse_type(c.get("Type") or "string"))
                           for c in columns])
    specs = []
    _choice_specs(frame_schema, node, "", specs)
    return specs


def _columns(frame_schema, partition_keys):
    keys = {k.lower() for k in partition_keys}
    return [{"Name": f["name"], "Type": catalog_type(f["type"])}
            for f in frame_schema.get("fields", []) if f["name"].lower() not in keys]


# --- writing ------------------------------------------------------------------

def _storage_for(fmt, format_options, location, columns, compression):
    """(Parameters, StorageDescriptor) of a new table written as `fmt`."""
    fmt = "parquet" if fmt == "glueparquet" else fmt
    if fmt not in _STORAGE:
        raise ValueError(f"cannot register a {fmt} table in the catalog (Glue's catalog sinks "
                         "write csv, json, parquet/glueparquet, avro, orc)")
    input_format, output_format, serde = _STORAGE[fmt]
    params = {"classification": fmt, "compressionType": compression or "none",
              "typeOfData": "file"}
    serde_params = {}
    options = {str(k).lower(): v for k, v in (format_options or {}).items()}
    if fmt == "csv":
        separator = options.get("separator") or options.get("delimiter") or ","
        params["delimiter"] = separator
        serde_params["field.delim"] = separator
        if str(options.get("writeheader", "true")).lower() != "false":
            params["skip.header.line.count"] = "1"
    elif fmt == "json":
        serde_params["paths"] = ",".join(c["Name"] for c in columns)
    elif fmt in ("parquet", "orc"):
        serde_params["serialization.format"] = "1"
    sd = {"Columns": columns, "Location": location, "InputFormat": input_format,
          "OutputFormat": output_format, "Compressed": bool(compression and compression != "none"),
          "NumberOfBuckets": -1,
          "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_params},
          "BucketColumns": [], "SortColumns": [], "Parameters": dict(params),
          "StoredAsSubDirectories": False}
    return params, sd


def _table_input(table):
    """A TableInput from a table as GetTable returns it."""
    keep = ("Name", "Description", "Owner", "Retention", "StorageDescriptor", "PartitionKeys",
            "TableType", "Parameters", "ViewOriginalText", "ViewExpandedText", "TargetTable")
    return {k: table[k] for k in keep if k in table}


def _hive_unescape(value):
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


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
            values.append(_hive_unescape(value))
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
        frame_schema=frame.schema() if update else {"fields": []},
        update_behavior=additional_options.get("updateBehavior", "UPDATE_IN_DATABASE"),
        catalog_id=catalog_id, update_schema=update)


# --- purging ------------------------------------------------------------------

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
