"""Glue's Job: init(job_name, args) / commit() bracket a script's work.
Job bookmarks arrive with Mortar's Jobs issue; until then init and commit
check their arguments and record the run in the log."""
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
        self._name, self._args = job_name, dict(args)
        run_id = args.get("JOB_RUN_ID") or "-"
        self._log.info(f"job {job_name} initialized (run {run_id})")
        if bookmark == "job-bookmark-enable":
            self._log.warn("job bookmarks are not kept yet: every run reads all its input")

    def isInitialized(self):
        return self._name is not None

    def commit(self):
        if self._name is None:
            raise RuntimeError("Job.commit called before Job.init")
        self._committed = True
        self._log.info(f"job {self._name} committed")
