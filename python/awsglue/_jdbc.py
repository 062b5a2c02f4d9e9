"""JDBC sources and sinks of awsglue: PostgreSQL and SQLite tables read into
frames and frames written to them, by URL or through a Glue Connection in the
catalog, on Mortar's native engine (`_mortar.from_jdbc` / `_mortar.write_jdbc`,
src/engine/jdbc).

URLs: `jdbc:postgresql://host[:port]/database[?params]` and
`jdbc:sqlite:/absolute/path/file.db` (a Mortar extension). Glue's option
names are accepted (url, user, password, dbtable, hashfield, hashexpression,
hashpartitions, sampleQuery, connectionName, database ...); options that
only tune Glue's Java drivers (bulkSize, customJdbcDriverS3Path ...) are
accepted and ignored. Other database engines fail with a clear error."""
import logging
import re

from awsglue._native import native

_log = logging.getLogger("awsglue.jdbc")

SUPPORTED = ("postgresql", "sqlite")
_OTHER_ENGINES = ("mysql", "oracle", "sqlserver", "redshift", "mongodb", "documentdb")
# Glue options that only make sense for its Java drivers or Spark: accepted, ignored.
_IGNORED = {
    "bulkSize", "customJdbcDriverS3Path", "customJdbcDriverClassName", "redshiftTmpDir",
    "useConnectionProperties", "enablePartitioningForSampleQuery", "sampleSize",
    "transformation_ctx", "batchsize",
    "isolationLevel", "truncate", "createTableColumnTypes", "preactions", "postactions",
    "extracopyoptions", "aws_iam_role", "connectionType", "vendor", "enforceSSL",
    "customJDBCCert", "customJDBCCertString", "skipCustomJDBCCertValidation", "fullUrl",
}
_SOURCE_KEYS = {"url": "url", "user": "user", "username": "user", "password": "password",
                "dbtable": "dbtable", "hashfield": "hashfield", "hashexpression": "hashexpression",
                "hashpartitions": "hashpartitions", "sampleQuery": "sample_query",
                "query": "sample_query", "filterPredicate": "filter_predicate"}
_SINK_KEYS = {"url": "url", "user": "user", "username": "user", "password": "password",
              "dbtable": "dbtable"}


def _check_type(connection_type, url=None):
    ct = str(connection_type or "").lower()
    if ct not in SUPPORTED:
        raise ValueError(f"JDBC connection_type '{connection_type}' is not supported by Mortar: "
                         f"it reads and writes {', '.join(SUPPORTED)} (other engines need their "
                         "own driver)")
    if url:
        vendor = _vendor(url)
        if vendor != ct:
            raise ValueError(f"connection_type '{ct}' does not match the URL's engine "
                             f"'{vendor or 'unknown'}' (jdbc:{ct}:...)")
    return ct


def _vendor(url):
    m = re.match(r"\s*jdbc:([A-Za-z0-9]+):", url or "")
    return m.group(1).lower() if m else ""


def _with_database(url, database):
    """A PostgreSQL URL pointing at another database (Glue's `database` option)."""
    if not database:
        return url
    if _vendor(url) != "postgresql":
        return url  # SQLite: the file is the database
    m = re.match(r"(\s*jdbc:postgresql://[^/?]*)(/[^?]*)?(\?.*)?$", url, re.IGNORECASE)
    if not m:
        return url
    return m.group(1) + "/" + database + (m.group(3) or "")


def _connection_conf(name, catalog_id=None):
    """url/user/password (and the rest of extract_jdbc_conf) of a catalog Connection."""
    from awsglue import _catalog
    connection = _catalog.get_connection(name, catalog_id=catalog_id)
    ctype = connection.get("ConnectionType", "JDBC")
    if ctype not in ("JDBC", None, ""):
        raise ValueError(f"catalog connection {name} is of type {ctype}; Mortar's JDBC sources "
                         "need a JDBC connection")
    props = connection.get("ConnectionProperties") or {}
    url = props.get("JDBC_CONNECTION_URL", "")
    if not url:
        raise ValueError(f"catalog connection {name} has no JDBC_CONNECTION_URL")
    if not props.get("PASSWORD") and props.get("SECRET_ID"):
        raise ValueError(f"catalog connection {name}: SECRET_ID (AWS Secrets Manager) is not "
                         "supported by Mortar; set USERNAME and PASSWORD")
    return props, url


def extract_jdbc_conf(connection_name, catalog_id=None):
    """Glue's GlueContext.extract_jdbc_conf: the Connection's settings under
    Glue's keys. `url` is protocol, host and port only (deprecated in Glue);
    `fullUrl` is the URL as the connection holds it."""
    props, full = _connection_conf(connection_name, catalog_id)
    vendor = _vendor(full)
    if vendor == "postgresql":
        m = re.match(r"\s*(jdbc:postgresql://[^/?]*)", full, re.IGNORECASE)
        url = m.group(1) if m else full
    else:
        url = full
    conf = {
        "url": url,
        "fullUrl": full,
        "user": props.get("USERNAME", ""),
        "password": props.get("PASSWORD", ""),
        "vendor": vendor,
        "enforceSSL": str(props.get("JDBC_ENFORCE_SSL", "false")).lower(),
    }
    for key, glue_key in (("CUSTOM_JDBC_CERT", "customJDBCCert"),
                          ("CUSTOM_JDBC_CERT_STRING", "customJDBCCertString"),
                          ("SKIP_CUSTOM_JDBC_CERT_VALIDATION", "skipCustomJDBCCertValidation")):
        if key in props:
            conf[glue_key] = props[key]
    return conf


def _resolve(connection_options, catalog_id=None):
    """Glue connection_options -> (options with url/user/password filled from
    the named catalog Connection when there is one, connection name)."""
    options = dict(connection_options or {})
    name = options.pop("connectionName", "") or options.pop("connection_name", "")
    if name:
        conf = extract_jdbc_conf(name, catalog_id)
        options.setdefault("url", conf["fullUrl"])
        options.setdefault("user", conf["user"])
        options.setdefault("password", conf["password"])
        if conf["enforceSSL"] == "true" and _vendor(options["url"]) == "postgresql" \
                and "sslmode" not in options["url"]:
            options["url"] += ("&" if "?" in options["url"] else "?") + "sslmode=require"
    database = options.pop("database", "")
    if database and options.get("url"):
        options["url"] = _with_database(options["url"], database)
    return options, name


def _native_options(options, keys, what):
    out = {}
    for key, value in options.items():
        if key in keys:
            target = keys[key]
            if target == "hashpartitions":
                value = _int(value, key)
            elif value is not None and not isinstance(value, str):
                raise TypeError(f"{what}: option '{key}' must be a string, not "
                                f"{type(value).__name__}")
            out[target] = value
        elif key in _IGNORED:
            _log.info("%s: option %s is accepted and ignored on the native engine", what, key)
        else:
            raise ValueError(f"{what}: unknown JDBC option '{key}' (known: "
                             f"{', '.join(sorted(set(keys) | {'connectionName', 'database'}))})")
    if not out.get("url"):
        raise ValueError(f"{what}: give 'url' (jdbc:postgresql://host:port/db or "
                         "jdbc:sqlite:/path/file.db) or 'connectionName'")
    return out


def _int(value, key):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"JDBC option '{key}' must be an integer, got {value!r}") from None


def create_frame_from_jdbc(connection_type, connection_options, transformation_ctx=""):
    """A lazy frame over a PostgreSQL or SQLite table (from_options or a
    crawled JDBC table from from_catalog); with job bookmarks on and a
    transformation_ctx, only the rows beyond the bookmark."""
    options, name = _resolve(connection_options)
    bookmark_options = {k: options.pop(k) for k in list(options)
                        if k.lower() in ("jobbookmarkkeys", "jobbookmarkkeyssortorder")}
    ct = _check_type(connection_type, options.get("url"))
    native_options = _native_options(options, _SOURCE_KEYS, f"from_options({ct})")
    if not native_options.get("dbtable") and not native_options.get("sample_query"):
        raise ValueError(f"from_options({ct}): 'dbtable' is required (the table to read)")
    if name:
        native_options["connection_name"] = name
    from awsglue import _bookmarks
    bookmarks = _bookmarks.active()
    if bookmarks is not None and bookmarks.enabled and transformation_ctx:
        from awsglue._jdbc_bookmark import bookmark_filter
        condition = bookmark_filter(bookmarks, transformation_ctx, ct, native_options,
                                    bookmark_options)
        user = native_options.get("filter_predicate")
        native_options["filter_predicate"] = f"({user}) AND ({condition})" if user else condition
    return native().from_jdbc(native_options)


def write_frame_to_jdbc(frame, connection_type, connection_options, catalog_id=None):
    """Writes `frame` (a _mortar.Frame) to a PostgreSQL (COPY) or SQLite table,
    creating it when missing, in one transaction. Returns the rows written."""
    options, name = _resolve(connection_options, catalog_id)
    ct = _check_type(connection_type, options.get("url"))
    native_options = _native_options(options, _SINK_KEYS, f"write_dynamic_frame({ct})")
    if not native_options.get("dbtable"):
        raise ValueError(f"write_dynamic_frame({ct}): 'dbtable' is required (the table to write)")
    if name:
        native_options["connection_name"] = name
    result = native().write_jdbc(frame, native_options)
    _log.info("wrote %d rows to %s", result["rows"], native_options["dbtable"])
    return result["rows"]


def write_frame_from_jdbc_conf(frame, catalog_connection, connection_options, catalog_id=None):
    """Glue's write_dynamic_frame.from_jdbc_conf: the catalog Connection gives
    url and credentials; connection_options give dbtable (and database)."""
    if not catalog_connection:
        raise ValueError("from_jdbc_conf needs catalog_connection (a Glue Connection name)")
    conf = extract_jdbc_conf(catalog_connection, catalog_id)
    ct = conf["vendor"]
    if ct not in SUPPORTED:
        raise ValueError(f"catalog connection {catalog_connection}: its JDBC_CONNECTION_URL engine "
                         f"'{ct or 'unknown'}' is not supported by Mortar ({', '.join(SUPPORTED)})")
    options = dict(connection_options or {})
    options["connectionName"] = catalog_connection
    return write_frame_to_jdbc(frame, ct, options, catalog_id=catalog_id)
