"""Glue's connection_options / format / format_options for file sources and
sinks, checked and turned into the engine's from_files / write_files options.
Option names match case-insensitively, as Glue's do; an option Mortar does not
know is an error that names it (a typo must not be silently ignored)."""
import json

from awsglue._errors import GlueOptionError

FILE_CONNECTION_TYPES = ("s3", "file")
JDBC_CONNECTION_TYPES = ("postgresql", "sqlite", "mysql", "oracle", "sqlserver", "redshift")

# Glue format name -> (engine format, accepted format_options). Names are
# Glue's (plus Mortar's own reader/writer tuning options, see src/formats).
_COMMON = {"compression"}
_FORMATS = {
    "csv": ("csv", {"separator", "escaper", "quoteChar", "multiLine", "withHeader",
                    "writeHeader", "skipFirst", "optimizePerformance", "strictCheckForQuoting",
                    "skipRows", "nullValue", "allowRaggedRows", "inferSchema",
                    "inferSampleRows", "threads", "blockSize", "delimiter", "choiceTypes"}),
    "json": ("json", {"jsonPath", "multiLine", "optimizePerformance", "withSchema",
                      "blockSize", "inferSampleRows", "parallelParse"}),
    "parquet": ("parquet", {"useGlueParquetWriter", "blockSize", "pageSize",
                            "dictionaryPageSize", "encodeThreads", "rowGroupRows"}),
    "glueparquet": ("parquet", {"blockSize", "pageSize", "dictionaryPageSize",
                                "encodeThreads", "rowGroupRows"}),
    "avro": ("avro", {"version"}),
    "orc": ("orc", {"stripeSize", "compressionBlockSize"}),
    "xml": ("xml", {"rowTag", "encoding", "excludeAttribute", "treatEmptyValuesAsNulls",
                    "attributePrefix", "valueTag", "ignoreSurroundingSpaces", "withSchema",
                    "nullValue", "inferSampleRows"}),
    "groklog": ("grok", {"logFormat", "customPatterns", "MISSING", "LineCount", "StrictMode"}),
}
_SOURCE_KEYS = {"paths", "recurse", "exclusions", "compressionType", "groupFiles", "groupSize"}
# Glue source options that tune Spark/S3 listing (accepted and ignored) or
# job bookmarks (maxBand, maxFilesInBand, boundedFiles/Size: awsglue._bookmarks).
_SOURCE_IGNORED = {"maxBand", "maxFilesInBand", "isFailFast", "useS3ListImplementation",
                   "boundedSize", "boundedFiles", "excludeStorageClasses"}
_SINK_KEYS = {"path", "partitionKeys", "compression"}
_SINK_IGNORED = {"enableUpdateCatalog", "updateBehavior", "groupFiles", "groupSize",
                 "blockSize", "catalogDatabase", "catalogTableName", "catalogId"}


def _lower_map(names):
    return {n.lower(): n for n in names}


def _string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def engine_format(fmt, format_options=None, *, where="format_options"):
    """(engine format name, format_options as str->str) after checking both."""
    if not fmt:
        raise GlueOptionError("format is required for file sources and sinks "
                              f"(one of {', '.join(sorted(_FORMATS))})")
    entry = _FORMATS.get(str(fmt).lower())
    if entry is None:
        raise GlueOptionError(f"unsupported format '{fmt}' (Mortar reads and writes "
                              f"{', '.join(n for n in sorted(_FORMATS) if n != 'groklog')}, grokLog)")
    name, accepted = entry
    allowed = _lower_map(accepted | _COMMON)
    out = {}
    for key, value in (format_options or {}).items():
        if str(key).lower() not in allowed:
            raise GlueOptionError(
                f"unknown {where} option '{key}' for format '{fmt}' (accepted: "
                f"{', '.join(sorted(accepted | _COMMON))})")
        if value is None:
            continue
        if isinstance(value, (list, dict)):
            value = json.dumps(value)
        out[str(key)] = _string(value)
    return name, out


def _check_keys(options, known, ignored, what):
    allowed = _lower_map(known | ignored)
    for key in options:
        if str(key).lower() not in allowed:
            raise GlueOptionError(f"unknown connection_options key '{key}' for {what} "
                                  f"(accepted: {', '.join(sorted(known))})")


def _get(options, name, default=None):
    for key, value in options.items():
        if str(key).lower() == name.lower():
            return value
    return default


def _as_bool(value, name):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise GlueOptionError(f"connection option '{name}' must be true or false, not {value!r}")


def _as_list(value, name):
    """Glue takes lists, and for exclusions also a JSON list in a string."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError as e:
                raise GlueOptionError(f"connection option '{name}' is not a JSON list: {e}")
            if not isinstance(parsed, list):
                raise GlueOptionError(f"connection option '{name}' must be a list")
            return [str(p) for p in parsed]
        return [text] if text else []
    if isinstance(value, (list, tuple)):
        return [str(p) for p in value]
    raise GlueOptionError(f"connection option '{name}' must be a list of strings, not {value!r}")


def source_options(connection_type, connection_options, fmt, format_options):
    """from_options(s3|file, ...) -> the engine's from_files options."""
    options = dict(connection_options or {})
    _check_keys(options, _SOURCE_KEYS, _SOURCE_IGNORED, f"a '{connection_type}' source")
    paths = _as_list(_get(options, "paths"), "paths")
    if not paths:
        raise GlueOptionError(f"connection_options 'paths' is required for a '{connection_type}' "
                              "source (a list of files or folders)")
    name, fopts = engine_format(fmt, format_options)
    out = {"paths": paths, "format": name, "format_options": fopts,
           "recurse": _as_bool(_get(options, "recurse", False), "recurse"),
           "exclusions": _as_list(_get(options, "exclusions"), "exclusions")}
    compression = _get(options, "compressionType")
    if compression:
        out["compression_type"] = str(compression).lower()
    group_files = _get(options, "groupFiles")
    if group_files is not None:
        mode = str(group_files)
        if mode.lower() not in ("inpartition", "none"):
            raise GlueOptionError(f"connection option 'groupFiles' must be 'inPartition' or "
                                  f"'none', not {group_files!r}")
        out["group_files"] = mode.lower() != "none"
    group_size = _get(options, "groupSize")
    if group_size is not None:
        try:
            out["group_size"] = int(str(group_size))
        except ValueError:
            raise GlueOptionError(f"connection option 'groupSize' must be a number of bytes, "
                                  f"not {group_size!r}") from None
        if out["group_size"] <= 0:
            raise GlueOptionError("connection option 'groupSize' must be positive")
    return out


def sink_options(connection_type, connection_options, fmt, format_options):
    """write_dynamic_frame.from_options(s3|file, ...) -> write_files options."""
    options = dict(connection_options or {})
    _check_keys(options, _SINK_KEYS, _SINK_IGNORED, f"a '{connection_type}' sink")
    path = _get(options, "path")
    if not path or not isinstance(path, str):
        raise GlueOptionError(f"connection_options 'path' is required for a '{connection_type}' "
                              "sink (the output folder)")
    name, fopts = engine_format(fmt, format_options)
    if str(fmt).lower() == "glueparquet":
        name = "glueparquet"  # Parquet files; the engine refuses unresolved choices as Glue does
    out = {"path": path, "format": name, "format_options": fopts,
           "partition_keys": _as_list(_get(options, "partitionKeys"), "partitionKeys")}
    compression = _get(options, "compression") or fopts.get("compression")
    if compression:
        out["compression"] = str(compression).lower()
    return out
