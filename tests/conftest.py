"""Fixtures for Mortar's system tests: a real `mortar serve` on a free port in
a temp dir, driven with real SigV4 (the credentials the server wrote on first
start). Every boto3 client made through these fixtures feeds the response-shape
conformance recorder (support/conformance.py); test_conformance.py runs last
and fails listing any violation."""
from pathlib import Path

import pytest

from support import store_backend
from support.catalog import unique
from support.conformance import session_recorder
from support.server import MortarServer

DEFAULT_ACCOUNT_ID = "111122223333"  # given to the session server via MORTAR_DEFAULT_ACCOUNT_ID


TESTS_DIR = Path(__file__).resolve().parent

# The system tests that `make test` runs once per store backend (again with
# MORTAR_TEST_STORE=postgres, `-m store_backends`): the catalog's, the
# crawler's, accounts/auth/audit (they live in the store too), and the
# response-shape verdict over them. tests/README.md says why these and how
# long they take.
STORE_BACKEND_FILES = {
    "test_databases.py", "test_tables.py", "test_table_versions.py", "test_partitions.py",
    "test_paging.py", "test_search.py", "test_column_statistics.py", "test_connections.py",
    "test_functions.py", "test_tags.py", "test_cascade.py", "test_conformance.py",
    "test_admin.py", "test_auth.py", "test_audit_retention.py", "test_restart.py",
    "test_bad_input.py", "test_operations.py", "test_cli.py", "test_js_sdk.py", "test_logs.py",
    "test_triggers.py", "test_events.py", "test_event_triggers.py", "test_workflows.py",
}


def _runs_per_backend(item):
    try:
        rel = Path(str(item.fspath)).resolve().relative_to(TESTS_DIR).as_posix()
    except ValueError:
        return False
    return rel in STORE_BACKEND_FILES or rel.startswith(("crawler/", "jobs/"))


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        if _runs_per_backend(item):
            item.add_marker(pytest.mark.store_backends)
    # The conformance verdict must come after every test that sends requests.
    last = [i for i in items if i.get_closest_marker("conformance_final")]
    rest = [i for i in items if not i.get_closest_marker("conformance_final")]
    items[:] = rest + last


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    terminalreporter.write_line(f"store backend: {store_backend.backend()} (MORTAR_TEST_STORE)")
    rec = session_recorder()
    terminalreporter.write_line(
        f"conformance: checked {rec.responses_checked} raw responses across "
        f"{len(rec.operations_seen)} operations; {len(rec.violations)} violations")
    if rec.violations:
        terminalreporter.write_line(rec.report(limit=30))


@pytest.fixture(autouse=True)
def _attribute_responses(request):
    rec = session_recorder()
    rec.current_test = request.node.nodeid
    yield
    rec.current_test = "<between tests>"


@pytest.fixture(scope="session")
def start_server(tmp_path_factory):
    """Factory for private servers: start_server(name, env={...}) -> started MortarServer.
    Each is stopped with SIGTERM at session end (asserting a clean exit) unless
    the test stopped it already."""
    started = []

    def start(name="mortar", env=None, extra_args=(), data_dir=None, store_url=None):
        srv = MortarServer(data_dir or tmp_path_factory.mktemp(name), env=env,
                           extra_args=extra_args, recorder=session_recorder(), store_url=store_url)
        started.append(srv)
        return srv.start()

    yield start
    failures = []
    for srv in started:
        if srv.alive():
            code = srv.stop()
            if code != 0:
                failures.append(f"{srv.data_dir}: exit code {code}\n{srv.log_tail()}")
    assert not failures, "servers did not shut down cleanly on SIGTERM:\n" + "\n".join(failures)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The shared server most tests use (tests name their own databases uniquely)."""
    srv = MortarServer(tmp_path_factory.mktemp("shared"),
                       env={"MORTAR_DEFAULT_ACCOUNT_ID": DEFAULT_ACCOUNT_ID},
                       recorder=session_recorder())
    srv.start()
    yield srv
    assert srv.alive(), "the shared server died during the run:\n" + srv.log_tail()
    code = srv.stop()
    assert code == 0, f"mortar serve exited {code} on SIGTERM:\n{srv.log_tail()}"


@pytest.fixture(scope="session")
def glue(server):
    return server.client()


@pytest.fixture(scope="session")
def account_id():
    return DEFAULT_ACCOUNT_ID


@pytest.fixture
def db(glue):
    """A fresh database, deleted (with everything in it) afterwards."""
    name = unique("db")
    glue.create_database(DatabaseInput={"Name": name, "Description": "system test"})
    yield name
    try:
        glue.delete_database(Name=name)
    except glue.exceptions.EntityNotFoundException:
        pass
