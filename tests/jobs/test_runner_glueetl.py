"""A glueetl job run through the job runner on the native engine: runs the
GoogleTest suite JobRunnerGlueEtlLive (src/jobs/job_runner_live_test.cc) with the
build's awsglue package and _mortar module (<build>/python)."""
import glob
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _build_dir():
    if os.environ.get("MORTAR_BUILD_DIR"):
        return Path(os.environ["MORTAR_BUILD_DIR"])
    found = glob.glob(str(REPO / "build/*/src/jobs/jobs_test"))
    if not found:
        pytest.fail("no jobs_test binary: set MORTAR_BUILD_DIR or build jobs_test under build/")
    return Path(max(found, key=os.path.getmtime)).parents[2]


def test_glueetl_and_small_pythonshell_runs_on_the_native_engine():
    build = _build_dir()
    binary = build / "src" / "jobs" / "jobs_test"
    python_dir = build / "python"
    if not binary.exists() or not glob.glob(str(python_dir / "_mortar*.so")):
        pytest.fail(f"build jobs_test and _mortar in {build} first")
    env = dict(os.environ, MORTAR_TEST_PYTHON_PATH=str(python_dir))
    proc = subprocess.run([str(binary), "--gtest_filter=JobRunnerGlueEtlLive.*"],
                          capture_output=True, timeout=300, env=env)
    out = proc.stdout.decode(errors="replace")
    assert proc.returncode == 0, out[-4000:]
    assert "[  PASSED  ] 2 tests" in out and "SKIPPED" not in out, out[-2000:]
