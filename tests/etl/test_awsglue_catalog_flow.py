"""Glue scripts' catalog calls through the public awsglue API against a real
server: a getSink(..., enableUpdateCatalog=True) + setCatalogInfo sink that
creates the table and its partitions, from_catalog reading it back (with a
push_down_predicate), write_dynamic_frame.from_catalog appending, and
resolveChoice(choice="match_catalog")."""
import pytest

from awsglue_helpers import frame, glue_ctx, rows  # noqa: F401 (fixture)


def test_sink_with_catalog_update_then_from_catalog(glue_env, glue, db, glue_ctx, tmp_path):
    orders = frame([{"id": 1, "amount": 9.5, "day": "2024-01-01"},
                    {"id": 2, "amount": 3.0, "day": "2024-01-02"},
                    {"id": 3, "amount": 1.25, "day": "2024-01-01"}], glue_ctx)
    sink = glue_ctx.getSink(connection_type="s3", path=str(tmp_path / "orders"),
                            enableUpdateCatalog=True, updateBehavior="UPDATE_IN_DATABASE",
                            partitionKeys=["day"])
    sink.setFormat("glueparquet")
    sink.setCatalogInfo(catalogDatabase=db, catalogTableName="orders")
    sink.writeFrame(orders)

    table = glue.get_table(DatabaseName=db, Name="orders")["Table"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["day"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "amount"]
    parts = glue.get_partitions(DatabaseName=db, TableName="orders")["Partitions"]
    assert sorted(p["Values"][0] for p in parts) == ["2024-01-01", "2024-01-02"]

    back = glue_ctx.create_dynamic_frame.from_catalog(database=db, table_name="orders")
    assert sorted((r["id"], r["amount"], r["day"]) for r in rows(back)) == [
        (1, 9.5, "2024-01-01"), (2, 3.0, "2024-01-02"), (3, 1.25, "2024-01-01")]
    pruned = glue_ctx.create_dynamic_frame.from_catalog(
        database=db, table_name="orders", push_down_predicate="day = '2024-01-02'")
    assert [r["id"] for r in rows(pruned)] == [2]

    # Appending through the catalog sink adds the new partition.
    more = frame([{"id": 4, "amount": 7.0, "day": "2024-01-03"}], glue_ctx)
    glue_ctx.write_dynamic_frame.from_catalog(frame=more, database=db, table_name="orders")
    assert glue_ctx.create_dynamic_frame.from_catalog(database=db,
                                                      table_name="orders").count() == 4
    parts = glue.get_partitions(DatabaseName=db, TableName="orders")["Partitions"]
    assert len(parts) == 3


def test_resolve_choice_match_catalog(glue_env, glue, db, glue_ctx, tmp_path):
    glue.create_table(DatabaseName=db, TableInput={
        "Name": "typed", "StorageDescriptor": {
            "Columns": [{"Name": "k", "Type": "string"}, {"Name": "x", "Type": "bigint"}],
            "Location": str(tmp_path / "typed")},
        "Parameters": {"classification": "json"}})
    mixed = frame([{"k": "a", "x": 1}, {"k": "b", "x": "22"}, {"k": "c", "x": "n/a"}],
                  glue_ctx)
    resolved = mixed.resolveChoice(choice="match_catalog", database=db, table_name="typed")
    assert [r["x"] for r in rows(resolved)] == [1, 22, None]
    assert resolved.schema().getField("x").dataType.typeName() == "long"


def test_missing_catalog_table_is_a_clear_error(glue_env, db, glue_ctx):
    with pytest.raises(Exception, match="nope"):
        glue_ctx.create_dynamic_frame.from_catalog(database=db, table_name="nope").count()
