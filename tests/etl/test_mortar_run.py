"""`mortar run`: argument passing (JOB_NAME/JOB_RUN_ID defaults), exit codes,
the run log and the failure summary, the in-process server on a data dir,
reuse of a server already running there, signals, and bad endpoints."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from support.catalog import unique
from support.server import MortarServer, mortar_bin as _mortar_bin

def mortar_bin():
    return os.path.abspath(_mortar_bin())  # runs below use other working dirs


RESOLVED_OPTIONS_SCRIPT = """
    import json, sys
    from awsglue.utils import getResolvedOptions
    # JOB_RUN_ID is reserved (not asked for) but resolved, as in Glue.
    args = getResolvedOptions(sys.argv, ["JOB_NAME", "day"])
    print("RESOLVED " + json.dumps(args))
    print("ARGV " + json.dumps(sys.argv[1:]))
"""


def _resolved(stdout):
    line = next(l for l in stdout.splitlines() if l.startswith("RESOLVED "))
    return json.loads(line[len("RESOLVED "):])


def _argv(stdout):
    line = next(l for l in stdout.splitlines() if l.startswith("ARGV "))
    return json.loads(line[len("ARGV "):])


def _log_path(stderr):
    match = re.search(r"^mortar run: log: (.+)$", stderr, re.M)
    assert match, f"no log path in stderr:\n{stderr}"
    return match.group(1)


def _local_env(**extra):
    """An environment with no endpoint and no AWS credentials (mortar run must
    start or find a server itself); scripts run with this test's interpreter,
    which has boto3."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k not in ("MORTAR_ENDPOINT", "MORTAR_DATA_DIR")}
    env["MORTAR_PYTHON"] = sys.executable
    env.update(extra)
    return env


def _run(args, env, cwd, timeout=120):
    return subprocess.run([mortar_bin(), "run", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def test_job_name_and_run_id_default_and_args_pass_through(run_script):
    proc = run_script(RESOLVED_OPTIONS_SCRIPT, "--day", "2026-11-01", "--note", "a b  'c'")
    assert proc.returncode == 0, proc.stderr
    args = _resolved(proc.stdout)
    assert args["JOB_NAME"] == "script"  # the script's stem
    assert re.fullmatch(r"jr_[0-9a-f]{64}", args["JOB_RUN_ID"]), args
    assert args["day"] == "2026-11-01"
    # The user's arguments arrive untouched, after the added ones.
    assert _argv(proc.stdout)[-4:] == ["--day", "2026-11-01", "--note", "a b  'c'"]


def test_given_job_name_and_run_id_are_kept(run_script):
    proc = run_script(RESOLVED_OPTIONS_SCRIPT, "--JOB_NAME", "nightly", "--day", "d1",
                      "--JOB_RUN_ID=jr_mine")
    assert proc.returncode == 0, proc.stderr
    args = _resolved(proc.stdout)
    assert (args["JOB_NAME"], args["JOB_RUN_ID"], args["day"]) == ("nightly", "jr_mine", "d1")
    assert _argv(proc.stdout).count("--JOB_NAME") == 1
    # Missing required options are getResolvedOptions' error, with the option named.
    proc = run_script(RESOLVED_OPTIONS_SCRIPT)
    assert proc.returncode != 0
    assert "day" in proc.stderr


def test_exit_code_is_the_scripts(run_script):
    ok = run_script("print('fine')")
    assert ok.returncode == 0 and ok.stdout.strip() == "fine"
    assert "mortar run:" not in ok.stderr
    proc = run_script("import sys\nprint('partial')\nsys.exit(3)")
    assert proc.returncode == 3
    assert "failed: exit code 3" in proc.stderr
    with open(_log_path(proc.stderr)) as f:
        assert "partial" in f.read()


def test_raising_script_has_traceback_in_log_and_one_line_summary(run_script, tmp_path):
    proc = run_script("""
        import sys
        print("before the failure")
        def load(row):
            raise ValueError(f"bad row {row}")
        load(42)
    """, env={"MORTAR_DATA_DIR": str(tmp_path / "dd")})
    assert proc.returncode == 1
    assert "mortar run: script.py failed: ValueError: bad row 42" in proc.stderr
    log = _log_path(proc.stderr)
    # With a data dir known, the log lives under it, named after the run id.
    assert log.startswith(str(tmp_path / "dd" / "logs" / "runs" / "jr_")) and log.endswith(".log")
    text = open(log).read()
    assert "before the failure" in text
    assert "Traceback (most recent call last):" in text
    assert 'raise ValueError(f"bad row {row}")' in text
    assert text.rstrip().endswith("ValueError: bad row 42")
    # The terminal got the script's output too.
    assert "before the failure" in proc.stdout
    assert "Traceback" in proc.stderr


def test_starts_its_own_server_on_the_data_dir(tmp_path):
    data_dir = tmp_path / "data"
    name = unique("rundb")
    script = tmp_path / "create_db.py"
    script.write_text(textwrap.dedent(f"""
        import os, boto3
        glue = boto3.client("glue", endpoint_url=os.environ["MORTAR_ENDPOINT"])
        glue.create_database(DatabaseInput={{"Name": "{name}", "Description": "from mortar run"}})
        # The awsglue catalog path reaches the same server.
        import _mortar
        got = _mortar.glue_call("GetDatabase", {{"Name": "{name}"}})
        print("GOT", got["Database"]["Description"])
    """))
    proc = _run(["--data-dir", str(data_dir), str(script)], _local_env(), tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "GOT from mortar run" in proc.stdout
    assert (data_dir / "credentials").exists()
    assert not (data_dir / "server.addr").exists(), "the in-process server was not stopped"
    logs = list((data_dir / "logs" / "runs").glob("jr_*.log"))
    assert len(logs) == 1 and "GOT from mortar run" in logs[0].read_text()
    # The database is in the data dir: a real server started on it afterwards sees it.
    srv = MortarServer(data_dir).start()
    try:
        db = srv.client().get_database(Name=name)["Database"]
        assert db["Description"] == "from mortar run"
    finally:
        assert srv.stop() == 0


def test_default_data_dir_is_dot_mortar_in_cwd(tmp_path):
    script = tmp_path / "where.py"
    script.write_text("import os\nprint('DIR', os.environ['MORTAR_DATA_DIR'])\n")
    proc = _run([str(script)], _local_env(), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"DIR {tmp_path / '.mortar'}" in proc.stdout
    assert (tmp_path / ".mortar" / "catalog.db").exists()


def test_uses_the_server_already_running_on_the_data_dir(start_server, tmp_path):
    srv = start_server("runreuse")
    name = unique("reusedb")
    script = tmp_path / "reuse.py"
    script.write_text(textwrap.dedent(f"""
        import os, boto3
        print("ENDPOINT", os.environ["MORTAR_ENDPOINT"])
        boto3.client("glue", endpoint_url=os.environ["MORTAR_ENDPOINT"]).create_database(
            DatabaseInput={{"Name": "{name}"}})
    """))
    proc = _run(["--data-dir", str(srv.data_dir), str(script)], _local_env(), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "already running" in proc.stderr
    assert f"ENDPOINT {srv.endpoint}" in proc.stdout
    assert srv.client().get_database(Name=name)["Database"]["Name"] == name
    assert srv.alive() and (srv.data_dir / "server.addr").exists()


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bad_endpoint_is_a_clear_error_and_the_script_does_not_run(tmp_path):
    marker = tmp_path / "ran"
    script = tmp_path / "s.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    proc = _run(["--endpoint", endpoint, str(script)], _local_env(), tmp_path)
    assert proc.returncode == 2
    assert f"the Glue endpoint {endpoint} does not answer" in proc.stderr
    assert not marker.exists()
    # The same through the environment.
    proc = _run([str(script)], _local_env(MORTAR_ENDPOINT=endpoint), tmp_path)
    assert proc.returncode == 2 and "does not answer" in proc.stderr
    proc = _run(["--endpoint", "127.0.0.1:8787", str(script)], _local_env(), tmp_path)
    assert proc.returncode == 2 and "http:// or https://" in proc.stderr
    assert not marker.exists()


def test_usage_errors(tmp_path):
    env = _local_env()
    assert _run([], env, tmp_path).returncode == 2
    proc = _run(["missing.py"], env, tmp_path)
    assert proc.returncode == 2 and "no such script: missing.py" in proc.stderr
    script = tmp_path / "s.py"
    script.write_text("print('hi')\n")
    proc = _run(["--bogus", str(script)], env, tmp_path)
    assert proc.returncode == 2 and "unknown option --bogus" in proc.stderr
    proc = _run(["--python", str(tmp_path / "no-python"), "--data-dir", str(tmp_path / "d"),
                 str(script)], env, tmp_path)
    assert proc.returncode == 2 and "cannot start" in proc.stderr
    proc = _run([str(script)], _local_env(MORTAR_PYTHON_PATH=str(tmp_path)), tmp_path)
    assert proc.returncode == 2 and "awsglue package is not in" in proc.stderr
    help_proc = _run(["--help"], env, tmp_path)
    assert help_proc.returncode == 0 and "SCRIPT.py" in help_proc.stdout


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_script_and_the_local_server(tmp_path, sig):
    data_dir = tmp_path / "data"
    script = tmp_path / "slow.py"
    script.write_text("import time\nprint('started', flush=True)\ntime.sleep(120)\n")
    proc = subprocess.Popen([mortar_bin(), "run", "--data-dir", str(data_dir), str(script)],
                            env=_local_env(), cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "started"
        assert (data_dir / "server.addr").exists()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    if sig == signal.SIGTERM:
        assert proc.returncode == 128 + signal.SIGTERM
        assert "stopped by signal 15" in err
    else:
        assert "KeyboardInterrupt" in err  # Python's own SIGINT handling
    assert not (data_dir / "server.addr").exists(), "the in-process server was not stopped"


def test_ctrl_c_in_a_terminal_stops_the_script(tmp_path):
    """In a terminal the script shares mortar run's foreground process group,
    so Ctrl-C reaches it directly (once: mortar run does not pass it on again)."""
    import pty
    script = tmp_path / "wait.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        try:
            print("waiting", flush=True)
            time.sleep(60)
        except KeyboardInterrupt:
            print("interrupted once", flush=True)
            time.sleep(0.5)   # a second, forwarded SIGINT would land here
            print("clean exit", flush=True)
            sys.exit(5)
    """))
    pid, fd = pty.fork()
    if pid == 0:  # the child: exec mortar run with the pty as its terminal
        os.execve(mortar_bin(), [mortar_bin(), "run", "--data-dir", str(tmp_path / "d"),
                                 str(script)], _local_env())
    output = b""
    try:
        def read_until(text, timeout=30):
            nonlocal output
            deadline = time.monotonic() + timeout
            while text not in output:
                assert time.monotonic() < deadline, output.decode(errors="replace")
                try:
                    output += os.read(fd, 4096)
                except OSError:
                    break
            return text in output
        assert read_until(b"waiting")
        os.write(fd, b"\x03")  # Ctrl-C
        read_until(b"clean exit")
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    text = output.decode(errors="replace")
    assert "interrupted once" in text and "clean exit" in text, text
    assert os.waitstatus_to_exitcode(status) == 5, text
    assert not (tmp_path / "d" / "server.addr").exists()


def test_interpreter_and_python_path_selection(tmp_path):
    script = tmp_path / "which.py"
    script.write_text("import sys, os\nprint('EXE', sys.executable)\n"
                      "print('PATH0', os.environ['PYTHONPATH'].split(':')[0])\n")
    # --python wins over $MORTAR_PYTHON; the build's python dir leads PYTHONPATH.
    env = _local_env(MORTAR_PYTHON=str(tmp_path / "not-this-one"), PYTHONPATH="/elsewhere")
    proc = _run(["--python", sys.executable, "--data-dir", str(tmp_path / "d"), str(script)],
                env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"EXE {sys.executable}" in proc.stdout
    python_dir = os.path.join(os.path.dirname(os.path.realpath(mortar_bin())), "python")
    assert f"PATH0 {python_dir}" in proc.stdout
    # $MORTAR_PYTHON_PATH replaces the build's python dir.
    alt = tmp_path / "alt"
    (alt / "awsglue").mkdir(parents=True)
    proc = _run(["--data-dir", str(tmp_path / "d"), str(script)],
                _local_env(MORTAR_PYTHON_PATH=str(alt)), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"PATH0 {alt}" in proc.stdout
