"""Tables: Create/Get/GetTables (with Expression)/Update/Delete/BatchDeleteTable."""
import datetime

import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, table_input, unique


def test_create_and_get_table_round_trips_the_definition(glue, db, account_id):
    ti = table_input("orders", cols=(("id", "bigint"), ("amount", "decimal(10,2)"),
                                     ("tags", "array<struct<k:string,v:string>>")),
                     partition_keys=(("dt", "string"),), description="all orders",
                     parameters={"classification": "parquet", "x": "1"})
    ti["Owner"] = "etl"
    ti["Retention"] = 7
    glue.create_table(DatabaseName=db, TableInput=ti)
    t = glue.get_table(DatabaseName=db, Name="orders")["Table"]
    assert t["Name"] == "orders"
    assert t["DatabaseName"] == db
    assert t["CatalogId"] == account_id
    assert t["Description"] == "all orders"
    assert t["Owner"] == "etl"
    assert t["Retention"] == 7
    assert t["TableType"] == "EXTERNAL_TABLE"
    assert t["Parameters"] == {"classification": "parquet", "x": "1"}
    assert t["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
    sd = t["StorageDescriptor"]
    assert sd["Columns"] == ti["StorageDescriptor"]["Columns"]
    assert sd["Location"] == ti["StorageDescriptor"]["Location"]
    assert sd["InputFormat"] == ti["StorageDescriptor"]["InputFormat"]
    assert sd["SerdeInfo"] == ti["StorageDescriptor"]["SerdeInfo"]
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - t["CreateTime"]).total_seconds()) < 300
    assert t.get("VersionId")


def test_table_in_missing_database_is_entity_not_found(glue):
    with pytest.raises(ClientError) as exc:
        glue.create_table(DatabaseName=unique("nodb"), TableInput=table_input("t"))
    assert error_code(exc) == "EntityNotFoundException"
    with pytest.raises(ClientError) as exc:
        glue.get_tables(DatabaseName=unique("nodb"))
    assert error_code(exc) == "EntityNotFoundException"


def test_missing_table_is_entity_not_found(glue, db):
    for call in (lambda: glue.get_table(DatabaseName=db, Name="nope"),
                 lambda: glue.update_table(DatabaseName=db, TableInput=table_input("nope")),
                 lambda: glue.delete_table(DatabaseName=db, Name="nope")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "EntityNotFoundException"


def test_duplicate_table_is_already_exists(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input("dup"))
    with pytest.raises(ClientError) as exc:
        glue.create_table(DatabaseName=db, TableInput=table_input("DUP"))
    assert error_code(exc) == "AlreadyExistsException"


def test_table_names_are_lower_cased(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input("CamelCase"))
    assert glue.get_table(DatabaseName=db, Name="camelcase")["Table"]["Name"] == "camelcase"
    assert glue.get_table(DatabaseName=db, Name="CAMELCASE")["Table"]["Name"] == "camelcase"


def test_update_table_changes_schema_and_keeps_create_time(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input("evolve"))
    before = glue.get_table(DatabaseName=db, Name="evolve")["Table"]
    ti = table_input("evolve", cols=(("id", "bigint"), ("name", "string"), ("email", "string")),
                     description="now with email")
    glue.update_table(DatabaseName=db, TableInput=ti)
    after = glue.get_table(DatabaseName=db, Name="evolve")["Table"]
    assert [c["Name"] for c in after["StorageDescriptor"]["Columns"]] == ["id", "name", "email"]
    assert after["Description"] == "now with email"
    assert after["CreateTime"] == before["CreateTime"]
    assert after["UpdateTime"] >= before["CreateTime"]
    assert after["VersionId"] != before["VersionId"]


def test_delete_table(glue, db):
    glue.create_table(DatabaseName=db, TableInput=table_input("bye"))
    glue.delete_table(DatabaseName=db, Name="bye")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=db, Name="bye")
    assert glue.get_tables(DatabaseName=db)["TableList"] == []


def test_get_tables_expression_filters_names(glue, db):
    for n in ("orders_2023", "orders_2024", "returns_2024", "customers"):
        glue.create_table(DatabaseName=db, TableInput=table_input(n))

    def names(expr):
        return sorted(t["Name"] for t in glue.get_paginator("get_tables").paginate(
            DatabaseName=db, Expression=expr).build_full_result()["TableList"])

    assert names("orders_.*") == ["orders_2023", "orders_2024"]
    assert names("orders_.*|returns_.*") == ["orders_2023", "orders_2024", "returns_2024"]
    assert names(".*2024") == ["orders_2024", "returns_2024"]
    assert names("cust.*") == ["customers"]
    assert names("nomatch.*") == []
    all_tables = glue.get_tables(DatabaseName=db)["TableList"]
    assert sorted(t["Name"] for t in all_tables) == [
        "customers", "orders_2023", "orders_2024", "returns_2024"]
    assert all(t["DatabaseName"] == db for t in all_tables)


def test_batch_delete_table_reports_missing_per_item(glue, db):
    for n in ("a", "b", "c"):
        glue.create_table(DatabaseName=db, TableInput=table_input(n))
    resp = glue.batch_delete_table(DatabaseName=db, TablesToDelete=["a", "missing", "c"])
    errors = resp.get("Errors", [])
    assert [e["TableName"] for e in errors] == ["missing"]
    assert errors[0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    assert [t["Name"] for t in glue.get_tables(DatabaseName=db)["TableList"]] == ["b"]


def test_create_table_with_partition_indexes(glue, db):
    glue.create_table(DatabaseName=db,
                      TableInput=table_input("indexed", partition_keys=(("y", "int"), ("m", "int"))),
                      PartitionIndexes=[{"Keys": ["y"], "IndexName": "by_year"}])
    idx = glue.get_partition_indexes(DatabaseName=db, TableName="indexed")
    names = [d["IndexName"] for d in idx["PartitionIndexDescriptorList"]]
    assert "by_year" in names


def test_create_table_with_a_bad_partition_index_creates_nothing(glue, db):
    # One call, one outcome: the refused index leaves no table behind, and
    # no version or index either when the same name is created again.
    with pytest.raises(glue.exceptions.InvalidInputException) as info:
        glue.create_table(DatabaseName=db,
                          TableInput=table_input("half", partition_keys=(("y", "int"),)),
                          PartitionIndexes=[{"Keys": ["y"], "IndexName": "ok"},
                                            {"Keys": ["nope"], "IndexName": "bad"}])
    assert "nope" in info.value.response["Error"]["Message"]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=db, Name="half")
    glue.create_table(DatabaseName=db, TableInput=table_input("half", partition_keys=(("y", "int"),)))
    assert glue.get_partition_indexes(DatabaseName=db, TableName="half")[
        "PartitionIndexDescriptorList"] == []
    versions = glue.get_table_versions(DatabaseName=db, TableName="half")["TableVersions"]
    assert [v["VersionId"] for v in versions] == ["0"]


def test_view_text_and_table_type_round_trip(glue, db):
    ti = {"Name": "v", "TableType": "VIRTUAL_VIEW",
          "ViewOriginalText": "SELECT 1", "ViewExpandedText": "SELECT 1 AS one",
          "StorageDescriptor": {"Columns": [{"Name": "one", "Type": "int"}]}}
    glue.create_table(DatabaseName=db, TableInput=ti)
    t = glue.get_table(DatabaseName=db, Name="v")["Table"]
    assert t["TableType"] == "VIRTUAL_VIEW"
    assert t["ViewOriginalText"] == "SELECT 1"
    assert t["ViewExpandedText"] == "SELECT 1 AS one"
