"""Hostile trees through the real API: unreadable and corrupt files, symlink
loops, files vanishing mid-crawl, 100,000 empty files, deeply nested
folders. Each crawl must finish, log every problem with its path, count the
problems in its summary, and leave only well-formed tables in the catalog."""
import os
import threading
import time

import boto3

from support.server import REGION
from test_crawl_golden import columns, crawl, summary, tables, wait_for_crawl, write_csv

TYPE_WORDS = ("bigint", "int", "smallint", "tinyint", "double", "float", "string", "boolean",
              "date", "timestamp", "decimal", "array<", "struct<", "map<", "binary", "varchar", "char")


def assert_well_formed(glue, db):
    """Every table has columns with names and types, a location that exists,
    a known classification and its storage formats."""
    for name, t in tables(glue, db).items():
        sd = t["StorageDescriptor"]
        assert t["TableType"] == "EXTERNAL_TABLE", name
        assert sd["Columns"], f"{name} has no columns"
        for col, typ in columns(t):
            assert col, name
            assert typ.startswith(TYPE_WORDS), f"{name}.{col}: {typ}"
        assert os.path.exists(sd["Location"]), f"{name}: {sd['Location']}"
        assert t["Parameters"]["classification"] not in ("", "UNKNOWN"), name
        assert sd.get("InputFormat") and sd.get("SerdeInfo", {}).get("SerializationLibrary"), name


def crawl_log(server, crawler_name, crawl_entry):
    """The crawl's lines, read through the CloudWatch Logs API (group /aws-glue/crawlers,
    stream = the crawler's name, lines prefixed by the crawl id)."""
    creds = server.credentials
    logs = boto3.session.Session().client(
        "logs", endpoint_url=server.endpoint, region_name=REGION,
        aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key)
    prefix = f"[{crawl_entry['MessagePrefix']}] "
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName="/aws-glue/crawlers", logStreamNames=[crawler_name])
    return "\n".join(e["message"] for page in pages for e in page["events"]
                     if e["message"].startswith(prefix))


def good_table(root, name="good"):
    write_csv(os.path.join(root, name, "g.csv"), ["id", "amount"], [[i, i * 0.5] for i in range(20)])


def has_good_table(glue, db):
    """The good data made it into some table (a lone good folder may be a partition of the root)."""
    return any(columns(t) == [("id", "bigint"), ("amount", "double")] for t in tables(glue, db).values())


def test_unreadable_and_corrupt_files_are_logged_and_skipped(glue, server, crawl_db, new_crawler, tmp_path):
    root = str(tmp_path / "hostile")
    good_table(root)
    bad = os.path.join(root, "bad")
    os.makedirs(bad)
    with open(os.path.join(bad, "broken.parquet"), "wb") as f:
        f.write(b"PAR1" + os.urandom(300) + b"\xff\xff\x00\x00PAR1")
    with open(os.path.join(bad, "broken.avro"), "wb") as f:
        f.write(b"Obj\x01" + os.urandom(200))
    with open(os.path.join(bad, "truncated.csv.gz"), "wb") as f:
        f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + os.urandom(64))
    os.symlink(os.path.join(root, "does-not-exist.csv"), os.path.join(bad, "dangling.csv"))
    os.mkfifo(os.path.join(bad, "pipe.csv"))
    secret = os.path.join(bad, "secret.csv")
    write_csv(secret, ["a", "b"], [[1, 2]])
    os.chmod(secret, 0)

    name = new_crawler(root, crawl_db)
    c = crawl(glue, name, timeout=60)
    s = summary(c)
    assert s["Problems"] >= 3, s
    log = crawl_log(server, name, c)
    for f in ("broken.parquet", "broken.avro", "truncated.csv.gz"):
        assert os.path.join(bad, f) in log, f"{f} not logged:\n{log}"
    assert has_good_table(glue, crawl_db), tables(glue, crawl_db)
    assert_well_formed(glue, crawl_db)


def test_symlink_loops_terminate(glue, server, crawl_db, new_crawler, tmp_path):
    root = str(tmp_path / "loopy")
    good_table(root)
    os.symlink(root, os.path.join(root, "good", "back-to-root"))
    os.symlink(os.path.join(root, "loop-b"), os.path.join(root, "loop-a"))
    os.symlink(os.path.join(root, "loop-a"), os.path.join(root, "loop-b"))
    name = new_crawler(root, crawl_db)
    c = crawl(glue, name, timeout=60)
    assert summary(c)["Problems"] >= 3, summary(c)
    log = crawl_log(server, name, c)
    for link in ("loop-a", "loop-b", os.path.join("good", "back-to-root")):
        assert os.path.join(root, link) in log, link
    assert has_good_table(glue, crawl_db)
    assert_well_formed(glue, crawl_db)


def test_files_vanishing_mid_crawl(glue, crawl_db, new_crawler, tmp_path):
    root = str(tmp_path / "vanishing")
    good_table(root)
    victims = []
    for d in range(40):
        for i in range(100):
            p = os.path.join(root, "churn", f"day={d:02d}", f"f{i}.csv")
            if i == 0:
                os.makedirs(os.path.dirname(p))
            with open(p, "w") as f:
                f.write("k,v\n" + "".join(f"{j},{j}.5\n" for j in range(10)))
            victims.append(p)
    name = new_crawler(root, crawl_db)
    stop = threading.Event()

    def churn():
        for p in victims[::-1]:
            if stop.is_set():
                return
            try:
                os.remove(p)
            except FileNotFoundError:
                pass
            time.sleep(0.0002)

    glue.start_crawler(Name=name)
    remover = threading.Thread(target=churn)
    remover.start()
    try:
        last = wait_for_crawl(glue, name, timeout=120)["LastCrawl"]
    finally:
        stop.set()
        remover.join()
    assert last["Status"] == "SUCCEEDED", last
    assert has_good_table(glue, crawl_db), tables(glue, crawl_db)
    assert_well_formed(glue, crawl_db)


def test_hundred_thousand_empty_files(glue, crawl_db, new_crawler, tmp_path):
    root = str(tmp_path / "empties")
    good_table(root)
    for d in range(100):
        folder = os.path.join(root, "empty", f"part={d:03d}")
        os.makedirs(folder)
        for i in range(1000):
            open(os.path.join(folder, f"e{i}.csv"), "w").close()
    name = new_crawler(root, crawl_db)
    started = time.monotonic()
    c = crawl(glue, name, timeout=300)
    elapsed = time.monotonic() - started
    assert summary(c)["FilesListed"] >= 1, summary(c)
    assert has_good_table(glue, crawl_db), tables(glue, crawl_db)
    assert len(tables(glue, crawl_db)) == 1, sorted(tables(glue, crawl_db))  # empty files make no table
    assert_well_formed(glue, crawl_db)
    print(f"100,000 empty files crawled in {elapsed:.1f}s")


def test_deeply_nested_folders(glue, crawl_db, new_crawler, tmp_path):
    root = str(tmp_path / "deep")
    path = root
    for level in range(300):
        path = os.path.join(path, f"d{level % 10}")
    write_csv(os.path.join(path, "bottom.csv"), ["x", "y"], [[i, f"v{i}"] for i in range(20)])
    good_table(root)
    name = new_crawler(root, crawl_db)
    crawl(glue, name, timeout=120)
    got = tables(glue, crawl_db)
    assert has_good_table(glue, crawl_db), list(got)
    deep = [t for t in got.values() if columns(t) == [("x", "bigint"), ("y", "string")]]
    assert len(deep) == 1, list(got)
    assert os.path.exists(deep[0]["StorageDescriptor"]["Location"])
    assert_well_formed(glue, crawl_db)
