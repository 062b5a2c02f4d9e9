"""Dispatch: operations Mortar does not implement answer UnknownOperationException
(so a client learns which), and the server keeps serving."""
import pytest
from botocore.exceptions import ClientError

from support import raw
from support.catalog import error_code


# Glue operations outside this milestone's catalog surface (ML transforms,
# blueprints, data quality, dev endpoints).
@pytest.mark.parametrize("call", [
    lambda g: g.list_ml_transforms(),
    lambda g: g.get_blueprint(Name="bp"),
    lambda g: g.list_data_quality_rulesets(),
    lambda g: g.get_dev_endpoints(),
], ids=["ListMLTransforms", "GetBlueprint", "ListDataQualityRulesets", "GetDevEndpoints"])
def test_unimplemented_model_operation_is_unknown_operation(glue, call):
    with pytest.raises(ClientError) as exc:
        call(glue)
    assert error_code(exc) == "UnknownOperationException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("target", ["AWSGlue.NoSuchOperation", "DynamoDB_20120810.GetItem",
                                    "AWSGlue.", "getdatabases"])
def test_unknown_target_is_unknown_operation(server, glue, target):
    body = b"{}"
    headers = raw.sign(server, target, body)
    resp = raw.send(server, headers, body)
    assert resp.status == 400, resp
    assert resp.error_type == "UnknownOperationException", resp
    assert resp.headers.get("x-amzn-requestid")
    glue.get_databases()
