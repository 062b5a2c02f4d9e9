"""Connections: Create/Get/GetConnections/Update/Delete/BatchDelete, HidePassword."""
import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, unique


def _conn(name, password="s3cr3t", url="jdbc:postgresql://db:5432/sales"):
    return {"Name": name, "ConnectionType": "JDBC", "Description": "warehouse",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": url, "USERNAME": "etl",
                                     "PASSWORD": password}}


@pytest.fixture
def conn_name(glue):
    name = unique("conn")
    glue.create_connection(ConnectionInput=_conn(name))
    yield name
    try:
        glue.delete_connection(ConnectionName=name)
    except glue.exceptions.EntityNotFoundException:
        pass


def test_get_connection_with_and_without_password(glue, conn_name):
    full = glue.get_connection(Name=conn_name)["Connection"]
    assert full["Name"] == conn_name
    assert full["ConnectionType"] == "JDBC"
    assert full["Description"] == "warehouse"
    assert full["ConnectionProperties"]["PASSWORD"] == "s3cr3t"
    assert full["ConnectionProperties"]["JDBC_CONNECTION_URL"] == "jdbc:postgresql://db:5432/sales"
    assert "CreationTime" in full
    hidden = glue.get_connection(Name=conn_name, HidePassword=True)["Connection"]
    assert "PASSWORD" not in hidden["ConnectionProperties"]
    assert hidden["ConnectionProperties"]["USERNAME"] == "etl"


def test_get_connections_hides_password_and_filters_by_type(glue, conn_name):
    conns = glue.get_paginator("get_connections").paginate(
        HidePassword=True, Filter={"ConnectionType": "JDBC"}).build_full_result()["ConnectionList"]
    mine = [c for c in conns if c["Name"] == conn_name]
    assert len(mine) == 1
    assert "PASSWORD" not in mine[0]["ConnectionProperties"]
    assert all(c["ConnectionType"] == "JDBC" for c in conns)
    kafka = glue.get_connections(Filter={"ConnectionType": "KAFKA"})["ConnectionList"]
    assert conn_name not in [c["Name"] for c in kafka]


def test_update_connection(glue, conn_name):
    glue.update_connection(Name=conn_name,
                           ConnectionInput=_conn(conn_name, password="new", url="jdbc:mysql://h/x"))
    got = glue.get_connection(Name=conn_name)["Connection"]
    assert got["ConnectionProperties"]["PASSWORD"] == "new"
    assert got["ConnectionProperties"]["JDBC_CONNECTION_URL"] == "jdbc:mysql://h/x"


def test_connection_errors(glue, conn_name):
    with pytest.raises(ClientError) as exc:
        glue.create_connection(ConnectionInput=_conn(conn_name))
    assert error_code(exc) == "AlreadyExistsException"
    missing = unique("noconn")
    for call in (lambda: glue.get_connection(Name=missing),
                 lambda: glue.update_connection(Name=missing, ConnectionInput=_conn(missing)),
                 lambda: glue.delete_connection(ConnectionName=missing)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "EntityNotFoundException"
    bad = _conn(unique("bad"))
    bad["ConnectionType"] = "CARRIER_PIGEON"
    with pytest.raises(ClientError) as exc:
        glue.create_connection(ConnectionInput=bad)
    assert error_code(exc) == "InvalidInputException"
    assert "connectiontype" in exc.value.response["Error"]["Message"].lower()


def test_delete_and_batch_delete_connections(glue):
    names = [unique("bc") for _ in range(3)]
    for n in names:
        glue.create_connection(ConnectionInput=_conn(n))
    glue.delete_connection(ConnectionName=names[0])
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_connection(Name=names[0])
    ghost = unique("ghost")
    resp = glue.batch_delete_connection(ConnectionNameList=[names[1], ghost, names[2]])
    assert sorted(resp["Succeeded"]) == sorted(names[1:])
    assert set(resp.get("Errors", {})) == {ghost}
    assert resp["Errors"][ghost]["ErrorCode"] == "EntityNotFoundException"
    for n in names[1:]:
        with pytest.raises(glue.exceptions.EntityNotFoundException):
            glue.get_connection(Name=n)
