#!/usr/bin/env python3
"""Old build against new build, in one session, on a busy machine.

Absolute figures move with whatever else the machine runs, so a regression
shows only when two builds are measured side by side: this script runs the
same measurement for each binary in alternating order (A B, B A, A B ...) and
prints per-round figures with the load average and the medians.

  catalog: starts one `mortar serve` per binary, loads each with the same
           catalog (bench/catalog/run.py's loader), then per round: GetTable
           under wrk (req/s and req/s per server core) and the filtered
           GetPartitions p50.
  scan:    `mortar file scan` of a CSV and an NDJSON file per binary (wall and
           CPU seconds from wait4), optionally DuckDB on the same files.

  .venv/bin/python bench/compare.py catalog OLD/mortar NEW/mortar --rounds 8
  .venv/bin/python bench/compare.py scan OLD/mortar NEW/mortar --dir /dev/shm/b --duckdb

`scan` reads data.csv and data.ndjson from --dir (bench/formats/run_bench.py
writes them). A binary named mortar-file is called as `mortar-file scan`, any
other as `<bin> file scan`. See bench/README.md ("Old against new").
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "catalog"))

ALL_COLUMNS_AGG = ("count(*), sum(id), max(ts), sum(qty), max(code), max(descr), sum(price), "
                   "bool_or(flag), sum(cat), sum(amount)")


def alternating(names, rounds):
    for r in range(rounds):
        yield r, (names if r % 2 == 0 else list(reversed(names)))


def median_of(rows, key):
    return statistics.median(row[key] for row in rows)


def compare_catalog(args):
    import run as catalog  # bench/catalog/run.py
    results = {b: [] for b in args.bins}
    with tempfile.TemporaryDirectory(prefix="mortar-compare-") as tmp:
        targets = {}
        try:
            for i, binary in enumerate(args.bins):
                workdir = Path(tmp) / f"s{i}"
                workdir.mkdir()
                target = catalog.start_mortar(binary, workdir)
                target.name = f"s{i}"  # request files per server
                loaded = catalog.load(target, args.tables, args.partitions)
                print(f"{binary}: loaded in {loaded['load_total_s']:.1f} s", flush=True)
                targets[binary] = (target, loaded["per_bucket"])
            for r, order in alternating(args.bins, args.rounds):
                for binary in order:
                    target, per_bucket = targets[binary]
                    load = os.getloadavg()[0]
                    g = catalog.get_table_wrk(target, args.tables, args.duration)
                    p = catalog.get_partitions_filtered(target, per_bucket, args.samples, 30)
                    row = {"rps": g["gettable_rps"], "per_core": g["gettable_rps_per_core"],
                           "gp_ms": p["getpartitions_p50_ms"], "load": load}
                    results[binary].append(row)
                    print(f"round {r} {binary}: GetTable {row['rps']:,.0f} req/s, "
                          f"{row['per_core']:,.0f} per server core; GetPartitions p50 "
                          f"{row['gp_ms']:.2f} ms; load {load:.1f}", flush=True)
        finally:
            for target, _ in targets.values():
                target.stop()
    print()
    for binary, rows in results.items():
        print(f"{binary}: median GetTable {median_of(rows, 'rps'):,.0f} req/s, "
              f"{median_of(rows, 'per_core'):,.0f} per server core; GetPartitions p50 "
              f"{median_of(rows, 'gp_ms'):.2f} ms; load {min(x['load'] for x in rows):.1f}-"
              f"{max(x['load'] for x in rows):.1f}")


def timed(cmd):
    """Wall and CPU (user + sys) seconds of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[0]} failed: {err.decode()[:300]}")
    return wall, usage.ru_utime + usage.ru_stime


def compare_scan(args):
    files = {"csv": f"{args.dir}/data.csv", "ndjson": f"{args.dir}/data.ndjson"}
    tools = {}
    for binary in args.bins:
        prefix = [binary] if Path(binary).name.startswith("mortar-file") else [binary, "file"]
        tools[binary] = lambda path, prefix=prefix: prefix + ["scan", path]
    if args.duckdb:
        def duckdb(path):
            reader = "read_csv" if path.endswith(".csv") else "read_json"
            return [sys.executable, "-c", f"import duckdb; duckdb.sql(\"SELECT {ALL_COLUMNS_AGG} "
                    f"FROM {reader}('{path}')\").fetchall()"]
        tools["duckdb"] = duckdb
    results = {(tool, kind): [] for tool in tools for kind in files}
    for r, order in alternating(list(tools), args.rounds):
        for kind, path in files.items():
            for tool in order:
                load = os.getloadavg()[0]
                wall, cpu = timed(tools[tool](path))
                results[(tool, kind)].append({"wall": wall, "cpu": cpu, "load": load})
                print(f"round {r} {kind} {tool}: wall {wall:.2f} s, CPU {cpu:.2f} s, "
                      f"load {load:.1f}", flush=True)
    print()
    for (tool, kind), rows in results.items():
        print(f"{kind} {tool}: median wall {median_of(rows, 'wall'):.2f} s, median CPU "
              f"{median_of(rows, 'cpu'):.2f} s; load {min(x['load'] for x in rows):.1f}-"
              f"{max(x['load'] for x in rows):.1f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    cat = sub.add_parser("catalog", help="GetTable and filtered GetPartitions")
    cat.add_argument("bins", nargs="+", help="mortar binaries to compare")
    cat.add_argument("--rounds", type=int, default=6)
    cat.add_argument("--duration", type=int, default=5, help="seconds of GetTable load a round")
    cat.add_argument("--tables", type=int, default=1000)
    cat.add_argument("--partitions", type=int, default=100_000)
    cat.add_argument("--samples", type=int, default=20, help="GetPartitions calls a round")
    scan = sub.add_parser("scan", help="mortar file scan of CSV and NDJSON")
    scan.add_argument("bins", nargs="+", help="mortar or mortar-file binaries to compare")
    scan.add_argument("--dir", default="/dev/shm/mortar-bench")
    scan.add_argument("--rounds", type=int, default=6)
    scan.add_argument("--duckdb", action="store_true", help="DuckDB on the same files too")
    args = ap.parse_args()
    if args.what == "catalog":
        compare_catalog(args)
    else:
        compare_scan(args)


if __name__ == "__main__":
    main()
