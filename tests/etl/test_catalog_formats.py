"""from_catalog over the other table formats a catalog describes: ORC, Avro,
XML (rowTag from the SerDe), grok (a crawler-style grokPattern), gzip CSV
with OpenCSVSerde escapes, a crawled LazySimpleSerDe table read without
quoting (and a hand-made one with), and a crawled-style SQLite table routed to the
JDBC reader through its catalog Connection."""
import gzip
import sqlite3

import fastavro
import pyarrow as pa
import pyarrow.orc as orc
import pytest

from awsglue import _catalog
from support.catalog import unique


def _table(glue, db, name, location, columns, serde, serde_params, input_format, parameters,
           output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"):
    glue.create_table(DatabaseName=db, TableInput={
        "Name": name, "TableType": "EXTERNAL_TABLE", "Parameters": parameters,
        "StorageDescriptor": {
            "Columns": [{"Name": n, "Type": t} for n, t in columns], "Location": str(location),
            "InputFormat": input_format, "OutputFormat": output_format,
            "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_params}}})


def _rows(frame, key):
    return sorted(frame.to_records(), key=lambda r: r[key])


def test_orc_table(glue_env, glue, db, tmp_path):
    orc.write_table(pa.table({"id": [2, 1], "name": ["b", "a"]}), str(tmp_path / "x.orc"))
    _table(glue, db, "o", tmp_path, [("id", "bigint"), ("name", "string")],
           "org.apache.hadoop.hive.ql.io.orc.OrcSerde", {"serialization.format": "1"},
           "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat", {"classification": "orc"})
    assert _rows(_catalog.create_frame_from_catalog(db, "o"), "id") == [
        {"id": 1, "name": "a"}, {"id": 2, "name": "b"}]


def test_avro_table_by_serde_only(glue_env, glue, db, tmp_path):
    schema = {"type": "record", "name": "r", "fields": [{"name": "id", "type": "long"},
                                                        {"name": "tag", "type": "string"}]}
    with open(tmp_path / "x.avro", "wb") as f:
        fastavro.writer(f, schema, [{"id": 5, "tag": "t5"}, {"id": 4, "tag": "t4"}])
    _table(glue, db, "a", tmp_path, [("id", "bigint"), ("tag", "string")],
           "org.apache.hadoop.hive.serde2.avro.AvroSerDe", {},
           "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat", {})
    assert _rows(_catalog.create_frame_from_catalog(db, "a"), "id") == [
        {"id": 4, "tag": "t4"}, {"id": 5, "tag": "t5"}]


def test_xml_table_row_tag_from_serde(glue_env, glue, db, tmp_path):
    (tmp_path / "books.xml").write_text(
        "<catalog><book id='1'><title>A</title></book>"
        "<book id='2'><title>B</title></book></catalog>")
    _table(glue, db, "x", tmp_path, [("_id", "bigint"), ("title", "string")],
           "com.ibm.spss.hive.serde2.xml.XmlSerDe",
           {"xmlinput.start": "<book ", "xmlinput.end": "</book>"},
           "com.ibm.spss.hive.serde2.xml.XmlInputFormat", {"classification": "xml"})
    assert _rows(_catalog.create_frame_from_catalog(db, "x"), "_id") == [
        {"_id": 1, "title": "A"}, {"_id": 2, "title": "B"}]


def test_xml_table_without_row_tag_is_a_clear_error(glue_env, glue, db, tmp_path):
    _table(glue, db, "x2", tmp_path, [("a", "string")],
           "com.ibm.spss.hive.serde2.xml.XmlSerDe", {},
           "com.ibm.spss.hive.serde2.xml.XmlInputFormat", {"classification": "xml"})
    with pytest.raises(ValueError, match="rowTag"):
        _catalog.create_frame_from_catalog(db, "x2")


def test_grok_table(glue_env, glue, db, tmp_path):
    (tmp_path / "app.log").write_text("2024-01-02 ERROR disk full\n2024-01-03 INFO all good\n")
    pattern = "%{DATA:day} %{LOGLEVEL:level} %{GREEDYDATA:msg}"
    _table(glue, db, "g", tmp_path, [("day", "string"), ("level", "string"), ("msg", "string")],
           "com.amazonaws.glue.serde.GrokSerDe", {"input.format": pattern},
           "org.apache.hadoop.mapred.TextInputFormat",
           {"classification": "applog", "grokPattern": pattern})
    assert _rows(_catalog.create_frame_from_catalog(db, "g"), "day") == [
        {"day": "2024-01-02", "level": "ERROR", "msg": "disk full"},
        {"day": "2024-01-03", "level": "INFO", "msg": "all good"}]


def test_gzip_csv_with_opencsv_quote_and_escape(glue_env, glue, db, tmp_path):
    with gzip.open(tmp_path / "part.csv.gz", "wt") as f:
        f.write("id\tnote\n1\t'it\\'s'\n2\t'a\tb'\n")
    _table(glue, db, "q", tmp_path, [("id", "bigint"), ("note", "string")],
           "org.apache.hadoop.hive.serde2.OpenCSVSerde",
           {"separatorChar": "\t", "quoteChar": "'", "escapeChar": "\\"},
           "org.apache.hadoop.mapred.TextInputFormat",
           {"classification": "csv", "compressionType": "gzip", "skip.header.line.count": "1"})
    assert _rows(_catalog.create_frame_from_catalog(db, "q"), "id") == [
        {"id": 1, "note": "it's"}, {"id": 2, "note": "a\tb"}]


def test_crawled_lazy_simple_serde_table_has_no_quoting(glue_env, glue, db, tmp_path):
    # As a crawler writes a file whose sample quoted nothing: LazySimpleSerDe
    # (no quote character in Hive), areColumnsQuoted false; escape.delim is Hive's ESCAPED BY.
    crawled = tmp_path / "crawled"
    crawled.mkdir()
    (crawled / "part.csv").write_text('id|note\n1|"open\n2|a\\|b\n3|"x"\n')
    _table(glue, db, "lazy", crawled, [("id", "bigint"), ("note", "string")],
           "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
           {"field.delim": "|", "escape.delim": "\\"}, "org.apache.hadoop.mapred.TextInputFormat",
           {"classification": "csv", "areColumnsQuoted": "false", "skip.header.line.count": "1"})
    assert _rows(_catalog.create_frame_from_catalog(db, "lazy"), "id") == [
        {"id": 1, "note": '"open'}, {"id": 2, "note": "a|b"}, {"id": 3, "note": '"x"'}]

    # A LazySimpleSerDe table no crawler described (a sink's, made by hand)
    # keeps the reader's " quoting: Mortar's CSV writer quotes under that SerDe.
    written = tmp_path / "written"
    written.mkdir()
    (written / "part.csv").write_text('id,note\n1,"a,b"\n2,""\n')
    _table(glue, db, "sunk", written, [("id", "bigint"), ("note", "string")],
           "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", {"field.delim": ","},
           "org.apache.hadoop.mapred.TextInputFormat",
           {"classification": "csv", "skip.header.line.count": "1"})
    assert _rows(_catalog.create_frame_from_catalog(db, "sunk"), "id") == [
        {"id": 1, "note": "a,b"}, {"id": 2, "note": ""}]


def test_sqlite_table_reads_through_its_connection(glue_env, glue, db, tmp_path):
    path = tmp_path / "shop.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE items (id INTEGER, name TEXT)")
    con.executemany("INSERT INTO items VALUES (?, ?)", [(1, "pen"), (2, "ink")])
    con.commit()
    con.close()
    conn = unique("conn")
    glue.create_connection(ConnectionInput={
        "Name": conn, "ConnectionType": "JDBC",
        "ConnectionProperties": {"JDBC_CONNECTION_URL": f"jdbc:sqlite:{path}"}})
    try:
        # As Mortar's JDBC crawler writes it: Location <database>.<table>.
        glue.create_table(DatabaseName=db, TableInput={
            "Name": "shop_items", "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "sqlite", "connectionName": conn,
                           "typeOfData": "table"},
            "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint"},
                                              {"Name": "name", "Type": "string"}],
                                  "Location": "shop.items"}})
        frame = _catalog.create_frame_from_catalog(db, "shop_items")
        assert _rows(frame, "id") == [{"id": 1, "name": "pen"}, {"id": 2, "name": "ink"}]
    finally:
        glue.delete_connection(ConnectionName=conn)


def test_compression_type_of_table_for_files_without_suffix(glue_env, glue, db, tmp_path):
    with gzip.open(tmp_path / "events-0001", "wt") as f:  # no .gz suffix
        f.write('{"id": 1}\n{"id": 2}\n')
    _table(glue, db, "z", tmp_path, [("id", "int")], "org.openx.data.jsonserde.JsonSerDe", {},
           "org.apache.hadoop.mapred.TextInputFormat",
           {"classification": "json", "compressionType": "gzip"})
    frame = _catalog.create_frame_from_catalog(db, "z", additional_options={
        "groupFiles": "inPartition", "groupSize": "1048576"})
    assert _rows(frame, "id") == [{"id": 1}, {"id": 2}]
    with pytest.raises(ValueError, match="groupSize"):
        _catalog.create_frame_from_catalog(db, "z", additional_options={"groupSize": "big"})
