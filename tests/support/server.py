"""Starts and stops a real `mortar serve` process for the system tests.

The server picks its own port (--listen 127.0.0.1:0) and writes the bound
address to <data_dir>/server.addr; on first start it also writes
<data_dir>/credentials (aws credentials-file format, [default] profile).
The catalog is SQLite in the data dir, or with MORTAR_TEST_STORE=postgres a fresh
database in the session's PostgreSQL (support/store_backend.py).
"""
import configparser
import contextlib
import http.client
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import boto3
from botocore.config import Config

from support import store_backend

REPO_ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def mortar_bin():
    """The mortar binary under test: $MORTAR_BIN, else build/release/mortar."""
    path = os.environ.get("MORTAR_BIN") or str(REPO_ROOT / "build" / "release" / "mortar")
    if not os.access(path, os.X_OK):
        raise RuntimeError(
            f"mortar binary not found at {path}: build it (make build) or set MORTAR_BIN")
    return path


def wait_for(predicate, timeout, what, interval=0.02):
    """Polls `predicate` until it returns a truthy value or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Credentials:
    def __init__(self, access_key, secret_key):
        self.access_key = access_key
        self.secret_key = secret_key

    def env(self):
        return {"AWS_ACCESS_KEY_ID": self.access_key,
                "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION}


def read_credentials_file(path):
    parser = configparser.ConfigParser()
    parser.read(path)
    section = parser["default"]
    return Credentials(section["aws_access_key_id"].strip(),
                       section["aws_secret_access_key"].strip())


class MortarServer:
    """One `mortar serve` process on a data directory (restartable)."""

    _addr_re = re.compile(r"^(\d+\.\d+\.\d+\.\d+):(\d+)\s*$")

    def __init__(self, data_dir, env=None, extra_args=(), recorder=None, store_url=None):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.extra_env = dict(env or {})
        self.extra_args = list(extra_args)
        self.recorder = recorder  # conformance recorder attached to every client
        # The PostgreSQL database of this server (kept across restarts); "": SQLite
        # whatever the backend; None: MORTAR_TEST_STORE decides at the first start.
        self.store_url = store_url
        self.proc = None
        self.host = None
        self.port = None
        self.log_path = self.data_dir / "server.log"
        self._log = None

    # -- lifecycle -----------------------------------------------------------------
    def start(self, timeout=30):
        addr_file = self.data_dir / "server.addr"
        if addr_file.exists():
            addr_file.unlink()
        env = dict(os.environ)
        for key in ("MORTAR_LISTEN", "MORTAR_DATA_DIR", "MORTAR_AUTH_MODE", "MORTAR_STORE_URL"):
            env.pop(key, None)
        chosen_by_test = ("MORTAR_STORE_URL" in self.extra_env
                          or any(a.startswith("--store-url") for a in self.extra_args))
        if self.store_url is None and not chosen_by_test:
            self.store_url = store_backend.store_url_for_new_server()
        if self.store_url:
            env["MORTAR_STORE_URL"] = self.store_url
        env.update(self.extra_env)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [mortar_bin(), "serve", "--data-dir", str(self.data_dir),
             "--listen", "127.0.0.1:0", *self.extra_args],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

        def bound():
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"mortar serve exited with {self.proc.returncode} before listening:\n"
                    + self.log_tail())
            try:
                match = self._addr_re.match(addr_file.read_text())
            except FileNotFoundError:
                return None
            return match
        match = wait_for(bound, timeout, "server.addr")
        self.host, self.port = match.group(1), int(match.group(2))
        wait_for(self._healthy, timeout, "/healthz")
        return self

    def _healthy(self):
        try:
            status, _, _ = self.http("GET", "/healthz")
            return status == 200
        except OSError:
            return False

    def stop(self, timeout=30):
        """SIGTERM, wait, and return the exit code (0 means a clean shutdown)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("mortar serve did not exit within "
                                   f"{timeout}s of SIGTERM:\n" + self.log_tail())
        code = self.proc.returncode
        self.proc = None
        self._log.close()
        return code

    def kill(self):
        """SIGKILL: no chance to clean up (the restart test's crash)."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None
        self._log.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # -- access --------------------------------------------------------------------
    @property
    def endpoint(self):
        return f"http://{self.host}:{self.port}"

    def cli_env(self):
        """The environment for `mortar` commands that read this server's store
        (`mortar logs`, `mortar crawler plan`, `mortar admin`): MORTAR_STORE_URL
        when the store is a PostgreSQL."""
        env = dict(os.environ)
        env.pop("MORTAR_STORE_URL", None)
        if self.store_url:
            env["MORTAR_STORE_URL"] = self.store_url
        return env

    @property
    def credentials(self):
        return read_credentials_file(self.data_dir / "credentials")

    def http(self, method, path, body=None, headers=None, timeout=10):
        """A plain, unsigned HTTP request; returns (status, headers, body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def client(self, credentials=None, retries=1, **config):
        """A boto3 Glue client for this server, with the conformance hook attached."""
        creds = credentials or self.credentials
        cfg = Config(retries={"total_max_attempts": retries, "mode": "standard"},
                     connect_timeout=10, read_timeout=60, max_pool_connections=32, **config)
        client = boto3.session.Session().client(
            "glue", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
            config=cfg)
        if self.recorder is not None:
            self.recorder.attach(client)
        return client


@contextlib.contextmanager
def servers_on_one_postgres(tmp_path_factory, database, count=2):
    """`count` servers on one fresh database of a throwaway PostgreSQL (each
    with its own data dir); each must exit 0 on SIGTERM afterwards."""
    from support.postgres import PostgresServer
    with PostgresServer(max_connections=100) as pg:
        pg.sql(f"CREATE DATABASE {database};")
        url = f"postgresql://postgres:{pg.password}@127.0.0.1:{pg.port}/{database}"
        started = [MortarServer(tmp_path_factory.mktemp(f"{database}_{n}"), store_url=url).start()
                   for n in range(count)]
        yield started
        for srv in started:
            assert srv.stop() == 0, srv.log_tail()


def jump_past_next_hour(clock_file):
    """Moves the test clock of the servers started with
    MORTAR_TEST_CLOCK_FILE=`clock_file` (an offset in seconds, cumulative) to
    just past the next full hour."""
    import math
    offset = int(clock_file.read_text() or 0)
    now = time.time() + offset
    target = math.floor(now / 3600) * 3600 + 3600 + 5
    clock_file.write_text(str(int(offset + (target - now)) + 1))
