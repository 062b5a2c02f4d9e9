"""Job bookmarks on JDBC sources (PostgreSQL, SQLite): the bookmark keys
(jobBookmarkKeys, else the table's primary key), the furthest key tuple in
the table now, and the WHERE condition the engine hands the database
(`filter_predicate`) so that only rows beyond the last run's keys are read.
The queries go through the engine's own JDBC reader (`sample_query`)."""
import logging
import re

from awsglue import _bookmarks
from awsglue._bookmarks import BookmarkError
from awsglue._native import native

_log = logging.getLogger("awsglue.bookmarks")
_NOTHING = "1 = 0"  # no rows: the table has no key beyond the bookmark


def _split_identifier(text):
    """'schema.table' / '"Mixed".t' -> [(part, quoted)]."""
    parts = re.findall(r'\s*(?:"((?:[^"]|"")*)"|([^."]+))\s*(?:\.|$)', text or "")
    out = [(q.replace('""', '"'), True) if q else (p.strip(), False) for q, p in parts]
    if not out or any(not p for p, _ in out):
        raise BookmarkError(f"job bookmark: cannot parse the table or column name {text!r}")
    return out


def _quote(name, quoted, pg):
    if not quoted and pg:
        name = name.lower()  # PostgreSQL folds unquoted names, as the engine does
    return '"' + name.replace('"', '""') + '"'


def quote_path(text, pg):
    return ".".join(_quote(p, q, pg) for p, q in _split_identifier(text))


def _query(native_options, sql):
    options = {k: native_options[k] for k in ("url", "user", "password", "connection_name")
               if native_options.get(k)}
    options["sample_query"] = sql
    return [list(r.values()) for r in native().from_jdbc(options).to_records()]


def _source_sql(native_options, pg):
    if native_options.get("sample_query"):
        return "(" + native_options["sample_query"].strip().rstrip(";") + ") AS mortar_q"
    return quote_path(native_options["dbtable"], pg)


def primary_key(native_options, pg):
    """The table's primary-key columns in key order (exact names)."""
    table = native_options["dbtable"]
    if pg:
        literal = quote_path(table, True).replace("'", "''")
        sql = ("SELECT a.attname::text AS name FROM pg_index i JOIN pg_attribute a ON "
               "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = "
               f"'{literal}'::regclass AND i.indisprimary "
               "ORDER BY array_position(i.indkey::int2[], a.attnum)")
    else:
        name = _split_identifier(table)[-1][0].replace("'", "''")
        sql = f"SELECT name FROM pragma_table_info('{name}') WHERE pk > 0 ORDER BY pk"
    return [row[0] for row in _query(native_options, sql)]


def bookmark_filter(bookmarks, ctx, connection_type, native_options, bookmark_options):
    """The WHERE condition this run reads `ctx` with; records the new state."""
    pg = connection_type == "postgresql"
    order = _bookmarks.sort_order(bookmark_options)
    keys = _bookmarks.bookmark_keys(bookmark_options)
    if keys:
        columns = [quote_path(k, pg) for k in keys]
    else:
        if not native_options.get("dbtable"):
            raise BookmarkError(f"job bookmark {ctx}: a query source needs jobBookmarkKeys "
                                "(the columns that order its rows)")
        keys = primary_key(native_options, pg)
        if not keys:
            raise BookmarkError(f"job bookmark {ctx}: table {native_options['dbtable']} has no "
                                "primary key; give jobBookmarkKeys")
        columns = [_quote(k, True, pg) for k in keys]

    previous = bookmarks.jdbc_previous(ctx)
    if previous and (previous.get("keys") != keys or previous.get("order") != order):
        _log.warning("job bookmark %s: the keys changed (%s %s -> %s %s); reading from the start",
                     ctx, previous.get("keys"), previous.get("order"), keys, order)
        previous = None
    after = ((previous["types"], previous["last"])
             if previous and previous.get("last") is not None else None)

    end, ranged = bookmarks.jdbc_range_end(ctx)
    if ranged:  # a pause run between two runs' bookmarks
        if not end or end.get("last") is None:
            return _NOTHING
        return _bookmarks.key_predicate(columns, order, after, (end["types"], end["last"]))

    beyond = _bookmarks.key_predicate(columns, order, after)
    user = native_options.get("filter_predicate")
    where = " AND ".join(f"({c})" for c in (user, beyond) if c)
    furthest = "DESC" if order == "asc" else "ASC"
    sql = (f"SELECT {', '.join(columns)} FROM {_source_sql(native_options, pg)}"
           + (f" WHERE {where}" if where else "")
           + " ORDER BY " + ", ".join(f"{c} {furthest}" for c in columns) + " LIMIT 1")
    rows = _query(native_options, sql)
    if not rows:
        # Nothing new: keep the state (read nothing, so a row landing between
        # the two queries waits for the next run instead of being read twice).
        if previous:
            bookmarks.record(ctx, previous)
        return _NOTHING
    encoded = [_bookmarks.encode_value(v) for v in rows[0]]
    upto = ([t for t, _ in encoded], [v for _, v in encoded])
    bookmarks.record(ctx, {"kind": "jdbc", "keys": keys, "order": order,
                           "types": upto[0], "last": upto[1]})
    return _bookmarks.key_predicate(columns, order, after, upto)
