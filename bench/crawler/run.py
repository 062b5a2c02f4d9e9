#!/usr/bin/env python3
"""Crawler benchmark: 100,000 small files (CSV and Parquet) in 1,000 Hive
partitions on tmpfs, crawled through the real Glue API (boto3) by a real
`mortar serve`.

Measures, with "Mortar": {"Manifest": true}:
  * the full crawl (StartCrawler until the crawler is READY again), files/s;
  * an unchanged re-crawl;
  * a re-crawl after adding 10 partitions;
  * the server's peak RSS (VmHWM);
and compares the classification time per CSV file with DuckDB's sniffer
(`sniff_csv`) on the same files.

Run: /work/main/.venv/bin/python bench/crawler/run.py [--files N] [--partitions P]
     [--root /dev/shm/...] [--bin build/release/mortar] [--keep]
"""
import argparse
import io
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--files", type=int, default=100_000)
    p.add_argument("--partitions", type=int, default=1_000)
    p.add_argument("--root", default="/dev/shm/mortar-crawler-bench")
    p.add_argument("--bin", default=os.environ.get("MORTAR_BIN", str(REPO / "build/release/mortar")))
    p.add_argument("--threads", type=int, default=0, help="crawler threads (server default when 0)")
    p.add_argument("--sniff-sample", type=int, default=500, help="CSV files for the DuckDB comparison")
    p.add_argument("--keep", action="store_true", help="keep the generated tree")
    return p.parse_args()


# --------------------------------------------------------------------------- data
def csv_variants(n=16):
    """Small CSV files with a header and a few typed rows, in a few sizes."""
    out = []
    for v in range(n):
        rows = ["id,amount,item,flag"]
        for i in range(5 + v):
            rows.append(f"{i},{i * 1.5 + v},item{i}_{v},{'true' if i % 2 else 'false'}")
        out.append(("\n".join(rows) + "\n").encode())
    return out


def parquet_variants(n=4):
    import pyarrow as pa
    import pyarrow.parquet as pq
    out = []
    for v in range(n):
        rows = 5 + v
        table = pa.table({"id": pa.array(range(rows), pa.int64()),
                          "amount": pa.array([i * 1.5 for i in range(rows)], pa.float64()),
                          "item": pa.array([f"item{i}" for i in range(rows)], pa.string())})
        buf = io.BytesIO()
        pq.write_table(table, buf)
        out.append(buf.getvalue())
    return out


def write_partition(table_root, fmt, index, files, csvs, parquets):
    folder = table_root / f"day={index:05d}"
    folder.mkdir(parents=True, exist_ok=True)
    variants = csvs if fmt == "csv" else parquets
    for f in range(files):
        data = variants[(index + f) % len(variants)]
        (folder / f"part-{f:05d}.{fmt}").write_bytes(data)


def generate(root, total_files, partitions):
    """Half the partitions in a CSV table, half in a Parquet table."""
    if root.exists():
        shutil.rmtree(root)
    csvs, parquets = csv_variants(), parquet_variants()
    per_partition = total_files // partitions
    half = partitions // 2
    for p in range(partitions):
        fmt = "csv" if p < half else "parquet"
        write_partition(root / f"events_{fmt}", fmt, p, per_partition, csvs, parquets)
    return per_partition, csvs, parquets


# --------------------------------------------------------------------------- crawl
def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def crawl(glue, name, timeout=1800):
    """StartCrawler, then poll until a LastCrawl newer than the previous one is
    there and the crawler is READY; returns (seconds, LastCrawl, ListCrawls entry)."""
    before = glue.get_crawler(Name=name)["Crawler"].get("LastCrawl", {})
    start = time.monotonic()
    glue.start_crawler(Name=name)
    while True:
        c = glue.get_crawler(Name=name)["Crawler"]
        last = c.get("LastCrawl", {})
        if c["State"] == "READY" and last and last != before:
            break
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"crawl of {name} did not finish in {timeout}s")
        time.sleep(0.005)
    elapsed = time.monotonic() - start
    crawls = glue.list_crawls(CrawlerName=name).get("Crawls", [])
    newest = max(crawls, key=lambda x: x.get("StartTime", 0)) if crawls else {}
    return elapsed, last, newest


def print_planner_timings(data_dir):
    """The planner's per-stage timings from the per-crawl log files."""
    lines = []
    for path in sorted(Path(data_dir).rglob("*")):
        if path.is_file() and path.suffix in (".log", ".jsonl", ".txt", ""):
            try:
                text = path.read_text(errors="replace")
            except OSError:
                continue
            lines += [(path.stat().st_mtime, l) for l in text.splitlines()
                      if "planned " in l and " files in " in l]
    for _, line in sorted(lines):
        print("  planner:", line[-400:])


def duckdb_sniff(paths):
    import duckdb
    con = duckdb.connect()
    start = time.perf_counter()
    for p in paths:
        con.execute("SELECT * FROM sniff_csv(?)", [str(p)]).fetchall()
    return (time.perf_counter() - start) / len(paths)


def main():
    args = parse_args()
    os.environ["MORTAR_BIN"] = args.bin
    from support.server import MortarServer
    import tempfile

    root = Path(args.root)
    t0 = time.monotonic()
    per_partition, csvs, parquets = generate(root, args.files, args.partitions)
    total = per_partition * args.partitions
    print(f"generated {total} files in {args.partitions} partitions under {root} "
          f"in {time.monotonic() - t0:.1f} s")

    data_dir = Path(tempfile.mkdtemp(prefix="mortar-crawler-bench-data-", dir="/dev/shm"))
    env = {}
    if args.threads:
        env["MORTAR_CRAWLER_THREADS"] = str(args.threads)
    server = MortarServer(data_dir, env=env)
    server.start()
    results = {}
    try:
        glue = server.client(retries=3)
        glue.create_database(DatabaseInput={"Name": "bench"})
        glue.create_crawler(
            Name="bench", Role="bench", DatabaseName="bench",
            Targets={"S3Targets": [{"Path": str(root / "events_csv")},
                                   {"Path": str(root / "events_parquet")}]},
            Configuration='{"Version": 1.0, "Mortar": {"Manifest": true}}')

        secs, last, summary = crawl(glue, "bench")
        results["full"] = secs
        print(f"full crawl:      {secs:8.2f} s  {total / secs:10.0f} files/s  "
              f"status={last.get('Status')} {summary.get('Summary', '')[:300]}")
        tables = glue.get_tables(DatabaseName="bench")["TableList"]
        parts = sum(len(glue.get_partitions(DatabaseName="bench", TableName=t["Name"],
                                            MaxResults=1000).get("Partitions", []))
                    for t in tables)
        print(f"  tables: {sorted(t['Name'] for t in tables)}; partitions (first page): {parts}")

        secs, last, summary = crawl(glue, "bench")
        results["unchanged"] = secs
        print(f"unchanged:       {secs:8.2f} s  status={last.get('Status')} "
              f"{summary.get('Summary', '')[:300]}")

        for p in range(args.partitions, args.partitions + 10):
            fmt = "csv" if p % 2 == 0 else "parquet"
            write_partition(root / f"events_{fmt}", fmt, p, per_partition, csvs, parquets)
        secs, last, summary = crawl(glue, "bench")
        results["added"] = secs
        print(f"+10 partitions:  {secs:8.2f} s  status={last.get('Status')} "
              f"{summary.get('Summary', '')[:300]}")
        results["rss_mb"] = peak_rss_mb(server.proc.pid)
        print(f"server peak RSS: {results['rss_mb']:.0f} MB")
        print_planner_timings(data_dir)
    finally:
        try:
            server.stop()
        except RuntimeError as e:  # a server that ignores SIGTERM must not hide the figures
            print(f"warning: {str(e).splitlines()[0]}; killed it")
            server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)

    csv_files = sorted((root / "events_csv").rglob("*.csv"))[: args.sniff_sample]
    try:
        per_file = duckdb_sniff(csv_files)
        print(f"DuckDB sniff_csv: {per_file * 1e6:8.0f} us/file over {len(csv_files)} files "
              f"(one connection, sequential)")
        print(f"Mortar full crawl: {results['full'] / total * 1e6:8.0f} us/file end to end "
              f"(listing + classification + catalog writes, all threads)")
    except ImportError:
        print("duckdb not installed in this Python: skipped the sniff_csv comparison")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
