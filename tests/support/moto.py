"""moto's S3 server on a free loopback port, for tests that need an
S3-compatible store (started by the test, stopped after)."""
import contextlib
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


@contextlib.contextmanager
def moto_server(log_path):
    """Yields the endpoint URL; moto's request log goes to `log_path`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(log_path, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2).read()
                break
            except Exception:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("moto server did not start")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
