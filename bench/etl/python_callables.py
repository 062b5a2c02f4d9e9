#!/usr/bin/env python3
"""Python-callable throughput (not a test): Filter with a lambda and Map with
a small function over ~2 M records of the ETL benchmark's orders, through

  mortar   the awsglue API (Filter.apply / Map.apply on a DynamicFrame read
           from Parquet), on Mortar's engine
  arrow    pure Python over pyarrow rows (Parquet batches -> to_pylist ->
           the same callables -> from_pylist), one thread
  pyspark  the RDD API (df.rdd.filter / df.rdd.map, local[2]: two Python
           workers), session start-up not counted

Each implementation runs in its own process (Mortar's `pyspark`
compatibility package and the real one share a name). Every pass reads the
Parquet file and runs the callable on every record, ending in count(). The
scan pass (count() without a callable; for Spark the RDD's count, which
already makes Python rows) is reported too, and the net rate leaves its time
out. One untimed scan warms each implementation up first. CPU seconds are
the whole process tree's (Spark: the JVM's and its Python workers' too), so
records per CPU-second is the per-core rate.

  MORTAR_BUILD_DIR=build/release .venv/bin/python bench/etl/python_callables.py
  .venv/bin/python bench/etl/python_callables.py --rows 200000 --impls arrow   # quick
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))  # bench/, for common/
from common.proctree import tree_cpu_seconds  # noqa: E402


def keep(r):
    return r["quantity"] > 500


def enrich(r):
    r["total"] = r["quantity"] * r["unit_price"]
    return r


def cpu_seconds():
    """CPU time of this process and its whole tree (Spark's JVM and workers)."""
    return tree_cpu_seconds(os.getpid())


def timed(fn):
    c0, t0 = cpu_seconds(), time.perf_counter()
    n = fn()
    return {"records": n, "wall_s": time.perf_counter() - t0, "cpu_s": cpu_seconds() - c0}


def impl_mortar(pq):
    from awsglue.context import GlueContext
    from awsglue.transforms import Filter, Map
    from pyspark.context import SparkContext

    glue = GlueContext(SparkContext.getOrCreate())

    def frame():
        return glue.create_dynamic_frame.from_options(
            connection_type="s3", connection_options={"paths": [pq]}, format="parquet")

    frame().count()  # warm-up: imports, first read
    return {
        "scan": timed(lambda: frame().count()),
        "filter": timed(lambda: Filter.apply(frame=frame(), f=lambda r: r["quantity"] > 500).count()),
        "map": timed(lambda: Map.apply(frame=frame(), f=enrich).count()),
    }


def impl_arrow(pq):
    import pyarrow as pa
    import pyarrow.parquet as papq

    def batches():
        return papq.ParquetFile(pq).iter_batches(batch_size=65536)

    def over_rows(fn):
        return sum(pa.RecordBatch.from_pylist(fn(b.to_pylist())).num_rows for b in batches())

    sum(b.num_rows for b in batches())  # warm-up
    return {
        "scan": timed(lambda: sum(b.num_rows for b in batches())),
        "filter": timed(lambda: over_rows(lambda rows: [r for r in rows if (lambda r: r["quantity"] > 500)(r)])),
        "map": timed(lambda: over_rows(lambda rows: [enrich(r) for r in rows])),
    }


def impl_pyspark(pq):
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("callables-bench")
             .config("spark.ui.enabled", "false")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")

    def rdd():
        return spark.read.parquet(pq).rdd

    def spark_map(r):
        d = r.asDict()
        d["total"] = d["quantity"] * d["unit_price"]
        return d

    rdd().count()  # warm-up: the JVM's first job loads its classes
    result = {
        "scan": timed(lambda: rdd().count()),
        "filter": timed(lambda: rdd().filter(lambda r: r["quantity"] > 500).count()),
        "map": timed(lambda: rdd().map(spark_map).count()),
    }
    spark.stop()
    return result


IMPLS = {"mortar": impl_mortar, "arrow": impl_arrow, "pyspark": impl_pyspark}


def make_parquet(directory, rows):
    """The orders CSV's rows, typed as the ETL job writes them, as one Parquet file."""
    sys.path.insert(0, HERE)
    import data
    import duckdb
    path = os.path.join(directory, f"orders-{rows}.parquet")
    if not os.path.exists(path):
        csv_path = data.ensure_csv(directory, rows)
        duckdb.sql(f"""COPY (SELECT OrderID AS order_id, Region AS region, Channel AS channel,
                        OrderDate AS order_date, OrderTime AS order_ts,
                        CAST(Quantity AS INTEGER) AS quantity, UnitPrice AS unit_price,
                        Discount AS discount, Customer AS customer, Comment AS comment,
                        TRY_CAST(trim(Ref) AS BIGINT) AS ref_code, Active AS active
                        FROM read_csv('{csv_path}', header = true))
                       TO '{path}.tmp' (FORMAT parquet, COMPRESSION snappy)""")
        os.replace(path + ".tmp", path)
    return path


def mortar_python_dir(args):
    build = args.mortar_build_dir or os.environ.get("MORTAR_BUILD_DIR") or os.path.join(ROOT, "build/release")
    return os.path.join(os.path.abspath(build), "python")


def child_env(impl, args):
    env = dict(os.environ)
    if impl == "mortar":
        env["PYTHONPATH"] = mortar_python_dir(args)
    if impl == "pyspark":
        env["SPARK_LOCAL_IP"] = "127.0.0.1"
        env["PYSPARK_PYTHON"] = sys.executable
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--dir", default="/dev/shm/mortar-bench-etl")
    ap.add_argument("--impls", default="mortar,arrow,pyspark")
    ap.add_argument("--mortar-build-dir", help="default $MORTAR_BUILD_DIR, else build/release")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--child", help=argparse.SUPPRESS)  # internal: run one implementation
    args = ap.parse_args()

    if args.child:
        impl, pq = args.child.split(":", 1)
        print(json.dumps(IMPLS[impl](pq)))
        return

    impls = [i.strip() for i in args.impls.split(",") if i.strip()]
    if not impls or any(i not in IMPLS for i in impls):
        ap.error(f"--impls takes a comma-separated list of {', '.join(IMPLS)}")
    os.makedirs(args.dir, exist_ok=True)
    pq = make_parquet(args.dir, args.rows)
    print(f"{args.rows:,} records from {pq}; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    print("\n| impl | pass | records out | wall s | records/s | net of scan, records/s | "
          "CPU s | records per CPU-second |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    results, failed = {}, False
    for impl in impls:
        if impl == "mortar" and not os.path.isdir(os.path.join(mortar_python_dir(args), "awsglue")):
            failed = True
            print(f"| mortar | failed: no awsglue package in {mortar_python_dir(args)} (pass "
                  f"--mortar-build-dir or set MORTAR_BUILD_DIR to a build dir) | | | | | | |")
            continue
        proc = subprocess.run([sys.executable, __file__, "--child", f"{impl}:{pq}"],
                              env=child_env(impl, args), capture_output=True, text=True)
        if proc.returncode != 0:
            failed = True
            tail = (proc.stderr.strip() or "no output").splitlines()[-3:]
            print(f"| {impl} | failed: {' / '.join(tail)} | | | | | | |")
            continue
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results[impl] = res
        scan = res["scan"]["wall_s"]
        for name in ("scan", "filter", "map"):
            p = res[name]
            rate = args.rows / p["wall_s"]
            # Spark's scan already runs Python per record, so "net" means nothing there.
            net = (f"{args.rows / (p['wall_s'] - scan):,.0f}"
                   if name != "scan" and impl != "pyspark" and p["wall_s"] > scan else "")
            per_cpu = f"{args.rows / p['cpu_s']:,.0f}" if p["cpu_s"] > 0 else ""
            print(f"| {impl} | {name} | {p['records']:,} | {p['wall_s']:.2f} | {rate:,.0f} | {net} | "
                  f"{p['cpu_s']:.2f} | {per_cpu} |", flush=True)
    counts = {impl: (r["filter"]["records"], r["map"]["records"]) for impl, r in results.items()}
    if len(set(counts.values())) > 1:
        failed = True
        print(f"\nrecord counts DISAGREE: {counts}")
    elif counts:
        print(f"\nrecord counts agree: filter keeps {next(iter(counts.values()))[0]:,}")
    if "mortar" in results:
        m = results["mortar"]
        worst = min(args.rows / m[p]["cpu_s"] for p in ("filter", "map") if m[p]["cpu_s"] > 0)
        print(f"goal: >= 300,000 records/s per core through a Python callable: "
              f"{worst:,.0f} per CPU-second (slower of Filter and Map) -> "
              f"{'met' if worst >= 300_000 else 'NOT met'}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                       "rows": args.rows, "results": results}, f, indent=1)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
