"""The store behind the system tests' servers, chosen by MORTAR_TEST_STORE:

- `sqlite` (default): each server's catalog.db in its own data dir.
- `postgres`: one throwaway PostgreSQL for the whole session (support/postgres.py,
  started on first use, stopped at exit) and a fresh database in it for each
  MortarServer, handed to `mortar serve` as MORTAR_STORE_URL. A server restarted
  on the same MortarServer keeps its database.
"""
import atexit
import itertools
import os
import threading

from support.postgres import PostgresServer

BACKENDS = ("sqlite", "postgres")

_lock = threading.Lock()
_postgres = None
_databases = itertools.count()


def backend():
    name = os.environ.get("MORTAR_TEST_STORE", "sqlite") or "sqlite"
    if name not in BACKENDS:
        raise ValueError(f"MORTAR_TEST_STORE={name!r}: expected one of {', '.join(BACKENDS)}")
    return name


def session_postgres():
    """The session's PostgreSQL (started on first call)."""
    global _postgres
    with _lock:
        if _postgres is None:
            # Every server of a session may stay up until the session ends
            # (start_server stops them at teardown), each with its own pool.
            server = PostgresServer(max_connections=300)
            server.start()
            atexit.register(server.stop)
            _postgres = server
        return _postgres


def new_database_url(prefix="mortar"):
    """A new, empty database in the session's PostgreSQL, as a libpq URL."""
    pg = session_postgres()
    name = f"{prefix}_{os.getpid()}_{next(_databases)}"
    pg.sql(f"CREATE DATABASE {name}")
    return f"postgresql://{pg.SUPERUSER}:{pg.password}@127.0.0.1:{pg.port}/{name}"


def store_url_for_new_server():
    """None on SQLite; else the URL of a fresh PostgreSQL database."""
    return new_database_url() if backend() == "postgres" else None
