"""Fixtures for the formats interop and conformance tests.

The tests drive Mortar through `mortar file`: MORTAR_FILE_BIN (the standalone
mortar-file binary) or MORTAR_BIN (the mortar binary, with the `file`
subcommand). Without either, a built binary under build/*/ is used.
"""
import glob
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTDATA = REPO.parent / "shared" / "testdata"


def _find_command():
    if os.environ.get("MORTAR_FILE_BIN"):
        return [os.environ["MORTAR_FILE_BIN"]]
    if os.environ.get("MORTAR_BIN"):
        return [os.environ["MORTAR_BIN"], "file"]
    for pattern, extra in (("build/*/src/tools/mortar-file", []), ("build/*/mortar", ["file"])):
        found = sorted(glob.glob(str(REPO / pattern)), key=os.path.getmtime, reverse=True)
        if found:
            return [found[0]] + extra
    return None


class Mortar:
    def __init__(self, command):
        self.command = command

    def run(self, *args, check=True):
        proc = subprocess.run(self.command + [str(a) for a in args], capture_output=True,
                              timeout=300)
        assert proc.returncode >= 0, f"mortar file crashed (signal {-proc.returncode}): {args}"
        if check and proc.returncode != 0:
            raise AssertionError(f"mortar file {args} failed: {proc.stderr.decode(errors='replace')}")
        return proc

    def rows(self, path, *options, input_format=None):
        args = ["cat", path]
        for o in options:
            args += ["--option", o]
        if input_format:
            args += ["--input-format", input_format]
        out = self.run(*args).stdout.decode()
        return [json.loads(line) for line in out.splitlines() if line]

    def schema(self, path, *options):
        args = ["schema", path]
        for o in options:
            args += ["--option", o]
        out = self.run(*args).stdout.decode()
        return [tuple(line.split("\t", 1)) for line in out.splitlines() if line]


@pytest.fixture(scope="session")
def mortar():
    command = _find_command()
    if command is None:
        pytest.fail("no Mortar binary: build mortar-file or set MORTAR_FILE_BIN / MORTAR_BIN")
    return Mortar(command)


@pytest.fixture(scope="session")
def testdata():
    if not TESTDATA.is_dir():
        pytest.skip(f"conformance data not present at {TESTDATA} (../shared/testdata)")
    return TESTDATA
