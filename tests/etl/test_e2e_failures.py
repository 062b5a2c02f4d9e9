"""End to end failure paths of Glue scripts run with `mortar run`: a script
that raises (traceback in the run log, one-line summary, non-zero exit); a
sink interrupted midway, by the error threshold or by stopping the run, leaves
no partial output visible; bad format_options are a clear error."""
import json
import os
import re
import signal
import subprocess
import textwrap

from support.server import mortar_bin as _mortar_bin, wait_for

def mortar_bin():
    return os.path.abspath(_mortar_bin())  # runs below use other working dirs


HEADER = """
import sys, os, time
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
glueContext = GlueContext(SparkContext.getOrCreate())
"""


def _log_text(stderr):
    match = re.search(r"^mortar run: log: (.+)$", stderr, re.M)
    assert match, stderr
    with open(match.group(1)) as f:
        return f.read()


def _visible_files(root):
    """Files a reader of `root` would see (Hadoop/Glue hide . and _ names)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        found += [os.path.join(dirpath, f) for f in filenames if not f.startswith((".", "_"))]
    return found


def _make_events(root, files=4, per_file=5000):
    os.makedirs(root, exist_ok=True)
    n = 0
    for i in range(files):
        with open(os.path.join(root, f"events-{i}.json"), "w") as f:
            for _ in range(per_file):
                f.write(json.dumps({"id": n, "kind": f"k{n % 5}", "value": n * 0.5}) + "\n")
                n += 1
    return n


def test_missing_catalog_table_fails_with_traceback_in_log(run_script, db):
    proc = run_script(HEADER + """
print("reading")
frame = glueContext.create_dynamic_frame.from_catalog(database=sys.argv[-1],
                                                      table_name="no_such_table")
print("never")
""", db)
    assert proc.returncode == 1
    assert "never" not in proc.stdout
    summary = [l for l in proc.stderr.splitlines() if l.startswith("mortar run: script.py failed:")]
    assert len(summary) == 1 and "no_such_table" in summary[0], proc.stderr
    log = _log_text(proc.stderr)
    assert "reading" in log and "Traceback (most recent call last):" in log
    assert "glueContext.create_dynamic_frame.from_catalog(" in log  # the script's line


def test_error_threshold_stops_the_sink_and_leaves_no_output(run_script, tmp_path):
    total = _make_events(str(tmp_path / "events"))
    out = tmp_path / "out"
    proc = run_script(HEADER + f"""
events = glueContext.create_dynamic_frame.from_options(
    "s3", {{"paths": [{str(tmp_path / 'events')!r}]}}, format="json")

def enrich(r):
    if r["id"] >= {total - 10}:           # the last records are bad
        raise ValueError("cannot enrich " + str(r["id"]))
    r["double"] = r["value"] * 2
    return r

enriched = Map.apply(frame=events, f=enrich, totalThreshold=5)
glueContext.write_dynamic_frame.from_options(
    frame=enriched, connection_type="s3",
    connection_options={{"path": {str(out)!r}, "partitionKeys": ["kind"]}}, format="parquet")
print("finished")
""")
    assert proc.returncode != 0, proc.stdout
    assert "finished" not in proc.stdout
    summary = proc.stderr.strip().splitlines()[-2]
    assert summary.startswith("mortar run: script.py failed:") and "threshold" in summary.lower(), \
        proc.stderr
    assert _visible_files(out) == []
    # Nor is anything left beside the target (the temp folder is removed on failure).
    assert sorted(os.listdir(tmp_path)) == ["events", "script.py"]


def test_errors_under_the_threshold_do_not_fail_the_run(run_script, tmp_path):
    total = _make_events(str(tmp_path / "events"), files=2, per_file=1000)
    out = tmp_path / "out"
    proc = run_script(HEADER + f"""
events = glueContext.create_dynamic_frame.from_options(
    "s3", {{"paths": [{str(tmp_path / 'events')!r}]}}, format="json")
def enrich(r):
    if r["id"] >= {total - 3}:
        raise ValueError("bad")
    return r
enriched = Map.apply(frame=events, f=enrich, totalThreshold=5)
glueContext.write_dynamic_frame.from_options(
    frame=enriched, connection_type="s3", connection_options={{"path": {str(out)!r}}},
    format="json")
print("errors", enriched.errorsCount())
""")
    assert proc.returncode == 0, proc.stderr
    assert "errors 3" in proc.stdout
    written = sum(sum(1 for _ in open(f)) for f in _visible_files(out))
    assert written == total - 3


def _stop_run_midway(server, script, cwd, started, sig, what):
    """Runs `mortar run script`, waits until started() (the work under way),
    sends `sig`, and returns (returncode, stdout, stderr)."""
    env = dict(os.environ)
    env.update(server.credentials.env())
    env["MORTAR_ENDPOINT"] = server.endpoint
    proc = subprocess.Popen([mortar_bin(), "run", str(script)], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: started() or proc.poll() is not None, 120, what)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(sig)
        out_text, err_text = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out_text, err_text


def test_stopping_a_run_midway_leaves_no_output(server, tmp_path):
    total = _make_events(str(tmp_path / "events"), files=4, per_file=5000)
    out = tmp_path / "out"
    reached = tmp_path / "reached"
    script = tmp_path / "slow.py"
    script.write_text(HEADER + textwrap.dedent(f"""
        events = glueContext.create_dynamic_frame.from_options(
            "s3", {{"paths": [{str(tmp_path / 'events')!r}]}}, format="json")
        def slow(r):
            if r["id"] >= {total - 100}:
                open({str(reached)!r}, "a").close()
                time.sleep(60)            # the run is stopped while here
            return r
        glueContext.write_dynamic_frame.from_options(
            frame=Map.apply(frame=events, f=slow), connection_type="s3",
            connection_options={{"path": {str(out)!r}, "partitionKeys": ["kind"]}},
            format="parquet")
        print("finished")
    """))
    code, out_text, err_text = _stop_run_midway(server, script, tmp_path, reached.exists,
                                                signal.SIGTERM, "the slow records")
    assert code == 128 + signal.SIGTERM, err_text
    assert "finished" not in out_text
    assert _visible_files(out) == []


def test_ctrl_c_stops_an_action_without_callbacks(server, tmp_path):
    # No Python runs during a CSV -> Parquet write: Ctrl-C must still stop it
    # midway (not after it finished and published its output).
    data = tmp_path / "big.csv"
    with open(data, "w") as f:
        f.write("id,name,amount\n")
        block = "".join(f"{i},name-{i},{i * 7}\n" for i in range(100_000))
        for _ in range(30):  # ~70 MB: a second or more of work
            f.write(block)
    out = tmp_path / "out"
    script = tmp_path / "copy.py"
    script.write_text(HEADER + textwrap.dedent(f"""
        frame = glueContext.create_dynamic_frame.from_options(
            "s3", {{"paths": [{str(data)!r}]}}, format="csv", format_options={{"withHeader": True}})
        glueContext.write_dynamic_frame.from_options(
            frame=frame, connection_type="s3", connection_options={{"path": {str(out)!r}}},
            format="parquet")
        print("finished")
    """))

    def writing():  # the sink's temp folder: the action is under way
        return any(n.startswith(".out.mortar-") for n in os.listdir(tmp_path))
    code, out_text, err_text = _stop_run_midway(server, script, tmp_path, writing,
                                                signal.SIGINT, "the write to start")
    assert code != 0
    assert "KeyboardInterrupt" in err_text, err_text
    assert "finished" not in out_text
    assert not out.exists()  # nothing published
    assert not writing()     # and the temp folder is gone


def test_bad_format_options_are_a_clear_error(run_script, tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    (data / "a.csv").write_text("id;name\n1;x\n")
    proc = run_script(HEADER + f"""
frame = glueContext.create_dynamic_frame.from_options(
    "s3", {{"paths": [{str(data)!r}]}}, format="csv",
    format_options={{"withHeader": True, "seperator": ";"}})
print(frame.count())
""")
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr
    summary = proc.stderr.strip().splitlines()[-2]
    assert "unknown format_options option 'seperator'" in summary and "csv" in summary, summary

    proc = run_script(HEADER + f"""
frame = glueContext.create_dynamic_frame.from_options(
    "s3", {{"paths": [{str(data)!r}]}}, format="csv",
    format_options={{"withHeader": True, "separator": ";;"}})
print(frame.count())
""")
    assert proc.returncode == 1
    summary = proc.stderr.strip().splitlines()[-2]
    assert "separator" in summary, proc.stderr
