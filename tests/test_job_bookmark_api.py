"""GetJobBookmark / ResetJobBookmark through boto3. Until the
job runner commits bookmarks on this server, only the answer for a job without
a committed bookmark is observable here (src/jobs/job_bookmarks_test.cc covers
commits, conflicts, resets and rewinds on both store backends)."""
import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code


@pytest.mark.parametrize("call", [
    lambda g: g.get_job_bookmark(JobName="nightly-load"),
    lambda g: g.reset_job_bookmark(JobName="nightly-load"),
    lambda g: g.reset_job_bookmark(JobName="nightly-load", RunId="jr_0123"),
], ids=["get", "reset", "rewind"])
def test_job_without_a_committed_bookmark_is_entity_not_found(glue, call):
    with pytest.raises(ClientError) as exc:
        call(glue)
    assert error_code(exc) == "EntityNotFoundException"
    assert "nightly-load" in exc.value.response["Error"]["Message"]
    glue.get_databases()  # the server keeps serving
