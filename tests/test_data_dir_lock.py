"""One `mortar serve` per data dir (SQLite): a second server on the same data
dir is refused, whatever port it asks for, names the running server's PID,
and leaves the running server and its files alone."""
import os
import subprocess

import pytest

from support.catalog import unique
from support.server import mortar_bin


def _second_serve(data_dir, listen):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MORTAR_")}
    return subprocess.run(
        [mortar_bin(), "serve", "--data-dir", str(data_dir), "--listen", listen],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize("same_port", [False, True], ids=["other-port", "same-port"])
def test_second_server_on_a_data_dir_is_refused(start_server, same_port):
    first = start_server("lock")
    addr_file = first.data_dir / "server.addr"
    addr = addr_file.read_text()
    glue = first.client()
    name = unique("lockdb")
    glue.create_database(DatabaseInput={"Name": name})

    second = _second_serve(first.data_dir, addr if same_port else "127.0.0.1:0")

    assert second.returncode != 0, second.stderr
    assert (f"data dir {first.data_dir} is in use by mortar serve pid {first.proc.pid}"
            in second.stdout + second.stderr), second.stderr
    assert addr_file.read_text() == addr  # the running server's file, untouched
    assert first.alive()
    assert glue.get_database(Name=name)["Database"]["Name"] == name
    assert first.stop() == 0


def test_data_dir_is_free_again_after_the_server_stops(start_server):
    first = start_server("relock")
    assert first.stop() == 0
    again = start_server(data_dir=first.data_dir)
    status, _, _ = again.http("GET", "/healthz")
    assert status == 200
