"""Databases: Create/Get/GetDatabases/Update/Delete and their error paths."""
import datetime

import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, unique


def test_create_and_get_database_round_trips_every_field(glue, account_id):
    name = unique("db")
    glue.create_database(DatabaseInput={
        "Name": name, "Description": "sales data", "LocationUri": "file:///data/sales",
        "Parameters": {"owner": "analytics", "empty": ""}})
    try:
        db = glue.get_database(Name=name)["Database"]
        assert db["Name"] == name
        assert db["Description"] == "sales data"
        assert db["LocationUri"] == "file:///data/sales"
        assert db["Parameters"] == {"owner": "analytics", "empty": ""}
        assert db["CatalogId"] == account_id
        now = datetime.datetime.now(datetime.timezone.utc)
        assert abs((now - db["CreateTime"]).total_seconds()) < 300
    finally:
        glue.delete_database(Name=name)


def test_names_are_case_insensitive_and_stored_lower_case(glue):
    name = unique("MixedCase")
    glue.create_database(DatabaseInput={"Name": name})
    try:
        assert glue.get_database(Name=name.lower())["Database"]["Name"] == name.lower()
        assert glue.get_database(Name=name.upper())["Database"]["Name"] == name.lower()
        with pytest.raises(glue.exceptions.AlreadyExistsException):
            glue.create_database(DatabaseInput={"Name": name.lower()})
    finally:
        glue.delete_database(Name=name.lower())


def test_create_existing_database_is_already_exists(glue, db):
    with pytest.raises(ClientError) as exc:
        glue.create_database(DatabaseInput={"Name": db})
    assert error_code(exc) == "AlreadyExistsException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("call", ["get", "update", "delete"])
def test_missing_database_is_entity_not_found(glue, call):
    name = unique("nope")
    with pytest.raises(ClientError) as exc:
        if call == "get":
            glue.get_database(Name=name)
        elif call == "update":
            glue.update_database(Name=name, DatabaseInput={"Name": name})
        else:
            glue.delete_database(Name=name)
    assert error_code(exc) == "EntityNotFoundException"
    assert name in exc.value.response["Error"]["Message"]


def test_update_database_replaces_definition(glue, db):
    glue.update_database(Name=db, DatabaseInput={
        "Name": db, "Description": "v2", "Parameters": {"k": "v"}})
    got = glue.get_database(Name=db)["Database"]
    assert got["Description"] == "v2"
    assert got["Parameters"] == {"k": "v"}
    # An update replaces the definition: members not given are cleared.
    glue.update_database(Name=db, DatabaseInput={"Name": db})
    got = glue.get_database(Name=db)["Database"]
    assert "Description" not in got or got["Description"] == ""
    assert not got.get("Parameters")


def test_delete_database_then_get_is_not_found(glue):
    name = unique("gone")
    glue.create_database(DatabaseInput={"Name": name})
    glue.delete_database(Name=name)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_database(Name=name)
    # The name is free again.
    glue.create_database(DatabaseInput={"Name": name})
    glue.delete_database(Name=name)


def test_get_databases_paginator_lists_each_once(glue):
    prefix = unique("pg")
    names = {f"{prefix}_{i:03d}" for i in range(57)}
    for n in names:
        glue.create_database(DatabaseInput={"Name": n})
    try:
        seen = []
        pages = glue.get_paginator("get_databases").paginate(
            PaginationConfig={"PageSize": 10})
        page_count = 0
        for page in pages:
            page_count += 1
            assert len(page["DatabaseList"]) <= 10
            seen += [d["Name"] for d in page["DatabaseList"] if d["Name"].startswith(prefix)]
        assert len(seen) == len(set(seen)), "a database was listed twice"
        assert set(seen) == names
        assert page_count >= 6
    finally:
        for n in names:
            glue.delete_database(Name=n)


def test_explicit_own_catalog_id_is_accepted(glue, db, account_id):
    got = glue.get_database(CatalogId=account_id, Name=db)["Database"]
    assert got["Name"] == db


def test_other_accounts_catalog_is_access_denied(glue, db):
    other = "999988887777"
    for call in (lambda: glue.get_database(CatalogId=other, Name=db),
                 lambda: glue.get_databases(CatalogId=other),
                 lambda: glue.create_database(CatalogId=other, DatabaseInput={"Name": unique("x")}),
                 lambda: glue.get_tables(CatalogId=other, DatabaseName=db),
                 lambda: glue.delete_database(CatalogId=other, Name=db)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "AccessDeniedException"
    # Nothing happened to our database.
    assert glue.get_database(Name=db)["Database"]["Name"] == db


def test_create_database_with_tags(glue, account_id):
    name = unique("tagged")
    glue.create_database(DatabaseInput={"Name": name}, Tags={"team": "data", "env": "test"})
    try:
        arn = f"arn:aws:glue:us-east-1:{account_id}:database/{name}"
        assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data", "env": "test"}
    finally:
        glue.delete_database(Name=name)
