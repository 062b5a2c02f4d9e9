"""What a catalog table says about its files: the format and the reader's or
writer's format_options from its classification and StorageDescriptor (SerDe,
InputFormat, SerDe parameters), whether it is a JDBC table, and the
StorageDescriptor of a new table (the Hive classes of
src/formats/hive_storage.h, as the crawler writes them)."""
import re

from awsglue._native import native

_JDBC_CLASSIFICATIONS = ("postgresql", "sqlite", "mysql", "oracle", "sqlserver", "redshift")
# The formats a catalog sink registers tables for; their InputFormat,
# OutputFormat and SerDe classes come from the engine's one table
# (src/formats/hive_storage.h, which the crawler writes from too).
_SINK_FORMATS = ("csv", "json", "parquet", "orc", "avro", "xml")


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


def _unquoted(serde, params):
    """Whether a CSV table's files have no quoting: LazySimpleSerDe (Hive's
    delimited text, which knows no quote character) on a table a crawler
    wrote, saying it saw no quoted value (areColumnsQuoted false; a quoted one
    gets OpenCSVSerde). Other LazySimpleSerDe tables (a sink's, made by hand)
    keep the CSV reader's `"` quoting: Mortar's own CSV writer quotes values
    with separators, empty strings and edge spaces under that SerDe."""
    return ("lazysimpleserde" in serde.lower()
            and str(params.get("areColumnsQuoted", "")).strip().lower() == "false")


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
    elif _unquoted(serde, params):
        options["quoteChar"] = "-1"  # Glue's csv option for "no quoting"
    escape = sparams.get("escapeChar") or (None if opencsv else sparams.get("escape.delim"))
    if escape:
        options["escaper"] = escape
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
    if not for_write:
        # As Hive's CSV SerDes read a row of another width: missing columns
        # null, extra fields dropped (a crawled table's ragged rows read).
        options["allowRaggedRows"] = "true"
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
    if connection_type == "postgresql" and len(parts) == 2:
        # The crawl's include path may name another database than the Connection's URL.
        options["database"] = parts[0]
    # Glue also takes parallel-read settings from the table's own parameters.
    for key in ("hashfield", "hashexpression", "hashpartitions"):
        if params.get(key):
            options[key] = params[key]
    for key, value in (additional_options or {}).items():
        if key not in ("catalogPartitionPredicate",):
            options[key] = value
    return connection_type, options


def _storage_for(fmt, format_options, location, columns, compression):
    """(Parameters, StorageDescriptor) of a new table written as `fmt`."""
    fmt = "parquet" if fmt == "glueparquet" else fmt
    if fmt not in _SINK_FORMATS:
        raise ValueError(f"cannot register a {fmt} table in the catalog (Glue's catalog sinks "
                         "write csv, json, parquet/glueparquet, avro, orc)")
    input_format, output_format, serde = native().hive_storage(fmt)
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
