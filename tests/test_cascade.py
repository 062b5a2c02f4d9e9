"""DeleteDatabase cascades to its tables, partitions, versions, indexes,
statistics and functions: recreating the same names finds nothing left over."""
import datetime

import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, partition_input, table_input, unique


def _populate(glue, db):
    glue.create_database(DatabaseInput={"Name": db})
    for t in ("a", "b"):
        glue.create_table(DatabaseName=db, TableInput=table_input(
            t, partition_keys=(("dt", "string"),), description="first"))
        glue.update_table(DatabaseName=db, TableInput=table_input(
            t, partition_keys=(("dt", "string"),), description="second"))
        glue.batch_create_partition(DatabaseName=db, TableName=t, PartitionInputList=[
            partition_input([f"d{i}"]) for i in range(20)])
        glue.create_partition_index(DatabaseName=db, TableName=t,
                                    PartitionIndex={"Keys": ["dt"], "IndexName": "by_dt"})
        glue.update_column_statistics_for_table(DatabaseName=db, TableName=t, ColumnStatisticsList=[{
            "ColumnName": "id", "ColumnType": "bigint",
            "AnalyzedTime": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
            "StatisticsData": {"Type": "LONG", "LongColumnStatisticsData": {
                "NumberOfNulls": 0, "NumberOfDistinctValues": 1}}}])
    glue.create_user_defined_function(DatabaseName=db, FunctionInput={
        "FunctionName": "f", "ClassName": "x.F", "OwnerName": "o", "OwnerType": "USER"})


def test_delete_database_cascades(glue):
    db = unique("cascade")
    _populate(glue, db)
    glue.delete_database(Name=db)

    with pytest.raises(ClientError) as exc:
        glue.get_tables(DatabaseName=db)
    assert error_code(exc) == "EntityNotFoundException"
    with pytest.raises(ClientError) as exc:
        glue.get_table(DatabaseName=db, Name="a")
    assert error_code(exc) == "EntityNotFoundException"

    # Same names again: nothing from before may resurface.
    glue.create_database(DatabaseInput={"Name": db})
    try:
        assert glue.get_tables(DatabaseName=db)["TableList"] == []
        assert glue.get_user_defined_functions(DatabaseName=db, Pattern=".*")[
            "UserDefinedFunctions"] == []
        glue.create_table(DatabaseName=db, TableInput=table_input(
            "a", partition_keys=(("dt", "string"),), description="fresh"))
        assert glue.get_partitions(DatabaseName=db, TableName="a")["Partitions"] == []
        versions = glue.get_table_versions(DatabaseName=db, TableName="a")["TableVersions"]
        assert [v["Table"]["Description"] for v in versions] == ["fresh"]
        assert glue.get_partition_indexes(DatabaseName=db, TableName="a")[
            "PartitionIndexDescriptorList"] == []
        stats = glue.get_column_statistics_for_table(DatabaseName=db, TableName="a",
                                                     ColumnNames=["id"])
        assert stats["ColumnStatisticsList"] == []
    finally:
        glue.delete_database(Name=db)


def test_cascade_leaves_other_databases_alone(glue):
    doomed, kept = unique("doomed"), unique("kept")
    _populate(glue, doomed)
    _populate(glue, kept)
    glue.delete_database(Name=doomed)
    try:
        assert sorted(t["Name"] for t in glue.get_tables(DatabaseName=kept)["TableList"]) == [
            "a", "b"]
        assert len(glue.get_paginator("get_partitions").paginate(
            DatabaseName=kept, TableName="a").build_full_result()["Partitions"]) == 20
        assert len(glue.get_table_versions(DatabaseName=kept, TableName="b")["TableVersions"]) == 2
    finally:
        glue.delete_database(Name=kept)
