"""Runs Debian's aws CLI v2 against a Mortar server and parses its JSON output."""
import json
import os
import subprocess

AWS = "/usr/bin/aws"


class CliError(Exception):
    def __init__(self, returncode, stderr):
        super().__init__(f"aws exited {returncode}: {stderr}")
        self.returncode = returncode
        self.stderr = stderr


def run_aws(server, *args, credentials=None, check=True, timeout=120):
    """`aws <args> --endpoint-url ... --output json`; returns the parsed JSON
    (None for empty output). With check=False returns (returncode, stdout, stderr)."""
    creds = credentials or server.credentials
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("AWS_"):
            del env[key]
    env.update(creds.env())
    env["AWS_CONFIG_FILE"] = "/dev/null"
    env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    env["AWS_PAGER"] = ""
    env["AWS_MAX_ATTEMPTS"] = "1"
    cmd = [AWS, *args, "--endpoint-url", server.endpoint, "--output", "json"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if not check:
        return proc.returncode, proc.stdout, proc.stderr
    if proc.returncode != 0:
        raise CliError(proc.returncode, proc.stderr)
    return json.loads(proc.stdout) if proc.stdout.strip() else None
