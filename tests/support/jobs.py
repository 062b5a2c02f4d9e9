"""Helpers for the jobs system tests (tests/jobs/)."""
from support.server import wait_for

FINAL_STATES = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"}


def wait_for_run_state(glue, job, run_id, states, timeout=60):
    """Polls GetJobRun until the run is in one of `states`; returns the JobRun."""
    def reached():
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        return run if run["JobRunState"] in states else None
    return wait_for(reached, timeout, f"job run {run_id} to reach {sorted(states)}", interval=0.05)
