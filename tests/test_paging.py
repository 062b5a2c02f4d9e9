"""Paging through 2,500 tables and 10,000 partitions with boto3's own
paginators; NextToken robustness (tampered, replayed on another query)."""
import base64
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, partition_input, table_input, unique

N_TABLES = 2500
N_PARTITIONS = 10000


@pytest.fixture(scope="module")
def big_db(glue):
    db = unique("big")
    glue.create_database(DatabaseInput={"Name": db})
    names = [f"t{i:05d}" for i in range(N_TABLES)]

    def create(name):
        glue.create_table(DatabaseName=db, TableInput=table_input(name))
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(create, names))
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "parts", partition_keys=(("k", "int"), ("s", "string"))))
    values = [(i, f"s{i % 7}") for i in range(N_PARTITIONS)]

    def create_chunk(start):
        resp = glue.batch_create_partition(
            DatabaseName=db, TableName="parts",
            PartitionInputList=[partition_input(v) for v in values[start:start + 100]])
        assert not resp.get("Errors"), resp["Errors"][:3]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(create_chunk, range(0, N_PARTITIONS, 100)))
    yield db, set(names)
    glue.delete_database(Name=db)


def _collect(pages, key):
    items, page_count = [], 0
    for page in pages:
        page_count += 1
        items.extend(page[key])
    return items, page_count


@pytest.mark.parametrize("page_size", [None, 100, 37])
def test_get_tables_paginator_sees_every_table_once(glue, big_db, page_size):
    db, names = big_db
    config = {"PageSize": page_size} if page_size else {}
    pages = glue.get_paginator("get_tables").paginate(DatabaseName=db, PaginationConfig=config)
    tables, page_count = _collect(pages, "TableList")
    seen = [t["Name"] for t in tables if t["Name"] != "parts"]
    assert len(seen) == len(set(seen)), "a table was returned twice"
    assert set(seen) == names
    if page_size:
        assert page_count >= (N_TABLES + 1) // page_size
    assert page_count > 1, "2,500 tables came back in one page"


def test_get_tables_max_items_resumes(glue, big_db):
    """botocore's MaxItems/StartingToken resume on top of the server's tokens."""
    db, names = big_db
    paginator = glue.get_paginator("get_tables")
    seen, token = [], None
    while True:
        config = {"MaxItems": 333, "PageSize": 50}
        if token:
            config["StartingToken"] = token
        result = paginator.paginate(DatabaseName=db, PaginationConfig=config).build_full_result()
        seen += [t["Name"] for t in result["TableList"]]
        token = result.get("NextToken")
        if not token:
            break
    seen = [n for n in seen if n != "parts"]
    assert len(seen) == len(set(seen)) and set(seen) == names


@pytest.mark.parametrize("page_size", [None, 1000, 333])
def test_get_partitions_paginator_sees_every_partition_once(glue, big_db, page_size):
    db, _ = big_db
    config = {"PageSize": page_size} if page_size else {}
    pages = glue.get_paginator("get_partitions").paginate(
        DatabaseName=db, TableName="parts", PaginationConfig=config)
    parts, page_count = _collect(pages, "Partitions")
    keys = [int(p["Values"][0]) for p in parts]
    assert len(keys) == len(set(keys)), "a partition was returned twice"
    assert set(keys) == set(range(N_PARTITIONS))
    assert page_count > 1


def test_get_partitions_paginator_with_expression(glue, big_db):
    db, _ = big_db
    pages = glue.get_paginator("get_partitions").paginate(
        DatabaseName=db, TableName="parts", Expression="k >= 2500 AND k < 7500 AND s = 's3'",
        PaginationConfig={"PageSize": 100})
    parts, _ = _collect(pages, "Partitions")
    keys = [int(p["Values"][0]) for p in parts]
    want = {i for i in range(2500, 7500) if i % 7 == 3}
    assert len(keys) == len(set(keys)) and set(keys) == want


def test_get_partitions_segments_with_paging(glue, big_db):
    db, _ = big_db
    keys = []
    for n in range(5):
        pages = glue.get_paginator("get_partitions").paginate(
            DatabaseName=db, TableName="parts",
            Segment={"SegmentNumber": n, "TotalSegments": 5}, PaginationConfig={"PageSize": 500})
        parts, _ = _collect(pages, "Partitions")
        keys += [int(p["Values"][0]) for p in parts]
    assert len(keys) == N_PARTITIONS and set(keys) == set(range(N_PARTITIONS))


def test_page_size_above_model_maximum_is_invalid(glue, big_db):
    db, _ = big_db
    with pytest.raises(ClientError) as exc:
        glue.get_tables(DatabaseName=db, MaxResults=101)  # CatalogGetterPageSize max 100
    assert error_code(exc) == "InvalidInputException"
    assert "maxresults" in exc.value.response["Error"]["Message"].lower()


def _first_token(glue, db):
    resp = glue.get_tables(DatabaseName=db, MaxResults=10)
    assert resp.get("NextToken")
    return resp["NextToken"]


def test_tampered_token_is_invalid_input(glue, big_db):
    db, _ = big_db
    token = _first_token(glue, db)
    raw = bytearray(token.encode())
    middle = len(raw) // 2
    raw[middle] = ord("A") if raw[middle] != ord("A") else ord("B")
    for bad in (bytes(raw).decode(), token[:-4], "garbage", base64.b64encode(b'{"o":0}').decode()):
        with pytest.raises(ClientError) as exc:
            glue.get_tables(DatabaseName=db, MaxResults=10, NextToken=bad)
        assert error_code(exc) == "InvalidInputException", bad


def test_token_from_another_query_is_rejected(glue, big_db, db):
    big, _ = big_db
    glue.create_table(DatabaseName=db, TableInput=table_input("x"))
    token = _first_token(glue, big)
    with pytest.raises(ClientError) as exc:  # another database
        glue.get_tables(DatabaseName=db, NextToken=token)
    assert error_code(exc) == "InvalidInputException"
    with pytest.raises(ClientError) as exc:  # another expression
        glue.get_tables(DatabaseName=big, Expression="t0.*", NextToken=token)
    assert error_code(exc) == "InvalidInputException"
    with pytest.raises(ClientError) as exc:  # another operation
        glue.get_partitions(DatabaseName=big, TableName="parts", NextToken=token)
    assert error_code(exc) == "InvalidInputException"
