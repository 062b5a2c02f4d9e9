#!/usr/bin/env python3
"""ETL benchmark (not a test): the same job -- CSV with a header -> rename and
cast every column -> the mixed column to long -> drop the all-null column ->
Parquet partitioned by two keys -- run three ways on the same generated CSV:

  mortar   `mortar run bench/etl/glue_job.py` (a Glue script; `mortar run`
           starts its own server on a fresh temp data dir, as a user without a
           running server gets)
  pyspark  bench/etl/spark_job.py, local[2], JVM start-up included
  duckdb   bench/etl/duckdb_job.py, one COPY ... PARTITION_BY

Each leg is a cold process (the CSV is in the page cache for all of them);
wall time, CPU time and peak RSS are those of its whole process tree
(bench/common/proctree.py); CPU time is the figure to read on a busy
machine. The outputs are then compared (bench/etl/verify.py) so the figures
compare the same work.

  MORTAR_BIN=build/release/mortar .venv/bin/python bench/etl/run.py            # ~1 GB CSV
  .venv/bin/python bench/etl/run.py --rows 200000 --legs pyspark,duckdb       # quick
"""
import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # bench/, for common/
sys.path.insert(0, HERE)

import data  # noqa: E402
import verify  # noqa: E402
from common.proctree import run_tree  # noqa: E402

PY = sys.executable
ROOT = os.path.dirname(os.path.dirname(HERE))
GOALS = {"pyspark": ("at least 10x faster than PySpark", lambda r: r >= 10),
         "duckdb": ("within 1.5x of DuckDB", lambda r: r >= 1 / 1.5)}


LEGS = ("mortar", "pyspark", "duckdb")


def mortar_bin(arg):
    """The mortar binary to run (the first of --mortar-bin, $MORTAR_BIN,
    build/release/mortar that is given), or None if it does not exist."""
    path = arg or os.environ.get("MORTAR_BIN") or os.path.join(ROOT, "build/release/mortar")
    return os.path.abspath(path) if os.path.isfile(path) else None


def leg_command(leg, args, csv_path, out_dir, scratch):
    if leg == "mortar":
        data_dir = tempfile.mkdtemp(prefix="data-", dir=scratch)
        cmd = [mortar_bin(args.mortar_bin), "run", "--data-dir", data_dir]
        if args.mortar_python:
            cmd += ["--python", args.mortar_python]
        return cmd + [os.path.join(HERE, "glue_job.py"), "--input", csv_path, "--output", out_dir]
    if leg == "pyspark":
        return [PY, os.path.join(HERE, "spark_job.py"), "--input", csv_path, "--output", out_dir]
    if leg == "duckdb":
        return [PY, os.path.join(HERE, "duckdb_job.py"), "--input", csv_path, "--output", out_dir]
    raise ValueError(leg)


def leg_env(leg):
    env = dict(os.environ)
    if leg == "pyspark":
        env["SPARK_LOCAL_IP"] = "127.0.0.1"  # loopback only, and no hostname warning
    if leg == "mortar":
        # The job needs no catalog: `mortar run` must start its own server.
        env.pop("MORTAR_ENDPOINT", None)
    return env


def missing_tool(leg, args):
    """Why a leg cannot run here, or None."""
    if leg == "mortar" and not mortar_bin(args.mortar_bin):
        return ("no mortar binary at --mortar-bin, $MORTAR_BIN or build/release/mortar "
                "(`make build` makes the last)")
    if leg == "pyspark":
        if importlib.util.find_spec("pyspark") is None:
            return "pyspark is not installed: .venv/bin/pip install -r requirements-bench.txt"
        if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
            return "no java for PySpark: apt-get install openjdk-17-jre-headless"
    if leg == "duckdb" and importlib.util.find_spec("duckdb") is None:
        return "duckdb is not installed: .venv/bin/pip install -r requirements-test.txt"
    return None


def run_leg(leg, args, csv_path, scratch):
    """Runs one leg `--repeat` times; the median run's figures and its output dir."""
    missing = missing_tool(leg, args)
    if missing:
        return {"leg": leg, "error": missing}, None
    runs = []
    for i in range(args.repeat):
        out_dir = os.path.join(scratch, f"out-{leg}")
        shutil.rmtree(out_dir, ignore_errors=True)
        cmd = leg_command(leg, args, csv_path, out_dir, scratch)
        r = run_tree(cmd, env=leg_env(leg), cwd=scratch, timeout=args.timeout)
        if r.returncode != 0:
            tail = (r.stderr.strip() or r.stdout.strip() or "no output").splitlines()[-12:]
            return {"leg": leg, "error": f"exit {r.returncode}: " + "\n    ".join(tail)}, None
        runs.append(r)
        print(f"  {leg} run {i + 1}: {r.wall_s:.2f} s, {r.cpu_s:.1f} CPU s, {r.peak_rss_mb:.0f} MB",
              flush=True)
    median = sorted(runs, key=lambda r: r.wall_s)[len(runs) // 2]
    return {"leg": leg, "wall_s": median.wall_s, "cpu_s": median.cpu_s,
            "peak_rss_mb": median.peak_rss_mb, "all_wall_s": [r.wall_s for r in runs]}, out_dir


def print_table(results):
    by_leg = {r["leg"]: r for r in results}
    m = by_leg.get("mortar", {})
    print("\n| leg | wall s | time / Mortar's | CPU s (all cores) | CPU / Mortar's | "
          "peak RSS MB (process tree) |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        if "error" in r:
            print(f"| {r['leg']} | failed | | | | |")
            continue
        other = "wall_s" in m and r["leg"] != "mortar"
        ratio = f"{r['wall_s'] / m['wall_s']:.2f}" if other else ""
        cpu_ratio = f"{r['cpu_s'] / m['cpu_s']:.2f}" if other and m["cpu_s"] > 0 else ""
        print(f"| {r['leg']} | {r['wall_s']:.2f} | {ratio} | {r['cpu_s']:.1f} | {cpu_ratio} | "
              f"{r['peak_rss_mb']:.0f} |")
    for r in results:
        if "error" in r:
            print(f"\n{r['leg']} failed: {r['error']}")
    if "wall_s" in m:
        for leg, (text, met) in GOALS.items():
            if leg in by_leg and "wall_s" in by_leg[leg]:
                ratio = by_leg[leg]["wall_s"] / m["wall_s"]
                print(f"goal: Mortar {text} (wall clock): {ratio:.2f}x -> "
                      f"{'met' if met(ratio) else 'NOT met'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--rows", type=int, help="rows of CSV to generate")
    size.add_argument("--mb", type=float, default=1000, help="or about this many MB (default 1000)")
    ap.add_argument("--dir", default="/dev/shm/mortar-bench-etl",
                    help="where the CSV and the outputs go (default on tmpfs)")
    ap.add_argument("--legs", default="mortar,pyspark,duckdb")
    ap.add_argument("--repeat", type=int, default=1, help="runs per leg; the median is reported")
    ap.add_argument("--mortar-bin", help="default $MORTAR_BIN, else build/release/mortar")
    ap.add_argument("--mortar-python", help="interpreter for `mortar run --python`")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--keep", action="store_true", help="keep the outputs (the CSV is always kept)")
    args = ap.parse_args()
    legs = [leg.strip() for leg in args.legs.split(",") if leg.strip()]
    if not legs or any(leg not in LEGS for leg in legs):
        ap.error(f"--legs takes a comma-separated list of {', '.join(LEGS)}")

    os.makedirs(args.dir, exist_ok=True)
    rows = args.rows or data.rows_for_mb(args.mb, args.dir)
    t0 = time.perf_counter()
    csv_path = data.ensure_csv(args.dir, rows)
    gen = time.perf_counter() - t0
    size_mb = os.path.getsize(csv_path) / 1e6
    load_before = os.getloadavg()[0]
    print(f"input: {csv_path}: {rows:,} rows, {size_mb:.0f} MB"
          f"{f' (generated in {gen:.1f} s)' if gen > 0.5 else ''}; {os.cpu_count()} CPUs, "
          f"load average {load_before:.1f}", flush=True)

    scratch = tempfile.mkdtemp(prefix="run-", dir=args.dir)
    results, outputs = [], {}
    try:
        for leg in legs:
            result, out_dir = run_leg(leg, args, csv_path, scratch)
            results.append(result)
            if out_dir:
                outputs[leg] = out_dir
        load_after = os.getloadavg()[0]
        print_table(results)
        agree, lines = verify.compare(outputs) if outputs else (False, ["no output to compare"])
        print("\n" + "\n".join(lines))
        busy = max(load_before, load_after) > os.cpu_count()
        print(f"load average {load_before:.1f} before, {load_after:.1f} after"
              f"{': the machine was BUSY, figures are pessimistic' if busy else ''}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                           "rows": rows, "csv_mb": round(size_mb), "results": results,
                           "outputs_agree": agree, "load": [load_before, load_after]}, f, indent=1)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    failed = any("error" in r for r in results) or not agree
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
