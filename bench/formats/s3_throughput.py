#!/usr/bin/env python3
"""S3 transfer benchmark (not a test): starts moto's S3 server on loopback,
then moves one object of --mb megabytes of random bytes (default 200)
through Mortar's s3:// file system and compares MB/s with

  * the same bytes read from / written to local disk through Mortar's local
    file system (the ceiling: page cache, no HTTP),
  * boto3's transfer manager doing the same download / upload against the
    same moto server (8 MB parts, 10 threads: its defaults),

plus an end-to-end `mortar file convert` of a CSV object on S3 to local
Parquet against the same conversion from a local CSV. Mortar's byte
transfers run in a small C++ program that this script compiles against the
io library of an existing build (like csv_throughput.cc). Usage:

  MORTAR_BUILD_DIR=build/h-s3 .venv/bin/python bench/formats/s3_throughput.py [--mb 200] [--dir /dev/shm/mortar-s3-bench]

moto is a Python server: on a small machine it, not the client, sets the
pace. The ratios against boto3 are the meaningful figures.
"""
import argparse
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable

PROGRAM = r"""
// s3io read URI | s3io write LOCAL_PATH URI: moves bytes through Mortar's
// FileSystem and prints {"bytes": N, "seconds": S}.
#include <chrono>
#include <cstdio>
#include <string>

#include "io/file_system.h"

using namespace mortar;

int fail(const Status& s) {
  std::fprintf(stderr, "s3io: %.*s\n", int(s.message().size()), s.message().data());
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  std::string mode = argv[1];
  auto t0 = std::chrono::steady_clock::now();
  int64_t total = 0;
  std::string buf(1 << 20, '\0');
  auto fs = io::file_system_for(mode == "read" ? argv[2] : argv[3]);
  if (!fs.ok()) return fail(fs.status());
  if (mode == "read") {
    auto in = (*fs)->open_input(argv[2]);
    if (!in.ok()) return fail(in.status());
    for (;;) {
      auto n = (*in)->read(buf.data(), int64_t(buf.size()));
      if (!n.ok()) return fail(n.status());
      if (*n == 0) break;
      total += *n;
    }
  } else {
    auto in = io::local_file_system().open_input(argv[2]);
    if (!in.ok()) return fail(in.status());
    auto out = (*fs)->open_output(argv[3]);
    if (!out.ok()) return fail(out.status());
    for (;;) {
      auto n = (*in)->read(buf.data(), int64_t(buf.size()));
      if (!n.ok()) return fail(n.status());
      if (*n == 0) break;
      Status s = (*out)->write(std::string_view(buf.data(), size_t(*n)));
      if (!s.ok()) return fail(s);
      total += *n;
    }
    Status s = (*out)->close();
    if (!s.ok()) return fail(s);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"bytes\": %lld, \"seconds\": %.6f}\n", (long long)total, secs);
  return 0;
}
"""


def link_libraries(build):
    """The io library's link line, taken from the io_test target of build.ninja."""
    text = (build / "build.ninja").read_text()
    block = text[text.index("build src/io/io_test:"):]
    line = next(l for l in block.splitlines() if l.strip().startswith("LINK_LIBRARIES ="))
    libs = []
    for tok in shlex.split(line.split("=", 1)[1]):
        if "gtest" in tok or "gmock" in tok:
            continue
        if tok.startswith("src/"):
            tok = str(build / tok)
        libs.append(tok)
    return libs


def compile_program(build, workdir):
    src = workdir / "s3io.cc"
    exe = workdir / "s3io"
    src.write_text(PROGRAM)
    cmd = ["g++", "-O2", "-std=c++20", f"-I{REPO / 'src'}", str(src), "-o", str(exe), "-pthread"] + link_libraries(build)
    subprocess.run(cmd, check=True)
    return exe


def start_moto():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([PY, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2).read()
            return proc, url
        except Exception:
            if proc.poll() is not None or time.time() > deadline:
                sys.exit("moto server did not start")
            time.sleep(0.2)


def timed(cmd, env):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{proc.stderr.decode()[-2000:]}")
    return elapsed, proc.stdout


def best_of(n, fn):
    return min(fn() for _ in range(n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--dir", default="/dev/shm/mortar-s3-bench")
    ap.add_argument("--repeat", type=int, default=2, help="runs per figure; the best counts")
    args = ap.parse_args()
    build = Path(os.environ.get("MORTAR_BUILD_DIR", REPO / "build" / "release")).resolve()
    mortar = os.environ.get("MORTAR_BIN", str(build / "mortar"))
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    exe = compile_program(build, work)

    size = args.mb * 1000 * 1000
    data = work / "data.bin"
    if not data.exists() or data.stat().st_size != size:
        with data.open("wb") as f:
            for _ in range(args.mb):
                f.write(os.urandom(1000 * 1000))
    csv = work / "data.csv"
    if not csv.exists():
        with csv.open("w") as f:  # ~ a quarter of the object size, typed columns
            f.write("id,name,price,flag\n")
            for i in range(args.mb * 1000000 // 4 // 32):
                f.write(f"{i},name-{i % 997},{i * 0.25:.2f},{'true' if i % 3 else 'false'}\n")

    moto, url = start_moto()
    try:
        import boto3
        from boto3.s3.transfer import TransferConfig
        creds = {"AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"}
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="bench")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MORTAR_S3"))}
        env.update(creds, MORTAR_S3_ENDPOINT=url, AWS_EC2_METADATA_DISABLED="true")
        mb = size / 1e6

        def mortar_io(*a, extra=None):
            def run():
                _, out = timed([str(exe), *a], {**env, **(extra or {})})
                return json.loads(out)["seconds"]
            return best_of(args.repeat, run)

        results = {}
        results["write: local disk (mortar)"] = mortar_io("write", str(data), str(work / "copy.bin"))
        results["write: s3 (mortar)"] = mortar_io("write", str(data), "s3://bench/data.bin")
        config = TransferConfig()

        def boto_upload():
            t0 = time.perf_counter()
            s3.upload_file(str(data), "bench", "boto.bin", Config=config)
            return time.perf_counter() - t0
        results["write: s3 (boto3 upload_file)"] = best_of(args.repeat, boto_upload)

        results["read: local disk (mortar)"] = mortar_io("read", str(data))
        for p in (1, 4, 8):
            results[f"read: s3 (mortar, {p} in flight)"] = mortar_io(
                "read", "s3://bench/data.bin", extra={"MORTAR_S3_READ_PARALLELISM": str(p)})

        class Null:
            def write(self, b):
                return len(b)

        def boto_download():
            t0 = time.perf_counter()
            s3.download_fileobj("bench", "data.bin", Null(), Config=config)
            return time.perf_counter() - t0
        results["read: s3 (boto3 download_fileobj)"] = best_of(args.repeat, boto_download)

        s3.upload_file(str(csv), "bench", "data.csv")
        convert = [mortar, "file", "convert"]
        results_convert = {
            "local csv": best_of(args.repeat, lambda: timed(convert + [str(csv), str(work / "l.parquet")], env)[0]),
            "s3 csv": best_of(args.repeat, lambda: timed(convert + ["s3://bench/data.csv", str(work / "s.parquet")], env)[0]),
        }
    finally:
        moto.terminate()
        moto.wait(timeout=10)

    print(f"object: {mb:.0f} MB of random bytes; moto at {url}; best of {args.repeat}")
    print(f"{'transfer':44} {'seconds':>8} {'MB/s':>8}")
    for name, secs in results.items():
        print(f"{name:44} {secs:8.2f} {mb / secs:8.0f}")
    print()
    r = results
    print("ratios (higher = Mortar faster):")
    print(f"  read  s3 mortar(4) / boto3       {r['read: s3 (boto3 download_fileobj)'] / r['read: s3 (mortar, 4 in flight)']:.2f}x")
    print(f"  read  s3 mortar(4) / mortar(1)   {r['read: s3 (mortar, 1 in flight)'] / r['read: s3 (mortar, 4 in flight)']:.2f}x")
    print(f"  read  s3 mortar(4) / local disk  {r['read: local disk (mortar)'] / r['read: s3 (mortar, 4 in flight)']:.2f}x")
    print(f"  write s3 mortar / boto3          {r['write: s3 (boto3 upload_file)'] / r['write: s3 (mortar)']:.2f}x")
    print(f"  write s3 mortar / local disk     {r['write: local disk (mortar)'] / r['write: s3 (mortar)']:.2f}x")
    csv_mb = csv.stat().st_size / 1e6
    print()
    print(f"mortar file convert, {csv_mb:.0f} MB CSV -> local Parquet:")
    for name, secs in results_convert.items():
        print(f"  from {name:10} {secs:6.2f} s  {csv_mb / secs:6.0f} MB/s")
    print(f"  s3 / local time ratio {results_convert['s3 csv'] / results_convert['local csv']:.2f}")


if __name__ == "__main__":
    main()
