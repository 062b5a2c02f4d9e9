#!/usr/bin/env python3
"""Formats benchmark (not a test): generates a CSV and the same rows as NDJSON
(9 typed columns: id, timestamp, ints, short and medium strings, doubles,
booleans), then times Mortar's `file convert` against DuckDB, pyarrow and
Polars doing the same: CSV->Parquet (snappy), NDJSON->Parquet, Parquet->CSV,
decode-only scans of CSV, NDJSON and Parquet (`mortar file scan`), ORC->Parquet (pyarrow.orc) and Avro->Parquet (fastavro
or Polars reading). Each run is a separate process; peak RSS from
getrusage. Usage:

  MORTAR_FILE_BIN=build/release/src/tools/mortar-file \
      .venv/bin/python bench/formats/run_bench.py --rows 2000000 [--dir /dev/shm/mortar-bench]

The issue's full size is --rows 12500000 (~1 GB of CSV).
"""
import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time

PY = sys.executable


def generate(rows, csv_path, json_path):
    rnd = random.Random(42)
    base = datetime.datetime(2024, 1, 1)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    with open(csv_path, "w") as c, open(json_path, "w") as j:
        c.write("id,ts,qty,code,descr,price,flag,cat,amount\n")
        for i in range(rows):
            ts = (base + datetime.timedelta(seconds=i)).isoformat(" ")
            qty = rnd.randint(0, 100000)
            code = f"C{rnd.randint(0, 9999)}"
            descr = " ".join(rnd.choice(words) for _ in range(rnd.randint(2, 8)))
            price = round(rnd.random() * 1000, 2)
            flag = rnd.random() < 0.5
            cat = i % 17
            amount = rnd.random() * 1e6
            c.write(f"{i},{ts},{qty},{code},{descr},{price},{'true' if flag else 'false'},{cat},{amount!r}\n")
            j.write(json.dumps({"id": i, "ts": ts, "qty": qty, "code": code, "descr": descr,
                                "price": price, "flag": flag, "cat": cat, "amount": amount}) + "\n")


# Writes the reference Parquet file's rows as an Avro file (deflate) with fastavro.
AVRO_FROM_PARQUET = """
import fastavro, pyarrow.parquet as p
t = p.read_table('{pq}')
kinds = {{'int64': 'long', 'int32': 'int', 'double': 'double', 'bool': 'boolean', 'string': 'string',
          'large_string': 'string'}}
fields = []
for f in t.schema:
    k = str(f.type)
    avro_type = {{'type': 'long', 'logicalType': 'timestamp-micros'}} if k.startswith('timestamp') else kinds[k]
    fields.append({{'name': f.name, 'type': ['null', avro_type]}})
schema = fastavro.parse_schema({{'type': 'record', 'name': 'row', 'fields': fields}})
def rows():
    for b in t.to_batches(65536):
        yield from b.to_pylist()
with open('{avro}', 'wb') as out:
    fastavro.writer(out, schema, rows(), codec='deflate')
"""


def run(cmd):
    """Wall seconds and peak RSS (MB) of one child process (os.wait4)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        return None, None, err.decode()[:300]
    return elapsed, usage.ru_maxrss / 1024, None


def py(code):
    return [PY, "-c", code]


# Touches every column of the generated rows, so a scan must decode them all.
ALL_COLUMNS_AGG = ("count(*), sum(id), max(ts), sum(qty), max(code), max(descr), sum(price), "
                   "bool_or(flag), sum(cat), sum(amount)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--dir", default="/dev/shm/mortar-bench")
    ap.add_argument("--tasks", default="", help="comma-separated task names to run (default all)")
    args = ap.parse_args()
    mortar = os.environ.get("MORTAR_FILE_BIN")
    mortar_cmd = [mortar] if mortar else [os.environ["MORTAR_BIN"], "file"]
    d = args.dir
    os.makedirs(d, exist_ok=True)
    csv_path, json_path = f"{d}/data.csv", f"{d}/data.ndjson"
    if not os.path.exists(csv_path) or os.path.getsize(csv_path) == 0:
        generate(args.rows, csv_path, json_path)
    pq = f"{d}/ref.parquet"
    subprocess.run(py(f"import duckdb; duckdb.sql(\"COPY (SELECT * FROM read_csv('{csv_path}')) TO '{pq}' (FORMAT parquet, COMPRESSION snappy)\")"), check=True)
    # ORC (zlib, pyarrow's writer) and Avro (deflate, fastavro's) copies of the same rows.
    orc, avro = f"{d}/ref.orc", f"{d}/ref.avro"
    wanted = [t for t in args.tasks.split(",") if t]
    needs = lambda fmt: not wanted or any(fmt in t for t in wanted)
    if needs("orc") and not os.path.exists(orc):
        subprocess.run(py(f"import pyarrow.orc as o, pyarrow.parquet as p; o.write_table(p.read_table('{pq}'), '{orc}', compression='zlib')"), check=True)
    if needs("avro") and not os.path.exists(avro):
        subprocess.run(py(AVRO_FROM_PARQUET.format(pq=pq, avro=avro)), check=True)
    tasks = {
        "csv->parquet": {
            "mortar": mortar_cmd + ["convert", csv_path, f"{d}/m.parquet", "--compression", "snappy"],
            "duckdb": py(f"import duckdb; duckdb.sql(\"COPY (SELECT * FROM read_csv('{csv_path}')) TO '{d}/d.parquet' (FORMAT parquet, COMPRESSION snappy)\")"),
            "pyarrow": py(f"import pyarrow.csv as c, pyarrow.parquet as p; p.write_table(c.read_csv('{csv_path}'), '{d}/a.parquet', compression='snappy')"),
            "polars": py(f"import polars as pl; pl.scan_csv('{csv_path}').sink_parquet('{d}/p.parquet', compression='snappy')"),
        },
        "ndjson->parquet": {
            "mortar": mortar_cmd + ["convert", json_path, f"{d}/mj.parquet", "--compression", "snappy"],
            "duckdb": py(f"import duckdb; duckdb.sql(\"COPY (SELECT * FROM read_json('{json_path}')) TO '{d}/dj.parquet' (FORMAT parquet, COMPRESSION snappy)\")"),
            "pyarrow": py(f"import pyarrow.json as j, pyarrow.parquet as p; p.write_table(j.read_json('{json_path}'), '{d}/aj.parquet', compression='snappy')"),
            "polars": py(f"import polars as pl; pl.scan_ndjson('{json_path}').sink_parquet('{d}/pj.parquet', compression='snappy')"),
        },
        "parquet->csv": {
            "mortar": mortar_cmd + ["convert", pq, f"{d}/m.csv"],
            "duckdb": py(f"import duckdb; duckdb.sql(\"COPY (SELECT * FROM '{pq}') TO '{d}/d.csv' (HEADER)\")"),
            "pyarrow": py(f"import pyarrow.csv as c, pyarrow.parquet as p; c.write_csv(p.read_table('{pq}'), '{d}/a.csv')"),
            "polars": py(f"import polars as pl; pl.scan_parquet('{pq}').sink_csv('{d}/p.csv')"),
        },
        # Decode-only scans: every column decoded, nothing written (DuckDB
        # aggregates over every column so it cannot skip any).
        "csv scan": {
            "mortar": mortar_cmd + ["scan", csv_path],
            "duckdb": py(f"import duckdb; duckdb.sql(\"SELECT {ALL_COLUMNS_AGG} FROM read_csv('{csv_path}')\").fetchall()"),
            "pyarrow": py(f"import pyarrow.csv as c; c.read_csv('{csv_path}')"),
            "polars": py(f"import polars as pl; pl.read_csv('{csv_path}')"),
        },
        "ndjson scan": {
            "mortar": mortar_cmd + ["scan", json_path],
            "duckdb": py(f"import duckdb; duckdb.sql(\"SELECT {ALL_COLUMNS_AGG} FROM read_json('{json_path}')\").fetchall()"),
            "pyarrow": py(f"import pyarrow.json as j; j.read_json('{json_path}')"),
            "polars": py(f"import polars as pl; pl.read_ndjson('{json_path}')"),
        },
        "parquet scan": {
            "mortar": mortar_cmd + ["scan", pq],
            "duckdb": py(f"import duckdb; duckdb.sql(\"SELECT {ALL_COLUMNS_AGG} FROM '{pq}'\").fetchall()"),
            "pyarrow": py(f"import pyarrow.parquet as p; p.read_table('{pq}')"),
            "polars": py(f"import polars as pl; pl.read_parquet('{pq}')"),
        },
        "orc->parquet": {
            "mortar": mortar_cmd + ["convert", orc, f"{d}/mo.parquet", "--compression", "snappy"],
            "pyarrow": py(f"import pyarrow.orc as o, pyarrow.parquet as p; p.write_table(o.read_table('{orc}'), '{d}/ao.parquet', compression='snappy')"),
        },
        "parquet->orc": {
            "mortar": mortar_cmd + ["convert", pq, f"{d}/m.orc", "--compression", "zlib"],
            "pyarrow": py(f"import pyarrow.orc as o, pyarrow.parquet as p; o.write_table(p.read_table('{pq}'), '{d}/a.orc', compression='zlib')"),
        },
        "avro->parquet": {
            "mortar": mortar_cmd + ["convert", avro, f"{d}/mv.parquet", "--compression", "snappy"],
            "pyarrow": py(f"import fastavro, pyarrow as pa, pyarrow.parquet as p; f = open('{avro}', 'rb'); "
                          f"p.write_table(pa.Table.from_pylist(list(fastavro.reader(f))), '{d}/av.parquet', compression='snappy')"),
            "polars": py(f"import polars as pl; pl.read_avro('{avro}').write_parquet('{d}/pv.parquet', compression='snappy')"),
        },
    }
    size_mb = os.path.getsize(csv_path) / 1e6
    print(f"rows={args.rows} csv={size_mb:.0f} MB ndjson={os.path.getsize(json_path)/1e6:.0f} MB, "
          f"{os.cpu_count()} CPUs")
    print(f"| task | tool | seconds | Mortar/peer | peak RSS MB |\n|---|---|---|---|---|")
    for task, tools in tasks.items():
        if wanted and task not in wanted:
            continue
        results = {tool: run(cmd) for tool, cmd in tools.items()}
        m = results["mortar"][0]
        for tool, (secs, rss, err) in results.items():
            if err:
                print(f"| {task} | {tool} | failed: {err.strip().splitlines()[-1] if err.strip() else '?'} | | |")
                continue
            ratio = f"{m / secs:.2f}" if m and tool != "mortar" else ""
            if tool == "mortar" and task in ("csv scan", "ndjson scan"):
                src = csv_path if task == "csv scan" else json_path
                ratio = f"({os.path.getsize(src) / secs / 1e9:.2f} GB/s)"
            print(f"| {task} | {tool} | {secs:.2f} | {ratio} | {rss:.0f} |" if rss else
                  f"| {task} | {tool} | {secs:.2f} | {ratio} | |")


if __name__ == "__main__":
    main()
