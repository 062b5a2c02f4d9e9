"""Job bookmarks inside a script: what Job.init loaded, what each source with
a transformation_ctx may skip, and what Job.commit hands back.

The runner (src/jobs, job_bookmarks.h) writes the run's document to the file
MORTAR_JOB_BOOKMARK_IN names:
    {"option", "version", "state": {ctx: state}, "to_state": {ctx: state}?}
and, when the script exits 0, stores what Job.commit wrote to
MORTAR_JOB_BOOKMARK_OUT: {"version": <as loaded>, "state": {ctx: state}}
(a compare-and-swap on the version). Without MORTAR_JOB_BOOKMARK_IN (a
script run by hand, `mortar run`) bookmarks are off and every source reads
everything.

File sources (state {"kind": "files", "watermark_ms", "in_band": {path: mtime_ms}}):
a file was processed when its modification time is below the watermark, or
when in_band names it with its current modification time. A run at time T
reads the files not processed (new or modified), then moves the watermark to
T - maxBand (never backwards; never past a file it left for later) and keeps
the files it knows processed at or above the watermark in in_band. So a file
that appears late with a modification time shortly before T (a slow writer,
an eventually consistent listing) is still read next time, and a file read
within the band is not read twice. maxFilesInBand bounds how many in-band
files one run takes; boundedFiles / boundedSize how many files / bytes (in
modification-time order, at least one file); the rest wait for the next run.

JDBC sources (state {"kind": "jdbc", "keys", "order", "types", "last"}): the
bookmark keys (jobBookmarkKeys, else the table's primary key) with
jobBookmarkKeysSortOrder asc (default) or desc. A run first asks the
database for the furthest key tuple, then reads the rows strictly beyond
`last` and up to that tuple -- both as a WHERE clause the database
evaluates -- and records that tuple as the new `last`.
"""
import datetime
import decimal
import json
import logging
import os
import time

_log = logging.getLogger("awsglue.bookmarks")

ENABLE, PAUSE, DISABLE = "job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"
DEFAULT_MAX_BAND_MS = 900_000
DEFAULT_MAX_FILES_IN_BAND = 1000
ENV_IN, ENV_OUT = "MORTAR_JOB_BOOKMARK_IN", "MORTAR_JOB_BOOKMARK_OUT"

_active = None  # the Bookmarks of the initialized Job, None when off


class BookmarkError(ValueError):
    """A bookmark option or document is not usable; the message says which."""


def active():
    return _active


def _set_active(bookmarks):
    global _active
    _active = bookmarks


def load_from_environment(job_name, option):
    """The run's Bookmarks (Job.init), or None when the runner gave none."""
    path = os.environ.get(ENV_IN)
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise BookmarkError(f"job bookmark: cannot read {ENV_IN}={path}: {e}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("state", {}), dict):
        raise BookmarkError(f"job bookmark: {path} is not a bookmark document")
    if option and doc.get("option") and option != doc["option"]:
        _log.warning("job bookmark: --job-bookmark-option %s differs from the runner's %s; "
                     "using the runner's", option, doc["option"])
    return Bookmarks(doc, now_ms=int(time.time() * 1000))


class Bookmarks:
    def __init__(self, doc, now_ms):
        self.option = doc.get("option") or DISABLE
        if self.option not in (ENABLE, PAUSE, DISABLE):
            raise BookmarkError(f"job bookmark: unknown option {self.option!r}")
        self.version = int(doc.get("version") or 0)
        self.state = dict(doc.get("state") or {})
        self.to_state = doc.get("to_state")  # pause with from/to only
        self.now_ms = now_ms  # the run's start: the band is measured from it
        self.pending = {}

    @property
    def enabled(self):
        return self.option in (ENABLE, PAUSE)

    def document(self):
        """What Job.commit writes: every context's state, this run's newest."""
        merged = dict(self.state)
        merged.update(self.pending)
        return {"version": self.version, "state": merged}

    def write(self, path):
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.document(), f)
        os.replace(tmp, path)  # the runner never sees half a document

    def _previous(self, ctx, kind):
        state = self.state.get(ctx)
        if state is not None and (not isinstance(state, dict) or state.get("kind") != kind):
            _log.warning("job bookmark: transformation_ctx %s held a %s bookmark; it is now a "
                         "%s source, read from the start", ctx,
                         state.get("kind") if isinstance(state, dict) else "foreign", kind)
            return None
        return state

    def _range_end(self, ctx, kind):
        if self.to_state is None:
            return None, False
        end = self.to_state.get(ctx)
        if end is not None and (not isinstance(end, dict) or end.get("kind") != kind):
            end = None
        return end, True

    # --- files ------------------------------------------------------------
    def select_files(self, ctx, files, options):
        """The files (dicts with path, size, mtime_ms) this run reads for `ctx`."""
        max_band, in_band, bounded_files, bounded_size = file_limits(options)
        end, ranged = self._range_end(ctx, "files")
        selected, new_state = select_files(
            files, self._previous(ctx, "files"), self.now_ms, max_band_ms=max_band,
            max_files_in_band=in_band, bounded_files=bounded_files, bounded_size=bounded_size,
            to_state=end, ranged=ranged)
        self.pending[ctx] = new_state
        _log.info("job bookmark %s: %d of %d files are new", ctx, len(selected), len(files))
        return selected

    # --- JDBC -------------------------------------------------------------
    def jdbc_previous(self, ctx):
        return self._previous(ctx, "jdbc")

    def jdbc_range_end(self, ctx):
        return self._range_end(ctx, "jdbc")

    def record(self, ctx, state):
        self.pending[ctx] = state


# --- file selection (pure: unit-tested without files) -----------------------

def _int_option(options, name, default):
    for key, value in (options or {}).items():
        if str(key).lower() == name.lower():
            try:
                n = int(str(value))
            except ValueError:
                raise BookmarkError(f"connection option '{name}' must be a whole number, "
                                    f"not {value!r}") from None
            if n < 0 or (n == 0 and name != "maxBand"):
                raise BookmarkError(f"connection option '{name}' must be positive, not {n}")
            return n
    return default


def file_limits(options):
    """(maxBand ms, maxFilesInBand, boundedFiles, boundedSize) from Glue's options."""
    return (_int_option(options, "maxBand", DEFAULT_MAX_BAND_MS),
            _int_option(options, "maxFilesInBand", DEFAULT_MAX_FILES_IN_BAND),
            _int_option(options, "boundedFiles", None),
            _int_option(options, "boundedSize", None))


def processed(state, f):
    """Whether `state` says file f (path, mtime_ms) was read."""
    if not state:
        return False
    if f["mtime_ms"] < int(state.get("watermark_ms", 0)):
        return True
    return (state.get("in_band") or {}).get(f["path"]) == f["mtime_ms"]


def select_files(files, state, now_ms, *, max_band_ms=DEFAULT_MAX_BAND_MS,
                 max_files_in_band=DEFAULT_MAX_FILES_IN_BAND, bounded_files=None,
                 bounded_size=None, to_state=None, ranged=False):
    """(files to read, the state after reading them). `ranged`: a pause run
    between two runs' states (`state` .. `to_state`): the files the first had
    not read and the second had."""
    candidates = [f for f in files if not processed(state, f)]
    if ranged:
        candidates = [f for f in candidates if processed(to_state, f)]
    candidates.sort(key=lambda f: (f["mtime_ms"], f["path"]))
    band_start = now_ms - max_band_ms
    # Oldest first; the first file over a limit and all after it wait.
    selected, deferred, in_band_taken, size = [], [], 0, 0
    for i, f in enumerate(candidates):
        in_band = f["mtime_ms"] >= band_start
        if ((in_band and in_band_taken >= max_files_in_band)
                or (bounded_files is not None and len(selected) >= bounded_files)
                or (bounded_size is not None and selected
                    and size + int(f.get("size") or 0) > bounded_size)):
            deferred = candidates[i:]
            break
        selected.append(f)
        size += int(f.get("size") or 0)
        in_band_taken += 1 if in_band else 0
    previous = state or {}
    watermark = max(int(previous.get("watermark_ms", 0)), band_start)
    if deferred:  # never past a file left for the next run
        watermark = min(watermark, min(f["mtime_ms"] for f in deferred))
    known = dict(previous.get("in_band") or {})
    known.update({f["path"]: f["mtime_ms"] for f in selected})
    new_state = {"kind": "files", "watermark_ms": watermark,
                 "in_band": {p: m for p, m in sorted(known.items()) if m >= watermark}}
    return selected, new_state


# --- JDBC keys and values ---------------------------------------------------

def sort_order(options):
    order = "asc"
    for key, value in (options or {}).items():
        if str(key).lower() == "jobbookmarkkeyssortorder":
            order = str(value).strip().lower()
    if order not in ("asc", "desc"):
        raise BookmarkError(f"jobBookmarkKeysSortOrder must be 'asc' or 'desc', not {order!r}")
    return order


def bookmark_keys(options):
    """jobBookmarkKeys as a list ([] when not given)."""
    for key, value in (options or {}).items():
        if str(key).lower() == "jobbookmarkkeys":
            if isinstance(value, str):
                text = value.strip()
                value = json.loads(text) if text.startswith("[") else [text]
            if not isinstance(value, (list, tuple)) or not value or \
                    not all(isinstance(k, str) and k for k in value):
                raise BookmarkError(f"jobBookmarkKeys must be a non-empty list of column "
                                    f"names, not {value!r}")
            return list(value)
    return []


def encode_value(v):
    """(type tag, JSON value) of a key value read from the database."""
    if isinstance(v, bool) or v is None:
        raise BookmarkError(f"a job bookmark key value must be a number, text, date or "
                            f"timestamp, not {v!r}")
    if isinstance(v, int):
        return "int", v
    if isinstance(v, float):
        return "float", v
    if isinstance(v, decimal.Decimal):
        return "decimal", str(v)
    if isinstance(v, datetime.datetime):
        return "timestamp", v.isoformat(sep=" ")
    if isinstance(v, datetime.date):
        return "date", v.isoformat()
    if isinstance(v, str):
        return "str", v
    raise BookmarkError(f"a job bookmark key value of type {type(v).__name__} is not supported "
                        "(numbers, text, dates and timestamps are)")


def sql_literal(tag, value):
    if tag in ("int", "float"):
        return repr(value) if tag == "float" else str(int(value))
    if tag == "decimal":
        return str(decimal.Decimal(value))
    return "'" + str(value).replace("'", "''") + "'"


def key_predicate(columns, order, after=None, upto=None):
    """The WHERE condition for keys beyond `after` (exclusive) up to `upto`
    (inclusive), each None or (types, values). Row-value comparison, which
    PostgreSQL and SQLite (3.15+) both evaluate lexicographically."""
    def tuple_sql(items):
        return items[0] if len(items) == 1 else "(" + ", ".join(items) + ")"
    lhs = tuple_sql(columns)
    beyond, within = (">", "<=") if order == "asc" else ("<", ">=")
    parts = []
    for bound, op in ((after, beyond), (upto, within)):
        if bound is not None:
            types, values = bound
            parts.append(f"{lhs} {op} " + tuple_sql([sql_literal(t, v)
                                                      for t, v in zip(types, values)]))
    return " AND ".join(parts)
