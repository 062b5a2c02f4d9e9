"""Fixtures for the crawler system tests. The servers come from tests/conftest.py
(`server`, `glue`, `start_server`); this adds crawl helpers and data trees."""
import csv
import os
import time

import pytest

from support.catalog import unique
from support.server import wait_for


def _wait_for_crawl(glue, name, timeout=120):
    """Waits until crawler `name` is READY again after a StartCrawler; returns
    the Crawler (its LastCrawl describes the crawl that just ended)."""
    def ready():
        crawler = glue.get_crawler(Name=name)["Crawler"]
        return crawler if crawler["State"] == "READY" and "LastCrawl" in crawler else None
    return wait_for(ready, timeout, f"crawler {name} to finish", interval=0.05)


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def make_sales_tree(root, years=(2023, 2024), months=(1, 2)):
    """root/sales/year=Y/month=M/part-0.csv: one partitioned CSV table."""
    for y in years:
        for m in months:
            write_csv(os.path.join(root, "sales", f"year={y}", f"month={m}", "part-0.csv"),
                      ["id", "amount", "item"],
                      [[i, i * 1.5, f"item{i}"] for i in range(20)])
    return os.path.join(root, "sales")


def make_big_tree(root, folders=200, files_per_folder=100):
    """Many small CSV files in Hive partitions: a crawl long enough to stop or kill."""
    for d in range(folders):
        folder = os.path.join(root, "events", f"day={d:04d}")
        os.makedirs(folder, exist_ok=True)
        for f in range(files_per_folder):
            with open(os.path.join(folder, f"f{f}.csv"), "w") as out:
                out.write("id,value,name\n")
                out.write(f"{f},{d}.5,n{f}\n{f + 1},{d}.25,m{f}\n")
    return os.path.join(root, "events")


@pytest.fixture
def crawl_db(glue):
    """A fresh database for a crawler's tables, deleted afterwards."""
    name = unique("crawldb")
    glue.create_database(DatabaseInput={"Name": name})
    yield name
    try:
        glue.delete_database(Name=name)
    except glue.exceptions.EntityNotFoundException:
        pass


@pytest.fixture
def new_crawler(glue):
    """Factory: new_crawler(path, db, **kwargs) -> name; crawlers are deleted afterwards
    (stopped first if still running)."""
    names = []

    def create(path=None, db=None, targets=None, **kwargs):
        name = kwargs.pop("Name", None) or unique("crawler")
        glue.create_crawler(Name=name, Role="arn:aws:iam::111122223333:role/crawler",
                            DatabaseName=db or "default",
                            Targets=targets or {"S3Targets": [{"Path": str(path)}]}, **kwargs)
        names.append(name)
        return name

    yield create
    for name in names:
        try:
            if glue.get_crawler(Name=name)["Crawler"]["State"] != "READY":
                try:
                    glue.stop_crawler(Name=name)
                except glue.exceptions.ClientError:
                    pass
                _wait_for_crawl(glue, name, timeout=60)
            glue.delete_crawler(Name=name)
        except glue.exceptions.EntityNotFoundException:
            pass


@pytest.fixture(scope="session")
def big_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("bigtree")
    started = time.monotonic()
    path = make_big_tree(str(root))
    print(f"big tree: 20000 files in {time.monotonic() - started:.1f}s")
    return path


@pytest.fixture(scope="session")
def wait_for_crawl():
    """wait_for_crawl(glue, name, timeout=120) -> the Crawler once READY after a crawl."""
    return _wait_for_crawl


@pytest.fixture
def sales_tree(tmp_path):
    """A small partitioned CSV table: <tmp>/sales/year=Y/month=M/part-0.csv (4 partitions)."""
    return make_sales_tree(str(tmp_path))
