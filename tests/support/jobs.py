"""Helpers for the jobs system tests (tests/jobs/)."""
from support.server import wait_for

FINAL_STATES = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"}


def wait_for_run_state(glue, job, run_id, states, timeout=60):
    """Polls GetJobRun until the run is in one of `states`; returns the JobRun."""
    last = {}

    def reached():
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        last["run"] = run
        return run if run["JobRunState"] in states else None
    try:
        return wait_for(reached, timeout, f"job run {run_id} to reach {sorted(states)}",
                        interval=0.05)
    except TimeoutError as e:
        # Where it stuck says which side to look at.
        run = last.get("run", {})
        raise TimeoutError(f"{e}; last seen {run.get('JobRunState')} "
                           f"({run.get('StateDetail') or run.get('ErrorMessage') or ''})") from None
