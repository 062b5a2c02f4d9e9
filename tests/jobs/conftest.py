"""Fixtures for the jobs system tests. Servers come from tests/conftest.py
(`server`, `glue`, `start_server`); this adds job helpers."""
import pytest

from support.catalog import unique
from support.jobs import FINAL_STATES


@pytest.fixture
def new_job(glue, tmp_path):
    """new_job(**members) -> name: a pythonshell job running a script that
    sleeps (so a run stays in flight until stopped); deleted afterwards."""
    created = []
    script = tmp_path / "sleep.py"
    script.write_text("import time\ntime.sleep(600)\n")

    def make(**members):
        name = members.pop("Name", None) or unique("job")
        request = {"Name": name, "Role": "arn:aws:iam::123456789012:role/glue",
                   "Command": {"Name": "pythonshell", "ScriptLocation": str(script),
                               "PythonVersion": "3.9"}}
        request.update(members)
        glue.create_job(**request)
        created.append(name)
        return name

    yield make
    for name in created:
        for run in glue.get_job_runs(JobName=name)["JobRuns"] if _exists(glue, name) else []:
            if run["JobRunState"] not in FINAL_STATES and run["JobRunState"] != "STOPPING":
                glue.batch_stop_job_run(JobName=name, JobRunIds=[run["Id"]])
        glue.delete_job(JobName=name)


def _exists(glue, name):
    try:
        glue.get_job(JobName=name)
        return True
    except glue.exceptions.EntityNotFoundException:
        return False
