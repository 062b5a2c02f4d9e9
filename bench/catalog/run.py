#!/usr/bin/env python3
"""Catalog benchmark: Mortar against moto's server, on this machine, in one run.

Starts `mortar serve` (on SQLite; then, unless --skip-postgres, one and two
servers sharing one PostgreSQL) and `python -m moto.server` on loopback, loads
the same catalog into each (1,000 tables; one table with 100,000 partitions loaded with
BatchCreatePartition in chunks of 100), then measures for each:

  * GetTable throughput at 32 concurrent keep-alive connections, with p50/p99
    latency (wrk with a Lua script cycling through 1,000 pre-signed requests);
  * GetPartitions with an Expression selecting 1,000 of the 100,000 (p50 of
    sequential calls, all pages, full body read);
  * BatchCreatePartition of 100 new partitions (p50 of sequential calls).

Requests are signed with botocore's SigV4 signer before the clock starts, so
signing and response parsing are not measured; only the HTTP round trip is.

Run: /work/main/.venv/bin/python bench/catalog/run.py [--skip-moto] [--quick]
See bench/README.md for figures and method.
"""
import argparse
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import botocore.auth
import botocore.credentials
from botocore.awsrequest import AWSRequest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))  # support/postgres.py: a throwaway PostgreSQL
ACCOUNT = "123456789012"  # every Mortar server's default account (shared on PostgreSQL)
REGION = "us-east-1"
DB = "bench"
PTABLE = "events"
BUCKETS = 100  # partition key `bucket` int 0..99; `n` int 0..999 -> 100,000 partitions


# --------------------------------------------------------------------------- servers
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


def http_ok(host, port, path):
    try:
        conn = http.client.HTTPConnection(host, port, timeout=2)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status < 500
    except OSError:
        return False


class Target:
    """A Glue endpoint under test: its process, address and credentials."""

    def __init__(self, name, proc, host, port, access_key, secret_key, workdir):
        self.name, self.proc, self.host, self.port = name, proc, host, port
        self.access_key, self.secret_key = access_key, secret_key
        self.workdir = workdir
        self.signer = botocore.auth.SigV4Auth(
            botocore.credentials.Credentials(access_key, secret_key), "glue", REGION)

    @property
    def endpoint(self):
        return f"http://{self.host}:{self.port}"

    def signed(self, operation, payload):
        body = json.dumps(payload).encode()
        req = AWSRequest(method="POST", url=self.endpoint + "/", data=body, headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AWSGlue.{operation}"})
        self.signer.add_auth(req)
        return dict(req.headers.items()), body

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_mortar(binary, workdir, store_url=None, name="mortar"):
    data = Path(workdir) / f"{name}-data"
    data.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MORTAR_")}
    env["MORTAR_LOG_LEVEL"] = "warn"
    env["MORTAR_DEFAULT_ACCOUNT_ID"] = ACCOUNT
    if store_url:
        env["MORTAR_STORE_URL"] = store_url
    log = open(Path(workdir) / f"{name}.log", "wb")
    proc = subprocess.Popen([binary, "serve", "--data-dir", str(data), "--listen", "127.0.0.1:0"],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    addr = data / "server.addr"
    wait_until(lambda: addr.exists() and addr.read_text().strip(), 30, "mortar server.addr")
    host, port = addr.read_text().strip().rsplit(":", 1)
    wait_until(lambda: http_ok(host, int(port), "/healthz"), 30, "mortar /healthz")
    import configparser
    cp = configparser.ConfigParser()
    cp.read(data / "credentials")
    # A second server on a shared store writes no key (the first one made
    # it); its caller signs with the first server's.
    sec = cp["default"] if cp.has_section("default") else {
        "aws_access_key_id": "", "aws_secret_access_key": ""}
    return Target(name, proc, host, int(port), sec["aws_access_key_id"].strip(),
                  sec["aws_secret_access_key"].strip(), workdir)


def start_moto(workdir):
    port = free_port()
    log = open(Path(workdir) / "moto.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                             "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    wait_until(lambda: http_ok("127.0.0.1", port, "/moto-api/"), 60, "moto server")
    return Target("moto", proc, "127.0.0.1", port, "AKIAIOSFODNN7EXAMPLE",
                  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", workdir)


# --------------------------------------------------------------------------- requests
class Conn:
    """One keep-alive connection sending pre-signed requests."""

    def __init__(self, target):
        self.target = target
        self.conn = http.client.HTTPConnection(target.host, target.port, timeout=300)

    def send(self, headers, body):
        self.conn.request("POST", "/", body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{self.target.name}: HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data)

    def call(self, operation, payload):
        headers, body = self.target.signed(operation, payload)
        return self.send(headers, body)


def table_input(name, partitioned=False):
    ti = {
        "Name": name, "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {
            "Columns": [{"Name": f"c{i}", "Type": t} for i, t in
                        enumerate(["bigint", "string", "double", "timestamp", "string"])],
            "Location": f"file:///data/{name}",
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary":
                          "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
        },
        "Parameters": {"classification": "parquet"},
    }
    if partitioned:
        ti["PartitionKeys"] = [{"Name": "bucket", "Type": "int"}, {"Name": "n", "Type": "int"}]
    return ti


def partition_input(bucket, n):
    return {
        "Values": [str(bucket), str(n)],
        "StorageDescriptor": {
            "Columns": [{"Name": "c0", "Type": "bigint"}, {"Name": "c1", "Type": "string"}],
            "Location": f"file:///data/events/bucket={bucket}/n={n}",
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary":
                          "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
        },
    }


def load(target, n_tables, n_partitions, workers=4):
    t0 = time.monotonic()
    Conn(target).call("CreateDatabase", {"DatabaseInput": {"Name": DB}})
    Conn(target).call("CreateTable", {"DatabaseName": DB,
                                      "TableInput": table_input(PTABLE, partitioned=True)})
    per_bucket = n_partitions // BUCKETS
    chunks = [(b, start) for b in range(BUCKETS) for start in range(0, per_bucket, 100)]

    def create_tables(idx):
        c = Conn(target)
        for i in range(idx, n_tables - 1, workers):
            c.call("CreateTable", {"DatabaseName": DB, "TableInput": table_input(f"t{i:04d}")})

    def create_chunks(idx):
        c = Conn(target)
        for b, start in chunks[idx::workers]:
            resp = c.call("BatchCreatePartition", {
                "DatabaseName": DB, "TableName": PTABLE,
                "PartitionInputList": [partition_input(b, n)
                                       for n in range(start, min(start + 100, per_bucket))]})
            if resp.get("Errors"):
                raise RuntimeError(f"{target.name}: partition errors {resp['Errors'][:2]}")

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(create_tables, range(workers)))
    t_tables = time.monotonic() - t0
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(create_chunks, range(workers)))
    return {"load_tables_s": t_tables, "load_total_s": time.monotonic() - t0,
            "per_bucket": per_bucket}


# --------------------------------------------------------------------------- measures
_WRK_LUA = """
local reqs = {}
local i = 0
function init(args)
  local f = io.open(args[1], "r")
  for line in f:lines() do
    local t = {}
    for field in string.gmatch(line, "[^\\t]+") do t[#t + 1] = field end
    local headers = {}
    headers["Content-Type"] = "application/x-amz-json-1.1"
    headers["X-Amz-Target"] = "AWSGlue.GetTable"
    headers["X-Amz-Date"] = t[1]
    headers["Authorization"] = t[2]
    reqs[#reqs + 1] = wrk.format("POST", "/", headers, t[3])
  end
  f:close()
end
function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end
"""


def _to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _wrk(target, lua, req_file, connections, threads, seconds, latency=False):
    return subprocess.Popen(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
         *(["--latency"] if latency else []), "-s", str(lua), target.endpoint + "/", "--",
         str(req_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def get_table_wrk(targets, n_tables, duration, connections=32, threads=1, postgres=None):
    """GetTable load on every server of `targets` at once (one wrk each, with
    `connections` connections): total req/s, latency of the first server."""
    workdir = Path(targets[0].workdir)
    lua = workdir / "gettable.lua"
    lua.write_text(_WRK_LUA)
    req_files = []
    for target in targets:
        lines = []
        for i in range(min(n_tables - 1, 1000)):
            headers, body = target.signed("GetTable", {"DatabaseName": DB, "Name": f"t{i:04d}"})
            lines.append(f"{headers['X-Amz-Date']}\t{headers['Authorization']}\t{body.decode()}")
        req_files.append(workdir / f"{target.name}-gettable.tsv")
        req_files[-1].write_text("\n".join(lines) + "\n")
    # Warm-up, then the measured run.
    for proc in [_wrk(t, lua, f, connections, threads, 2) for t, f in zip(targets, req_files)]:
        proc.communicate()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = sum(process_cpu_seconds(t.proc.pid) for t in targets)
    pg_before = postgres_cpu_seconds(postgres) if postgres else 0
    t0 = time.monotonic()
    procs = [_wrk(t, lua, f, connections, threads, duration, latency=True)
             for t, f in zip(targets, req_files)]
    outs = [proc.communicate()[0] for proc in procs]
    wall = time.monotonic() - t0
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (children_after.ru_utime + children_after.ru_stime
               - children_before.ru_utime - children_before.ru_stime)
    server_cpu = sum(process_cpu_seconds(t.proc.pid) for t in targets) - server_before
    out = outs[0]
    rps = sum(float(re.search(r"Requests/sec:\s+([\d.]+)", o).group(1)) for o in outs)
    p50 = _to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = sum(int(m.group(1)) for o in outs
              for m in [re.search(r"Non-2xx or 3xx responses:\s+(\d+)", o)] if m)
    errors = " ".join(m.group(0) for o in outs for m in [re.search(r"Socket errors:.*", o)] if m)
    result = {"gettable_rps": rps, "gettable_p50_ms": p50, "gettable_p99_ms": p99,
              "gettable_non2xx": bad, "gettable_socket_errors": errors,
              "wrk_output": "\n".join(outs),
              "server_cores_used": server_cpu / wall, "generator_cores_used": wrk_cpu / wall,
              "gettable_rps_per_core": rps / max(server_cpu / wall, 1e-9)}
    if postgres:
        result["postgres_cores_used"] = (postgres_cpu_seconds(postgres) - pg_before) / wall
    return result


def postgres_cpu_seconds(pg):
    """CPU seconds of the PostgreSQL postmaster and all its children (backends)."""
    pm = int((Path(pg.dir) / "data" / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if pid == pm or int(fields[1]) == pm:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def get_table_python(target, n_tables, duration, connections=32):
    """Fallback when wrk is absent: threads with keep-alive connections. On a
    2-core machine this generator, not the server, is likely the limit."""
    import threading
    reqs = [target.signed("GetTable", {"DatabaseName": DB, "Name": f"t{i:04d}"})
            for i in range(min(n_tables - 1, 1000))]
    latencies, stop = [], time.monotonic() + duration
    lock = threading.Lock()

    def worker(k):
        c, local, i = Conn(target), [], k
        while time.monotonic() < stop:
            h, b = reqs[i % len(reqs)]
            t = time.perf_counter()
            c.send(h, b)
            local.append((time.perf_counter() - t) * 1000)
            i += connections
        with lock:
            latencies.extend(local)
    t0 = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(worker, range(connections)))
    elapsed = time.monotonic() - t0
    latencies.sort()
    return {"gettable_rps": len(latencies) / elapsed,
            "gettable_p50_ms": latencies[len(latencies) // 2],
            "gettable_p99_ms": latencies[int(len(latencies) * 0.99)],
            "gettable_non2xx": 0, "gettable_socket_errors": "", "wrk_output": "(python generator)"}


def process_cpu_seconds(pid):
    """utime + stime of a running process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_samples(fn, samples, budget_s):
    """Runs fn() up to `samples` times (at least 3) within about `budget_s`; ms list."""
    out, deadline = [], time.monotonic() + budget_s
    while len(out) < samples and (len(out) < 3 or time.monotonic() < deadline):
        out.append(fn())
    return out


def get_partitions_filtered(target, per_bucket, samples, budget_s):
    conn = Conn(target)
    expr = "bucket = 42"  # 1,000 of 100,000 at full size

    def once():
        pages, total, token = [], 0, None
        payload = {"DatabaseName": DB, "TableName": PTABLE, "Expression": expr,
                   "MaxResults": 1000}
        signed = [target.signed("GetPartitions", payload)]
        t = time.perf_counter()
        headers, body = signed[0]
        while True:
            resp = conn.send(headers, body)
            total += len(resp["Partitions"])
            pages.append(1)
            token = resp.get("NextToken")
            if not token:
                break
            # A follow-up page needs a fresh signature (its body differs); rare.
            headers, body = target.signed("GetPartitions", dict(payload, NextToken=token))
        elapsed = (time.perf_counter() - t) * 1000
        if total != per_bucket:
            raise RuntimeError(f"{target.name}: filter returned {total}, want {per_bucket}")
        return elapsed
    once()  # warm-up
    ms = timed_samples(once, samples, budget_s)
    return {"getpartitions_p50_ms": statistics.median(ms), "getpartitions_samples": len(ms)}


def batch_create(target, samples, budget_s, first_bucket=1000):
    conn = Conn(target)
    state = {"next": 0}

    def once():
        k = state["next"]
        state["next"] += 1
        bucket = first_bucket + k  # new buckets: never collide with the loaded ones
        headers, body = target.signed("BatchCreatePartition", {
            "DatabaseName": DB, "TableName": PTABLE,
            "PartitionInputList": [partition_input(bucket, n) for n in range(100)]})
        t = time.perf_counter()
        resp = conn.send(headers, body)
        elapsed = (time.perf_counter() - t) * 1000
        if resp.get("Errors"):
            raise RuntimeError(f"{target.name}: {resp['Errors'][:2]}")
        return elapsed
    ms = timed_samples(once, samples, budget_s)
    return {"batchcreate_p50_ms": statistics.median(ms), "batchcreate_samples": len(ms)}


def on_all(targets, fn):
    """Runs fn(target, index) on every target at once; returns the results."""
    with ThreadPoolExecutor(len(targets)) as pool:
        return list(pool.map(fn, targets, range(len(targets))))


def run_target(targets, args, load_catalog=True, postgres=None, first_bucket=1000):
    """Measures `targets` (one server, or several sharing one store, all at once)."""
    target = targets[0]
    load_before = os.getloadavg()[0]
    result = {}
    if load_catalog:
        print(f"[{target.name}] loading {args.tables} tables, {args.partitions} partitions ...",
              flush=True)
        result = load(target, args.tables, args.partitions)
    result.update(tables=args.tables, partitions=args.partitions,
                  per_bucket=args.partitions // BUCKETS, servers=len(targets))
    print(f"[{target.name}] measuring GetTable on {len(targets)} server(s) ...", flush=True)
    if shutil.which("wrk") and not args.python_generator:
        result.update(get_table_wrk(targets, args.tables, args.duration, postgres=postgres))
        result["generator"] = "wrk"
    else:
        print("  wrk not found (apt-get install wrk): using the Python generator", flush=True)
        result.update(get_table_python(target, args.tables, args.duration))
        result["generator"] = "python"
    # Several servers: each gets the sequential calls at the same time; p50 over all.
    if "getpartitions" in args.measures:
        print(f"[{target.name}] GetPartitions (filtered) ...", flush=True)
        parts = on_all(targets, lambda t, i: get_partitions_filtered(
            t, result["per_bucket"], args.samples, args.budget))
        result["getpartitions_p50_ms"] = statistics.median(
            r["getpartitions_p50_ms"] for r in parts)
    if "batchcreate" in args.measures:
        print(f"[{target.name}] BatchCreatePartition(100) ...", flush=True)
        batches = on_all(targets, lambda t, i: batch_create(
            t, args.samples, args.budget, first_bucket=first_bucket + 10_000 * i))
        result["batchcreate_p50_ms"] = statistics.median(r["batchcreate_p50_ms"] for r in batches)
    result["loadavg"] = max(load_before, os.getloadavg()[0])
    return result


def run_postgres(args, tmp):
    """One server on a fresh PostgreSQL database, then a second server on the
    same database beside it: the same measures on one and on two servers."""
    from support.postgres import PostgresServer
    pg = PostgresServer(max_connections=200, durable=True)  # synced commits, as SQLite's
    pg.start()
    servers = []
    try:
        pg.sql("CREATE DATABASE bench")
        url = f"postgresql://{pg.SUPERUSER}:{pg.password}@127.0.0.1:{pg.port}/bench"
        if args.pg_socket:  # the server's unix socket (its dir), not loopback TCP
            url = (f"postgresql://{pg.SUPERUSER}:{pg.password}@/bench"
                   f"?host={urllib.parse.quote(pg.dir, safe='')}&port={pg.port}")
        workdir = Path(tmp) / "postgres"
        workdir.mkdir()
        servers.append(start_mortar(args.mortar_bin, workdir, url, name="mortar-pg"))
        one = run_target(servers, args, postgres=pg)
        if args.pg_servers < 2:
            return one, None
        second = start_mortar(args.mortar_bin, workdir, url, name="mortar-pg-2")
        # The first server's key signs for both: they share the store.
        second.access_key, second.secret_key = servers[0].access_key, servers[0].secret_key
        second.signer = servers[0].signer
        servers.append(second)
        two = run_target(servers, args, load_catalog=False, postgres=pg, first_bucket=100_000)
        two["load_total_s"] = None
        return one, two
    finally:
        for s in servers:
            s.stop()
        pg.stop()


# --------------------------------------------------------------------------- report
ROWS = [
    ("GetTable req/s (32 conns per server)", "gettable_rps", "{:,.0f}", (">=", 20000)),
    ("GetTable p50 ms", "gettable_p50_ms", "{:.2f}", None),
    ("GetTable p99 ms", "gettable_p99_ms", "{:.2f}", None),
    ("GetPartitions 1% filter p50 ms", "getpartitions_p50_ms", "{:.2f}", ("<", 10)),
    ("BatchCreatePartition(100) p50 ms", "batchcreate_p50_ms", "{:.2f}", ("<", 20)),
    ("load time (s)", "load_total_s", "{:.1f}", None),
    ("GetTable req/s per server core", "gettable_rps_per_core", "{:,.0f}", None),
    ("server cores used during GetTable", "server_cores_used", "{:.2f}", None),
    ("postgres cores used during GetTable", "postgres_cores_used", "{:.2f}", None),
    ("wrk cores used during GetTable", "generator_cores_used", "{:.2f}", None),
    ("load average (1 min, max of start/end)", "loadavg", "{:.1f}", None),
]
COLUMNS = [("mortar", "SQLite"), ("mortar-pg", "PG x1"), ("mortar-pg x2", "PG x2"), ("moto", "moto")]


def report(results):
    cols = [(key, title) for key, title in COLUMNS if key in results]
    ratios = [(title, a, b) for title, a, b in [("PG1/SQLite", "mortar-pg", "mortar"),
                                                ("PG2/PG1", "mortar-pg x2", "mortar-pg"),
                                                ("SQLite/moto", "mortar", "moto")]
              if a in results and b in results]
    header = (f"{'metric':<38}" + "".join(f"{t:>11}" for _, t in cols)
              + "".join(f"{t:>13}" for t, _, _ in ratios) + "  target (SQLite)")
    print("\n" + header + "\n" + "-" * len(header))
    for label, key, fmt, target in ROWS:
        values = [results[k].get(key) for k, _ in cols]
        if all(v is None for v in values):
            continue
        line = f"{label:<38}" + "".join(
            f"{fmt.format(v) if v is not None else '-':>11}" for v in values)
        for _, a, b in ratios:
            x, y = results[a].get(key), results[b].get(key)
            line += f"{f'{x / y:.3g}' if x and y else '-':>13}"
        m = results.get("mortar", {}).get(key)
        if target and m is not None:
            op, bound = target
            ok = m >= bound if op == ">=" else m < bound
            line += f"  {op} {bound:,}: {'met' if ok else 'MISSED'}"
        print(line)
    any_result = next(iter(results.values()), None)
    if any_result:
        print(f"(catalog: {any_result['tables']:,} tables, {any_result['partitions']:,} partitions; "
              f"filter selects {any_result['per_bucket']:,}; GetTable load by "
              f"{any_result['generator']}; PG x2: two servers on one database, each loaded as "
              "PG x1 was)")
    sqlite, pg1, pg2 = (results.get(k) for k in ("mortar", "mortar-pg", "mortar-pg x2"))
    if sqlite and pg1:
        ratio = sqlite["gettable_rps"] / pg1["gettable_rps"]
        print(f"goal: one PG server within 1.5x of SQLite's GetTable req/s: {ratio:.2f}x "
              f"({'met' if ratio <= 1.5 else 'MISSED'})")
    if pg1 and pg2:
        ratio = pg2["gettable_rps"] / pg1["gettable_rps"]
        used = pg2["server_cores_used"] + pg2.get("postgres_cores_used", 0) + \
            pg2["generator_cores_used"]
        print(f"goal: two PG servers >= 1.7x one on GetTable: {ratio:.2f}x "
              f"({'met' if ratio >= 1.7 else 'MISSED'}); servers + postgres + wrk used "
              f"{used:.1f} of {os.cpu_count()} cores")
    cores = os.cpu_count() or 1
    for name, r in results.items():
        if r["loadavg"] > cores:
            print(f"WARNING: {name}: load average reached {r['loadavg']:.1f} on {cores} cores: "
                  "other work competed for the CPU, so absolute figures are pessimistic")
        if r.get("gettable_non2xx") or r.get("gettable_socket_errors"):
            print(f"note: {name}: non-2xx={r['gettable_non2xx']} {r['gettable_socket_errors']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mortar-bin", default=os.environ.get("MORTAR_BIN") or
                    str(REPO / "build" / "release" / "mortar"))
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--partitions", type=int, default=100_000)
    ap.add_argument("--duration", type=int, default=10, help="seconds of GetTable load")
    ap.add_argument("--samples", type=int, default=50, help="samples per latency measure")
    ap.add_argument("--budget", type=float, default=60, help="seconds per latency measure")
    ap.add_argument("--skip-moto", action="store_true")
    ap.add_argument("--skip-mortar", action="store_true")
    ap.add_argument("--skip-postgres", action="store_true",
                    help="no PostgreSQL leg (one and two servers on one PostgreSQL)")
    ap.add_argument("--pg-socket", action="store_true",
                    help="servers reach PostgreSQL through its unix socket, not 127.0.0.1")
    ap.add_argument("--pg-servers", type=int, choices=(1, 2), default=2,
                    help="1: only the one-server PostgreSQL leg")
    ap.add_argument("--measures", default="gettable,getpartitions,batchcreate",
                    help="comma-separated subset of gettable,getpartitions,batchcreate "
                         "(GetTable is always measured)")
    ap.add_argument("--python-generator", action="store_true")
    ap.add_argument("--quick", action="store_true", help="100 tables, 10,000 partitions, 3 s")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    if args.quick:
        args.tables, args.partitions, args.duration = 100, 10_000, 3
    args.measures = set(args.measures.split(","))
    if args.partitions % (BUCKETS * 100):
        ap.error(f"--partitions must be a multiple of {BUCKETS * 100}")

    results = {}
    with tempfile.TemporaryDirectory(prefix="mortar-bench-") as tmp:
        for name in ("mortar", "moto"):
            if getattr(args, f"skip_{name}"):
                continue
            workdir = Path(tmp) / name
            workdir.mkdir()
            target = start_mortar(args.mortar_bin, workdir) if name == "mortar" \
                else start_moto(workdir)
            try:
                results[name] = run_target([target], args)
            finally:
                target.stop()
            if name == "mortar" and not args.skip_postgres:
                one, two = run_postgres(args, tmp)
                results["mortar-pg"] = one
                if two:
                    results["mortar-pg x2"] = two
    report(results)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(
            {k: {kk: vv for kk, vv in v.items()} for k, v in results.items()}, indent=2))


if __name__ == "__main__":
    main()
