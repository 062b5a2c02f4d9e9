"""The AWS SDK for JavaScript v3 (@aws-sdk/client-glue) against Mortar: runs
tests/js/glue_sdk_test.mjs with node's test runner (npm packages installed by
scripts/bootstrap --tests)."""
import os
import shutil
import subprocess
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "js"


def test_js_sdk_v3(server):
    node = shutil.which("node")
    assert node, "node is not installed (scripts/bootstrap --tests installs it)"
    assert (JS_DIR / "node_modules" / "@aws-sdk" / "client-glue").is_dir(), (
        "tests/js/node_modules is missing: run scripts/bootstrap --tests (or npm install in tests/js)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(server.credentials.env())
    env["MORTAR_ENDPOINT"] = server.endpoint
    env["AWS_CONFIG_FILE"] = "/dev/null"
    env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    proc = subprocess.run([node, "--test", "--test-reporter=spec", "glue_sdk_test.mjs"],
                          cwd=JS_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"JS SDK tests failed:\n{proc.stdout}\n{proc.stderr}"
    assert "# fail 0" in proc.stdout or "fail 0" in proc.stdout, proc.stdout
