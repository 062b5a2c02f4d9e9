"""Memory soak: does `mortar serve`'s RSS plateau under a steady mixed write load?

Starts `mortar serve` on loopback in a temp data dir (SigV4, the credentials it writes on first
start), then for --minutes drives a bounded mixed load at a fixed --rate from keep-alive
connections: create/update/delete tables, create/update/delete partitions, batch partition
creates/deletes, plus GetTable/GetPartition/GetPartitions reads. The key spaces are fixed (a
pool of tables, 10 x 100 partition values per table), so the catalog's live data stays bounded
and any steady growth of the server's memory is the server's own. Every --sample-seconds it reads
the server's VmRSS (and its anonymous/file/shared parts) from /proc, the size of catalog.db and
its WAL, and the audit_log row count, and prints one line. At the end it prints the curve's
summary and whether it plateaued (see `plateau()` for the criterion).

    .venv/bin/python bench/soak/run.py --minutes 30
    .venv/bin/python bench/soak/run.py --minutes 3 --rate 200 --set audit.max_rows=20000
    .venv/bin/python bench/soak/run.py --minutes 10 --env MALLOC_ARENA_MAX=2 --json out.json

Not part of `make test`: it takes minutes and its figures depend on the machine's load.
"""
import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from catalog.run import (REPO, Target, http_ok, partition_input,  # noqa: E402
                         table_input, wait_until)

DB = "soak"
HOT_TABLES = 20      # partitioned tables that live for the whole run
CHURN_TABLES = 40    # names created and deleted again and again
BUCKETS, PER_BUCKET = 10, 100   # partition values per table: bucket 0..9 x n 0..99

# (operation, weight): ~60% writes, ~40% reads.
MIX = [
    ("GetTable", 25), ("GetPartition", 8), ("GetPartitions", 7),
    ("UpdateTable", 10), ("CreateTable", 5), ("DeleteTable", 5),
    ("CreatePartition", 10), ("UpdatePartition", 8), ("DeletePartition", 8),
    ("BatchCreatePartition", 7), ("BatchDeletePartition", 7),
]
EXPECTED_ERRORS = {"AlreadyExistsException", "EntityNotFoundException"}


def start_server(binary, workdir, settings, env_extra):
    data = Path(workdir) / "mortar-data"
    data.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MORTAR_")}
    env["MORTAR_LOG_LEVEL"] = "warn"
    env.update(env_extra)
    flags = []
    for key, value in settings.items():
        flags += ["--" + key.replace(".", "-").replace("_", "-"), value]
    log = open(Path(workdir) / "mortar.log", "wb")
    proc = subprocess.Popen([binary, "serve", "--data-dir", str(data), "--listen", "127.0.0.1:0",
                             *flags], stdout=log, stderr=subprocess.STDOUT, env=env)
    addr = data / "server.addr"
    wait_until(lambda: proc.poll() is None and addr.exists() and addr.read_text().strip(), 30,
               "mortar server.addr")
    host, port = addr.read_text().strip().rsplit(":", 1)
    wait_until(lambda: http_ok(host, int(port), "/healthz"), 30, "mortar /healthz")
    import configparser
    cp = configparser.ConfigParser()
    cp.read(data / "credentials")
    sec = cp["default"]
    return Target("mortar", proc, host, int(port), sec["aws_access_key_id"].strip(),
                  sec["aws_secret_access_key"].strip(), workdir), data


class Client:
    """One keep-alive connection; returns (error type or None, parsed body)."""

    def __init__(self, target):
        self.target = target
        self.conn = None

    def call(self, operation, payload):
        headers, body = self.target.signed(operation, payload)
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.target.host, self.target.port,
                                                           timeout=60)
                self.conn.request("POST", "/", body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn = None  # the server closed an idle connection: reconnect once
                if attempt:
                    raise
        parsed = json.loads(data) if data else {}
        if resp.status == 200:
            return None, parsed
        return parsed.get("__type", f"HTTP{resp.status}"), parsed


# --------------------------------------------------------------------------- the load
def hot(i):
    return f"hot{i:02d}"


def part_values(rng):
    return rng.randrange(BUCKETS), rng.randrange(PER_BUCKET)


def partitioned_input(name, rng=None):
    ti = table_input(name, partitioned=True)
    if rng is not None:  # an update: change something so a new version is written
        ti["Parameters"]["soak_rev"] = str(rng.randrange(1 << 30))
    return ti


def request_for(op, rng):
    """(operation, payload) for one request of kind `op` on random keys."""
    if op in ("CreateTable", "DeleteTable"):
        name = f"churn{rng.randrange(CHURN_TABLES):02d}"
        if op == "CreateTable":
            return op, {"DatabaseName": DB, "TableInput": partitioned_input(name)}
        return op, {"DatabaseName": DB, "Name": name}
    if op == "UpdateTable":
        # Hot tables skip the archive so their version history stays bounded; churn tables
        # archive (their versions go when the table is deleted).
        if rng.random() < 0.5:
            name = hot(rng.randrange(HOT_TABLES))
            return op, {"DatabaseName": DB, "TableInput": partitioned_input(name, rng),
                        "SkipArchive": True}
        name = f"churn{rng.randrange(CHURN_TABLES):02d}"
        return op, {"DatabaseName": DB, "TableInput": partitioned_input(name, rng)}
    table = hot(rng.randrange(HOT_TABLES))
    if op == "GetTable":
        return op, {"DatabaseName": DB, "Name": table}
    if op == "GetPartitions":
        return op, {"DatabaseName": DB, "TableName": table,
                    "Expression": f"bucket = {rng.randrange(BUCKETS)}", "MaxResults": 100}
    b, n = part_values(rng)
    values = [str(b), str(n)]
    if op == "GetPartition":
        return op, {"DatabaseName": DB, "TableName": table, "PartitionValues": values}
    if op == "CreatePartition":
        return op, {"DatabaseName": DB, "TableName": table, "PartitionInput": partition_input(b, n)}
    if op == "UpdatePartition":
        pi = partition_input(b, n)
        pi["Parameters"] = {"soak_rev": str(rng.randrange(1 << 30))}
        return op, {"DatabaseName": DB, "TableName": table, "PartitionValueList": values,
                    "PartitionInput": pi}
    if op == "DeletePartition":
        return op, {"DatabaseName": DB, "TableName": table, "PartitionValues": values}
    start = rng.randrange(0, PER_BUCKET, 25)
    if op == "BatchCreatePartition":
        return op, {"DatabaseName": DB, "TableName": table,
                    "PartitionInputList": [partition_input(b, k) for k in range(start, start + 25)]}
    assert op == "BatchDeletePartition"
    return op, {"DatabaseName": DB, "TableName": table,
                "PartitionsToDelete": [{"Values": [str(b), str(k)]}
                                       for k in range(start, start + 25)]}


class Load:
    """`workers` threads, each paced to rate/workers requests per second."""

    def __init__(self, target, rate, workers, seed):
        self.target, self.rate, self.workers = target, rate, workers
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.sent = 0
        self.by_op = Counter()
        self.expected_errors = Counter()
        self.unexpected = Counter()
        self.samples_of_unexpected = []
        self.threads = [threading.Thread(target=self.worker, args=(seed + i,), daemon=True)
                        for i in range(workers)]
        ops, weights = zip(*MIX)
        self.ops, self.weights = list(ops), list(weights)

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)

    def worker(self, seed):
        rng = random.Random(seed)
        client = Client(self.target)
        interval = self.workers / self.rate
        next_at = time.monotonic() + rng.random() * interval
        while not self.stop.is_set():
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            next_at = max(next_at + interval, time.monotonic() - 1.0)  # no burst after a stall
            op, payload = request_for(rng.choices(self.ops, self.weights)[0], rng)
            try:
                err, body = client.call(op, payload)
            except Exception as e:  # noqa: BLE001 - counted and reported, the soak goes on
                err, body = type(e).__name__, {"message": str(e)}
            with self.lock:
                self.sent += 1
                self.by_op[op] += 1
                if err in EXPECTED_ERRORS:
                    self.expected_errors[err] += 1
                elif err is not None:
                    self.unexpected[f"{op}:{err}"] += 1
                    if len(self.samples_of_unexpected) < 5:
                        self.samples_of_unexpected.append((op, err, str(body)[:200]))


def seed_catalog(target):
    c = Client(target)
    for op, payload in [("CreateDatabase", {"DatabaseInput": {"Name": DB}})] + [
            ("CreateTable", {"DatabaseName": DB, "TableInput": partitioned_input(hot(i))})
            for i in range(HOT_TABLES)]:
        err, body = c.call(op, payload)
        if err:
            raise RuntimeError(f"seeding {op}: {err} {body}")


# --------------------------------------------------------------------------- sampling
def proc_memory_kb(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads"):
                out[key] = int(line.split()[1])
    return out


def file_mb(path):
    try:
        return os.path.getsize(path) / 1e6
    except OSError:
        return 0.0


def audit_rows(db_path):
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return -1


def plateau(samples, warmup_fraction=0.2):
    """Whether RSS stopped growing: after the warm-up, the peak of the second half may exceed
    the peak of the first half by at most max(1 MB, 3%), and a least-squares line through the
    second half may rise by at most 1 MB per 10 minutes. Returns (verdict, details)."""
    t_end = samples[-1]["t"]
    steady = [s for s in samples if s["t"] >= warmup_fraction * t_end]
    if len(steady) < 6:
        return None, {"reason": "too few samples after the warm-up"}
    mid = steady[0]["t"] + (t_end - steady[0]["t"]) / 2
    first = [s["rss_mb"] for s in steady if s["t"] < mid]
    second = [s for s in steady if s["t"] >= mid]
    xs = [s["t"] for s in second]
    ys = [s["rss_mb"] for s in second]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0
    growth = max(ys) - max(first)
    per_10min = slope * 600
    ok = growth <= max(1.0, 0.03 * max(ys)) and per_10min <= 1.0
    return ok, {"peak_first_half_mb": round(max(first), 1), "peak_second_half_mb": round(max(ys), 1),
                "second_half_slope_mb_per_10min": round(per_10min, 2)}


# --------------------------------------------------------------------------- main
def parse_pairs(items, what):
    out = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"{what} takes KEY=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        out[k] = v
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mortar-bin", default=os.environ.get("MORTAR_BIN") or
                    str(REPO / "build" / "release" / "mortar"))
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--rate", type=float, default=500, help="requests per second (total)")
    ap.add_argument("--workers", type=int, default=8, help="client threads / connections")
    ap.add_argument("--sample-seconds", type=float, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a server config key, passed as its flag (e.g. audit.max_rows=20000)")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="an environment variable for the server (e.g. MALLOC_ARENA_MAX=2)")
    ap.add_argument("--json", help="also write the samples and summary to this file")
    args = ap.parse_args()
    settings, env_extra = parse_pairs(args.set, "--set"), parse_pairs(args.env, "--env")

    with tempfile.TemporaryDirectory(prefix="mortar-soak-") as tmp:
        target, data = start_server(args.mortar_bin, tmp, settings, env_extra)
        db_path = data / "catalog.db"
        pid = target.proc.pid
        samples = []
        load = Load(target, args.rate, args.workers, args.seed)
        try:
            seed_catalog(target)
            t0 = time.monotonic()
            load.start()
            print(f"soak: pid {pid}, {args.rate:g} req/s for {args.minutes:g} min, "
                  f"settings {settings or '{}'}, env {env_extra or '{}'}", flush=True)
            print(f"{'min':>6} {'rss_mb':>7} {'anon':>6} {'file':>6} {'shmem':>6} {'db_mb':>7} "
                  f"{'wal_mb':>7} {'audit_rows':>10} {'req/s':>6} {'load1':>5}", flush=True)
            last_sent, last_t = 0, t0
            deadline = t0 + args.minutes * 60
            while True:
                now = time.monotonic()
                if target.proc.poll() is not None:
                    raise RuntimeError(f"the server exited with {target.proc.returncode}")
                mem = proc_memory_kb(pid)
                with load.lock:
                    sent = load.sent
                rate = (sent - last_sent) / max(now - last_t, 1e-9)
                last_sent, last_t = sent, now
                s = {"t": round(now - t0, 1), "rss_mb": mem["VmRSS"] / 1024,
                     "anon_mb": mem.get("RssAnon", 0) / 1024, "file_mb": mem.get("RssFile", 0) / 1024,
                     "shmem_mb": mem.get("RssShmem", 0) / 1024, "threads": mem.get("Threads", 0),
                     "db_mb": file_mb(db_path), "wal_mb": file_mb(str(db_path) + "-wal"),
                     "audit_rows": audit_rows(db_path), "req_per_s": rate,
                     "loadavg": os.getloadavg()[0]}
                samples.append(s)
                print(f"{s['t'] / 60:6.1f} {s['rss_mb']:7.1f} {s['anon_mb']:6.1f} "
                      f"{s['file_mb']:6.1f} {s['shmem_mb']:6.1f} {s['db_mb']:7.1f} "
                      f"{s['wal_mb']:7.1f} {s['audit_rows']:10d} {rate:6.0f} "
                      f"{s['loadavg']:5.1f}", flush=True)
                if now >= deadline:
                    break
                time.sleep(min(args.sample_seconds, max(0.0, deadline - time.monotonic())))
        finally:
            load.finish()
            target.stop()

    verdict, details = plateau(samples)
    elapsed = samples[-1]["t"]
    summary = {
        "minutes": round(elapsed / 60, 1), "target_rate": args.rate,
        "achieved_rate": round(load.sent / elapsed, 1) if elapsed else 0,
        "requests": load.sent, "rss_start_mb": round(samples[0]["rss_mb"], 1),
        "rss_peak_mb": round(max(s["rss_mb"] for s in samples), 1),
        "rss_end_mb": round(samples[-1]["rss_mb"], 1), "plateau": verdict, **details,
        "audit_rows_end": samples[-1]["audit_rows"], "db_mb_end": round(samples[-1]["db_mb"], 1),
        "loadavg_max": round(max(s["loadavg"] for s in samples), 1),
        "expected_errors": dict(load.expected_errors), "unexpected_errors": dict(load.unexpected),
        "settings": settings, "env": env_extra,
    }
    print()
    for k, v in summary.items():
        print(f"{k:>32}: {v}")
    for op, err, body in load.samples_of_unexpected:
        print(f"  unexpected {op}: {err} {body}")
    cores = os.cpu_count() or 1
    if summary["loadavg_max"] > cores:
        print(f"note: load average reached {summary['loadavg_max']} on {cores} cores "
              "(shared machine): the achieved rate may fall short of the target")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"summary": summary, "samples": samples}, indent=1))
    return 0 if not load.unexpected else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
