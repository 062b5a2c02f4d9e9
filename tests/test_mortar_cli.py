"""The `mortar` binary's own command line (run as a subprocess), and what
`mortar serve` writes to its log: crawl start and end, authentication failures
(at warn, rate-limited)."""
import os
import re
import socket
import subprocess

import pytest

from support import raw
from support.catalog import unique
from support.server import mortar_bin, wait_for

SUBCOMMANDS = ("serve", "admin", "logs", "crawler", "file", "run")


def mortar(*args, cwd=None, env=None, timeout=60):
    base = {k: v for k, v in os.environ.items() if not k.startswith("MORTAR_")}
    base.update(env or {})
    return subprocess.run([mortar_bin(), *args], capture_output=True, text=True, cwd=cwd,
                          env=base, timeout=timeout)


@pytest.mark.parametrize("args,where", [
    (["frobnicate"], "mortar"),
    (["admin", "frobnicate"], "mortar admin"),
    (["logs", "frobnicate"], "mortar logs"),
    (["file", "frobnicate"], "mortar file"),
])
def test_unknown_subcommand_is_named_and_the_choices_listed(args, where):
    proc = mortar(*args)
    assert proc.returncode != 0
    assert f"{where}: unknown subcommand 'frobnicate'" in proc.stderr, proc.stderr
    assert "A subcommand is required" not in proc.stderr
    if where == "mortar":
        assert all(name in proc.stderr for name in SUBCOMMANDS), proc.stderr
    if where == "mortar admin":
        assert all(name in proc.stderr for name in ("accounts", "keys", "audit")), proc.stderr
    if where == "mortar file":
        assert all(name in proc.stderr for name in ("schema", "head", "cat", "convert")), proc.stderr


def test_no_subcommand_lists_the_choices():
    proc = mortar()
    assert proc.returncode != 0
    assert "a subcommand is required" in proc.stderr, proc.stderr
    assert all(name in proc.stderr for name in SUBCOMMANDS), proc.stderr


def test_serve_help_shows_numeric_flags_as_int():
    out = mortar("serve", "--help").stdout
    for flag in ("--max-body-bytes", "--threads", "--http-idle-timeout-seconds",
                 "--shutdown-grace-seconds"):
        assert re.search(rf"{flag} INT\b", out), (flag, out)
    assert re.search(r"--listen TEXT\b", out), out
    assert re.search(r"--auth-regions LIST\b", out), out


def test_start_on_a_busy_port_fails_without_creating_the_data_dir(server, tmp_path):
    fresh = tmp_path / "never-created"
    proc = mortar("serve", "--data-dir", str(fresh), "--listen", f"127.0.0.1:{server.port}")
    assert proc.returncode == 1, proc.stderr
    assert "mortar serve failed" in proc.stderr, proc.stderr
    assert not fresh.exists()


def test_start_on_a_busy_port_leaves_an_existing_empty_data_dir_empty(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        empty = tmp_path / "empty"
        empty.mkdir()
        proc = mortar("serve", "--data-dir", str(empty),
                      "--listen", f"127.0.0.1:{busy.getsockname()[1]}")
    assert proc.returncode == 1, proc.stderr
    assert list(empty.iterdir()) == []


def _crawl(srv, glue, db_name, path):
    name = unique("clicrawler")
    glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler",
                        DatabaseName=db_name, Targets={"S3Targets": [{"Path": str(path)}]})
    glue.start_crawler(Name=name)

    def ready():
        crawler = glue.get_crawler(Name=name)["Crawler"]
        return crawler if crawler["State"] == "READY" and "LastCrawl" in crawler else None
    crawler = wait_for(ready, 120, f"crawler {name} to finish", interval=0.05)
    return name, crawler["LastCrawl"]


@pytest.fixture(scope="module")
def crawled(start_server, tmp_path_factory):
    """A private server with one succeeded and one failed crawl."""
    srv = start_server("clilogs")
    glue = srv.client()
    lake = tmp_path_factory.mktemp("lake")
    (lake / "events" / "day=2026-11-01").mkdir(parents=True)
    (lake / "events" / "day=2026-11-01" / "part-0.csv").write_text("id,amount\n1,9.5\n2,3.25\n")
    glue.create_database(DatabaseInput={"Name": "clidb"})
    good, good_last = _crawl(srv, glue, "clidb", lake / "events")
    bad, bad_last = _crawl(srv, glue, "no_such_database", lake / "events")
    assert good_last["Status"] == "SUCCEEDED", good_last
    assert bad_last["Status"] == "FAILED", bad_last
    return srv, good, bad


@pytest.mark.parametrize("order", ["before", "after"])
def test_logs_takes_data_dir_before_or_after_the_subcommand(crawled, order):
    srv, good, _ = crawled
    where = ["--data-dir", str(srv.data_dir)]
    args = (["logs", *where, "crawler", good] if order == "before"
            else ["logs", "crawler", good, *where])
    proc = mortar(*args)
    assert proc.returncode == 0, proc.stderr
    assert f"Crawler {good} started crawl" in proc.stdout


def test_logs_and_crawler_help_list_data_dir_and_account():
    for args in (["logs", "--help"], ["logs", "crawler", "--help"], ["crawler", "--help"],
                 ["crawler", "plan", "--help"]):
        out = mortar(*args).stdout
        assert "--data-dir" in out and "--account" in out, (args, out)


def test_logs_without_a_data_dir_says_so(tmp_path):
    proc = mortar("logs", "crawler", "anything", cwd=tmp_path)
    assert proc.returncode != 0
    assert "no Mortar data dir at ./.mortar" in proc.stderr, proc.stderr
    assert "default account" not in proc.stderr
    proc = mortar("crawler", "plan", "anything", "--data-dir", str(tmp_path / "nope"))
    assert f"no Mortar data dir at {tmp_path / 'nope'}" in proc.stderr, proc.stderr


def test_server_log_has_crawl_start_and_end(crawled):
    srv, good, bad = crawled
    log = srv.log_path.read_text()
    assert re.search(rf" info crawler {good}: crawl \S+ started", log), log[-3000:]
    assert re.search(rf" info crawler {good}: crawl \S+ SUCCEEDED", log), log[-3000:]
    assert re.search(rf" warning crawler {bad}: crawl \S+ FAILED: Database no_such_database "
                     "not found", log), log[-3000:]


def test_auth_failures_are_warnings_and_rate_limited(start_server):
    srv = start_server("authlog")
    failures = 25
    for _ in range(failures):
        resp = raw.call(srv, "GetDatabases", {}, region="zz-nowhere-9")
        assert resp.error_type == "InvalidSignatureException", resp
    assert srv.stop() == 0
    lines = srv.log_path.read_text().splitlines()
    logged = [line for line in lines if "authentication failed" in line]
    assert logged and all(" warning authentication failed " in line for line in logged), logged
    assert "zz-nowhere-9" in logged[0]
    assert not [line for line in lines if " info request " in line and " status=403 " in line]
    # Every failure is either logged or counted in a `suppressed=N` report.
    reported = sum(int(n) for line in lines for n in re.findall(r"suppressed=(\d+)", line))
    assert len(logged) < failures
    assert len(logged) + reported == failures, lines[-20:]
    assert any("authentication failures not logged (rate limit)" in line for line in lines)
