"""A real PostgreSQL server for tests: `initdb` into a fresh temp dir and
`pg_ctl start` on a free loopback port, stopped (and the dir removed) after.

PostgreSQL refuses to run as root, so when the tests run as root the server
runs as the `postgres` user (`runuser -u postgres --`) with the temp dir
chowned to it. The superuser `postgres` gets a password (TCP logins use
scram-sha-256, the local socket is trusted for setup through psql).

    with PostgresServer() as pg:
        pg.sql("CREATE TABLE t (a int)")
        url = pg.jdbc_url()          # jdbc:postgresql://127.0.0.1:<port>/postgres
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# Where Debian's `postgresql` package puts the server binaries; some machines
# also link them into /usr/local/bin or $PATH.
_BIN_DIRS = ["/usr/local/bin", "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin",
             "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/14/bin", "/usr/lib/postgresql/13/bin"]


class PostgresUnavailable(RuntimeError):
    pass


def find_pg_bin(name):
    """The path of a PostgreSQL program (initdb, pg_ctl, psql)."""
    for d in _BIN_DIRS:
        p = Path(d) / name
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
    found = shutil.which(name)
    if found:
        return found
    raise PostgresUnavailable(
        f"PostgreSQL's `{name}` was not found (looked in {', '.join(_BIN_DIRS)} and $PATH): "
        "install the Debian package `postgresql` (scripts/bootstrap --tests installs it)")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    SUPERUSER = "postgres"

    def __init__(self, password="mortar-test-pw", max_connections=50, durable=False):
        self.password = password
        self.max_connections = max_connections
        # Tests run with fsync off (faster; a test's data need not survive a
        # power cut); benchmarks that compare with SQLite's synced commits need
        # durable=True.
        self.durable = durable
        self.port = None
        self.dir = None
        self._as_root = os.geteuid() == 0
        self.initdb = find_pg_bin("initdb")
        self.pg_ctl = find_pg_bin("pg_ctl")
        self.psql = find_pg_bin("psql")
        if self._as_root:
            try:
                self._pg_user = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root but there is no `postgres` user to run PostgreSQL as: "
                    "install the Debian package `postgresql`")

    # -- running programs as the server's user -------------------------------------
    def _run(self, argv, check=True, input=None, timeout=120):
        if self._as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        proc = subprocess.run(argv, input=input, capture_output=True, text=True, timeout=timeout,
                              cwd=self.dir or "/")
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
                               + self.log_tail())
        return proc

    def log_tail(self, lines=30):
        try:
            text = (Path(self.dir) / "server.log").read_text(errors="replace")
        except (OSError, TypeError):
            return ""
        return "\n--- server.log ---\n" + "\n".join(text.splitlines()[-lines:])

    # -- lifecycle -----------------------------------------------------------------
    def start(self):
        # /tmp directly: pytest's tmp dirs sit under a root-only 0700 folder
        # the postgres user could not enter.
        self.dir = tempfile.mkdtemp(prefix="mortar-pg-")
        if self._as_root:
            os.chown(self.dir, self._pg_user.pw_uid, self._pg_user.pw_gid)
        os.chmod(self.dir, 0o700)
        pwfile = Path(self.dir) / "pw"
        pwfile.write_text(self.password + "\n")
        if self._as_root:
            os.chown(pwfile, self._pg_user.pw_uid, self._pg_user.pw_gid)
        data = os.path.join(self.dir, "data")
        self._run([self.initdb, "-D", data, "-U", self.SUPERUSER, f"--pwfile={pwfile}",
                   "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                   "--locale=C", "--no-sync"])
        pwfile.unlink()
        last_error = None
        for _ in range(5):  # another process may grab the free port first
            self.port = free_port()
            opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
                    f"-c max_connections={self.max_connections}")
            if not self.durable:
                opts += " -c fsync=off -c full_page_writes=off"
            proc = self._run([self.pg_ctl, "-D", data, "-l", os.path.join(self.dir, "server.log"),
                              "-o", opts, "-w", "-t", "60", "start"], check=False)
            if proc.returncode == 0:
                return self
            last_error = proc.stdout + proc.stderr + self.log_tail()
            if "already in use" not in last_error and "could not bind" not in last_error:
                break
        raise RuntimeError(f"pg_ctl start failed:\n{last_error}")

    def stop(self):
        if self.dir is None:
            return
        try:
            if self.port is not None:
                self._run([self.pg_ctl, "-D", os.path.join(self.dir, "data"), "-m", "fast", "-w",
                           "stop"], check=False)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- use -----------------------------------------------------------------------
    def sql(self, statements, database="postgres"):
        """Runs SQL as the superuser over the local socket; returns psql's output
        (unaligned, tuples only); raises with psql's message on an error."""
        proc = self._run([self.psql, "-h", self.dir, "-p", str(self.port), "-U", self.SUPERUSER,
                          "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t"],
                         input=statements)
        return proc.stdout

    def jdbc_url(self, database="postgres", params=""):
        url = f"jdbc:postgresql://127.0.0.1:{self.port}/{database}"
        return url + (f"?{params}" if params else "")
