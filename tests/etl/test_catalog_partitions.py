"""from_catalog's partition handling: paging through more partitions than one
GetPartitions page, partitions at folders that are not Hive key=value names
(values come from the catalog), Hive's null partition, CatalogId, and a
predicate on a table without partition keys."""
import pytest

import _mortar
from awsglue import _catalog

CSV_SERDE = {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
             "Parameters": {"field.delim": ","}}


def _sd(location, columns=(("id", "bigint"),)):
    return {"Columns": [{"Name": n, "Type": t} for n, t in columns], "Location": str(location),
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": CSV_SERDE}


def _table(glue, db, name, location, keys):
    glue.create_table(DatabaseName=db, TableInput={
        "Name": name, "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "StorageDescriptor": _sd(location),
        "PartitionKeys": [{"Name": n, "Type": t} for n, t in keys]})


def _add(glue, db, name, inputs):
    for start in range(0, len(inputs), 100):
        reply = glue.batch_create_partition(DatabaseName=db, TableName=name,
                                            PartitionInputList=inputs[start:start + 100])
        assert not reply.get("Errors"), reply["Errors"]


def test_more_partitions_than_one_page(glue_env, glue, db, tmp_path):
    _table(glue, db, "many", tmp_path, [("n", "int")])
    inputs = []
    for n in range(1050):
        folder = tmp_path / f"chunk-{n:04d}"  # not key=value: values come from the catalog
        folder.mkdir()
        (folder / "d.csv").write_text(f"id\n{n}\n")
        inputs.append({"Values": [str(n)], "StorageDescriptor": _sd(folder)})
    _add(glue, db, "many", inputs)
    rows = _catalog.create_frame_from_catalog(db, "many").to_records()
    assert len(rows) == 1050
    assert all(r["id"] == r["n"] for r in rows)
    assert sorted(r["n"] for r in rows) == list(range(1050))
    some = _catalog.create_frame_from_catalog(db, "many", push_down_predicate="n >= 1040")
    assert sorted(r["id"] for r in some.to_records()) == list(range(1040, 1050))


def test_hive_null_partition_reads_as_null(glue_env, glue, db, tmp_path):
    _table(glue, db, "nulls", tmp_path, [("k", "string")])
    inputs = []
    for value in ("a", "__HIVE_DEFAULT_PARTITION__"):
        folder = tmp_path / f"k={value}"
        folder.mkdir()
        (folder / "d.csv").write_text("id\n1\n" if value == "a" else "id\n2\n")
        inputs.append({"Values": [value], "StorageDescriptor": _sd(folder)})
    _add(glue, db, "nulls", inputs)
    rows = sorted(_catalog.create_frame_from_catalog(db, "nulls").to_records(),
                  key=lambda r: r["id"])
    assert rows == [{"id": 1, "k": "a"}, {"id": 2, "k": None}]


def test_partition_whose_folder_is_gone_reads_as_empty(glue_env, glue, db, tmp_path):
    # As an S3 prefix without objects: the other partitions still read.
    _table(glue, db, "gone", tmp_path, [("k", "string")])
    kept = tmp_path / "k=a"
    kept.mkdir()
    (kept / "d.csv").write_text("id\n1\n")
    _add(glue, db, "gone", [{"Values": ["a"], "StorageDescriptor": _sd(kept)},
                            {"Values": ["b"], "StorageDescriptor": _sd(tmp_path / "k=b")}])
    rows = _catalog.create_frame_from_catalog(db, "gone").to_records()
    assert rows == [{"id": 1, "k": "a"}]
    only_gone = _catalog.create_frame_from_catalog(db, "gone", push_down_predicate="k = 'b'")
    assert only_gone.to_records() == []


def test_catalog_id_is_sent(glue_env, glue, db, tmp_path, account_id):
    (tmp_path / "d.csv").write_text("id\n7\n")
    _table(glue, db, "own", tmp_path, [])
    frame = _catalog.create_frame_from_catalog(db, "own", catalog_id=account_id)
    assert frame.to_records() == [{"id": 7}]
    with pytest.raises(_mortar.GlueServiceError) as info:
        _catalog.create_frame_from_catalog(db, "own", catalog_id="999988887777")
    assert info.value.code == "AccessDeniedException"  # another account's catalog
    assert "999988887777" in str(info.value)


def test_predicate_on_unpartitioned_table_is_an_error(glue_env, glue, db, tmp_path):
    (tmp_path / "d.csv").write_text("id\n1\n")
    _table(glue, db, "flat", tmp_path, [])
    with pytest.raises(ValueError, match="no partition keys"):
        _catalog.create_frame_from_catalog(db, "flat", push_down_predicate="id = 1")


def test_bad_predicate_is_the_servers_clear_error(glue_env, glue, db, tmp_path):
    _table(glue, db, "p", tmp_path, [("k", "string")])
    with pytest.raises(_mortar.GlueServiceError) as info:
        _catalog.create_frame_from_catalog(db, "p", push_down_predicate="k = = 'x'")
    assert info.value.code == "InvalidInputException"
