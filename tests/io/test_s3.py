"""Mortar's s3:// file system against moto's S3 server: `mortar file` writes
and reads objects through the S3 path (SigV4-signed requests, ranged GETs,
ListObjectsV2 pagination, multipart upload) and boto3 checks what landed."""
import glob
import http.server
import json
import os
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest

from support.moto import moto_server

REPO = Path(__file__).resolve().parents[2]
CREDS = {"AWS_ACCESS_KEY_ID": "AKIDMORTARTEST", "AWS_SECRET_ACCESS_KEY": "mortar-secret",
         "AWS_REGION": "us-east-1"}


def _mortar_command():
    if os.environ.get("MORTAR_BIN"):
        return [os.environ["MORTAR_BIN"], "file"]
    found = []
    for pattern, extra in (("build/*/mortar", ["file"]), ("build/*/src/tools/mortar-file", [])):
        found += [(p, extra) for p in glob.glob(str(REPO / pattern))]
    if not found:
        pytest.fail("no mortar binary: set MORTAR_BIN or build one under build/")
    path, extra = max(found, key=lambda pe: os.path.getmtime(pe[0]))
    return [path] + extra


MOTO_LOG = None  # moto's request log (werkzeug writes one line per request)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    global MOTO_LOG
    MOTO_LOG = tmp_path_factory.mktemp("moto") / "requests.log"
    with moto_server(MOTO_LOG) as url:
        yield url


@pytest.fixture(scope="module")
def s3(endpoint):
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=CREDS["AWS_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket="data")
    return client


@pytest.fixture(scope="module")
def mortar(endpoint, tmp_path_factory):
    command = _mortar_command()
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.startswith("MORTAR_S3")}
    env.update(CREDS, HOME=str(home), MORTAR_S3_ENDPOINT=endpoint)

    def run(*args, check=True, extra_env=None):
        proc = subprocess.run(command + [str(a) for a in args], capture_output=True, timeout=300,
                              env={**env, **(extra_env or {})})
        assert proc.returncode >= 0, f"mortar file crashed (signal {-proc.returncode}): {args}"
        if check:
            assert proc.returncode == 0, f"mortar file {args} failed: {proc.stderr.decode(errors='replace')}"
        return proc
    return run


def rows(output: bytes):
    return [json.loads(line) for line in output.decode().splitlines() if line.strip()]


def test_convert_to_parquet_on_s3_and_read_back(mortar, s3, tmp_path):
    csv = tmp_path / "local.csv"
    csv.write_text("id,name,score\n1,ann,2.5\n2,bob,\n3,\"c, d\",7\n")
    mortar("convert", csv, "s3://data/out/x.parquet")
    head = s3.head_object(Bucket="data", Key="out/x.parquet")
    assert head["ContentLength"] > 0
    assert s3.get_object(Bucket="data", Key="out/x.parquet")["Body"].read()[:4] == b"PAR1"

    mortar("convert", csv, tmp_path / "x.parquet")
    local = rows(mortar("cat", tmp_path / "x.parquet", "--to", "jsonl").stdout)
    remote = rows(mortar("cat", "s3://data/out/x.parquet", "--to", "jsonl").stdout)
    assert remote == local
    assert [r["id"] for r in remote] == [1, 2, 3]


def test_cat_csv_object_put_by_boto3(mortar, s3, tmp_path):
    body = "k,v\n" + "".join(f"{i},value-{i}\n" for i in range(2000))
    s3.put_object(Bucket="data", Key="csv/a b+c.csv", Body=body.encode())  # key needs encoding
    (tmp_path / "a.csv").write_text(body)
    remote = rows(mortar("cat", "s3://data/csv/a b+c.csv", "--to", "jsonl").stdout)
    assert remote == rows(mortar("cat", tmp_path / "a.csv", "--to", "jsonl").stdout)
    assert len(remote) == 2000


def test_prefix_listing_paginates_past_1000_keys(mortar, s3):
    n = 1005
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3.put_object(Bucket="data", Key=f"many/part-{i:05d}.csv",
                                              Body=f"id\n{i}\n".encode()), range(n)))
    got = rows(mortar("cat", "s3://data/many", "--to", "jsonl").stdout)
    assert sorted(r["id"] for r in got) == list(range(n))


def test_large_write_goes_multipart(mortar, s3, tmp_path):
    src = tmp_path / "big.csv"
    line_pad = "x" * 100
    with src.open("w") as f:
        f.write("id,pad\n")
        for i in range(100_000):  # ~11 MB of CSV
            f.write(f"{i},{line_pad}\n")
    mortar("convert", src, "s3://data/big/out.csv")
    head = s3.head_object(Bucket="data", Key="big/out.csv")
    assert head["ContentLength"] > 8 * 1024 * 1024
    assert "-" in head["ETag"], "expected a multipart ETag (md5-N)"
    assert s3.list_multipart_uploads(Bucket="data").get("Uploads", []) == []
    got = rows(mortar("cat", "s3://data/big/out.csv", "--to", "jsonl").stdout)
    assert len(got) == 100_000
    assert got[0]["id"] == 0 and got[-1]["id"] == 99_999 and got[-1]["pad"] == line_pad


def test_failed_write_aborts_multipart_upload(mortar, s3, tmp_path):
    # The input breaks on its last line (a bigint column meets 'abc'), after
    # far more than 8 MiB went out as parts.
    src = tmp_path / "broken.csv"
    with src.open("w") as f:
        f.write("id,pad\n")
        for i in range(200_000):
            f.write(f"{i},{'x' * 100}\n")
        f.write("abc,def\n")
    proc = mortar("convert", src, "s3://data/aborted/out.csv", check=False)
    assert proc.returncode != 0 and "abc" in proc.stderr.decode()
    requests = MOTO_LOG.read_text(errors="replace")
    assert "POST /data/aborted/out.csv?uploads" in requests, "expected a multipart upload to start"
    assert "DELETE /data/aborted/out.csv?uploadId=" in requests, "expected AbortMultipartUpload"
    assert s3.list_multipart_uploads(Bucket="data").get("Uploads", []) == []
    assert s3.list_objects_v2(Bucket="data", Prefix="aborted/")["KeyCount"] == 0


def test_missing_object_error_names_uri(mortar, s3):
    proc = mortar("cat", "s3://data/nope/missing.csv", "--to", "jsonl", check=False)
    assert proc.returncode != 0
    assert "s3://data/nope/missing.csv" in proc.stderr.decode()


def test_missing_bucket_error_names_uri_and_s3_code(mortar, s3):
    proc = mortar("cat", "s3://no-such-bucket/x.csv", "--to", "jsonl", check=False)
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert "s3://no-such-bucket/x.csv" in err and "NoSuchBucket" in err, err


class FlakyS3(http.server.BaseHTTPRequestHandler):
    """Serves one object, s3://flaky/t.csv, failing the first `fail_first`
    attempts of every request with 503 SlowDown (or always, with fail_first < 0)."""
    body = b"a,b\n1,x\n2,y\n"
    fail_first = 2
    seen = []

    def log_message(self, *args):
        pass

    def _reply(self, status, payload=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _handle(self):
        key = (self.command, self.path, self.headers.get("Range"))
        FlakyS3.seen.append(key)
        if FlakyS3.fail_first < 0 or FlakyS3.seen.count(key) <= FlakyS3.fail_first:
            error = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
            return self._reply(503, error)
        if self.path != "/flaky/t.csv":
            return self._reply(404, b"<Error><Code>NoSuchKey</Code></Error>")
        if self.command == "HEAD":
            self.send_response(200)
            self.send_header("Content-Length", str(len(self.body)))
            self.end_headers()
            return
        first, last = (int(x) for x in self.headers["Range"].split("=")[1].split("-"))
        self._reply(206, self.body[first:last + 1])

    do_GET = _handle
    do_HEAD = _handle


@pytest.fixture
def flaky(mortar):
    FlakyS3.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_retries_slowdown_and_5xx(mortar, flaky):
    FlakyS3.fail_first = 2
    got = rows(mortar("cat", "s3://flaky/t.csv", "--to", "jsonl", extra_env={"MORTAR_S3_ENDPOINT": flaky}).stdout)
    assert got == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    # Every request got two 503s before it succeeded (later repeats of a
    # request, e.g. sniffing then reading, succeed at once).
    assert {s[0] for s in FlakyS3.seen} == {"HEAD", "GET"}
    assert all(FlakyS3.seen.count(k) >= 3 for k in set(FlakyS3.seen))


def test_gives_up_after_bounded_attempts(mortar, flaky):
    FlakyS3.fail_first = -1
    proc = mortar("cat", "s3://flaky/t.csv", "--to", "jsonl", check=False,
                  extra_env={"MORTAR_S3_ENDPOINT": flaky})
    assert proc.returncode != 0
    err = proc.stderr.decode()
    # A HEAD reply has no body, hence no S3 error code.
    assert "s3://flaky/t.csv" in err and "HTTP 503" in err and "after 5 attempts" in err, err
    assert FlakyS3.seen.count(("HEAD", "/flaky/t.csv", None)) == 5


def _io_test_binary():
    if os.environ.get("MORTAR_BUILD_DIR"):
        path = Path(os.environ["MORTAR_BUILD_DIR"]) / "src" / "io" / "io_test"
        if path.exists():
            return path
    found = glob.glob(str(REPO / "build/*/src/io/io_test"))
    if not found:
        pytest.fail("no io_test binary: set MORTAR_BUILD_DIR or build io_test under build/")
    return max(found, key=os.path.getmtime)


def test_file_system_operations_live(endpoint, s3):
    """The GoogleTest S3Live suite (stat, list, ranged reads, rename, remove,
    multipart, abort, a 50 MB parallel read, server-side copy incl.
    UploadPartCopy, virtual-host addressing) against moto."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    # Virtual-host style: curl resolves data.localhost to loopback itself.
    env.update(CREDS, MORTAR_TEST_S3_ENDPOINT=endpoint, MORTAR_TEST_S3_BUCKET="data",
               MORTAR_TEST_S3_VHOST_ENDPOINT=endpoint.replace("127.0.0.1", "localhost"))
    proc = subprocess.run([str(_io_test_binary()), "--gtest_filter=S3Live.*"], capture_output=True,
                          timeout=300, env=env)
    out = proc.stdout.decode(errors="replace")
    assert proc.returncode == 0, out[-4000:]
    assert "[  PASSED  ] 7 tests" in out and "SKIPPED" not in out, out[-2000:]
