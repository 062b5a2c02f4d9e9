"""getResolvedOptions: a Glue script's job arguments, with Glue's rules:
`--NAME value` or `--NAME=value`; every requested NAME is required; the
reserved options of a Glue run (--JOB_ID, --JOB_RUN_ID, --TempDir,
--job-bookmark-option ...) are accepted without being asked for and cannot be
requested; anything else on the command line is ignored."""
import argparse

from awsglue._errors import GlueArgumentError
from awsglue.job import Job

__all__ = ["getResolvedOptions", "GlueArgumentError"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # raise instead of exiting the script
        raise GlueArgumentError(message)


def _reserved(option):
    raise RuntimeError(f"Using reserved arguments {option}: Glue sets it for every run, it "
                       "cannot be a job parameter")


def getResolvedOptions(args, options):
    if isinstance(options, str):
        options = [options]
    options = list(dict.fromkeys(options))  # a name asked twice is one option
    parser = _Parser(prog="glue job", add_help=False, allow_abbrev=False)

    bookmark, continuation = Job.job_bookmark_options(), Job.continuation_options()
    for reserved in (bookmark[0], continuation[0], *Job.job_bookmark_range_options(),
                     *Job.id_params()[1:], Job.encryption_type_options()[0]):
        if reserved[2:] in options:
            _reserved(reserved)
    parser.add_argument(bookmark[0], choices=bookmark[1:])
    parser.add_argument(continuation[0], choices=continuation[1:])
    for option in Job.job_bookmark_range_options():
        parser.add_argument(option)
    for option in Job.id_params()[1:]:
        parser.add_argument(option)
    parser.add_argument(Job.encryption_type_options()[0],
                        choices=Job.encryption_type_options()[1:])
    # TempDir and RedshiftTempDir are set by Glue but may also be asked for.
    options = [o for o in options if o not in ("TempDir", "RedshiftTempDir")]
    parser.add_argument("--RedshiftTempDir")
    parser.add_argument("--TempDir")
    for option in options:
        parser.add_argument("--" + option, required=True)

    parsed, _unknown = parser.parse_known_args(list(args)[1:])
    result = vars(parsed)

    if result.get("TempDir") is not None:
        result["RedshiftTempDir"] = result["TempDir"]
    elif result.get("RedshiftTempDir") is not None:
        result["TempDir"] = result["RedshiftTempDir"]

    # --job-bookmark-option wins; the older --continuation-option maps onto it.
    old = result.pop("continuation_option", None)
    if result.get("job_bookmark_option") is None:
        result["job_bookmark_option"] = (bookmark[1 + continuation[1:].index(old)]
                                         if old is not None else "job-bookmark-disable")
    missing = [o for o in Job.job_bookmark_range_options()
               if result.get(o[2:].replace("-", "_")) is None]
    if result["job_bookmark_option"] == "job-bookmark-pause":
        if len(missing) == 1:
            raise RuntimeError(f"Missing option or value for {missing[0]} (a paused bookmark "
                               "takes both --job-bookmark-from and --job-bookmark-to or neither)")
    elif not missing:
        raise RuntimeError("Invalid option(s) --job-bookmark-from --job-bookmark-to: they "
                           "only apply with --job-bookmark-option job-bookmark-pause")
    return result
