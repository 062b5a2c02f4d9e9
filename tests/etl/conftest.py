"""Fixtures for the ETL tests (tests/etl): the awsglue package from the build
(<build>/python, importable in-process), an environment that points it at the
shared test server, and `run_script` for running Glue scripts with `mortar run`."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from support.server import mortar_bin

BUILD_DIR = Path(os.environ.get("MORTAR_BUILD_DIR",
                                Path(__file__).resolve().parents[2] / "build" / "release"))
PYTHON_DIR = BUILD_DIR / "python"

if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))


@pytest.fixture
def glue_env(server, monkeypatch):
    """Points in-process awsglue code (GlueContext, catalog calls) at the shared
    server with its admin credentials; returns the environment it set."""
    env = dict(server.credentials.env())
    env["MORTAR_ENDPOINT"] = server.endpoint
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def run_script(server, tmp_path):
    """run_script(text, *args, env=None, cwd=None) -> CompletedProcess of
    `mortar run script.py args...` against the shared server (the script's
    text is dedented; stdout/stderr captured as text)."""
    def run(text, *args, env=None, cwd=None, timeout=300):
        script = tmp_path / "script.py"
        script.write_text(textwrap.dedent(text))
        full_env = dict(os.environ)
        full_env.update(server.credentials.env())
        full_env["MORTAR_ENDPOINT"] = server.endpoint
        full_env.update(env or {})
        return subprocess.run([os.path.abspath(mortar_bin()), "run", str(script), *args], env=full_env,
                              cwd=cwd or tmp_path, capture_output=True, text=True,
                              timeout=timeout)
    return run
