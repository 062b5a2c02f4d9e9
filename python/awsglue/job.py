"""Glue's Job: init(job_name, args) / commit() bracket a script's work.
Under Mortar's job runner, init loads the run's job bookmark
(MORTAR_JOB_BOOKMARK_IN, see awsglue/_bookmarks.py) so sources with a
transformation_ctx read only new data, and commit writes the new bookmark to
MORTAR_JOB_BOOKMARK_OUT (the runner stores it if the script exits 0). Run by
hand, bookmarks are off."""
import os

from awsglue import _bookmarks
from awsglue.glue_logging import GlueLogger

_BOOKMARK_VALUES = ("job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable")


class Job:
    # The reserved command-line options a Glue run receives (getResolvedOptions
    # accepts them without being asked and refuses them as user option names).
    @classmethod
    def continuation_options(cls):
        return ["--continuation-option", "continuation-enabled", "continuation-readonly",
                "continuation-ignore"]

    @classmethod
    def job_bookmark_options(cls):
        return ["--job-bookmark-option", *_BOOKMARK_VALUES]

    @classmethod
    def job_bookmark_range_options(cls):
        return ["--job-bookmark-from", "--job-bookmark-to"]

    @classmethod
    def id_params(cls):
        return ["--JOB_NAME", "--JOB_ID", "--JOB_RUN_ID", "--SECURITY_CONFIGURATION"]

    @classmethod
    def encryption_type_options(cls):
        return ["--encryption-type", "sse-s3"]

    def __init__(self, glue_context):
        self._glue_context = glue_context
        self._name = None
        self._args = {}
        self._committed = False
        self._log = GlueLogger()

    def init(self, job_name, args={}):
        if not isinstance(job_name, str) or not job_name:
            raise ValueError(f"Job.init needs the job name (a non-empty string), got {job_name!r}")
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise TypeError(f"Job.init: args must be the dict getResolvedOptions returns, "
                            f"not {type(args).__name__}")
        if self._name is not None:
            raise RuntimeError(f"Job.init called twice (job {self._name!r} is already "
                               "initialized)")
        bookmark = args.get("job_bookmark_option")
        if bookmark is not None and bookmark not in _BOOKMARK_VALUES:
            raise ValueError(f"job_bookmark_option must be one of {', '.join(_BOOKMARK_VALUES)}, "
                             f"not {bookmark!r}")
        bookmarks = _bookmarks.load_from_environment(job_name, bookmark)
        self._name, self._args = job_name, dict(args)
        _bookmarks._set_active(bookmarks)
        run_id = args.get("JOB_RUN_ID") or "-"
        self._log.info(f"job {job_name} initialized (run {run_id})")
        if bookmarks is not None and bookmarks.enabled:
            self._log.info(f"job bookmark {bookmarks.option} at version {bookmarks.version}")
        elif bookmark in ("job-bookmark-enable", "job-bookmark-pause"):
            self._log.warn("job bookmarks need Mortar's job runner (StartJobRun): run by hand, "
                           "every source reads all its input")

    def isInitialized(self):
        return self._name is not None

    def commit(self):
        if self._name is None:
            raise RuntimeError("Job.commit called before Job.init")
        bookmarks = _bookmarks.active()
        out = os.environ.get(_bookmarks.ENV_OUT)
        if bookmarks is not None and bookmarks.option == _bookmarks.ENABLE and out:
            bookmarks.write(out)
        self._committed = True
        self._log.info(f"job {self._name} committed")
