"""The job runner fetching an s3:// ScriptLocation and --extra-py-files
through Mortar's S3 client, against moto's S3 server: runs the GoogleTest
suite JobRunnerS3Live (src/jobs/job_runner_live_test.cc) with the endpoint and a
bucket holding the script and a helper module."""
import glob
import os
import subprocess
from pathlib import Path

import boto3
import pytest

from support.moto import moto_server

REPO = Path(__file__).resolve().parents[2]
CREDS = {"AWS_ACCESS_KEY_ID": "AKIDMORTARTEST", "AWS_SECRET_ACCESS_KEY": "mortar-secret",
         "AWS_REGION": "us-east-1"}

MAIN = """import sys
import helper
print("main.py from s3 says: " + helper.TEXT)
print(__file__)
"""


def _jobs_test_binary():
    if os.environ.get("MORTAR_BUILD_DIR"):
        path = Path(os.environ["MORTAR_BUILD_DIR"]) / "src" / "jobs" / "jobs_test"
        if path.exists():
            return path
    found = glob.glob(str(REPO / "build/*/src/jobs/jobs_test"))
    if not found:
        pytest.fail("no jobs_test binary: set MORTAR_BUILD_DIR or build jobs_test under build/")
    return max(found, key=os.path.getmtime)


def test_s3_script_and_extra_py_files(tmp_path):
    with moto_server(tmp_path / "moto.log") as endpoint:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="jobs")
        s3.put_object(Bucket="jobs", Key="scripts/main.py", Body=MAIN.encode())
        s3.put_object(Bucket="jobs", Key="lib/helper.py", Body=b'TEXT = "helper from s3"\n')
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_") and not k.startswith("MORTAR_S3")}
        env.update(CREDS, MORTAR_S3_ENDPOINT=endpoint, MORTAR_TEST_S3_ENDPOINT=endpoint,
                   MORTAR_TEST_S3_BUCKET="jobs")
        proc = subprocess.run([str(_jobs_test_binary()), "--gtest_filter=JobRunnerS3Live.*"],
                              capture_output=True, timeout=300, env=env)
    out = proc.stdout.decode(errors="replace")
    assert proc.returncode == 0, out[-4000:]
    assert "[  PASSED  ] 1 test" in out and "SKIPPED" not in out, out[-2000:]
