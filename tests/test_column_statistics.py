"""Column statistics for tables and partitions: Update/Get/Delete."""
import datetime

import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, partition_input, table_input

NOW = datetime.datetime(2024, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


def _long_stats(col, lo, hi):
    return {"ColumnName": col, "ColumnType": "bigint", "AnalyzedTime": NOW,
            "StatisticsData": {"Type": "LONG", "LongColumnStatisticsData": {
                "MinimumValue": lo, "MaximumValue": hi, "NumberOfNulls": 3,
                "NumberOfDistinctValues": 42}}}


def _string_stats(col):
    return {"ColumnName": col, "ColumnType": "string", "AnalyzedTime": NOW,
            "StatisticsData": {"Type": "STRING", "StringColumnStatisticsData": {
                "MaximumLength": 20, "AverageLength": 7.5, "NumberOfNulls": 0,
                "NumberOfDistinctValues": 10}}}


@pytest.fixture
def stats_table(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input(
        "s", cols=(("id", "bigint"), ("name", "string")), partition_keys=(("dt", "string"),)))
    glue.create_partition(DatabaseName=db, TableName="s", PartitionInput=partition_input(["d1"]))
    return db


def test_table_column_statistics_round_trip(glue, stats_table):
    db = stats_table
    resp = glue.update_column_statistics_for_table(
        DatabaseName=db, TableName="s",
        ColumnStatisticsList=[_long_stats("id", -5, 900), _string_stats("name")])
    assert not resp.get("Errors")
    got = glue.get_column_statistics_for_table(DatabaseName=db, TableName="s",
                                               ColumnNames=["id", "name", "nosuch"])
    by_col = {s["ColumnName"]: s for s in got["ColumnStatisticsList"]}
    assert set(by_col) == {"id", "name"}
    long_data = by_col["id"]["StatisticsData"]["LongColumnStatisticsData"]
    assert (long_data["MinimumValue"], long_data["MaximumValue"]) == (-5, 900)
    assert long_data["NumberOfDistinctValues"] == 42
    assert by_col["id"]["AnalyzedTime"] == NOW
    assert by_col["name"]["StatisticsData"]["StringColumnStatisticsData"]["AverageLength"] == 7.5
    assert [e["ColumnName"] for e in got.get("Errors", [])] == ["nosuch"]

    glue.delete_column_statistics_for_table(DatabaseName=db, TableName="s", ColumnName="id")
    got = glue.get_column_statistics_for_table(DatabaseName=db, TableName="s",
                                               ColumnNames=["id", "name"])
    assert [s["ColumnName"] for s in got["ColumnStatisticsList"]] == ["name"]
    with pytest.raises(ClientError) as exc:
        glue.delete_column_statistics_for_table(DatabaseName=db, TableName="s", ColumnName="id")
    assert error_code(exc) == "EntityNotFoundException"


def test_statistics_for_unknown_column_is_a_per_item_error(glue, stats_table):
    db = stats_table
    resp = glue.update_column_statistics_for_table(
        DatabaseName=db, TableName="s",
        ColumnStatisticsList=[_long_stats("id", 0, 1), _long_stats("ghost", 0, 1)])
    errors = resp.get("Errors", [])
    assert [e["ColumnStatistics"]["ColumnName"] for e in errors] == ["ghost"]
    assert errors[0]["Error"]["ErrorCode"] in ("EntityNotFoundException", "InvalidInputException")


def test_partition_column_statistics_round_trip(glue, stats_table):
    db = stats_table
    resp = glue.update_column_statistics_for_partition(
        DatabaseName=db, TableName="s", PartitionValues=["d1"],
        ColumnStatisticsList=[_long_stats("id", 1, 2)])
    assert not resp.get("Errors")
    got = glue.get_column_statistics_for_partition(
        DatabaseName=db, TableName="s", PartitionValues=["d1"], ColumnNames=["id"])
    data = got["ColumnStatisticsList"][0]["StatisticsData"]["LongColumnStatisticsData"]
    assert (data["MinimumValue"], data["MaximumValue"]) == (1, 2)
    # Table-level statistics are separate from the partition's.
    table_level = glue.get_column_statistics_for_table(DatabaseName=db, TableName="s",
                                                       ColumnNames=["id"])
    assert table_level["ColumnStatisticsList"] == []
    glue.delete_column_statistics_for_partition(
        DatabaseName=db, TableName="s", PartitionValues=["d1"], ColumnName="id")
    got = glue.get_column_statistics_for_partition(
        DatabaseName=db, TableName="s", PartitionValues=["d1"], ColumnNames=["id"])
    assert got["ColumnStatisticsList"] == []


def test_statistics_on_missing_table_or_partition(glue, stats_table):
    db = stats_table
    with pytest.raises(ClientError) as exc:
        glue.get_column_statistics_for_table(DatabaseName=db, TableName="nope", ColumnNames=["id"])
    assert error_code(exc) == "EntityNotFoundException"
    with pytest.raises(ClientError) as exc:
        glue.get_column_statistics_for_partition(DatabaseName=db, TableName="s",
                                                 PartitionValues=["nope"], ColumnNames=["id"])
    assert error_code(exc) == "EntityNotFoundException"
    assert exc.value.response["Error"]["Message"] == "Partition [nope] not found"  # AWS's wording
