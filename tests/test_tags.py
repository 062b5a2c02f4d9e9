"""Tags by ARN: TagResource/UntagResource/GetTags on databases, tables, connections."""
import pytest
from botocore.exceptions import ClientError

from support.catalog import error_code, table_input, unique


def _arn(account_id, kind, path):
    return f"arn:aws:glue:us-east-1:{account_id}:{kind}/{path}"


def test_tag_database_table_and_connection(glue, db, account_id):
    glue.create_table(DatabaseName=db, TableInput=table_input("t"))
    conn = unique("tagconn")
    glue.create_connection(ConnectionInput={
        "Name": conn, "ConnectionType": "JDBC",
        "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:x://h/d"}})
    try:
        for arn in (_arn(account_id, "database", db), _arn(account_id, "table", f"{db}/t"),
                    _arn(account_id, "connection", conn)):
            assert glue.get_tags(ResourceArn=arn)["Tags"] == {}
            glue.tag_resource(ResourceArn=arn, TagsToAdd={"team": "data", "tier": "gold"})
            glue.tag_resource(ResourceArn=arn, TagsToAdd={"tier": "silver", "pii": "no"})
            assert glue.get_tags(ResourceArn=arn)["Tags"] == {
                "team": "data", "tier": "silver", "pii": "no"}
            glue.untag_resource(ResourceArn=arn, TagsToRemove=["team", "absent"])
            assert glue.get_tags(ResourceArn=arn)["Tags"] == {"tier": "silver", "pii": "no"}
    finally:
        glue.delete_connection(ConnectionName=conn)


def test_tags_on_missing_resource_is_entity_not_found(glue, db, account_id):
    for arn in (_arn(account_id, "database", unique("nodb")),
                _arn(account_id, "table", f"{db}/nosuch")):
        with pytest.raises(ClientError) as exc:
            glue.tag_resource(ResourceArn=arn, TagsToAdd={"a": "b"})
        assert error_code(exc) == "EntityNotFoundException"


def test_malformed_arn_is_invalid_input(glue):
    with pytest.raises(ClientError) as exc:
        glue.get_tags(ResourceArn="arn:aws:glue:us-east-1:not-an-arn")
    assert error_code(exc) == "InvalidInputException"


def test_tags_go_away_with_the_resource(glue, account_id):
    name = unique("tg")
    glue.create_database(DatabaseInput={"Name": name})
    arn = _arn(account_id, "database", name)
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"k": "v"})
    glue.delete_database(Name=name)
    glue.create_database(DatabaseInput={"Name": name})
    try:
        assert glue.get_tags(ResourceArn=arn)["Tags"] == {}
    finally:
        glue.delete_database(Name=name)
