#!/usr/bin/env python3
"""Jobs benchmark at the API: what a Glue user waits for, through boto3 against
a real `mortar serve` this script starts in a temp dir.

  * StartJobRun -> SUCCEEDED latency (GetJobRun polled every 5 ms) of a trivial
    pythonshell and a trivial glueetl job, p50/p99 over --runs sequential runs,
    with the warm pool on (jobs.warm_pool_size 1, the default) and off (0: every
    run starts a fresh interpreter). The cold start is the peer: ratios are
    warm/cold.
  * Sustained runs/s with jobs.max_concurrent_runs 2: --runs trivial pythonshell
    runs submitted at once, from the first StartJobRun to the last run final;
    warm and cold.
  * The lag between due time and StartedOn of 1,000 SCHEDULED triggers due in
    the same minute, each starting a run of one job. The server runs with the
    test clock (MORTAR_TEST_CLOCK_FILE, src/server/parts.h): the triggers are
    created for a minute an hour ahead, then the clock is moved to 2 s before it.
    Timestamps are on the server's (test) clock, so the lag is the server's.

Run: /work/main/.venv/bin/python bench/jobs/run.py [--runs N] [--triggers N]
     [--skip latency,throughput,triggers] [--mortar-bin PATH] [--json FILE]
See bench/README.md for figures and method.
"""
import argparse
import configparser
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
FINAL = {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"}

PYTHONSHELL = "print('ok')\n"
GLUEETL = """import sys
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job
args = getResolvedOptions(sys.argv, ["JOB_NAME"])
glueContext = GlueContext(SparkContext.getOrCreate())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
job.commit()
"""


def wait_until(pred, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(interval)


def load():
    return "%.2f %.2f %.2f" % os.getloadavg()


class Server:
    """One `mortar serve` in its own data dir, with a boto3 Glue client."""

    def __init__(self, binary, workdir, name, env_extra):
        self.data = Path(workdir) / name
        self.data.mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MORTAR_")}
        env["MORTAR_LOG_LEVEL"] = "warn"
        env.update(env_extra)
        self.log = open(Path(workdir) / f"{name}.log", "wb")
        self.proc = subprocess.Popen(
            [binary, "serve", "--data-dir", str(self.data), "--listen", "127.0.0.1:0"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        addr = self.data / "server.addr"
        wait_until(lambda: addr.exists() and addr.read_text().strip(), 60, "server.addr")
        self.endpoint = "http://" + addr.read_text().strip()
        cp = configparser.ConfigParser()
        cp.read(self.data / "credentials")
        sec = cp["default"]
        self.glue = boto3.session.Session().client(
            "glue", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=sec["aws_access_key_id"].strip(),
            aws_secret_access_key=sec["aws_secret_access_key"].strip(),
            config=Config(retries={"max_attempts": 2}, max_pool_connections=16))

    def metrics(self):
        with urllib.request.urlopen(self.endpoint + "/metrics") as r:
            out = {}
            for line in r.read().decode().splitlines():
                if line and not line.startswith("#"):
                    k, _, v = line.rpartition(" ")
                    try:
                        out[k] = float(v)
                    except ValueError:
                        pass
            return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def make_job(srv, workdir, name, command, body, max_runs=1000):
    script = Path(workdir) / f"{name}.py"
    script.write_text(body)
    srv.glue.create_job(Name=name, Role="r", ExecutionProperty={"MaxConcurrentRuns": max_runs},
                        Command={"Name": command, "ScriptLocation": str(script)})


def run_once(glue, job):
    """StartJobRun -> final state, polling GetJobRun every 5 ms; seconds."""
    t0 = time.monotonic()
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    while True:
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        if run["JobRunState"] in FINAL:
            break
        time.sleep(0.005)
    elapsed = time.monotonic() - t0
    if run["JobRunState"] != "SUCCEEDED":
        raise RuntimeError(f"{job} run {run_id}: {run['JobRunState']}: {run.get('ErrorMessage')}")
    return elapsed


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def wait_warm(srv):
    wait_until(lambda: srv.metrics().get("mortar_warm_pool_ready", 0) >= 1, 120, "the warm pool")


# --------------------------------------------------------------------------- legs
def latency_leg(binary, workdir, runs):
    out = {}
    for pool in (0, 1):
        label = "warm" if pool else "cold"
        srv = Server(binary, workdir, f"latency-{label}", {"MORTAR_JOBS_WARM_POOL_SIZE": str(pool)})
        try:
            if pool:
                wait_warm(srv)
            for command, body in (("pythonshell", PYTHONSHELL), ("glueetl", GLUEETL)):
                job = f"lat-{command}"
                make_job(srv, workdir, f"{job}-{label}", command, body)
                run_once(srv.glue, f"{job}-{label}")  # first run: the job's files, caches
                before = load()
                times = [run_once(srv.glue, f"{job}-{label}") for _ in range(runs)]
                m = srv.metrics()
                out[(command, label)] = {
                    "p50_ms": statistics.median(times) * 1000, "p99_ms": pct(times, 99) * 1000,
                    "runs": runs, "load_before": before, "load_after": load(),
                    "warm_hits": m.get("mortar_warm_pool_hits", 0),
                    "warm_misses": m.get("mortar_warm_pool_misses", 0)}
                print(f"  {command:11s} {label}: p50 {out[(command, label)]['p50_ms']:.1f} ms, "
                      f"p99 {out[(command, label)]['p99_ms']:.1f} ms (load {before} -> {load()})",
                      flush=True)
        finally:
            srv.stop()
    return out


def throughput_leg(binary, workdir, runs):
    out = {}
    for pool in (0, 1):
        label = "warm" if pool else "cold"
        srv = Server(binary, workdir, f"throughput-{label}",
                     {"MORTAR_JOBS_WARM_POOL_SIZE": str(pool), "MORTAR_JOBS_MAX_CONCURRENT_RUNS": "2"})
        try:
            if pool:
                wait_warm(srv)
            job = f"tp-{label}"
            make_job(srv, workdir, job, "pythonshell", PYTHONSHELL, max_runs=runs + 1)
            run_once(srv.glue, job)
            before = load()
            t0 = time.monotonic()
            ids = [srv.glue.start_job_run(JobName=job)["JobRunId"] for _ in range(runs)]
            submitted = time.monotonic() - t0

            def all_final():
                got, token = {}, None
                while True:
                    page = srv.glue.get_job_runs(JobName=job, MaxResults=200,
                                                 **({"NextToken": token} if token else {}))
                    for r in page["JobRuns"]:
                        got[r["Id"]] = r["JobRunState"]
                    token = page.get("NextToken")
                    if not token:
                        break
                return all(got.get(i) in FINAL for i in ids) and got
            states = wait_until(all_final, 1800, "every run to end", interval=0.05)
            elapsed = time.monotonic() - t0
            ok = sum(1 for i in ids if states[i] == "SUCCEEDED")
            out[label] = {"runs": runs, "succeeded": ok, "seconds": elapsed,
                          "runs_per_s": runs / elapsed, "submit_s": submitted,
                          "load_before": before, "load_after": load()}
            print(f"  {label}: {runs} runs in {elapsed:.1f} s = {runs / elapsed:.1f} runs/s "
                  f"({ok} SUCCEEDED; load {before} -> {load()})", flush=True)
        finally:
            srv.stop()
    return out


def trigger_leg(binary, workdir, n_triggers):
    clock = Path(workdir) / "clock"
    clock.write_text("0")
    srv = Server(binary, workdir, "triggers",
                 {"MORTAR_TEST_CLOCK_FILE": str(clock), "MORTAR_JOBS_MAX_CONCURRENT_RUNS": "1"})
    try:
        job = "tr-job"
        make_job(srv, workdir, job, "pythonshell", PYTHONSHELL, max_runs=n_triggers + 10)
        # A minute an hour ahead (the server's clock is real time now).
        due = (int(time.time()) // 60 + 60) * 60
        minute, hour = time.gmtime(due).tm_min, time.gmtime(due).tm_hour
        schedule = f"cron({minute} {hour} * * ? *)"
        t0 = time.monotonic()

        def create(i):
            srv.glue.create_trigger(Name=f"t{i:04d}", Type="SCHEDULED", Schedule=schedule,
                                    StartOnCreation=True, Actions=[{"JobName": job}])
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(create, range(n_triggers)))
        created = time.monotonic() - t0
        print(f"  {n_triggers} triggers created in {created:.1f} s", flush=True)
        before = load()
        clock.write_text(str(due - int(time.time()) - 2))  # 2 s before the due minute

        def started():
            got, token = [], None
            while True:
                page = srv.glue.get_job_runs(JobName=job, MaxResults=200,
                                             **({"NextToken": token} if token else {}))
                got += page["JobRuns"]
                token = page.get("NextToken")
                if not token:
                    break
            return got if len(got) >= n_triggers else None
        runs = wait_until(started, 600, "every trigger's run", interval=0.5)
        lags = [r["StartedOn"].timestamp() - due for r in runs]
        out = {"triggers": n_triggers, "p50_s": statistics.median(lags), "p99_s": pct(lags, 99),
               "max_s": max(lags), "min_s": min(lags), "create_s": created,
               "load_before": before, "load_after": load()}
        print(f"  due -> StartedOn: p50 {out['p50_s']:.2f} s, p99 {out['p99_s']:.2f} s, "
              f"max {out['max_s']:.2f} s (load {before} -> {load()})", flush=True)
        return out
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--triggers", type=int, default=1000)
    ap.add_argument("--skip", default="", help="comma list of legs: latency,throughput,triggers")
    ap.add_argument("--mortar-bin", default=os.environ.get("MORTAR_BIN",
                                                           str(REPO / "build/release/mortar")))
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print(f"mortar: {args.mortar_bin}; {os.cpu_count()} cores; load {load()}", flush=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="mortar-bench-jobs-") as workdir:
        if "latency" not in skip:
            print(f"StartJobRun -> SUCCEEDED, {args.runs} sequential runs each:", flush=True)
            lat = latency_leg(args.mortar_bin, workdir, args.runs)
            results["latency"] = {f"{c}/{w}": v for (c, w), v in lat.items()}
        if "throughput" not in skip:
            print(f"Sustained, jobs.max_concurrent_runs 2, {args.runs} runs at once:", flush=True)
            results["throughput"] = throughput_leg(args.mortar_bin, workdir, args.runs)
        if "triggers" not in skip:
            print(f"{args.triggers} SCHEDULED triggers due in one minute:", flush=True)
            results["triggers"] = trigger_leg(args.mortar_bin, workdir, args.triggers)

    print("\nSummary (the peer is the cold start: jobs.warm_pool_size 0)")
    if "latency" in results:
        print(f"{'job':12s} {'cold p50':>9s} {'cold p99':>9s} {'warm p50':>9s} {'warm p99':>9s} "
              f"{'warm/cold p50':>14s}")
        for c in ("pythonshell", "glueetl"):
            cold, warm = results["latency"][f"{c}/cold"], results["latency"][f"{c}/warm"]
            print(f"{c:12s} {cold['p50_ms']:8.1f}ms {cold['p99_ms']:8.1f}ms {warm['p50_ms']:8.1f}ms "
                  f"{warm['p99_ms']:8.1f}ms {warm['p50_ms'] / cold['p50_ms']:14.3f}")
    if "throughput" in results:
        t = results["throughput"]
        print(f"runs/s (max_concurrent_runs 2): cold {t['cold']['runs_per_s']:.1f}, "
              f"warm {t['warm']['runs_per_s']:.1f}, warm/cold "
              f"{t['warm']['runs_per_s'] / t['cold']['runs_per_s']:.2f}")
    if "triggers" in results:
        t = results["triggers"]
        print(f"{t['triggers']} triggers: due -> StartedOn p50 {t['p50_s']:.2f} s, "
              f"p99 {t['p99_s']:.2f} s, max {t['max_s']:.2f} s (goal: all within 2 s)")
    print(f"load {load()}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
