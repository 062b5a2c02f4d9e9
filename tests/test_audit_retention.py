"""Audit trail retention (`audit.max_rows`, `audit.retention_days`): a background
task prunes the oldest entries while writes go on, and the newest stay.

The servers run with the test-only MORTAR_TEST_CLOCK_FILE (src/server/crawler_runtime.h):
the scheduler that runs the minute-by-minute pruning follows real time plus the seconds in
that file, so a test makes the next prune happen by moving that clock a minute forward."""
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from support.catalog import unique
from support.server import mortar_bin, wait_for


def audit_lines(srv):
    proc = subprocess.run([mortar_bin(), "admin", "--data-dir", str(srv.data_dir), "audit",
                           "--limit", "100000"], capture_output=True, text=True, timeout=60,
                          env=srv.cli_env())
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()


def advance(clock_file, seconds):
    clock_file.write_text(str(int(clock_file.read_text() or 0) + seconds))


@pytest.fixture
def clock_file(tmp_path):
    f = tmp_path / "clock-offset"
    f.write_text("0")
    return f


def test_max_rows_keeps_the_log_bounded_under_writes(start_server, clock_file):
    srv = start_server("audit_rows", env={"MORTAR_TEST_CLOCK_FILE": str(clock_file)},
                       extra_args=["--audit-max-rows", "40"])
    glue = srv.client()
    db = unique("audited")
    glue.create_database(DatabaseInput={"Name": db})

    def writes(worker, n):
        client = srv.client()
        for i in range(n):
            name = f"w{worker}_{i}"
            client.create_table(DatabaseName=db, TableInput={"Name": name})
            client.delete_table(DatabaseName=db, Name=name)

    for _ in range(3):
        # Writers and a prune at the same time: every write succeeds.
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(writes, w, 15) for w in range(4)]
            advance(clock_file, 60)
            for f in futures:
                f.result()
        last = unique("last")
        glue.create_table(DatabaseName=db, TableInput={"Name": last})
        advance(clock_file, 60)
        lines = wait_for(lambda: (lambda ls: ls if len(ls) <= 40 else None)(audit_lines(srv)),
                         20, "the audit log pruned to 40 rows")
        # The newest entries remain, newest first.
        assert len(lines) == 40, lines
        assert f"{db}/{last}" in lines[0] and "CreateTable" in lines[0], lines[0]
        assert "DeleteTable" in lines[1], lines[1]  # every writer's last call
        assert all(db in l for l in lines), lines
    assert srv.alive()


def test_retention_days_prunes_old_entries(start_server, clock_file):
    # Entries are stamped with real time; only the pruning follows the test clock, so the
    # exact age boundary is left to the unit test (catalog/audit_test.cc).
    srv = start_server("audit_age", env={"MORTAR_TEST_CLOCK_FILE": str(clock_file)},
                       extra_args=["--audit-retention-days", "2", "--audit-max-rows", "0"])
    glue = srv.client()
    old = unique("olddb")
    glue.create_database(DatabaseInput={"Name": old})
    glue.delete_database(Name=old)
    assert sum(old in l for l in audit_lines(srv)) == 2
    advance(clock_file, 3 * 86400)  # three days later
    wait_for(lambda: not any(old in l for l in audit_lines(srv)), 20, "the old entries pruned")
    assert srv.alive()
