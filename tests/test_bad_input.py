"""Bad input: malformed JSON, wrong member types, unknown members, constraint
violations, bad UTF-8, oversize bodies. Each gets a 4xx AWS-shaped error that
names the problem, and the server keeps serving."""
import json

import pytest

from support import raw

PARSE_ERRORS = ("SerializationException", "InvalidInputException")
MIB = 1 << 20


def assert_aws_error(resp, accepted, status=400):
    assert resp.status == status, resp
    assert resp.error_type in accepted, resp
    assert resp.headers.get("x-amzn-requestid"), "no x-amzn-RequestId on an error"
    assert resp.headers.get("content-type", "").startswith("application/x-amz-json-1.1")
    assert isinstance(resp.message, str) and resp.message
    return resp


@pytest.fixture(autouse=True)
def still_serving(server, glue):
    yield
    assert server.alive(), "the server died:\n" + server.log_tail()
    assert "DatabaseList" in glue.get_databases()


@pytest.mark.parametrize("body", [
    b'{"Name": ', b"{'Name': 'x'}", b"not json", b'{"Name": "x"}}', b'{"Name": "x",}',
    b'{"Name" "x"}', b'{"Name": "unterminated}', b"\x00\x01\x02",
], ids=["truncated", "single-quotes", "bare-word", "trailing-brace", "trailing-comma",
        "missing-colon", "unterminated-string", "binary"])
def test_malformed_json(server, body):
    assert_aws_error(raw.call(server, "GetDatabase", body), PARSE_ERRORS)


@pytest.mark.parametrize("body", [b"[]", b'"GetDatabase"', b"42", b"null", b"true"])
def test_top_level_not_an_object(server, body):
    assert_aws_error(raw.call(server, "GetDatabase", body), PARSE_ERRORS)


@pytest.mark.parametrize("op,body,member", [
    ("GetDatabase", {"Name": 42}, "Name"),
    ("GetDatabase", {"Name": ["x"]}, "Name"),
    ("GetDatabase", {"Name": {"x": 1}}, "Name"),
    ("GetTables", {"DatabaseName": "d", "MaxResults": "10"}, "MaxResults"),
    ("GetTables", {"DatabaseName": "d", "MaxResults": 1.5}, "MaxResults"),
    ("CreateDatabase", {"DatabaseInput": "sales"}, "DatabaseInput"),
    ("CreateDatabase", {"DatabaseInput": {"Name": "x", "Parameters": {"k": 1}}}, "Parameters"),
    ("CreateDatabase", {"DatabaseInput": {"Name": "x", "Parameters": ["k"]}}, "Parameters"),
    ("GetConnection", {"Name": "x", "HidePassword": "yes"}, "HidePassword"),
    ("BatchDeleteTable", {"DatabaseName": "d", "TablesToDelete": "t"}, "TablesToDelete"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_wrong_member_types(server, op, body, member):
    resp = assert_aws_error(raw.call(server, op, body), PARSE_ERRORS)
    assert member.lower() in resp.message.lower(), resp


@pytest.mark.parametrize("op,body,member", [
    ("GetDatabase", {"Name": "x", "Bogus": 1}, "Bogus"),
    ("CreateDatabase", {"DatabaseInput": {"Name": "x", "Colour": "red"}}, "Colour"),
    ("GetTables", {"DatabaseName": "d", "databasename": "d"}, "databasename"),
])
def test_unknown_members(server, op, body, member):
    resp = assert_aws_error(raw.call(server, op, body), PARSE_ERRORS)
    assert member.lower() in resp.message.lower(), resp


@pytest.mark.parametrize("op,body,member", [
    ("GetDatabase", {}, "Name"),
    ("CreateDatabase", {"DatabaseInput": {"Description": "no name"}}, "Name"),
    ("GetPartitions", {"DatabaseName": "d"}, "TableName"),
    ("CreateConnection", {"ConnectionInput": {"Name": "c", "ConnectionType": "JDBC"}},
     "ConnectionProperties"),
])
def test_missing_required_members(server, op, body, member):
    resp = assert_aws_error(raw.call(server, op, body), ("InvalidInputException",))
    assert member.lower() in resp.message.lower(), resp


@pytest.mark.parametrize("op,body,member", [
    ("GetDatabase", {"Name": "x" * 256}, "Name"),
    ("GetDatabase", {"Name": ""}, "Name"),
    ("GetDatabase", {"Name": "two\nlines"}, "Name"),
    ("GetDatabase", {"Name": "nul\u0000byte"}, "Name"),
    ("GetTables", {"DatabaseName": "d", "MaxResults": 0}, "MaxResults"),
    ("GetTables", {"DatabaseName": "d", "MaxResults": 101}, "MaxResults"),
    ("GetPartitions", {"DatabaseName": "d", "TableName": "t", "MaxResults": 1001}, "MaxResults"),
    ("CreateConnection", {"ConnectionInput": {"Name": "c", "ConnectionType": "PIGEON",
                                              "ConnectionProperties": {}}}, "ConnectionType"),
    ("BatchDeleteTable", {"DatabaseName": "d", "TablesToDelete": [f"t{i}" for i in range(101)]},
     "TablesToDelete"),
    ("GetPartitions", {"DatabaseName": "d", "TableName": "t",
                       "Segment": {"SegmentNumber": 0, "TotalSegments": 11}}, "TotalSegments"),
])
def test_constraint_violations(server, op, body, member):
    resp = assert_aws_error(raw.call(server, op, body), ("InvalidInputException",))
    assert member.lower() in resp.message.lower(), resp


@pytest.mark.parametrize("body", [
    b'{"Name": "\xff\xfe"}', b'{"Name": "caf\xc3"}', b'{"Na\xc0\xafme": "x"}',
    b'{"Name": "\xed\xa0\x80"}',  # an encoded UTF-16 surrogate
], ids=["ff-fe", "truncated-sequence", "overlong", "surrogate"])
def test_bad_utf8(server, body):
    assert_aws_error(raw.call(server, "GetDatabase", body), PARSE_ERRORS)


def test_lone_surrogate_escape(server):
    resp = raw.call(server, "GetDatabase", b'{"Name": "bad\\ud800"}')
    assert_aws_error(resp, PARSE_ERRORS)


def test_deeply_nested_json(server):
    body = b'{"Name": ' + b"[" * 200000 + b"]" * 200000 + b"}"
    assert_aws_error(raw.call(server, "GetDatabase", body), PARSE_ERRORS)


def test_huge_number(server):
    body = b'{"DatabaseName": "d", "MaxResults": 1e400}'
    assert_aws_error(raw.call(server, "GetTables", body), PARSE_ERRORS)


def test_body_over_10_mib_is_413(server):
    total = 10 * MIB + 1
    # Sign the headers of a small body, then announce the big length: the server
    # must refuse on size, whatever the signature says.
    headers = raw.sign(server, "AWSGlue.GetDatabase", b"{}")
    resp = raw.send_oversized(server, headers, total)
    assert resp.status == 413, resp
    value = resp.json()
    assert isinstance(value.get("__type"), str) and value["__type"]
    assert resp.headers.get("x-amzn-requestid")


def test_signed_body_over_10_mib_is_413(server):
    body = b'{"Name": "x"' + b" " * (10 * MIB + 16) + b"}"
    headers = raw.sign(server, "AWSGlue.GetDatabase", body)
    resp = raw.send_oversized(server, headers, len(body))
    assert resp.status == 413, resp


def test_body_just_under_the_limit_is_processed(server):
    body = b'{"Name": "no_such_db_padded"' + b" " * (9 * MIB) + b"}"
    resp = raw.call(server, "GetDatabase", body)
    assert_aws_error(resp, ("EntityNotFoundException",))


def test_empty_object_for_operation_without_required_members(server):
    resp = raw.call(server, "GetDatabases", b"{}")
    assert resp.status == 200, resp
    assert isinstance(resp.json()["DatabaseList"], list)


def test_wrong_content_type_still_answers_aws_shaped(server):
    resp = raw.call(server, "GetDatabases", b"{}", content_type="text/plain")
    assert resp.status < 500, resp
    if resp.status >= 400:
        assert resp.error_type, resp


def test_many_bad_requests_in_a_row_then_good_ones(server, glue):
    for i in range(200):
        resp = raw.call(server, "GetDatabase", b'{"Name": ' + str(i).encode())
        assert resp.status == 400
    for _ in range(20):
        assert "DatabaseList" in glue.get_databases()
