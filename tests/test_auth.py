"""SigV4: every failure mode gets AWS's own exception name, and the server
keeps serving. Raw requests are signed with botocore's signer, then broken."""
import datetime
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import raw
from support.catalog import error_code
from support.server import REGION, Credentials

AUTH_STATUSES = (400, 403)


def _body():
    return json.dumps({}).encode()


def _assert_still_serving(glue):
    assert "DatabaseList" in glue.get_databases()


def test_valid_signature_is_accepted(server):
    resp = raw.call(server, "GetDatabases", {})
    assert resp.status == 200, resp
    assert "DatabaseList" in resp.json()


def test_no_authorization_is_missing_authentication_token(server, glue):
    body = _body()
    resp = raw.send(server, {"Content-Type": "application/x-amz-json-1.1",
                             "X-Amz-Target": "AWSGlue.GetDatabases"}, body)
    assert resp.status in AUTH_STATUSES, resp
    assert resp.error_type == "MissingAuthenticationTokenException", resp
    assert resp.headers.get("x-amzn-requestid")
    _assert_still_serving(glue)


INCOMPLETE = ("IncompleteSignatureException",)


@pytest.mark.parametrize("garble,accepted", [
    (lambda h: "AWS4-HMAC-SHA256 garbage", INCOMPLETE),
    (lambda h: h.replace("SignedHeaders=", "SignedHeadrs="), INCOMPLETE),
    (lambda h: h.split(", Signature=")[0], INCOMPLETE),  # no Signature
    (lambda h: h.replace("/glue/aws4_request", "/glue"),  # truncated credential scope
     INCOMPLETE + ("InvalidSignatureException",)),
    (lambda h: "Bearer abc.def", INCOMPLETE + ("MissingAuthenticationTokenException",)),
], ids=["junk", "misspelled-field", "no-signature", "bad-scope", "other-scheme"])
def test_garbled_authorization_is_incomplete_signature(server, glue, garble, accepted):
    body = _body()
    headers = raw.sign(server, "AWSGlue.GetDatabases", body)
    headers["Authorization"] = garble(headers["Authorization"])
    resp = raw.send(server, headers, body)
    assert resp.status in AUTH_STATUSES, resp
    assert resp.error_type in accepted, resp
    _assert_still_serving(glue)


def test_missing_x_amz_date_is_rejected(server, glue):
    body = _body()
    headers = raw.sign(server, "AWSGlue.GetDatabases", body)
    del headers["X-Amz-Date"]
    resp = raw.send(server, headers, body)
    assert resp.status in AUTH_STATUSES, resp
    assert resp.error_type in ("IncompleteSignatureException", "InvalidSignatureException",
                               "MissingAuthenticationTokenException"), resp
    _assert_still_serving(glue)


def test_unknown_access_key_is_unrecognized_client(server, glue):
    stranger = server.client(credentials=Credentials("AKIAUNKNOWNKEY000000", "x" * 40))
    with pytest.raises(ClientError) as exc:
        stranger.get_databases()
    assert error_code(exc) == "UnrecognizedClientException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] in AUTH_STATUSES
    _assert_still_serving(glue)


def test_wrong_secret_is_invalid_signature(server, glue):
    good = server.credentials
    impostor = server.client(credentials=Credentials(good.access_key, good.secret_key[:-1] + "Z"
                                                     if good.secret_key[-1] != "Z" else
                                                     good.secret_key[:-1] + "Y"))
    with pytest.raises(ClientError) as exc:
        impostor.get_databases()
    assert error_code(exc) == "InvalidSignatureException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] in AUTH_STATUSES
    _assert_still_serving(glue)


def test_body_changed_after_signing_is_invalid_signature(server, glue):
    """The server hashes the body itself (botocore sends no x-amz-content-sha256)."""
    body = json.dumps({"Name": "signed"}).encode()
    headers = raw.sign(server, "AWSGlue.GetDatabase", body)
    tampered = json.dumps({"Name": "swapped"}).encode()
    resp = raw.send(server, headers, tampered)
    assert resp.error_type == "InvalidSignatureException", resp
    _assert_still_serving(glue)


def test_header_changed_after_signing_is_invalid_signature(server, glue):
    body = _body()
    headers = raw.sign(server, "AWSGlue.GetDatabases", body)
    headers["X-Amz-Target"] = "AWSGlue.GetConnections"  # a signed header
    resp = raw.send(server, headers, body)
    assert resp.error_type == "InvalidSignatureException", resp
    _assert_still_serving(glue)


def test_signature_for_another_service_is_rejected(server, glue):
    body = _body()
    headers = raw.sign(server, "AWSGlue.GetDatabases", body, service="dynamodb")
    resp = raw.send(server, headers, body)
    assert resp.status in AUTH_STATUSES, resp
    assert resp.error_type in ("InvalidSignatureException", "IncompleteSignatureException"), resp


def _boto3_glue(server, region=REGION, session_token=None):
    creds = server.credentials
    return boto3.session.Session().client(
        "glue", endpoint_url=server.endpoint, region_name=region,
        aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
        aws_session_token=session_token,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def test_region_other_than_the_servers_is_invalid_signature(server, glue):
    """AWS refuses a credential scope naming another region than the endpoint's."""
    resp = raw.call(server, "GetDatabases", {}, region="zz-nowhere-9")
    assert resp.status == 403, resp
    assert resp.error_type == "InvalidSignatureException", resp
    assert "Credential should be scoped to a valid region, not 'zz-nowhere-9'." in resp.message
    with pytest.raises(ClientError) as exc:
        _boto3_glue(server, region="eu-west-1").get_databases()
    assert error_code(exc) == "InvalidSignatureException"
    assert "not 'eu-west-1'" in exc.value.response["Error"]["Message"]
    _assert_still_serving(glue)


def test_auth_regions_lets_clients_sign_for_more_regions(start_server):
    srv = start_server("regions", env={"MORTAR_REGION": "eu-west-1",
                                       "MORTAR_AUTH_REGIONS": "us-east-1,ap-south-1"})
    for region in ("eu-west-1", "us-east-1", "ap-south-1"):
        assert "DatabaseList" in _boto3_glue(srv, region=region).get_databases(), region
    resp = raw.call(srv, "GetDatabases", {}, region="us-west-2")
    assert resp.error_type == "InvalidSignatureException", resp
    assert "not 'us-west-2'" in resp.message


def test_session_token_mortar_did_not_issue_is_unrecognized_client(server, glue):
    """Right key and secret, plus a session token: AWS would look the token up;
    Mortar has issued none, so any token is refused."""
    body = _body()
    headers = raw.sign(server, "AWSGlue.GetDatabases", body,
                       extra_headers={"X-Amz-Security-Token": "bogus-session-token"})
    resp = raw.send(server, headers, body)
    assert resp.status == 403, resp
    assert resp.error_type == "UnrecognizedClientException", resp
    assert resp.message == "The security token included in the request is invalid."
    with pytest.raises(ClientError) as exc:
        _boto3_glue(server, session_token="FwoGZXIvYXdzEBogusToken").get_databases()
    assert error_code(exc) == "UnrecognizedClientException"
    _assert_still_serving(glue)


@pytest.mark.parametrize("skew_minutes", [-16, 16, -60 * 24, 60 * 24])
def test_clock_skew_over_15_minutes_is_rejected(server, glue, skew_minutes):
    when = raw.utc_now() + datetime.timedelta(minutes=skew_minutes)
    resp = raw.call(server, "GetDatabases", {}, when=when)
    assert resp.status in AUTH_STATUSES, resp
    assert resp.error_type in ("InvalidSignatureException", "SignatureDoesNotMatch",
                               "RequestExpired", "RequestTimeTooSkewed"), resp
    assert resp.error_type != "UnrecognizedClientException"
    _assert_still_serving(glue)


@pytest.mark.parametrize("skew_minutes", [-10, 10])
def test_clock_skew_within_15_minutes_is_accepted(server, skew_minutes):
    when = raw.utc_now() + datetime.timedelta(minutes=skew_minutes)
    resp = raw.call(server, "GetDatabases", {}, when=when)
    assert resp.status == 200, resp


def test_auth_errors_are_aws_shaped(server):
    body = _body()
    resp = raw.send(server, {"Content-Type": "application/x-amz-json-1.1",
                             "X-Amz-Target": "AWSGlue.GetDatabases"}, body)
    value = resp.json()
    assert set(value) >= {"__type", "message"} or set(value) >= {"__type", "Message"}
    assert resp.headers.get("x-amzn-errortype", "").split(":")[0] == resp.error_type
    assert resp.headers["content-type"].startswith("application/x-amz-json-1.1")
