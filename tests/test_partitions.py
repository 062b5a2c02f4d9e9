"""Partitions: Create/BatchCreate/Get/GetPartitions (Expression, Segment)/
BatchGet/Update/BatchUpdate/Delete/BatchDelete, per-item errors, batch limits."""
import itertools

import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, partition_input, table_input

YEARS = range(2018, 2023)
MONTHS = range(1, 13)
REGIONS = ("us", "eu", "ap")
GRID = [(y, m, r) for y, m, r in itertools.product(YEARS, MONTHS, REGIONS)]  # 180


@pytest.fixture(scope="module")
def grid_table(glue):
    """One table partitioned by (year int, month int, region string) with 180 partitions."""
    from support.catalog import unique
    db = unique("pgrid")
    glue.create_database(DatabaseInput={"Name": db})
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "events", partition_keys=(("year", "int"), ("month", "int"), ("region", "string"))))
    for i in range(0, len(GRID), 100):
        resp = glue.batch_create_partition(
            DatabaseName=db, TableName="events",
            PartitionInputList=[partition_input(v) for v in GRID[i:i + 100]])
        assert not resp.get("Errors"), resp["Errors"]
    yield db
    glue.delete_database(Name=db)


def _values(partitions):
    return sorted((int(p["Values"][0]), int(p["Values"][1]), p["Values"][2]) for p in partitions)


def _get_all(glue, db, **kwargs):
    pages = glue.get_paginator("get_partitions").paginate(
        DatabaseName=db, TableName="events", **kwargs)
    return pages.build_full_result().get("Partitions", [])


EXPRESSIONS = [
    ("year = 2020", lambda y, m, r: y == 2020),
    ("year > 2019 AND month = 3", lambda y, m, r: y > 2019 and m == 3),
    ("month > 9", lambda y, m, r: m > 9),  # numeric, not string, comparison of an int key
    ("month >= 10 and region = 'us'", lambda y, m, r: m >= 10 and r == "us"),
    ("year BETWEEN 2019 AND 2021", lambda y, m, r: 2019 <= y <= 2021),
    ("region IN ('us', 'ap')", lambda y, m, r: r in ("us", "ap")),
    ("month IN (1, 12) AND year = 2018", lambda y, m, r: m in (1, 12) and y == 2018),
    ("region LIKE 'e%'", lambda y, m, r: r.startswith("e")),
    ("NOT (year = 2020) AND region = 'us'", lambda y, m, r: y != 2020 and r == "us"),
    ("year < 2019 OR month = 12", lambda y, m, r: y < 2019 or m == 12),
    ("year <> 2020 AND month <= 2", lambda y, m, r: y != 2020 and m <= 2),
    ("(year = 2018 OR year = 2022) AND (month = 6 OR region = 'eu')",
     lambda y, m, r: y in (2018, 2022) and (m == 6 or r == "eu")),
    ("region IS NULL", lambda y, m, r: False),
    ("region IS NOT NULL", lambda y, m, r: True),
    ("year = 1999", lambda y, m, r: False),
    # Parenthesised operands, as Glue accepts them.
    ("(month) = ((2)) OR (month) = (3)", lambda y, m, r: m in (2, 3)),
    ("((2020)) < (year) AND ((region) IN (('eu'), 'us'))",
     lambda y, m, r: y > 2020 and r in ("eu", "us")),
    ("(region) LIKE ('a%') AND (month) BETWEEN (11) AND ((12))",
     lambda y, m, r: r == "ap" and m >= 11),
]


@pytest.mark.parametrize("expr,pred", EXPRESSIONS, ids=[e for e, _ in EXPRESSIONS])
def test_get_partitions_expression(glue, grid_table, expr, pred):
    got = _values(_get_all(glue, grid_table, Expression=expr))
    want = sorted(v for v in GRID if pred(*v))
    assert got == want


def test_get_partitions_without_expression_returns_all(glue, grid_table):
    parts = _get_all(glue, grid_table)
    assert _values(parts) == sorted(GRID)
    p = parts[0]
    assert p["DatabaseName"] == grid_table and p["TableName"] == "events"
    assert p["StorageDescriptor"]["Location"].startswith("file:///data/p/")
    assert "CreationTime" in p


@pytest.mark.parametrize("expr", ["year = = 2020", "nosuchkey = 1", "year = 'abc'",
                                  "region LIKE", "year IN ()", "(year = 2020"])
def test_bad_expression_is_invalid_input(glue, grid_table, expr):
    with pytest.raises(ClientError) as exc:
        glue.get_partitions(DatabaseName=grid_table, TableName="events", Expression=expr)
    assert error_code(exc) == "InvalidInputException"


@pytest.mark.parametrize("total", [1, 3, 7])
def test_segments_partition_the_table(glue, grid_table, total):
    seen = []
    for n in range(total):
        parts = _get_all(glue, grid_table,
                         Segment={"SegmentNumber": n, "TotalSegments": total})
        seen += _values(parts)
    assert sorted(seen) == sorted(GRID), "segments overlap or miss partitions"


def test_segments_combine_with_expression(glue, grid_table):
    seen = []
    for n in range(4):
        seen += _values(_get_all(glue, grid_table, Expression="region = 'eu'",
                                 Segment={"SegmentNumber": n, "TotalSegments": 4}))
    assert sorted(seen) == sorted(v for v in GRID if v[2] == "eu")


def test_segment_number_out_of_range_is_invalid(glue, grid_table):
    with pytest.raises(ClientError) as exc:
        glue.get_partitions(DatabaseName=grid_table, TableName="events",
                            Segment={"SegmentNumber": 4, "TotalSegments": 4})
    assert error_code(exc) == "InvalidInputException"


def test_batch_get_partition(glue, grid_table):
    keys = [{"Values": ["2020", "1", "us"]}, {"Values": ["2021", "12", "ap"]},
            {"Values": ["1999", "1", "us"]}]
    resp = glue.batch_get_partition(DatabaseName=grid_table, TableName="events",
                                    PartitionsToGet=keys)
    assert _values(resp["Partitions"]) == [(2020, 1, "us"), (2021, 12, "ap")]
    assert not resp.get("UnprocessedKeys")


def test_batch_get_partition_over_1000_keys_is_invalid(glue, grid_table):
    keys = [{"Values": [str(2000 + i % 20), str(i % 12 + 1), "us"]} for i in range(1001)]
    with pytest.raises(ClientError) as exc:
        glue.batch_get_partition(DatabaseName=grid_table, TableName="events",
                                 PartitionsToGet=keys)
    assert error_code(exc) == "InvalidInputException"


@pytest.fixture
def ptable(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "p", partition_keys=(("dt", "string"), ("hour", "int"))))
    return db


def test_timestamp_keys_compare_at_nanoseconds(glue, db):
    """Hive timestamps carry nanoseconds; a filter compares them exactly."""
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "ts", partition_keys=(("ts", "timestamp"),)))
    values = ["2024-01-01 00:00:59.9999995", "2024-01-01 00:00:59.999999",
              "2024-01-01 00:00:59.99999949", "2024-01-01 00:01:00"]
    glue.batch_create_partition(DatabaseName=db, TableName="ts",
                                PartitionInputList=[partition_input([v]) for v in values])

    def matching(expr):
        pages = glue.get_paginator("get_partitions").paginate(
            DatabaseName=db, TableName="ts", Expression=expr)
        return sorted(p["Values"][0] for p in pages.build_full_result().get("Partitions", []))

    assert matching("ts > '2024-01-01 00:00:59.999999499'") == [
        "2024-01-01 00:00:59.9999995", "2024-01-01 00:01:00"]
    assert matching("ts = '2024-01-01 00:00:59.999999500'") == ["2024-01-01 00:00:59.9999995"]
    assert matching("ts < '2024-01-01 00:00:59.9999995'") == [
        "2024-01-01 00:00:59.999999", "2024-01-01 00:00:59.99999949"]
    assert matching("ts BETWEEN '2024-01-01 00:00:59.99999949' AND '2024-01-01 00:00:59.9999995'") \
        == ["2024-01-01 00:00:59.99999949", "2024-01-01 00:00:59.9999995"]
    assert matching("ts IN ('2024-01-01 00:00:59.999999', '2024-01-01 00:00:59.9999996')") == [
        "2024-01-01 00:00:59.999999"]


def test_create_get_update_delete_partition(glue, ptable):
    db = ptable
    glue.create_partition(DatabaseName=db, TableName="p",
                          PartitionInput=partition_input(["2024-01-01", 5], parameters={"a": "1"}))
    p = glue.get_partition(DatabaseName=db, TableName="p", PartitionValues=["2024-01-01", "5"])
    p = p["Partition"]
    assert p["Values"] == ["2024-01-01", "5"]
    assert p["Parameters"] == {"a": "1"}
    with pytest.raises(ClientError) as exc:
        glue.create_partition(DatabaseName=db, TableName="p",
                              PartitionInput=partition_input(["2024-01-01", 5]))
    assert error_code(exc) == "AlreadyExistsException"
    assert exc.value.response["Error"]["Message"] == "Partition already exists."
    glue.update_partition(DatabaseName=db, TableName="p", PartitionValueList=["2024-01-01", "5"],
                          PartitionInput=partition_input(["2024-01-01", 5], location="file:///moved",
                                                         parameters={"a": "2"}))
    p = glue.get_partition(DatabaseName=db, TableName="p",
                           PartitionValues=["2024-01-01", "5"])["Partition"]
    assert p["StorageDescriptor"]["Location"] == "file:///moved"
    assert p["Parameters"] == {"a": "2"}
    # Updating the values moves the partition.
    glue.update_partition(DatabaseName=db, TableName="p", PartitionValueList=["2024-01-01", "5"],
                          PartitionInput=partition_input(["2024-01-02", 6]))
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_partition(DatabaseName=db, TableName="p", PartitionValues=["2024-01-01", "5"])
    glue.get_partition(DatabaseName=db, TableName="p", PartitionValues=["2024-01-02", "6"])
    glue.delete_partition(DatabaseName=db, TableName="p", PartitionValues=["2024-01-02", "6"])
    # A missing partition is AWS's "Cannot find partition." for every single-partition call.
    for call in (
            lambda: glue.delete_partition(DatabaseName=db, TableName="p",
                                          PartitionValues=["2024-01-02", "6"]),
            lambda: glue.get_partition(DatabaseName=db, TableName="p",
                                       PartitionValues=["2024-01-02", "6"]),
            lambda: glue.update_partition(DatabaseName=db, TableName="p",
                                          PartitionValueList=["2024-01-02", "6"],
                                          PartitionInput=partition_input(["2024-01-02", 6]))):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "EntityNotFoundException"
        assert exc.value.response["Error"]["Message"] == "Cannot find partition."
    assert glue.get_partitions(DatabaseName=db, TableName="p")["Partitions"] == []


def test_partition_errors_on_missing_table_and_wrong_arity(glue, ptable):
    db = ptable
    with pytest.raises(ClientError) as exc:
        glue.create_partition(DatabaseName=db, TableName="nope",
                              PartitionInput=partition_input(["x", 1]))
    assert error_code(exc) == "EntityNotFoundException"
    with pytest.raises(ClientError) as exc:
        glue.get_partitions(DatabaseName=db, TableName="nope")
    assert error_code(exc) == "EntityNotFoundException"
    with pytest.raises(ClientError) as exc:
        glue.create_partition(DatabaseName=db, TableName="p",
                              PartitionInput=partition_input(["only-one-value"]))
    assert error_code(exc) == "InvalidInputException"
    with pytest.raises(ClientError) as exc:
        glue.get_partition(DatabaseName=db, TableName="p", PartitionValues=["2024-01-01", "9"])
    assert error_code(exc) == "EntityNotFoundException"


def test_batch_create_reports_per_item_errors(glue, ptable):
    db = ptable
    glue.create_partition(DatabaseName=db, TableName="p",
                          PartitionInput=partition_input(["d", 1]))
    resp = glue.batch_create_partition(DatabaseName=db, TableName="p", PartitionInputList=[
        partition_input(["d", 0]), partition_input(["d", 1]), partition_input(["d", 2]),
        partition_input(["bad-arity"])])
    errors = {tuple(e["PartitionValues"]): e["ErrorDetail"]["ErrorCode"]
              for e in resp.get("Errors", [])}
    assert errors == {("d", "1"): "AlreadyExistsException",
                      ("bad-arity",): "InvalidInputException"}
    got = sorted(p["Values"][1] for p in
                 glue.get_partitions(DatabaseName=db, TableName="p")["Partitions"])
    assert got == ["0", "1", "2"]


def test_batch_limits(glue, ptable):
    db = ptable
    with pytest.raises(ClientError) as exc:
        glue.batch_create_partition(DatabaseName=db, TableName="p", PartitionInputList=[
            partition_input(["x", i]) for i in range(101)])
    assert error_code(exc) == "InvalidInputException"
    assert glue.get_partitions(DatabaseName=db, TableName="p")["Partitions"] == []
    with pytest.raises(ClientError) as exc:
        glue.batch_delete_partition(DatabaseName=db, TableName="p", PartitionsToDelete=[
            {"Values": ["x", str(i)]} for i in range(26)])
    assert error_code(exc) == "InvalidInputException"


def test_batch_create_exactly_100(glue, ptable):
    db = ptable
    resp = glue.batch_create_partition(DatabaseName=db, TableName="p", PartitionInputList=[
        partition_input(["x", i]) for i in range(100)])
    assert not resp.get("Errors")
    assert len(_get_all_p(glue, db)) == 100


def _get_all_p(glue, db, **kwargs):
    return glue.get_paginator("get_partitions").paginate(
        DatabaseName=db, TableName="p", **kwargs).build_full_result().get("Partitions", [])


def test_batch_delete_reports_missing_per_item(glue, ptable):
    db = ptable
    glue.batch_create_partition(DatabaseName=db, TableName="p", PartitionInputList=[
        partition_input(["d", i]) for i in range(5)])
    resp = glue.batch_delete_partition(DatabaseName=db, TableName="p", PartitionsToDelete=[
        {"Values": ["d", "0"]}, {"Values": ["d", "9"]}, {"Values": ["d", "3"]}])
    errors = resp.get("Errors", [])
    assert [e["PartitionValues"] for e in errors] == [["d", "9"]]
    assert errors[0]["ErrorDetail"] == {"ErrorCode": "EntityNotFoundException",
                                        "ErrorMessage": "Cannot find partition."}
    assert sorted(p["Values"][1] for p in _get_all_p(glue, db)) == ["1", "2", "4"]


def test_batch_update_partition(glue, ptable):
    db = ptable
    glue.batch_create_partition(DatabaseName=db, TableName="p", PartitionInputList=[
        partition_input(["d", i]) for i in range(3)])
    resp = glue.batch_update_partition(DatabaseName=db, TableName="p", Entries=[
        {"PartitionValueList": ["d", "0"],
         "PartitionInput": partition_input(["d", 0], parameters={"u": "yes"})},
        {"PartitionValueList": ["d", "7"],
         "PartitionInput": partition_input(["d", 7], parameters={"u": "yes"})},
    ])
    errors = resp.get("Errors", [])
    assert [e["PartitionValueList"] for e in errors] == [["d", "7"]]
    assert errors[0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    p0 = glue.get_partition(DatabaseName=db, TableName="p", PartitionValues=["d", "0"])
    assert p0["Partition"]["Parameters"] == {"u": "yes"}


def test_deleting_table_deletes_its_partitions(glue, ptable):
    db = ptable
    glue.batch_create_partition(DatabaseName=db, TableName="p", PartitionInputList=[
        partition_input(["d", i]) for i in range(10)])
    glue.delete_table(DatabaseName=db, Name="p")
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "p", partition_keys=(("dt", "string"), ("hour", "int"))))
    assert glue.get_partitions(DatabaseName=db, TableName="p")["Partitions"] == []


def test_partition_indexes_lifecycle(glue, ptable):
    db = ptable
    glue.create_partition_index(DatabaseName=db, TableName="p",
                                PartitionIndex={"Keys": ["dt", "hour"], "IndexName": "dt_hour"})
    with pytest.raises(ClientError) as exc:
        glue.create_partition_index(DatabaseName=db, TableName="p",
                                    PartitionIndex={"Keys": ["dt"], "IndexName": "dt_hour"})
    assert error_code(exc) == "AlreadyExistsException"
    with pytest.raises(ClientError) as exc:
        glue.create_partition_index(DatabaseName=db, TableName="p",
                                    PartitionIndex={"Keys": ["nokey"], "IndexName": "bad"})
    assert error_code(exc) == "InvalidInputException"
    descs = glue.get_partition_indexes(DatabaseName=db, TableName="p")[
        "PartitionIndexDescriptorList"]
    by_name = {d["IndexName"]: d for d in descs}
    assert set(by_name) == {"dt_hour"}
    d = by_name["dt_hour"]
    assert [k["Name"] for k in d["Keys"]] == ["dt", "hour"]
    assert [k["Type"] for k in d["Keys"]] == ["string", "int"]
    assert d["IndexStatus"] in ("CREATING", "ACTIVE")
    glue.delete_partition_index(DatabaseName=db, TableName="p", IndexName="dt_hour")
    assert glue.get_partition_indexes(DatabaseName=db, TableName="p")[
        "PartitionIndexDescriptorList"] == []
    with pytest.raises(ClientError) as exc:
        glue.delete_partition_index(DatabaseName=db, TableName="p", IndexName="dt_hour")
    assert error_code(exc) == "EntityNotFoundException"


def test_index_is_used_and_results_still_right_after_updates(glue, ptable):
    """Filtered reads stay correct while partitions are added, moved and deleted
    under an index (an index that goes stale would return wrong answers)."""
    db = ptable
    glue.create_partition_index(DatabaseName=db, TableName="p",
                                PartitionIndex={"Keys": ["dt"], "IndexName": "by_dt"})
    glue.batch_create_partition(DatabaseName=db, TableName="p", PartitionInputList=[
        partition_input([f"2024-01-0{d}", h]) for d in range(1, 4) for h in range(5)])
    glue.update_partition(DatabaseName=db, TableName="p", PartitionValueList=["2024-01-01", "0"],
                          PartitionInput=partition_input(["2024-01-03", 99]))
    glue.delete_partition(DatabaseName=db, TableName="p", PartitionValues=["2024-01-01", "1"])
    got = sorted((p["Values"][0], int(p["Values"][1])) for p in
                 _get_all_p(glue, db, Expression="dt = '2024-01-01'"))
    assert got == [("2024-01-01", 2), ("2024-01-01", 3), ("2024-01-01", 4)]
    got = sorted(int(p["Values"][1]) for p in
                 _get_all_p(glue, db, Expression="dt = '2024-01-03' AND hour > 3"))
    assert got == [4, 99]
