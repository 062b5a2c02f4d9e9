"""The server process itself: first-start files, /healthz, /metrics, request
ids, keep-alive, open auth mode, graceful shutdown."""
import http.client
import os
import sqlite3
import stat

from support.catalog import unique
from support.server import read_credentials_file


def test_first_start_writes_addr_and_private_credentials(server):
    addr = (server.data_dir / "server.addr").read_text().strip()
    assert addr == f"127.0.0.1:{server.port}"
    creds_path = server.data_dir / "credentials"
    mode = stat.S_IMODE(os.stat(creds_path).st_mode)
    assert mode & 0o077 == 0, f"credentials file is readable by others: {oct(mode)}"
    creds = read_credentials_file(creds_path)
    assert creds.access_key.startswith("AKIA") and len(creds.access_key) == 20
    assert len(creds.secret_key) >= 30


def test_healthz(server):
    status, _, body = server.http("GET", "/healthz")
    assert status == 200
    assert body  # some body, e.g. "ok"


def test_metrics_count_requests_by_operation(server, glue):
    glue.get_databases()
    status, headers, body = server.http("GET", "/metrics")
    assert status == 200
    assert headers.get("content-type", "").startswith("text/plain")
    text = body.decode()
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    assert any("GetDatabases" in l for l in lines), "no per-operation series for GetDatabases"
    assert "# TYPE" in text  # Prometheus exposition format
    assert any("_bucket" in l for l in lines), "no latency histogram buckets"


def test_every_response_has_a_unique_request_id(glue):
    seen = set()
    for _ in range(5):
        rid = glue.get_databases()["ResponseMetadata"]["RequestId"]
        assert rid and rid not in seen
        seen.add(rid)
    try:
        glue.get_database(Name=unique("missing"))
    except glue.exceptions.EntityNotFoundException as exc:
        rid = exc.response["ResponseMetadata"]["RequestId"]
        assert rid and rid not in seen
    else:
        raise AssertionError("GetDatabase of a missing database succeeded")


def test_keep_alive_serves_many_requests_on_one_connection(server):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        first_socket = None
        for _ in range(20):
            conn.request("GET", "/healthz")
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 200
            assert resp.getheader("connection", "").lower() != "close"
            first_socket = first_socket or conn.sock
            assert conn.sock is first_socket, "the server closed a keep-alive connection"
    finally:
        conn.close()


def test_default_account_id_from_env(glue, account_id):
    name = unique("acct")
    glue.create_database(DatabaseInput={"Name": name})
    try:
        assert glue.get_database(Name=name)["Database"]["CatalogId"] == account_id
    finally:
        glue.delete_database(Name=name)


def test_open_auth_mode_accepts_any_signature(start_server):
    srv = start_server("open", env={"MORTAR_AUTH_MODE": "open"})
    from support.server import Credentials
    anyone = srv.client(credentials=Credentials("AKIAANYBODYATALL0000", "not-the-secret"))
    name = unique("open")
    anyone.create_database(DatabaseInput={"Name": name})
    # The same database is visible through the real admin key: one default account.
    assert srv.client().get_database(Name=name)["Database"]["Name"] == name
    assert srv.stop() == 0


def test_restart_keeps_credentials_and_data(start_server):
    srv = start_server("restart-clean")
    creds_before = srv.credentials
    name = unique("keep")
    srv.client().create_database(DatabaseInput={"Name": name, "Description": "kept"})
    assert srv.stop() == 0
    srv.start()
    creds_after = srv.credentials
    assert (creds_after.access_key, creds_after.secret_key) == (
        creds_before.access_key, creds_before.secret_key)
    assert srv.client().get_database(Name=name)["Database"]["Description"] == "kept"
    assert srv.stop() == 0


def test_first_start_prints_aws_configure_lines(server):
    creds = server.credentials
    lines = [l for l in server.log_path.read_text().splitlines() if "aws configure" in l]
    assert any(creds.access_key in l for l in lines), lines
    assert any(creds.secret_key in l for l in lines), lines


def test_access_log_has_one_line_per_request(server, glue, account_id):
    from support.server import wait_for
    ok_id = glue.get_databases()["ResponseMetadata"]["RequestId"]
    try:
        glue.get_database(Name=unique("logged"))
        raise AssertionError("expected EntityNotFoundException")
    except glue.exceptions.EntityNotFoundException as exc:
        err_id = exc.response["ResponseMetadata"]["RequestId"]

    def lines_for(rid):
        return [l for l in server.log_path.read_text().splitlines() if rid in l]
    ok_lines = wait_for(lambda: lines_for(ok_id), 10, "the access log line")
    err_lines = wait_for(lambda: lines_for(err_id), 10, "the access log line")
    assert len(ok_lines) == 1 and len(err_lines) == 1
    assert "GetDatabases" in ok_lines[0] and "200" in ok_lines[0]
    assert account_id in ok_lines[0]  # the principal
    assert "GetDatabase" in err_lines[0] and "400" in err_lines[0]
    assert "EntityNotFoundException" in err_lines[0]


def test_readyz_needs_the_schema_this_server_knows(start_server):
    srv = start_server("readyz")
    status, _, body = srv.http("GET", "/readyz")
    assert (status, body) == (200, b"ready\n")
    # The store loses its newest catalog migration (as a restored old backup
    # would): not ready, saying why; still alive.
    with sqlite3.connect(srv.data_dir / "catalog.db", timeout=10) as db:
        newest = db.execute("SELECT MAX(version) FROM schema_migrations"
                            " WHERE component='catalog'").fetchone()[0]
        db.execute("DELETE FROM schema_migrations WHERE component='catalog' AND version=?",
                   (newest,))
    status, _, body = srv.http("GET", "/readyz")
    assert status == 503
    assert f"'catalog' is at version {newest - 1}, this server needs {newest}" in body.decode()
    assert srv.http("GET", "/healthz")[0] == 200


def test_the_only_server_on_sqlite_leads_the_scheduler(server):
    # SQLite grants the scheduler lock per process: the server leads at start
    # (tests/crawler/test_crawler_schedule.py shows its schedules fire).
    assert "became scheduler leader" in server.log_path.read_text(errors="replace")
